"""Durations are exact to the microsecond everywhere (a 1.4 s case is 1.4 s, not 1.40000009)."""

from __future__ import annotations

from analytics.cycle_times import case_durations
from analytics.stats import log_stats
from analytics.variants import variants
from proclens.loader import load
from proclens.store import EventStore
from tests.rows import RowSource


def test_sub_second_durations_are_exact(store: EventStore) -> None:
    rows = [
        {"case_id": "c4", "activity": "Submit", "ts": "2025-03-01T10:00:00.100"},
        {"case_id": "c4", "activity": "Pay", "ts": "2025-03-01T10:00:01.500"},
        {"case_id": "c5", "activity": "Submit", "ts": "2025-03-01T10:00:00.000001"},
        {"case_id": "c5", "activity": "Pay", "ts": "2025-03-01T10:00:00.000004"},
    ]
    load(store, RowSource(rows), log="l")
    assert case_durations(store, "l") == {"c4": 1.4, "c5": 3e-06}
    assert log_stats(store, "l")["case_duration_s"]["max"] == 1.4
    assert log_stats(store, "l")["case_duration_s"]["min"] == 3e-06
    [variant] = variants(store, "l")
    assert variant.max_duration_s == 1.4
