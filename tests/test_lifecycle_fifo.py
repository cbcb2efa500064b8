"""Start/complete pairing is FIFO in time order: a complete never takes a later start."""

from __future__ import annotations

from proclens.loader import load
from proclens.store import EventStore
from tests.rows import RowSource


def ev(act: str, t: str, life: str) -> dict[str, object]:
    return {"case_id": "c", "activity": act, "ts": f"2024-01-01T{t}", "lifecycle": life}


def instances(store: EventStore) -> list[tuple[object, ...]]:
    return store.con.execute(
        "SELECT activity, strftime(start_ts, '%H:%M'), strftime(ts, '%H:%M')"
        " FROM activity_instances ORDER BY order_ts, ts"
    ).fetchall()


def test_a_complete_without_open_start_stays_alone(store: EventStore) -> None:
    # As in BPIC 2012 case 189109: a complete with no start, then a later start/complete.
    rows = [
        ev("A", "09:00", "start"),
        ev("A", "09:30", "complete"),
        ev("A", "10:00", "complete"),
        ev("A", "11:00", "start"),
        ev("A", "11:30", "complete"),
    ]
    report = load(store, RowSource(rows), log="l")
    assert (report.paired_starts, report.unpaired) == (2, 1)
    assert instances(store) == [("A", "09:00", "09:30"), ("A", None, "10:00"),
                                ("A", "11:00", "11:30")]  # fmt: skip


def test_overlapping_instances_pair_first_in_first_out(store: EventStore) -> None:
    rows = [
        ev("A", "09:00", "start"),
        ev("A", "09:10", "start"),
        ev("A", "09:20", "complete"),
        ev("A", "09:40", "complete"),
        ev("A", "10:00", "start"),  # never completes: an open instance
    ]
    report = load(store, RowSource(rows), log="l")
    assert (report.paired_starts, report.unpaired) == (2, 1)
    assert instances(store) == [("A", "09:00", "09:20"), ("A", "09:10", "09:40"),
                                ("A", "10:00", "10:00")]  # fmt: skip
