"""Every filter kind against a hand-computed answer on one small log."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from analytics.base import cases_sql, instances_params, instances_sql
from analytics.engine import DuckDBEngine
from analytics.filters import Filter
from analytics.maps import process_map
from analytics.stats import log_stats
from analytics.variants import variant_counts, variants
from proclens.errors import ConfigError
from proclens.loader import load
from proclens.store import EventStore
from tests.rows import RowSource


def ev(case: str, act: str, t: str, res: str, dept: str | None = None) -> dict[str, Any]:
    return {"case_id": case, "activity": act, "ts": t, "resource": res, "department": dept}


ROWS = [
    ev("c1", "A", "2024-01-01T09:00", "r1", "D1"),
    ev("c1", "B", "2024-01-01T10:00", "r2", "D2"),
    ev("c1", "C", "2024-01-01T12:00", "r1", "D1"),  # 3 h
    ev("c2", "A", "2024-01-02T09:00", "r1"),
    ev("c2", "C", "2024-01-02T09:30", "r3", "D3"),  # 30 min
    ev("c3", "B", "2024-02-01T08:00", "r2"),
    ev("c3", "A", "2024-02-01T09:00", "r1"),
    ev("c3", "B", "2024-02-03T08:00", "r2"),  # 48 h
    ev("c4", "A", "2024-03-01T00:00", "r4", "D1"),
    ev("c4", "B", "2024-03-01T00:00", "r2"),  # tie with A: file order, A first
    ev("c4", "C", "2024-03-05T00:00", "r3"),  # 4 d
]
CASES = [("c1", {"region": "north", "amount": 5}), ("c2", {"region": "south"}),
         ("c3", {"region": "north"}), ("c5", {"region": "north"})]  # fmt: skip


@pytest.fixture
def log(store: EventStore) -> EventStore:
    load(store, RowSource(ROWS, case_rows=CASES), log="l")
    return store


def kept(store: EventStore, flt: Filter) -> set[str]:
    rows = store.con.execute(
        f"SELECT DISTINCT case_id FROM ({instances_sql(flt)}) i", instances_params("l", flt)
    ).fetchall()
    return {r[0] for r in rows}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (Filter(), {"c1", "c2", "c3", "c4"}),
        (Filter(start=utc("2024-01-02"), end=utc("2024-02-02")), {"c2", "c3"}),
        (Filter(start=utc("2024-01-02"), end=utc("2024-02-02"), time_mode="started"), {"c2", "c3"}),
        (Filter(start=utc("2024-01-02"), end=utc("2024-02-02"), time_mode="completed"), {"c2"}),
        (Filter(start=utc("2024-01-01T10:00"), time_mode="contained"), {"c2", "c3", "c4"}),
        (Filter(end=utc("2024-01-02")), {"c1"}),
        (Filter(where=(("region", "north"),)), {"c1", "c3"}),
        (Filter(where=(("amount", "5"),)), {"c1"}),
        (Filter(where=(("region", "north"), ("amount", "5"))), {"c1"}),
        (Filter(with_activity=("C",)), {"c1", "c2", "c4"}),
        (Filter(with_activity=("B", "C")), {"c1", "c4"}),
        (Filter(without_activity=("B",)), {"c2"}),
        (Filter(start_activity=("B",)), {"c3"}),
        (Filter(end_activity=("C",)), {"c1", "c2", "c4"}),
        (Filter(end_activity=("B", "C")), {"c1", "c2", "c3", "c4"}),
        (Filter(variants=(("A", "B", "C"),)), {"c1", "c4"}),
        (Filter(variants=(("A", "C"), ("B", "A", "B"))), {"c2", "c3"}),
        (Filter(min_duration_s=3600), {"c1", "c3", "c4"}),
        (Filter(max_duration_s=3 * 3600), {"c1", "c2"}),
        (Filter(min_duration_s=3 * 3600, max_duration_s=3 * 3600), {"c1"}),
        (Filter(resources=("r3",)), {"c2", "c4"}),
        (Filter(resources=("r3", "r4")), {"c2", "c4"}),
        (Filter(departments=("D1",)), {"c1", "c4"}),
        (Filter(follows=(("A", "B"),)), {"c1", "c3", "c4"}),
        (Filter(follows=(("B", "A"),)), {"c3"}),
        (Filter(follows=(("A", "B"), ("B", "C"))), {"c1", "c4"}),
        (Filter(with_activity=("C",), resources=("r1",)), {"c1", "c2"}),
    ],
)
def test_each_filter_kind(log: EventStore, flt: Filter, expected: set[str]) -> None:
    assert kept(log, flt) == expected


def test_user_values_are_parameters_never_sql(log: EventStore) -> None:
    nasty = "x' OR 1=1 --"
    assert kept(log, Filter(with_activity=(nasty,))) == set()
    assert kept(log, Filter(where=((nasty, "north"),))) == set()
    assert kept(log, Filter(where=(('re"gion', "north"),))) == set()
    sql = instances_sql(Filter(with_activity=(nasty,), where=((nasty, nasty),)))
    assert nasty not in sql


def test_cases_without_events_follow_case_filters(log: EventStore) -> None:
    flt = Filter(where=(("region", "north"),))
    rows = log.con.execute(cases_sql(flt), instances_params("l", flt)).fetchall()
    assert {r[0] for r in rows} == {"c1", "c3", "c5"}
    assert dict(variant_counts(DuckDBEngine(log), "l", flt)) == {
        ("A", "B", "C"): 1, ("B", "A", "B"): 1, (): 1,
    }  # fmt: skip
    assert log_stats(log, "l", flt)["cases"] == 3


def test_every_analysis_takes_the_filter(log: EventStore) -> None:
    flt = Filter(resources=("r3",))
    pmap = process_map(log, "l", flt)
    assert {(e["source"], e["target"]): e["count"] for e in pmap.edges} == {
        ("A", "C"): 1, ("A", "B"): 1, ("B", "C"): 1,
    }  # fmt: skip
    assert pmap.start_activities == {"A": 2}
    assert [(v.variant, v.cases) for v in variants(log, "l", flt)] == [
        (["A", "B", "C"], 1), (["A", "C"], 1),
    ]  # fmt: skip
    assert log_stats(log, "l", flt)["events"] == 5


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start": utc("2024-02-01"), "end": utc("2024-01-01")},
        {"min_duration_s": 10.0, "max_duration_s": 5.0},
        {"time_mode": "sometimes"},
    ],
)
def test_impossible_filters_say_so(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        Filter(**kwargs)


def test_describe_lists_only_active_parts() -> None:
    flt = Filter(start=utc("2024-01-01"), follows=(("A", "B"),))
    assert flt.describe() == {
        "start": "2024-01-01T00:00:00+00:00", "follows": [["A", "B"]], "time_mode": "intersecting",
    }  # fmt: skip


def test_filters_are_values_usable_as_cache_keys() -> None:
    a = Filter(follows=(("A", "B"),), where=(("region", "north"),))
    b = Filter(follows=(("A", "B"),), where=(("region", "north"),))
    assert a == b
    assert hash(a) == hash(b)
    assert Filter().is_empty()
    assert not a.is_empty()


def test_describe_round_trips_through_from_dict() -> None:
    flt = Filter(
        start=utc("2024-01-01"), end=utc("2024-02-01"), time_mode="started",
        where=(("region", "north"),), with_activity=("A",), without_activity=("B",),
        start_activity=("A",), end_activity=("C",), variants=(("A", "C"),),
        min_duration_s=60.0, max_duration_s=3600.0, resources=("r1",), departments=("D1",),
        follows=(("A", "C"),),
    )  # fmt: skip
    assert Filter.from_dict(flt.describe()) == flt
    with pytest.raises(ConfigError, match="unknown filter keys"):
        Filter.from_dict({"colour": "red"})


def test_case_attribute_values_are_pm4pys_and_each_selects_its_cases(db_path: Any) -> None:
    """The OA sample log's trace attributes: the values (and cases) the filter offers equal
    pm4py's `get_trace_attribute_values`; each selects that many cases; keys with more than
    MAX_ATTRIBUTE_VALUES values (the applicant) are not offered."""
    import pm4py

    from analytics.filters import MAX_ATTRIBUTE_VALUES, case_attribute_values
    from connectors.registry import FileOptions
    from connectors.xes import XesSource
    from tests.conftest import SAMPLE_LOGS

    path = SAMPLE_LOGS / "oa_approval.xes.gz"
    with EventStore.open(db_path) as store:
        load(store, XesSource(path, FileOptions()), log="oa")
        offered = case_attribute_values(store.con, "oa")
        keys = {k for k, _, _ in offered}
        assert {"process", "department"} <= keys
        assert "applicant" not in keys
        # one row per case: on a DataFrame pm4py counts the events of each value
        frame = pm4py.read_xes(str(path)).drop_duplicates("case:concept:name")
        for key in keys:
            theirs = pm4py.get_trace_attribute_values(frame, key)
            assert 2 <= len(theirs) <= MAX_ATTRIBUTE_VALUES
            ours = {v: n for k, v, n in offered if k == key}
            # pandas holds a column of whole numbers with gaps as floats: 1.0 is the log's 1
            assert ours == {_text(v): n for v, n in theirs.items()}, key
        for key, value, cases in offered:
            assert log_stats(store, "oa", Filter(where=((key, value),)))["cases"] == cases
        assert len(pm4py.get_trace_attribute_values(frame, "applicant")) > MAX_ATTRIBUTE_VALUES


def _text(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
