"""Bottlenecks, opportunities and map simplification on a small log worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from analytics.bottlenecks import bottlenecks, rework_sql
from analytics.opportunities import opportunities
from analytics.simplify import connect, simplify
from proclens.loader import load
from proclens.store import EventStore
from tests.rows import RowSource


def ev(case: str, act: str, t: str, res: str, dept: str) -> dict[str, Any]:
    return {"case_id": case, "activity": act, "ts": t, "resource": res, "department": dept}


ROWS = [
    ev("k1", "Submit", "2024-01-01T09:00", "u1", "Sales"),
    ev("k1", "Approve", "2024-01-02T09:00", "m1", "Fin"),  # +24 h
    ev("k1", "Check", "2024-01-02T10:00", "u1", "Sales"),  # +1 h
    ev("k1", "Approve", "2024-01-03T10:00", "m1", "Fin"),  # +24 h, rework
    ev("k1", "Pay", "2024-01-03T12:00", "p1", "Fin"),  # +2 h
    ev("k2", "Submit", "2024-01-08T09:00", "u2", "Sales"),
    ev("k2", "Approve", "2024-01-08T13:00", "m1", "Fin"),  # +4 h
    ev("k2", "Pay", "2024-01-08T14:00", "p1", "Fin"),  # +1 h
]
H = 3600.0


@pytest.fixture
def log(store: EventStore) -> EventStore:
    load(store, RowSource(ROWS), log="l")
    return store


def test_waiting_rework_ping_pong_handovers_workload(log: EventStore) -> None:
    b = bottlenecks(log, "l")
    assert b["total_cycle_time_s"] == 51 * H + 5 * H
    waits = {
        r["activity"]: (r["total_wait_s"], r["occurrences"]) for r in b["activities_by_waiting"]
    }
    assert waits == {"Approve": (52 * H, 3), "Pay": (3 * H, 2), "Check": (1 * H, 1)}
    top = b["activities_by_waiting"][0]
    assert top["activity"] == "Approve"
    assert top["share_of_cycle_time"] == pytest.approx(52 / 56)
    first_edge = b["transitions_by_waiting"][0]
    assert (first_edge["source"], first_edge["target"], first_edge["total_s"]) == (
        "Submit", "Approve", 28 * H,
    )  # fmt: skip
    assert b["rework"] == [{"activity": "Approve", "repeats": 1, "cases": 1,
                            "total_loop_s": 25 * H, "mean_loop_s": 25 * H,
                            "share_of_cycle_time": pytest.approx(25 / 56)}]  # fmt: skip
    loop = b["loop_backs"][0]
    assert (loop["source"], loop["target"], loop["count"], loop["total_loop_s"]) == (
        "Check", "Approve", 1, 25 * H,
    )  # fmt: skip
    pp = b["ping_pong_resources"]
    assert [(r["party_a"], r["party_b"], r["occurrences"], r["cases"], r["total_s"])
            for r in pp] == [("m1", "u1", 2, 1, 50 * H)]  # fmt: skip
    assert [(r["party_a"], r["party_b"], r["occurrences"])
            for r in b["ping_pong_departments"]] == [("Fin", "Sales", 2)]  # fmt: skip
    hand = {
        (r["source"], r["target"]): (r["count"], r["total_s"]) for r in b["handovers_resources"]
    }
    assert hand == {("u1", "m1"): (2, 48 * H), ("m1", "p1"): (2, 3 * H),
                    ("m1", "u1"): (1, 1 * H), ("u2", "m1"): (1, 4 * H)}  # fmt: skip
    dept = {(r["source"], r["target"]): r["count"] for r in b["handovers_departments"]}
    assert dept == {("Sales", "Fin"): 3, ("Fin", "Sales"): 1}
    work = {(r["period"], r["resource"]): (r["events"], r["cases"]) for r in b["workload"]}
    assert work == {("2024-01-01", "m1"): (3, 2), ("2024-01-01", "u1"): (2, 1),
                    ("2024-01-01", "p1"): (2, 2), ("2024-01-01", "u2"): (1, 1)}  # fmt: skip


def test_opportunities_ranked_with_savings(log: EventStore) -> None:
    found = opportunities(log, "l", min_cases=1)
    got = [(o.kind, o.saving_hours_per_year) for o in found]
    # log spans under 30 days: figures are per log period (years = 1)
    assert got == [("approval", 52.0), ("rework", 25.0), ("waiting", 15.0), ("waiting", 0.8)]
    assert found[0].figures["reject_rate"] == 0.0
    assert found[2].figures["p25_s"] == 9 * H
    assert (found[2].figures["mean_s"], found[2].figures["median_s"]) == (14 * H, 14 * H)
    assert "mean 14 h, median 14 h" in found[2].evidence
    assert "under 9 h" in found[2].evidence
    assert "Submit and Approve" in found[2].title
    assert all(o.rank == i + 1 for i, o in enumerate(found))


def test_a_step_that_follows_itself_is_proposed_once_as_rework(store: EventStore) -> None:
    rows = []
    for i, again in enumerate((11, 15, 19)):  # Check -> Check after 2, 6 and 10 h
        day = f"2024-01-{i + 1:02d}"
        rows += [ev(f"c{i}", "Check", f"{day}T09:00", "a", "d"),
                 ev(f"c{i}", "Check", f"{day}T{again}:00", "a", "d"),
                 ev(f"c{i}", "Pay", f"{day}T20:00", "b", "d")]  # fmt: skip
    load(store, RowSource(rows), log="s")
    found = opportunities(store, "s", min_cases=1)
    assert [(o.kind, o.figures.get("activity")) for o in found if o.kind == "rework"] == [
        ("rework", "Check")
    ]
    assert [o for o in found if o.kind == "waiting" and o.figures["from"] == o.figures["to"]] == []
    assert (found[0].kind, found[0].saving_hours_per_year) == ("rework", 18.0)  # 2 + 6 + 10 h


def test_approval_with_frequent_rejections_is_not_proposed(store: EventStore) -> None:
    rows = []
    for i in range(20):
        outcome = "Reject invoice" if i % 5 == 0 else "Approve invoice"
        rows += [ev(f"x{i}", "Receive invoice", f"2024-01-{i + 1:02d}T09:00", "a", "d"),
                 ev(f"x{i}", outcome, f"2024-01-{i + 1:02d}T12:00", "b", "d")]  # fmt: skip
    load(store, RowSource(rows), log="r")
    assert [o for o in opportunities(store, "r", min_cases=1) if o.kind == "approval"] == []


def test_simplify_keeps_every_activity_connected(log: EventStore) -> None:
    pmap = simplify(log, "l", activities_pct=100, paths_pct=10)
    kept = {(e["source"], e["target"]) for e in pmap.edges}
    # top path alone (Submit -> Approve 2) is not enough: Pay and Check need a way in and out
    assert ("Submit", "Approve") in kept
    assert ("Approve", "Pay") in kept
    assert ("Approve", "Check") in kept
    assert ("Check", "Approve") in kept
    assert pmap.start_activities == {"Submit": 2}
    assert pmap.end_activities == {"Pay": 2}
    assert pmap.simplified["paths_added_for_connectivity"] > 0
    fewer = simplify(log, "l", activities_pct=75, paths_pct=100)  # drops Check (1 event)
    assert {n["activity"] for n in fewer.nodes} == {"Approve", "Submit", "Pay"}
    # Check is projected out: Approve -> Approve appears in k1
    assert {(e["source"], e["target"]): e["count"] for e in fewer.edges} == {
        ("Submit", "Approve"): 2, ("Approve", "Pay"): 2, ("Approve", "Approve"): 1,
    }  # fmt: skip


def test_connect_adds_most_frequent_edges_only_where_needed() -> None:
    counts = {("▶start", "a"): 5, ("a", "b"): 5, ("b", "■end"): 5, ("a", "c"): 1,
              ("c", "b"): 1, ("a", "■end"): 2, ("c", "■end"): 3}  # fmt: skip
    chosen = connect({"a", "b", "c"}, counts, {("▶start", "a"), ("a", "b"), ("b", "■end")})
    assert chosen == {("▶start", "a"), ("a", "b"), ("b", "■end"), ("a", "c"), ("c", "■end")}


def test_rework_loops_follow_the_case_order_with_start_times(store: EventStore) -> None:
    """X runs 09-12, 11-11:30 and 13-14 (ordered by start): the loops take 11:30 - 12:00 = -0.5 h
    (after Y) and 14:00 - 11:30 = 2.5 h (after X), 2 h in all, whatever the order of the end
    times. The rework (one grouping per case and activity) equals the loop backs (an ordered
    pass over each instance) summed."""
    rows = [
        {"case_id": "c", "activity": a, "start_ts": s, "ts": e}
        for a, s, e in [
            ("X", "2024-01-01T09:00", "2024-01-01T12:00"),
            ("Y", "2024-01-01T10:00", "2024-01-01T10:30"),
            ("X", "2024-01-01T11:00", "2024-01-01T11:30"),
            ("X", "2024-01-01T13:00", "2024-01-01T14:00"),
        ]
    ]
    load(store, RowSource(rows), log="s")
    found = store.con.execute(rework_sql(), ["s"]).fetchall()
    assert found == [("X", 2, 1, pytest.approx(2 * H), pytest.approx(H))]
    found_all = bottlenecks(store, "s")
    (shown,) = found_all["rework"]
    assert (shown["repeats"], shown["total_loop_s"], shown["mean_loop_s"]) == (2, 2 * H, H)
    backs = {(r["source"], r["target"]): r["total_loop_s"] for r in found_all["loop_backs"]}
    assert backs == {("Y", "X"): -0.5 * H, ("X", "X"): 2.5 * H}
