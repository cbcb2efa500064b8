"""analytics.periods on the real Sepsis log against pandas / pm4py on the same events: cases
started and finished per week, the share over an SLA (pm4py.get_all_case_durations) and the
figures of two compared periods; and by hand on a tiny log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

import pandas as pd
import pytest

from analytics.filters import Filter
from analytics.periods import PERIOD_FIGURES, change, period_change, sla_share, weekly_flow
from proclens.errors import ConfigError
from proclens.loader import load
from proclens.store import EventStore
from tests.conftest import SAMPLE_LOGS
from tests.frames import FrameSource, read_xes_frame

DAY = 86400.0


@pytest.fixture(scope="module")
def sepsis() -> Iterator[tuple[EventStore, pd.DataFrame]]:
    import pm4py

    frame = read_xes_frame(SAMPLE_LOGS / "sepsis_cases.xes.gz")
    store = EventStore.in_memory()
    load(store, FrameSource(frame), log="l")
    kept = frame.drop_duplicates(keep="first")  # the store sets the exact duplicate aside
    df = pm4py.format_dataframe(
        kept.copy(), case_id="case_id", activity_key="activity", timestamp_key="ts"
    )
    df["time:timestamp"] = pd.to_datetime(df["time:timestamp"], utc=True)
    yield store, df
    store.close()


SIX = timedelta(days=6)  # Monday + 6 days = Sunday


def per_case(df: pd.DataFrame) -> pd.DataFrame:
    """start, end, duration_s and variant per case, computed by pandas / pm4py."""
    groups = df.groupby("case:concept:name")
    out = groups["time:timestamp"].agg(start="min", end="max")
    out["duration_s"] = (out["end"] - out["start"]).dt.total_seconds()
    out["variant"] = groups["concept:name"].agg("\x1f".join)  # format_dataframe's order
    return out


def monday(ts: pd.Series) -> pd.Series:
    return (
        ts.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("W-SUN").dt.start_time
    ).dt.date


def test_weekly_flow_equals_pandas(sepsis: tuple[EventStore, pd.DataFrame]) -> None:
    store, df = sepsis
    cases = per_case(df)
    started = monday(cases["start"]).value_counts().to_dict()
    finished = monday(cases["end"]).value_counts().to_dict()
    flow = weekly_flow(store, "l")
    weeks = [date.fromisoformat(w["week"]) for w in flow]
    assert weeks[0] == min(started)
    assert weeks[-1] == max(finished)
    assert all(b - a == timedelta(days=7) for a, b in pairwise(weeks))
    assert {d: w["started"] for d, w in zip(weeks, flow, strict=True) if w["started"]} == started
    assert {d: w["finished"] for d, w in zip(weeks, flow, strict=True) if w["finished"]} == finished
    assert sum(w["started"] for w in flow) == len(cases) == 1050
    # partial: the data starts after the first week's Monday / ends before the last's Sunday
    first, last = (ts.tz_convert("UTC") for ts in (cases["start"].min(), cases["end"].max()))
    expected = {weeks[0]: first.date() > weeks[0], weeks[-1]: last.date() < weeks[-1] + SIX}
    assert {d: w["partial"] for d, w in zip(weeks, flow, strict=True) if w["partial"]} == {
        d: True for d, p in expected.items() if p
    }
    assert expected == {weeks[0]: True, weeks[-1]: True}  # Sepsis: Thu 7 Nov 2013 .. Fri 5 Jun 2015


@pytest.mark.parametrize("days", [1.0, 7.0, 30.0, 90.0])
def test_sla_share_equals_pm4py_case_durations(
    sepsis: tuple[EventStore, pd.DataFrame], days: float
) -> None:
    import pm4py

    store, df = sepsis
    durations = pm4py.get_all_case_durations(df)
    over = sum(1 for d in durations if d > days * DAY)
    found = sla_share(store, "l", threshold_s=days * DAY)
    assert (found["cases"], found["over"]) == (len(durations), over)
    assert found["share"] == pytest.approx(over / len(durations))
    assert 0 < over < len(durations)  # the threshold splits the log: the check can fail


def _oracle(df: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp, sla_s: float) -> dict[str, float]:
    cases = per_case(df)
    done = cases[(cases["end"] > lo) & (cases["end"] <= hi)]
    events = df[(df["time:timestamp"] > lo) & (df["time:timestamp"] <= hi)]
    return {
        "cases_started": int(((cases["start"] > lo) & (cases["start"] <= hi)).sum()),
        "cases_finished": len(done),
        "events": len(events),
        "activities": events["concept:name"].nunique(),
        "variants": done["variant"].nunique(),
        "median_duration_s": done["duration_s"].median(),
        "mean_duration_s": done["duration_s"].mean(),
        "p90_duration_s": done["duration_s"].quantile(0.9),
        "sla_share": float((done["duration_s"] > sla_s).mean()),
    }


@pytest.mark.parametrize(
    ("end", "weeks", "flt"),
    [
        (None, 4, Filter()),
        (date(2014, 12, 31), 4, Filter()),
        (date(2014, 10, 15), 13, Filter(with_activity=("Admission IC",))),
    ],
)
def test_period_change_equals_pandas(
    sepsis: tuple[EventStore, pd.DataFrame], end: date | None, weeks: int, flt: Filter
) -> None:
    store, df = sepsis
    if flt.with_activity:
        keep = df.loc[df["concept:name"].isin(flt.with_activity), "case:concept:name"].unique()
        df = df[df["case:concept:name"].isin(keep)]
    sla_s = 10 * DAY
    found = period_change(store, "l", flt, weeks=weeks, threshold_s=sla_s, end=end)
    hi = (
        df["time:timestamp"].max()
        if end is None
        else pd.Timestamp(datetime.combine(end, time.max, UTC))
    )
    span = pd.Timedelta(weeks=weeks)
    current = _oracle(df, hi - span, hi, sla_s)
    previous = _oracle(df, hi - 2 * span, hi - span, sla_s)
    assert found["current"]["to"] == hi.isoformat()
    for figure in PERIOD_FIGURES:
        assert found["current"][figure] == pytest.approx(current[figure]), figure
        assert found["previous"][figure] == pytest.approx(previous[figure]), figure
        delta = current[figure] - previous[figure]
        assert found["change"][figure]["delta"] == pytest.approx(delta), figure
    if end is not None:  # mid-log periods hold enough cases for the figures to mean something
        assert current["cases_finished"] > 10
        assert previous["cases_finished"] > 10


def test_change_by_hand() -> None:
    assert change(12, 10) == {"delta": 2, "relative": 0.2}
    assert change(3, 0) == {"delta": 3, "relative": None}
    assert change(None, 4) == {"delta": None, "relative": None}


def test_tiny_log_by_hand(store: EventStore) -> None:
    """Case a: Mon 1 Jan 2024 -> Wed 10 Jan (9 days); b: Tue 9 Jan -> Tue 9 Jan + 1 h;
    c: Mon 22 Jan -> Fri 26 Jan (4 days). Weeks: 1 Jan (a started), 8 Jan (b started, a and
    b finished), 15 Jan (nothing), 22 Jan (c started and finished)."""
    frame = pd.DataFrame(
        [
            ("a", "x", "2024-01-01T08:00Z"), ("a", "y", "2024-01-10T08:00Z"),
            ("b", "x", "2024-01-09T08:00Z"), ("b", "y", "2024-01-09T09:00Z"),
            ("c", "x", "2024-01-22T08:00Z"), ("c", "z", "2024-01-26T08:00Z"),
        ],
        columns=["case_id", "activity", "ts"],
    )  # fmt: skip
    load(store, FrameSource(frame), log="t")
    assert weekly_flow(store, "t") == [  # starts on a Monday; ends on a Friday: partial
        {"week": "2024-01-01", "started": 1, "finished": 0, "partial": False},
        {"week": "2024-01-08", "started": 1, "finished": 2, "partial": False},
        {"week": "2024-01-15", "started": 0, "finished": 0, "partial": False},
        {"week": "2024-01-22", "started": 1, "finished": 1, "partial": True},
    ]
    assert sla_share(store, "t", threshold_s=5 * DAY)["over"] == 1  # only a (9 days)
    assert sla_share(store, "t", threshold_s=4 * DAY)["over"] == 1  # c is exactly 4 days: not over
    # last event Fri 26 Jan 08:00; 1 week back: (19 Jan 08:00, 26 Jan 08:00] holds c only,
    # the week before (12 Jan, 19 Jan] nothing
    found = period_change(store, "t", weeks=1, threshold_s=5 * DAY)
    assert found["current"]["cases_started"] == 1
    assert found["current"]["median_duration_s"] == 4 * DAY
    assert found["previous"]["cases_finished"] == 0
    assert found["change"]["cases_finished"] == {"delta": 1, "relative": None}
    two = period_change(store, "t", weeks=2, threshold_s=5 * DAY)
    assert two["previous"]["cases_finished"] == 2  # (29 Dec, 12 Jan]: a and b
    assert two["previous"]["sla_share"] == 0.5


def test_bad_arguments_say_what_to_do(store: EventStore) -> None:
    with pytest.raises(ConfigError, match="at least 1 week"):
        period_change(store, "t", weeks=0)
    with pytest.raises(ConfigError, match="positive duration"):
        sla_share(store, "t", threshold_s=0)
