"""On the real logs in sample_logs/: the SQL map, performance map, variants and case durations
equal pm4py's on the same events (pm4py after format_dataframe, which sorts by case,
timestamp and file position: the order rule of analytics/base.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from analytics.cycle_times import case_durations
from analytics.engine import DuckDBEngine
from analytics.filters import Filter
from analytics.maps import frequency_map, process_map
from analytics.variants import variant_counts, variants
from proclens.loader import load
from proclens.store import EventStore
from tests.conftest import SAMPLE_LOGS
from tests.frames import FrameSource, read_xes_frame

pytestmark = pytest.mark.slow

LOGS = ["sepsis_cases", "RequestForPayment", "DomesticDeclarations", "PermitLog"]


@pytest.fixture(scope="module", params=LOGS)
def loaded(request: pytest.FixtureRequest) -> Iterator[tuple[EventStore, pd.DataFrame]]:
    frame = read_xes_frame(SAMPLE_LOGS / f"{request.param}.xes.gz")
    store = EventStore.in_memory()
    report = load(store, FrameSource(frame), log="l")
    # the store sets exact duplicates aside (README); pm4py gets the same events
    kept = frame.drop_duplicates(keep="first")
    assert report.loaded == report.events == len(kept)
    yield store, _pm4py_frame(kept)
    store.close()


def _pm4py_frame(frame: pd.DataFrame) -> pd.DataFrame:
    import pm4py

    return pm4py.format_dataframe(
        frame.copy(), case_id="case_id", activity_key="activity", timestamp_key="ts"
    )


def test_map_equals_discover_dfg(loaded: tuple[EventStore, pd.DataFrame]) -> None:
    import pm4py

    store, df = loaded
    dfg, starts, ends = pm4py.discover_dfg(df)
    pmap = process_map(store, "l")
    assert {(e["source"], e["target"]): e["count"] for e in pmap.edges} == dict(dfg)
    assert pmap.start_activities == dict(starts)
    assert pmap.end_activities == dict(ends)
    counts = df["concept:name"].value_counts().to_dict()
    assert {n["activity"]: n["events"] for n in pmap.nodes} == counts


def test_frequency_map_equals_discover_dfg_and_the_full_map(
    loaded: tuple[EventStore, pd.DataFrame],
) -> None:
    """The frequencies read from the stored variants equal pm4py's DFG, and equal the event
    scan's (process_map) for a filtered and for a projected view too."""
    import pm4py

    store, df = loaded
    dfg, starts, ends = pm4py.discover_dfg(df)
    fmap = frequency_map(store, "l")
    assert {(e["source"], e["target"]): e["count"] for e in fmap.edges} == dict(dfg)
    assert fmap.start_activities == dict(starts)
    assert fmap.end_activities == dict(ends)
    assert {n["activity"]: n["events"] for n in fmap.nodes} == df[
        "concept:name"
    ].value_counts().to_dict()

    def counts(pmap: Any) -> tuple[Any, ...]:
        return (
            [(n["activity"], n["events"], n["cases"]) for n in pmap.nodes],
            sorted((e["source"], e["target"], e["count"], e["cases"]) for e in pmap.edges),
            pmap.start_activities,
            pmap.end_activities,
        )

    ranked = [n["activity"] for n in process_map(store, "l").nodes]
    keep = tuple(ranked[: max(1, len(ranked) // 2)])
    middle = (
        df["time:timestamp"].min() + (df["time:timestamp"].max() - df["time:timestamp"].min()) / 2
    )
    for flt, projected in (
        (None, None),
        (Filter(start=middle.to_pydatetime()), None),
        (None, keep),
    ):
        assert counts(frequency_map(store, "l", flt, projected)) == counts(
            process_map(store, "l", flt, projected)
        )


def test_performance_map_equals_discover_performance_dfg(
    loaded: tuple[EventStore, pd.DataFrame],
) -> None:
    import pm4py

    store, df = loaded
    perf: dict[tuple[str, str], dict[str, Any]] = pm4py.discover_performance_dfg(df)[0]
    edges = {(e["source"], e["target"]): e for e in process_map(store, "l").edges}
    assert set(edges) == set(perf)
    for key, want in perf.items():
        got = edges[key]
        for ours, theirs in (("mean_s", "mean"), ("median_s", "median"), ("min_s", "min"),
                             ("max_s", "max"), ("total_s", "sum")):  # fmt: skip
            assert got[ours] == pytest.approx(want[theirs], rel=1e-9, abs=1e-6), (key, ours)
        if got["count"] > 1:
            assert got["stdev_s"] == pytest.approx(want["stdev"], rel=1e-6, abs=1e-6)
        else:
            assert got["stdev_s"] is None


def test_variants_equal_get_variants(loaded: tuple[EventStore, pd.DataFrame]) -> None:
    import pm4py

    store, df = loaded
    theirs = {tuple(k): int(v) for k, v in pm4py.get_variants(df).items()}
    ours = dict(variant_counts(DuckDBEngine(store), "l"))
    assert ours == theirs
    ranked = variants(store, "l")
    assert {tuple(v.variant): v.cases for v in ranked} == theirs
    assert ranked[-1].cumulative_share == pytest.approx(1.0)
    assert [v.cases for v in ranked] == sorted(theirs.values(), reverse=True)


def test_case_durations_equal_get_all_case_durations(
    loaded: tuple[EventStore, pd.DataFrame],
) -> None:
    import pm4py

    store, df = loaded
    theirs = sorted(pm4py.get_all_case_durations(df))
    ours = sorted(case_durations(store, "l").values())
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-6)
