"""The loader's merge mode as pulls use it: new / updated / unchanged, cursors, failed runs."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.sources.config import SourceConfig
from connectors.sources.pull import _Named
from proclens.loader import load, record_failed_run
from proclens.store import EventStore
from tests.rows import RowSource
from tests.test_order import recomputed, stored


def rows(*changes: tuple[str, str, str]) -> list[dict[str, object]]:
    """(key, activity, resource) -> keyed rows of one case."""
    return [
        {
            "case_id": "c1",
            "activity": act,
            "ts": f"2026-01-0{n + 1}T10:00",
            "resource": who,
            "event_key": key,
        }
        for n, (key, act, who) in enumerate(changes)
    ]


def test_identical_rows_are_unchanged_and_changed_rows_updated(store: EventStore) -> None:
    first = load(store, RowSource(rows(("k1", "a", "x"), ("k2", "b", "x"))), log="l", mode="merge")
    assert (first.read, first.loaded, first.updated, first.unchanged) == (2, 2, 0, 0)
    again = load(store, RowSource(rows(("k1", "a", "x"), ("k2", "b", "x"))), log="l", mode="merge")
    assert (again.read, again.loaded, again.updated, again.unchanged, again.rejected) == (
        2,
        0,
        0,
        2,
        0,
    )
    assert again.status == "unchanged"
    third = load(
        store,
        RowSource(rows(("k1", "a", "x"), ("k2", "b", "y"), ("k3", "c", "x"))),
        log="l",
        mode="merge",
    )
    assert (third.read, third.loaded, third.updated, third.unchanged) == (3, 2, 1, 1)
    got = store.con.execute("SELECT event_key, resource FROM events ORDER BY event_key").fetchall()
    assert got == [("k1", "x"), ("k2", "y"), ("k3", "x")]
    assert stored(store) == recomputed(store)  # the stored case order follows the merges
    runs = store.con.execute(
        "SELECT status, rows_read, rows_loaded, rows_updated, rows_unchanged FROM load_runs"
        " ORDER BY run_id"
    ).fetchall()
    assert runs == [("ok", 2, 2, 0, 0), ("unchanged", 2, 0, 0, 2), ("ok", 3, 2, 1, 1)]


def test_a_failed_run_is_logged_without_touching_the_log(store: EventStore) -> None:
    load(store, RowSource(rows(("k1", "a", "x"))), log="l", mode="merge")
    before = store.logs()
    config = SourceConfig("s", {"kind": "sql", "url": "postgresql://u:${PW}@h/db", "query": "q"})
    run_id = record_failed_run(
        store,
        _Named(config),
        log="l",
        mode="merge",
        started_at=datetime(2026, 1, 1, tzinfo=UTC),
        rows_read=7,
        error="source 's': boom",
    )
    assert store.logs() == before  # the log's counts ignore failed runs
    row = store.con.execute(
        "SELECT status, rows_read, error, source FROM load_runs WHERE run_id = ?", [run_id]
    ).fetchone()
    assert row == ("failed", 7, "source 's': boom", "postgresql://u:${PW}@h/db")
