"""The stored case order (proclens/order.py): positions and per-case facts after every load
kind, equal to what a full load of the same events stores, and upgraded on old stores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from analytics.cycle_times import busy_idle, busy_idle_per_case
from analytics.engine import DuckDBEngine
from analytics.filters import Filter
from analytics.variants import variant_counts
from proclens.commands.dashboard import ready_for_readers
from proclens.errors import StoreError
from proclens.loader import Mode, load
from proclens.store import EventStore
from tests.rows import RowSource


def ev(case: str, act: str, t: str, **kw: object) -> dict[str, object]:
    return {"case_id": case, "activity": act, "ts": f"2024-01-01T{t}", **kw}


def facts(store: EventStore) -> list[tuple[Any, ...]]:
    return store.con.execute(
        "SELECT case_id, instances, first_ts, last_ts, variant FROM cases ORDER BY case_id"
    ).fetchall()


def positions(store: EventStore) -> list[tuple[Any, ...]]:
    return store.con.execute(
        "SELECT case_id, seq, activity, ts, next_activity, next_order_ts FROM events"
        " WHERE is_instance ORDER BY case_id, seq"
    ).fetchall()


def loaded(*loads: tuple[list[dict[str, object]], Mode]) -> EventStore:
    store = EventStore.in_memory()
    for rows, mode in loads:
        load(store, RowSource(rows), log="l", mode=mode)
    return store


FIRST = [ev("c1", "a", "10:00"), ev("c1", "c", "12:00"), ev("c2", "x", "09:00")]


def test_ties_keep_source_order_and_start_times_order_first() -> None:
    rows = [
        ev("c1", "b", "10:00"),
        ev("c1", "a", "10:00"),  # same time as b: after it (source order)
        ev("c1", "long", "11:00", start_ts="2024-01-01T09:00"),  # started first
    ]
    store = loaded((rows, "new"))
    assert [r[2] for r in positions(store)] == ["long", "b", "a"]
    assert [r[1] for r in positions(store)] == [1, 2, 3]
    assert facts(store)[0][1] == 3
    assert facts(store)[0][4] == ["long", "b", "a"]


def test_append_into_an_existing_case_renumbers_it_like_a_full_load() -> None:
    later = [ev("c1", "b", "11:00"), ev("c3", "y", "08:00")]
    appended = loaded((FIRST, "new"), (later, "append"))
    full = loaded((FIRST + later, "new"))
    assert positions(appended) == positions(full)
    assert facts(appended) == facts(full)
    assert [f[4] for f in facts(appended)] == [["a", "b", "c"], ["x"], ["y"]]


def test_merge_moving_an_event_to_another_case_updates_both_cases() -> None:
    keyed = [dict(r, event_key=f"k{i}") for i, r in enumerate(FIRST)]
    moved = [ev("c2", "c", "08:00", event_key="k1")]  # was c1's 'c' at 12:00
    merged = loaded((keyed, "new"), (moved, "merge"))
    assert [f[4] for f in facts(merged)] == [["a"], ["c", "x"]]
    full = loaded(([keyed[0], keyed[2], *moved], "new"))
    assert positions(merged) == positions(full)
    assert facts(merged) == facts(full)


def test_replace_rewrites_the_order_and_empty_cases_have_the_empty_variant() -> None:
    store = loaded((FIRST, "new"))
    load(
        store,
        RowSource([ev("c9", "z", "10:00")], case_rows=[("c0", None)]),
        log="l",
        mode="replace",
    )
    assert [(f[0], f[1], f[4]) for f in facts(store)] == [("c0", 0, []), ("c9", 1, ["z"])]
    assert variant_counts(DuckDBEngine(store), "l") == [((), 1), (("z",), 1)]
    # without an activity keeps the empty case; a start activity needs one
    without = Filter(without_activity=("z",))
    assert variant_counts(DuckDBEngine(store), "l", without) == [((), 1)]
    assert variant_counts(DuckDBEngine(store), "l", Filter(start_activity=("z",))) == [(("z",), 1)]


def test_a_store_without_the_stored_order_is_filled_on_opening_for_writing(
    tmp_path: Path,
) -> None:
    db = tmp_path / "old.duckdb"
    with EventStore.open(db) as store:
        load(store, RowSource(FIRST), log="l")
        before = (positions(store), facts(store))
        store.con.execute("UPDATE events SET seq = NULL")
        store.con.execute("UPDATE cases SET instances = NULL, variant = NULL")
    with pytest.raises(StoreError, match="older ProcLens"):
        EventStore.open(db, read_only=True)
    assert ready_for_readers(db)  # what 'proclens dashboard' does before it serves
    assert not ready_for_readers(db)
    with EventStore.open(db, read_only=True) as store:
        assert (positions(store), facts(store)) == before
    with EventStore.open(db, read_only=True) as store:
        assert facts(store) == before[1]


def test_busy_idle_without_start_times_equals_the_ordered_passes() -> None:
    rows = [ev("c1", "a", "10:00"), ev("c1", "b", "10:00"), ev("c1", "c", "12:30")]
    store = loaded(([*rows, ev("c2", "x", "09:00")], "new"))
    totals = busy_idle(store, "l")
    per_case = busy_idle_per_case(store, "l")  # the general path, with both ordered passes
    assert totals == {
        "cases": 2, "duration_s": 9000.0, "service_s": 0.0, "busy_s": 0.0, "idle_s": 9000.0,
        "overlap_s": 0.0, "mean_flow_efficiency": 0.0, "overall_flow_efficiency": 0.0,
        "cases_with_start_times": 0,
    }  # fmt: skip
    for key in ("duration_s", "service_s", "busy_s", "idle_s", "overlap_s"):
        assert totals[key] == sum(c[key] or 0.0 for c in per_case.values())
    assert [c["flow_efficiency"] for c in per_case.values()].count(None) == 1


def recomputed(store: EventStore) -> list[tuple[Any, ...]]:
    """The per-case facts computed from the events by the order's definition, without `seq`
    or the stored successors: with each case the (activity, next activity, next order time)
    of its instances in order."""
    return store.con.execute(
        """WITH i AS (
               SELECT log, case_id, activity, ts, order_ts, event_index,
                      lead(activity) OVER w AS na, lead(order_ts) OVER w AS nt
               FROM activity_instances
               WINDOW w AS (PARTITION BY log, case_id ORDER BY order_ts, ts, event_index))
           SELECT c.log, c.case_id, count(i.case_id), min(i.order_ts), max(i.ts),
                  coalesce(list(i.activity ORDER BY i.order_ts, i.ts, i.event_index)
                           FILTER (WHERE i.case_id IS NOT NULL), []),
                  coalesce(list((i.activity, i.na, i.nt) ORDER BY i.order_ts, i.ts, i.event_index)
                           FILTER (WHERE i.case_id IS NOT NULL), [])
           FROM cases c LEFT JOIN i ON i.log = c.log AND i.case_id = c.case_id
           GROUP BY c.log, c.case_id ORDER BY c.log, c.case_id"""
    ).fetchall()


def stored(store: EventStore) -> list[tuple[Any, ...]]:
    return store.con.execute(
        """SELECT c.log, c.case_id, any_value(c.instances), any_value(c.first_ts),
                  any_value(c.last_ts), any_value(c.variant),
                  coalesce(list((i.activity, i.next_activity, i.next_order_ts) ORDER BY i.seq)
                           FILTER (WHERE i.case_id IS NOT NULL), [])
           FROM cases c LEFT JOIN activity_instances i ON i.log = c.log AND i.case_id = c.case_id
           GROUP BY c.log, c.case_id ORDER BY c.log, c.case_id"""
    ).fetchall()


def test_ocel_flattening_replace_and_delete_keep_the_stored_order(db_path: Path) -> None:
    from proclens.cli import main
    from proclens.loader import delete_log
    from tests.conftest import DATA

    ocel = str(DATA / "16-ocel2-json-relations-unicode" / "input.json")
    assert main(["ingest", ocel, "--db", str(db_path), "--log", "c"]) == 0
    with EventStore.open(db_path, read_only=True) as store:
        first = stored(store)
        assert {r[0] for r in first} == {"c/customer", "c/order", "c/item"}
        assert first == recomputed(store)
        unordered = store.con.execute(
            "SELECT count(*) FROM events WHERE is_instance AND seq IS NULL"
        ).fetchone()
        assert unordered == (0,)
    assert main(["ingest", ocel, "--db", str(db_path), "--log", "c", "--replace"]) == 0
    with EventStore.open(db_path) as store:
        assert stored(store) == first == recomputed(store)
        load(store, RowSource(FIRST), log="flat")
        with store.transaction() as con:
            delete_log(con, "c")
        assert [r[0] for r in stored(store)] == ["flat", "flat"]
        assert stored(store) == recomputed(store)


def test_a_store_of_the_schema_before_the_stored_order_is_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "older.duckdb"
    with EventStore.open(db) as store:
        load(store, RowSource(FIRST), log="l")
        load(store, RowSource([ev("c5", "q", "10:00")], case_rows=[("c0", None)]), log="m")
        want = stored(store)
        store.con.execute("DROP VIEW activity_instances")  # as the older schema.sql made it
        store.con.execute(
            "CREATE VIEW activity_instances AS SELECT log, case_id, activity, ts, start_ts,"
            " coalesce(start_ts, ts) AS order_ts, resource, department, lifecycle, event_index,"
            " attributes FROM events WHERE is_instance"
        )
        for col in ("seq", "next_activity", "next_order_ts"):
            store.con.execute(f"ALTER TABLE events DROP COLUMN {col}")
        for col in ("instances", "first_ts", "last_ts", "variant"):
            store.con.execute(f"ALTER TABLE cases DROP COLUMN {col}")
    with pytest.raises(StoreError, match="older ProcLens"):
        EventStore.open(db, read_only=True)
    with EventStore.open(db) as store:
        assert stored(store) == want == recomputed(store)
        assert variant_counts(DuckDBEngine(store), "m") == [((), 1), (("q",), 1)]


@pytest.mark.parametrize("append", [False, True], ids=["new log", "appended"])
def test_facts_computed_in_slices_equal_one_update(
    monkeypatch: pytest.MonkeyPatch, append: bool
) -> None:
    """A large log's order and per-case facts are computed slice by slice (a new log: slices of
    source positions as it is inserted; an append: by hash of the case id over the cases it
    touched); the result is the one-statement result (slices forced by a size of 3 events)."""
    import proclens.order

    rows = [ev(f"c{i % 7}", f"a{i % 5}", f"{10 + i // 10}:{i % 60:02d}") for i in range(40)]
    rows.append(ev("empty", "x", "09:00", lifecycle="schedule"))
    loads = [(rows[::2], "new"), (rows[1::2], "append")] if append else [(rows, "new")]
    whole = loaded(*loads)  # type: ignore[arg-type]
    monkeypatch.setattr(proclens.order, "SLICE_EVENTS", 3)
    sliced = loaded(*loads)  # type: ignore[arg-type]
    assert len(proclens.order.case_slices(len(rows))) > 5
    assert facts(sliced) == facts(whole)
    assert positions(sliced) == positions(whole)
    assert len({tuple(f[4] or ()) for f in facts(whole)}) > 3
    assert ("empty", 0, None, None, []) in facts(sliced)


def test_a_store_with_positions_but_no_stored_successors_is_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "older.duckdb"
    with EventStore.open(db) as store:
        load(store, RowSource(FIRST), log="l")
        want = stored(store)
        assert any(step[1] is not None for case in want for step in case[6])
        store.con.execute("DROP VIEW activity_instances")  # as the schema with only seq made it
        store.con.execute(
            "CREATE VIEW activity_instances AS SELECT log, case_id, activity, ts, start_ts,"
            " coalesce(start_ts, ts) AS order_ts, resource, department, lifecycle, event_index,"
            " attributes, seq FROM events WHERE is_instance"
        )
        for col in ("next_activity", "next_order_ts"):
            store.con.execute(f"ALTER TABLE events DROP COLUMN {col}")
    with pytest.raises(StoreError, match="older ProcLens"):
        EventStore.open(db, read_only=True)
    with EventStore.open(db) as store:
        assert stored(store) == want == recomputed(store)
