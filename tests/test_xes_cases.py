"""Cases 08 (empty trace) and 14 (nested XES attributes), values from their expected.md."""

from __future__ import annotations

import json
from typing import Any

from analytics.engine import DuckDBEngine
from analytics.stats import log_stats
from analytics.variants import variant_counts
from connectors.registry import FileOptions
from connectors.xes import XesSource
from proclens.loader import load
from proclens.store import EventStore
from tests.conftest import DATA

CASE08 = DATA / "08-empty-trace" / "input.xes"
CASE14 = DATA / "14-xes-nested-list-attributes" / "input.xes"


def rows(store: EventStore, sql: str) -> list[tuple[Any, ...]]:
    return store.con.execute(sql).fetchall()


def case_durations(store: EventStore) -> dict[str, float | None]:
    got = rows(
        store,
        "SELECT c.case_id, epoch(max(i.ts) - min(i.order_ts)) FROM cases c"
        " LEFT JOIN activity_instances i USING (log, case_id) GROUP BY c.case_id",
    )
    return dict(got)


def test_case08_empty_trace_is_a_case_with_an_empty_variant(store: EventStore) -> None:
    report = load(store, XesSource(CASE08, FileOptions()), log="l")
    assert (report.read, report.loaded, report.cases, report.events) == (4, 4, 3, 4)
    stats = log_stats(store, "l")
    assert (stats["cases"], stats["events"], stats["activities"], stats["variants"]) == (3, 4, 2, 2)
    assert stats["cases_without_events"] == 1
    assert stats["start_activities"] == {"a": 2}
    assert stats["end_activities"] == {"b": 2}
    assert stats["case_duration_s"]["mean"] == 2700.0
    assert variant_counts(DuckDBEngine(store), "l") == [(("a", "b"), 2), ((), 1)]
    assert case_durations(store) == {"e1": 3600.0, "e2": 1800.0, "e3": None}
    channels = rows(
        store, "SELECT attributes->>'channel' AS ch, count(*) FROM cases GROUP BY ch ORDER BY ch"
    )
    assert channels == [("phone", 1), ("web", 2)]


def test_case08_pm4py_legacy_log_agrees_and_dataframe_drops_the_empty_trace() -> None:
    import pm4py

    legacy = pm4py.read_xes(str(CASE08), return_legacy_log_object=True)
    assert len(legacy) == 3
    assert sorted(len(t) for t in legacy) == [0, 2, 2]
    frame = pm4py.read_xes(str(CASE08))
    assert frame["case:concept:name"].nunique() == 2  # the pm4py fault the case documents


def test_case14_nested_attributes_are_kept_typed(store: EventStore) -> None:
    load(store, XesSource(CASE14, FileOptions()), log="l")
    stats = log_stats(store, "l")
    assert (stats["cases"], stats["events"], stats["activities"], stats["variants"]) == (2, 5, 3, 2)
    per_activity = rows(store, "SELECT activity, count(*) FROM events GROUP BY 1 ORDER BY 1")
    assert per_activity == [("Create order", 2), ("Invoice order", 2), ("Ship order", 1)]
    assert variant_counts(DuckDBEngine(store), "l") == [
        (("Create order", "Invoice order"), 1),
        (("Create order", "Ship order", "Invoice order"), 1),
    ]
    assert case_durations(store) == {"o-100": 172800.0, "o-101": 28800.0}
    cases = dict(rows(store, "SELECT case_id, attributes FROM cases"))
    assert json.loads(cases["o-100"]) == {
        "region": "North", "tags": ["priority", "export"], "@meta": {"tags": {"@item": "tag"}}
    }  # fmt: skip
    assert json.loads(cases["o-101"]) == {"region": "South"}
    amount = rows(
        store,
        "SELECT list(json_type(attributes->'amount') ORDER BY case_id),"
        " avg((attributes->>'amount')::DOUBLE) FROM events"
        " WHERE (attributes->'amount') IS NOT NULL",
    )
    assert amount == [(["DOUBLE", "DOUBLE"], 100.25)]
    attrs = dict(rows(store, "SELECT case_id || '/' || activity, attributes FROM events"))
    assert json.loads(attrs["o-100/Create order"]) == {
        "amount": 120.5, "@meta": {"amount": {"currency": "EUR"}}
    }  # fmt: skip
    assert json.loads(attrs["o-100/Ship order"])["items"] == [
        {"sku": "X1", "qty": 2}, {"sku": "X2", "qty": 1}
    ]  # fmt: skip
    assert json.loads(attrs["o-101/Create order"]) == {"amount": 80.0, "express": True}
    assert json.loads(attrs["o-101/Invoice order"]) == {"express": False}
    log_attrs = json.loads(rows(store, "SELECT attributes FROM logs")[0][0])
    assert log_attrs["attributes"]["extraction-date"] == "2025-02-03"
    assert log_attrs["attributes"]["sources"] == [[{"scope": "case"}, {"id-field": "order_no"}]]
    assert log_attrs["attributes"]["metrics"] == [[{"metric-code": "M-ORDERS"}, {"value": 2.0}]]
    assert log_attrs["classifiers"] == [{"name": "Activity", "keys": ["concept:name"],
                                         "scope": None}]  # fmt: skip


def test_case14_counts_and_durations_match_pm4py(store: EventStore) -> None:
    import pm4py

    load(store, XesSource(CASE14, FileOptions()), log="l")
    frame = pm4py.read_xes(str(CASE14))
    stats = log_stats(store, "l")
    assert stats["events"] == len(frame)
    assert stats["cases"] == frame["case:concept:name"].nunique()
    durations = sorted(pm4py.get_all_case_durations(frame))
    assert sorted(v for v in case_durations(store).values() if v is not None) == durations
