"""Cases 03-07 of ../shared/cases: the analytics values of each expected.md (pm4py is not the
oracle there). Inputs are copied into tests/data/<case folder>/."""

from __future__ import annotations

import pytest

from analytics.calendar import calendar_from_dict, load_calendar
from analytics.cycle_times import busy_idle_per_case, case_durations, cycle_times
from analytics.maps import process_map
from analytics.variants import variants
from proclens.store import EventStore
from tests.cases import load_case
from tests.conftest import DATA


def _edges(store: EventStore, log: str) -> dict[tuple[str, str], dict[str, object]]:
    return {(e["source"], e["target"]): e for e in process_map(store, log).edges}


def test_03_ties_keep_file_order(store: EventStore) -> None:
    log = load_case(store, "03-same-timestamp-ties")
    got = {tuple(v.variant): v.cases for v in variants(store, log)}
    reg, send, rec, issue = (
        "Register application", "Send acknowledgement", "Receive documents", "Issue permit",
    )  # fmt: skip
    assert got == {(reg, send, rec, issue): 3, (send, reg, rec, issue): 1}
    counts = {k: e["count"] for k, e in _edges(store, log).items()}
    assert counts == {(reg, send): 3, (send, rec): 3, (rec, issue): 4, (send, reg): 1,
                      (reg, rec): 1}  # fmt: skip
    pmap = process_map(store, log)
    assert pmap.start_activities == {reg: 3, send: 1}
    assert pmap.end_activities == {issue: 4}
    assert case_durations(store, log) == {
        "d1": 432000.0, "d2": 432000.0, "d3": 432000.0, "d4": 604800.0,
    }  # fmt: skip


def test_04_start_complete_instances(store: EventStore) -> None:
    log = load_case(store, "04-lifecycle-start-complete")
    pmap = process_map(store, log)
    reg, assess, notify = "Register claim", "Assess claim", "Notify customer"
    edges = _edges(store, log)
    assert {k: e["count"] for k, e in edges.items()} == {
        (reg, assess): 1, (reg, notify): 1, (assess, notify): 1, (notify, assess): 1,
    }  # fmt: skip
    assert {k: e["mean_s"] for k, e in edges.items()} == {
        (reg, assess): 1800.0, (assess, notify): 900.0, (reg, notify): 2400.0,
        (notify, assess): 1200.0,
    }  # fmt: skip
    assert pmap.edge_time == "waiting"
    service = {n["activity"]: n["service_mean_s"] for n in pmap.nodes}
    assert service == {reg: 1500.0, assess: 3600.0, notify: 1200.0}
    assert {n["activity"]: n["events"] for n in pmap.nodes} == {reg: 2, assess: 2, notify: 2}
    assert sorted(tuple(v.variant) for v in variants(store, log)) == [
        (reg, assess, notify), (reg, notify, assess),
    ]  # fmt: skip
    per_case = busy_idle_per_case(store, log)
    assert per_case["L1"]["busy_s"] == 7200.0
    assert per_case["L1"]["idle_s"] == 2700.0
    assert per_case["L1"]["duration_s"] == 9900.0
    assert (per_case["L2"]["busy_s"], per_case["L2"]["idle_s"]) == (5400.0, 3600.0)
    assert per_case["L2"]["duration_s"] == 9000.0


def test_05_overlap_is_reported_apart_from_waiting(store: EventStore) -> None:
    log = load_case(store, "05-overlapping-activities-idle-time")
    edges = _edges(store, log)
    e = edges[("Check stock", "Check credit")]
    assert (e["count"], e["overlaps"], e["overlap_mean_s"]) == (2, 1, 1800.0)
    assert (e["mean_s"], e["median_s"], e["min_s"]) == (1800.0, 1800.0, 1800.0)
    e = edges[("Check credit", "Confirm order")]
    assert (e["count"], e["overlaps"], e["mean_s"], e["median_s"]) == (2, 0, 1800.0, 1800.0)
    for edge in edges.values():
        assert edge["min_s"] >= 0
    per_case = busy_idle_per_case(store, log)
    o1, o2 = per_case["o1"], per_case["o2"]
    assert (o1["duration_s"], o1["service_s"], o1["busy_s"], o1["idle_s"]) == (
        10800.0, 10800.0, 9000.0, 1800.0,
    )  # fmt: skip
    assert o1["flow_efficiency"] == pytest.approx(0.8333, abs=1e-4)
    assert (o2["duration_s"], o2["service_s"], o2["busy_s"], o2["idle_s"]) == (
        9000.0, 5400.0, 5400.0, 3600.0,
    )  # fmt: skip
    assert o2["flow_efficiency"] == pytest.approx(0.6)
    service = {n["activity"]: n["service_mean_s"] for n in process_map(store, log).nodes}
    assert service == {"Check stock": 2700.0, "Check credit": 3600.0, "Confirm order": 1800.0}
    assert [(v.variant, v.cases) for v in variants(store, log)] == [
        (["Check stock", "Check credit", "Confirm order"], 2)
    ]


def test_06_edge_aggregates_and_single_observation_stdev(store: EventStore) -> None:
    log = load_case(store, "06-performance-dfg-aggregation")
    edges = _edges(store, log)
    rcv, chk, pay, rej = "Receive invoice", "Check invoice", "Pay invoice", "Reject invoice"
    want = {
        (rcv, chk): (4, 990, 150, 60, 3600, 3960, 1740.6895),
        (chk, pay): (3, 1000, 600, 600, 1800, 3000, 692.8203),
        (chk, chk): (1, 7200, 7200, 7200, 7200, 7200, None),
        (chk, rej): (1, 300, 300, 300, 300, 300, None),
    }
    assert set(edges) == set(want)
    for key, (n, mean, median, lo, hi, total, stdev) in want.items():
        e = edges[key]
        assert (e["count"], e["mean_s"], e["median_s"]) == (n, mean, median)
        assert (e["min_s"], e["max_s"], e["total_s"]) == (lo, hi, total)
        assert e["stdev_s"] == (None if stdev is None else pytest.approx(stdev, abs=1e-4))
    assert process_map(store, log).edge_time == "completion_to_completion"
    assert case_durations(store, log) == {"p1": 660.0, "p2": 1920.0, "p3": 3900.0, "p4": 7980.0}
    dist = cycle_times(store, log)["case_duration_s"]
    assert (dist["mean"], dist["median"]) == (3615.0, 2910.0)
    bins = cycle_times(store, log)["histogram"]
    assert len(bins) == 20
    assert (bins[0]["from_s"], bins[-1]["to_s"]) == (660.0, 7980.0)
    assert [i for i, b in enumerate(bins) for _ in range(b["cases"])] == [0, 3, 8, 19]
    assert next((v.variant, v.cases) for v in variants(store, log)) == ([rcv, chk, pay], 2)


def test_07_working_time_with_holiday_and_working_day_length(store: EventStore) -> None:
    log = load_case(store, "07-business-hours-calendar")
    cal = load_calendar(DATA / "07-business-hours-calendar" / "calendar.json")
    assert cal.day_seconds == 8 * 3600
    work = case_durations(store, log, cal=cal)
    assert work == {"h1": 57600.0, "h2": 144000.0, "h3": 5400.0, "h4": 7200.0}
    result = cycle_times(store, log, cal=cal)
    assert result["case_working_s"]["mean"] == 53550.0
    assert result["case_working_s"]["median"] == 32400.0
    assert result["case_working_days"]["mean"] == pytest.approx(53550 / 28800)
    assert result["case_duration_s"]["max"] == 374400.0
    calendar = case_durations(store, log)
    for case, seconds in work.items():
        assert 0 <= seconds <= calendar[case]
    (edge,) = process_map(store, log, cal=cal).edges  # Open -> Close: the same four spans
    assert (edge["working_mean_s"], edge["working_median_s"]) == (53550.0, 32400.0)
    assert edge["working_max_s"] == 144000.0
    no_holiday = calendar_from_dict({**_cal_json(), "holidays": []})
    assert case_durations(store, log, cal=no_holiday)["h1"] == 86400.0


def _cal_json() -> dict[str, object]:
    import json

    return dict(json.loads((DATA / "07-business-hours-calendar" / "calendar.json").read_text()))
