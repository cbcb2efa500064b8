"""Case 16: OCEL 2.0 relations, qualifiers, attribute history, non-ASCII names, offsets.

Every number below is from ../shared/cases/16-ocel2-json-relations-unicode/expected.md and must
hold for the JSON file, the SQLite file pm4py wrote from it, and an XML written from it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from analytics.engine import DuckDBEngine
from analytics.ocel import attribute_history, ocel_info
from analytics.stats import log_stats
from analytics.variants import variant_counts
from connectors.ocel import ocel_source
from connectors.registry import FileOptions
from proclens.multiload import load_multi
from proclens.store import EventStore
from tests.conftest import DATA

CASE = DATA / "16-ocel2-json-relations-unicode"


def _xml_copy(tmp_path: Path) -> Path:
    import pm4py

    out = tmp_path / "case16.xmlocel"
    pm4py.write_ocel2_xml(pm4py.read_ocel2_json(str(CASE / "input.json")), str(out))
    return out


@pytest.fixture(params=["input.json", "input.sqlite", "xml"])
def loaded(request: pytest.FixtureRequest, store: EventStore, tmp_path: Path) -> EventStore:
    path = _xml_copy(tmp_path) if request.param == "xml" else CASE / request.param
    load_multi(store, ocel_source(path, FileOptions()), log="c16")
    return store


def test_events_objects_types_and_relations(loaded: EventStore) -> None:
    info = ocel_info(loaded, "c16")
    assert (info["events"], info["objects"]) == (8, 7)
    assert info["object_types"] == {"item": 3, "customer": 2, "order": 2}
    assert info["event_types"] == {"pick item": 3, "place order": 2, "付款": 2,
                                   "Bestätigung senden": 1}  # fmt: skip
    rel = info["relations"]
    assert rel["e2o"] == 17
    assert rel["e2o_by_qualifier"] == {"order": 8, "item": 6, "customer": 2, "recipient": 1}
    assert rel["o2o"] == 5
    o2o = loaded.con.execute(
        "SELECT qualifier, list(source_object || '>' || target_object ORDER BY target_object)"
        " FROM ocel_o2o WHERE log = 'c16' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert o2o == [("contains", ["o1>i1", "o1>i2", "o2>i3"]), ("placed by", ["o1>c1", "o2>c2"])]


def test_names_are_byte_exact_and_offsets_become_utc(loaded: EventStore) -> None:
    names = {r[0] for r in loaded.con.execute("SELECT event_type FROM ocel_events").fetchall()}
    assert "付款".encode() in {n.encode() for n in names}
    assert "Bestätigung senden".encode() in {n.encode() for n in names}
    e6, e7 = (
        loaded.con.execute("SELECT ts FROM ocel_events WHERE event_id = ?", [e]).fetchone()[0]  # type: ignore[index]
        for e in ("e6", "e7")
    )
    assert e7 == datetime(2025, 4, 1, 11, 30, tzinfo=UTC)
    assert e7 > e6
    cities = loaded.con.execute(
        "SELECT object_id, attributes->>'city' FROM ocel_objects WHERE object_type = 'customer'"
        " ORDER BY 1"
    ).fetchall()
    assert cities == [("c1", "Tromsø"), ("c2", "上海")]


def test_object_attributes_and_status_history(loaded: EventStore) -> None:
    attrs = dict(
        loaded.con.execute(
            "SELECT object_id, coalesce(attributes->>'amount', attributes->>'weight')"
            " FROM ocel_objects WHERE object_type IN ('order', 'item')"
        ).fetchall()
    )
    assert {k: float(v) for k, v in attrs.items()} == {
        "o1": 30.5, "o2": 12.0, "i1": 1.5, "i2": 0.25, "i3": 2.0}  # fmt: skip
    history = attribute_history(loaded, "c16", "o1", "status")
    assert [v for _, v in history] == ['"open"', '"paid"']
    assert history[1][0] == datetime(2025, 4, 1, 11, tzinfo=UTC)
    assert [v for _, v in attribute_history(loaded, "c16", "o2", "status")] == ['"open"']
    paid = loaded.con.execute(
        "SELECT event_id, (attributes->>'paid')::DOUBLE FROM ocel_events"
        " WHERE event_type = '付款' ORDER BY 1"
    ).fetchall()
    assert paid == [("e6", 30.5), ("e8", 12.0)]
    channels = loaded.con.execute(
        "SELECT attributes->>'channel' FROM ocel_events"
        " WHERE event_type = 'place order' ORDER BY ts"
    ).fetchall()
    assert channels == [("web",), ("phone",)]


def test_json_keeps_the_time_of_the_first_status(store: EventStore) -> None:
    load_multi(store, ocel_source(CASE / "input.json", FileOptions()), log="c16")
    history = attribute_history(store, "c16", "o1", "status")
    assert history[0] == (datetime(2025, 4, 1, 8, tzinfo=UTC), '"open"')


def _dfg(store: EventStore, log: str) -> dict[tuple[str, str], int]:
    rows = store.con.execute(
        "SELECT a, b, count(*) FROM (SELECT activity AS a, lead(activity) OVER"
        " (PARTITION BY case_id ORDER BY order_ts, ts, event_index) AS b"
        " FROM activity_instances WHERE log = ?) WHERE b IS NOT NULL GROUP BY a, b",
        [log],
    ).fetchall()
    return {(a, b): int(n) for a, b, n in rows}


def test_flattened_order_log(loaded: EventStore) -> None:
    stats = log_stats(loaded, "c16/order")
    assert (stats["cases"], stats["events"], stats["variants"]) == (2, 8, 2)
    assert variant_counts(DuckDBEngine(loaded), "c16/order") == [
        (("place order", "pick item", "pick item", "付款", "Bestätigung senden"), 1),
        (("place order", "pick item", "付款"), 1),
    ]
    durations = dict(
        loaded.con.execute(
            "SELECT case_id, epoch(max(ts) - min(ts)) FROM activity_instances"
            " WHERE log = 'c16/order' GROUP BY 1"
        ).fetchall()
    )
    assert durations == {"o1": 12600.0, "o2": 10800.0}
    assert _dfg(loaded, "c16/order") == {
        ("place order", "pick item"): 2,
        ("pick item", "pick item"): 1,
        ("pick item", "付款"): 2,
        ("付款", "Bestätigung senden"): 1,
    }


def test_flattened_item_and_customer_logs_and_convergence(loaded: EventStore) -> None:
    item = log_stats(loaded, "c16/item")
    assert (item["cases"], item["events"], item["variants"]) == (3, 6, 1)
    assert variant_counts(DuckDBEngine(loaded), "c16/item") == [(("place order", "pick item"), 3)]
    customer = log_stats(loaded, "c16/customer")
    assert (customer["cases"], customer["events"]) == (2, 3)
    assert variant_counts(DuckDBEngine(loaded), "c16/customer") == [
        (("place order",), 1),
        (("place order", "Bestätigung senden"), 1),
    ]
    flat = {f["object_type"]: f for f in ocel_info(loaded, "c16")["flattened_logs"]}
    assert {t: f["convergence"] for t, f in flat.items()} == {"item": 1, "order": 0, "customer": 0}
