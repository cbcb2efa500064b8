"""Cases 02, 03, 04, 05, 15, 17 from ../shared/cases, loaded through the CSV connector.

Expected values are the exact ones of each case's expected.md (copied beside the input).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from analytics.stats import log_stats
from analytics.ties import tie_diagnostics
from connectors.registry import FileOptions, open_file
from proclens.cli import main
from proclens.errors import SourceError
from proclens.loader import load
from proclens.store import EventStore
from tests.conftest import DATA
from tests.tabular_util import counts, dfg, durations, ingest, rejected, variants

C02 = DATA / "02-unsorted-rows-variants" / "input.csv"
C03 = DATA / "03-same-timestamp-ties" / "input.csv"
C04 = DATA / "04-lifecycle-start-complete" / "input.csv"
C05 = DATA / "05-overlapping-activities-idle-time" / "input.csv"
C15 = DATA / "15-gbk-csv-chinese-activities"
C17 = DATA / "17-duplicate-events" / "input.csv"

SUBMIT, APPROVE, PAY = "Submit expense", "Approve expense", "Pay expense"


def _shuffled(path: Path, target: Path, seed: int) -> Path:
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    random.Random(seed).shuffle(rows)
    target.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return target


def test_02_unsorted_rows_are_ordered_by_time_with_milliseconds(store: EventStore) -> None:
    ingest(store, C02)
    assert counts(store) == (4, 12, 3)
    resources = store.con.execute("SELECT count(DISTINCT resource) FROM events").fetchone()
    assert resources == (4,)
    assert variants(store) == {(SUBMIT, APPROVE, PAY): 4}
    assert dfg(store) == {(SUBMIT, APPROVE): 4, (APPROVE, PAY): 4}
    stats = log_stats(store, "l")
    assert stats["start_activities"] == {SUBMIT: 4}
    assert stats["end_activities"] == {PAY: 4}
    assert durations(store) == {"c1": 104400.0, "c2": 90000.0, "c3": 108000.0, "c4": 1.4}


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_02_shuffled_rows_give_identical_results(
    store: EventStore, tmp_path: Path, seed: int
) -> None:
    ingest(store, C02, log="orig")
    ingest(store, _shuffled(C02, tmp_path / "shuffled.csv", seed), log="shuf")
    assert variants(store, "shuf") == variants(store, "orig")
    assert dfg(store, "shuf") == dfg(store, "orig")
    assert durations(store, "shuf") == durations(store, "orig")


def test_03_ties_keep_file_order_and_are_diagnosed(store: EventStore) -> None:
    report = ingest(store, C03)
    assert counts(store) == (4, 16, 4)
    reg, send, recv, issue = (
        "Register application", "Send acknowledgement", "Receive documents", "Issue permit",
    )  # fmt: skip
    assert variants(store) == {(reg, send, recv, issue): 3, (send, reg, recv, issue): 1}
    assert dfg(store) == {
        (reg, send): 3, (send, recv): 3, (recv, issue): 4, (send, reg): 1, (reg, recv): 1,
    }  # fmt: skip
    stats = log_stats(store, "l")
    assert stats["start_activities"] == {reg: 3, send: 1}
    assert stats["end_activities"] == {issue: 4}
    assert durations(store) == {"d1": 432000.0, "d2": 432000.0, "d3": 432000.0, "d4": 604800.0}
    ties = tie_diagnostics(store, "l")
    assert (ties["cases_with_ties"], ties["tied_groups"], ties["events_involved"]) == (3, 3, 6)
    assert ties["examples"][2]["activities_in_source_order"] == [send, reg]
    assert report.read == 16


def test_03_importing_twice_gives_identical_results(store: EventStore) -> None:
    ingest(store, C03, log="a")
    ingest(store, C03, log="b")
    assert variants(store, "a") == variants(store, "b")
    assert dfg(store, "a") == dfg(store, "b")


def test_03_tie_diagnostics_are_in_the_ingest_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    db = str(tmp_path / "s.duckdb")
    assert main(["ingest", str(C03), "--db", db, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["details"]["ties"]["tied_groups"] == 3
    with EventStore.open(db, read_only=True) as store:
        row = store.con.execute(
            "SELECT details->'ties'->>'events_involved' FROM load_runs"
        ).fetchone()
    assert row == ("6",)


def test_04_start_complete_rows_pair_into_instances(store: EventStore) -> None:
    report = ingest(store, C04)
    assert (report.read, report.loaded, report.paired_starts, report.unpaired) == (12, 12, 6, 0)
    assert counts(store) == (2, 6, 3)
    reg, assess, notify = "Register claim", "Assess claim", "Notify customer"
    assert variants(store) == {(reg, assess, notify): 1, (reg, notify, assess): 1}
    edges = dfg(store)
    assert edges == {(reg, assess): 1, (reg, notify): 1, (assess, notify): 1, (notify, assess): 1}
    assert all(a != b for a, b in edges)
    service = store.con.execute(
        "SELECT activity, avg(epoch(ts - start_ts)) FROM activity_instances GROUP BY activity"
    ).fetchall()
    assert dict(service) == {reg: 1500.0, assess: 3600.0, notify: 1200.0}
    per_case = store.con.execute(
        "SELECT case_id, sum(epoch(ts - start_ts)) FROM activity_instances GROUP BY case_id"
    ).fetchall()
    assert dict(per_case) == {"L1": 7200.0, "L2": 5400.0}
    assert durations(store) == {"L1": 9900.0, "L2": 9000.0}


def test_05_interval_rows_load_with_start_and_end(store: EventStore) -> None:
    ingest(store, C05)
    assert counts(store) == (2, 6, 3)
    assert variants(store) == {("Check stock", "Check credit", "Confirm order"): 2}
    mean = store.con.execute(
        "SELECT activity, avg(epoch(ts - start_ts)) FROM activity_instances GROUP BY activity"
    ).fetchall()
    assert dict(mean) == {"Check stock": 2700.0, "Check credit": 3600.0, "Confirm order": 1800.0}
    assert durations(store) == {"o1": 10800.0, "o2": 9000.0}
    gap = store.con.execute(
        "SELECT epoch(b.start_ts - a.ts) FROM activity_instances a JOIN activity_instances b"
        " USING (case_id) WHERE case_id = 'o1' AND a.activity = 'Check stock'"
        " AND b.activity = 'Check credit'"
    ).fetchone()
    assert gap == (-1800.0,)


@pytest.mark.parametrize("name", ["input.csv", "input_utf8_bom.csv"])
def test_15_gbk_and_utf8_bom_files_give_the_expected_results(store: EventStore, name: str) -> None:
    source = open_file(C15 / name, FileOptions())
    assert source.mapping_json() is not None
    assert source.mapping_json()["case"] == "单号"  # type: ignore[index]
    report = load(store, source, log="l")
    assert report.details["encoding"] == ("gb18030" if name == "input.csv" else "utf-8-sig")
    assert counts(store) == (3, 11, 5)
    acts = store.con.execute("SELECT activity, count(*) FROM events GROUP BY activity").fetchall()
    assert dict(acts) == {"提交申请": 3, "部门审批": 3, "财务审核": 2, "付款": 2, "驳回": 1}
    roles = store.con.execute("SELECT count(DISTINCT department) FROM events").fetchone()
    assert roles == (4,)
    assert variants(store) == {
        ("提交申请", "部门审批", "财务审核", "付款"): 2,
        ("提交申请", "部门审批", "驳回"): 1,
    }
    assert dfg(store) == {
        ("提交申请", "部门审批"): 3, ("部门审批", "财务审核"): 2,
        ("部门审批", "驳回"): 1, ("财务审核", "付款"): 2,
    }  # fmt: skip
    assert durations(store) == {"BX-001": 194400.0, "BX-002": 82800.0, "BX-003": 178200.0}


def test_15_both_files_are_identical_in_the_store(store: EventStore) -> None:
    ingest(store, C15 / "input.csv", log="gbk")
    ingest(store, C15 / "input_utf8_bom.csv", log="bom")
    query = "SELECT case_id, activity, ts, department FROM events WHERE log = ? ORDER BY ALL"
    assert (
        store.con.execute(query, ["gbk"]).fetchall() == store.con.execute(query, ["bom"]).fetchall()
    )


def test_15_forced_utf8_on_gbk_is_a_clear_error_and_loads_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = C15 / "input.csv"
    with pytest.raises(SourceError, match=r"byte offset 0 .*GB18030"):
        open_file(path, FileOptions(encoding="utf-8"))
    db = tmp_path / "s.duckdb"
    assert main(["ingest", str(path), "--encoding", "utf-8", "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert str(path) in err
    assert "byte offset 0" in err
    assert "--encoding gb18030" in err
    with EventStore.open(db) as store:
        assert store.log_names() == []
        assert store.con.execute("SELECT count(*) FROM events").fetchone() == (0,)


def test_17_exact_duplicates_are_rejected_near_duplicates_kept(store: EventStore) -> None:
    report = ingest(store, C17)
    assert (report.read, report.loaded, report.rejected) == (17, 14, 3)
    assert report.read == report.loaded + report.rejected
    assert report.near_duplicate_groups == 1
    assert rejected(store) == [
        ("row 3", "exact duplicate of row 2"),
        ("row 8", "exact duplicate of row 7"),
        ("row 9", "exact duplicate of row 7"),
    ]
    assert counts(store) == (4, 14, 3)
    acts = store.con.execute("SELECT activity, count(*) FROM events GROUP BY activity").fetchall()
    assert dict(acts) == {"Submit invoice": 4, "Approve invoice": 6, "Pay invoice": 4}
    s, a, p = "Submit invoice", "Approve invoice", "Pay invoice"
    assert variants(store) == {(s, a, p): 2, (s, a, a, p): 2}
    assert dfg(store) == {(s, a): 4, (a, p): 4, (a, a): 2}
    near = store.con.execute(
        "SELECT case_id, list(resource ORDER BY resource) FROM events"
        " GROUP BY case_id, activity, ts HAVING count(*) > 1"
    ).fetchall()
    assert near == [("d4", ["r2", "r5"])]
    assert durations(store) == {"d1": 10800.0, "d2": 7200.0, "d3": 25200.0, "d4": 3600.0}
