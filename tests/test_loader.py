"""The loader: reconciliation, duplicates, lifecycle pairing, transactions."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.stats import log_stats
from connectors.base import RejectedRow
from proclens.errors import RejectedRowsError, StoreError
from proclens.loader import load
from proclens.store import EventStore
from tests.rows import RowSource


def ev(case: str, act: str, t: str, **kw: object) -> dict[str, object]:
    return {"case_id": case, "activity": act, "ts": t, **kw}


def test_counts_reconcile_and_rejected_rows_are_kept(store: EventStore) -> None:
    src = RowSource(
        [ev("c1", "a", "2024-01-01T10:00"), ev("c1", "b", "2024-01-01T11:00")],
        rejected=[RejectedRow("row 3", "c2,,2024", "no activity")],
    )
    report = load(store, src, log="l")
    assert (report.read, report.loaded, report.rejected) == (3, 2, 1)
    assert report.read == report.loaded + report.rejected
    kept = store.con.execute("SELECT position, reason FROM rejected_rows WHERE log='l'").fetchall()
    assert kept == [("row 3", "no activity")]
    assert store.logs()[0]["rows_read"] == 3


def test_exact_duplicates_are_set_aside_but_rework_and_near_duplicates_stay(
    store: EventStore,
) -> None:
    rows = [
        ev("d1", "Submit", "2025-05-01T09:00", resource="r1"),
        ev("d1", "Submit", "2025-05-01T09:00", resource="r1"),  # exact duplicate
        ev("d3", "Approve", "2025-05-01T10:00", resource="r2"),
        ev("d3", "Approve", "2025-05-01T15:00", resource="r4"),  # rework
        ev("d4", "Approve", "2025-05-08T08:30", resource="r2"),
        ev("d4", "Approve", "2025-05-08T08:30", resource="r5"),  # near duplicate
    ]
    report = load(store, RowSource(rows), log="l")
    assert (report.read, report.loaded, report.rejected, report.duplicates) == (6, 5, 1, 1)
    assert report.near_duplicate_groups == 1
    reason = store.con.execute("SELECT reason, position FROM rejected_rows").fetchone()
    assert reason == ("exact duplicate of row 1", "row 2")


def test_start_complete_rows_pair_into_instances(store: EventStore) -> None:
    rows = [
        ev("L1", "Register", "2024-01-01T09:00", lifecycle="start"),
        ev("L1", "Register", "2024-01-01T09:30", lifecycle="complete"),
        ev("L1", "Assess", "2024-01-01T10:00", lifecycle="start"),
        ev("L1", "Assess", "2024-01-01T11:00", lifecycle="complete"),
        ev("L1", "Assess", "2024-01-01T12:00", lifecycle="schedule"),
    ]
    report = load(store, RowSource(rows), log="l")
    assert (report.read, report.loaded, report.paired_starts, report.unpaired) == (5, 5, 2, 0)
    got = store.con.execute(
        "SELECT activity, epoch(ts - start_ts) FROM activity_instances ORDER BY order_ts"
    ).fetchall()
    assert got == [("Register", 1800.0), ("Assess", 3600.0)]
    stats = log_stats(store, "l")
    assert stats["events"] == 2
    assert stats["case_duration_s"]["max"] == 7200.0


def test_a_failing_source_leaves_the_store_unchanged(db_path: Path) -> None:
    with EventStore.open(db_path) as store:
        load(store, RowSource([ev("c1", "a", "2024-01-01T10:00")]), log="keep")
        rows = [ev("c", "a", f"2024-01-01T10:0{i}") for i in range(9)]
        with pytest.raises(OSError, match="truncated"):
            load(store, RowSource(rows, fail_after=2), log="broken")
    with EventStore.open(db_path, read_only=True) as store:
        assert store.log_names() == ["keep"]
        n = store.con.execute("SELECT count(*) FROM events").fetchone()
        assert n == (1,)


def test_strict_refuses_any_rejection(store: EventStore) -> None:
    src = RowSource([ev("c1", "a", "2024-01-01T10:00")], rejected=[RejectedRow("row 2", "", "x")])
    with pytest.raises(RejectedRowsError, match="1 of 2 rows"):
        load(store, src, log="l", strict=True)
    assert store.log_names() == []


def test_loading_the_same_file_twice_changes_nothing(store: EventStore) -> None:
    src = RowSource([ev("c1", "a", "2024-01-01T10:00")])
    load(store, src, log="l", fingerprint="abc")
    again = load(store, src, log="l", fingerprint="abc")
    assert again.status == "unchanged"
    with pytest.raises(StoreError, match="--replace"):
        load(store, src, log="l", fingerprint="other")
    load(store, src, log="l", mode="replace", fingerprint="other")
    assert store.con.execute("SELECT count(*) FROM events").fetchone() == (1,)


def test_append_rejects_events_already_stored(store: EventStore) -> None:
    load(store, RowSource([ev("c1", "a", "2024-01-01T10:00")]), log="l")
    report = load(
        store,
        RowSource([ev("c1", "a", "2024-01-01T10:00"), ev("c1", "b", "2024-01-01T11:00")]),
        log="l",
        mode="append",
    )
    assert (report.read, report.loaded, report.rejected) == (2, 1, 1)
    assert store.con.execute("SELECT count(*) FROM events").fetchone() == (2,)


def test_empty_cases_count_as_cases_and_one_empty_variant(store: EventStore) -> None:
    src = RowSource(
        [ev("e1", "a", "2024-01-01T10:00"), ev("e1", "b", "2024-01-01T11:00")],
        case_rows=[("e1", {"channel": "web"}), ("e3", {"channel": "phone"})],
    )
    load(store, src, log="l")
    stats = log_stats(store, "l")
    assert (stats["cases"], stats["variants"], stats["cases_without_events"]) == (2, 2, 1)
    assert stats["case_duration_s"]["mean"] == 3600.0
