"""The synthetic OA generator: determinism, exact size, promised ratios, model fit."""

from __future__ import annotations

import importlib.util
import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from proclens.cli import main
from proclens.errors import SourceError
from samples.oa_generator import generate_cases, work_after
from samples.oa_process import DEVIATIONS, PROCESSES, activities
from samples.writers import write_log


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_same_seed_same_bytes_other_seed_other_log(tmp_path: Path) -> None:
    for name in ("a.csv", "b.csv", "c.csv", "a.xes.gz", "b.xes.gz"):
        seed = 3 if name.startswith("c") else 1
        write_log(tmp_path / name, 3000, seed, "en")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.xes.gz").read_bytes() == (tmp_path / "b.xes.gz").read_bytes()
    assert (tmp_path / "a.csv").read_bytes() != (tmp_path / "c.csv").read_bytes()


@pytest.mark.parametrize("n", [1, 7, 4321])
def test_event_count_is_exact(tmp_path: Path, n: int) -> None:
    report = write_log(tmp_path / "log.csv", n, 5, "en")
    frame = _csv(tmp_path / "log.csv")
    assert len(frame) == report.events == n
    assert frame["case:concept:name"].nunique() == report.cases


def test_xes_reads_in_pm4py_with_the_same_counts(tmp_path: Path) -> None:
    import pm4py

    path = tmp_path / "log.xes.gz"
    report = write_log(path, 2500, 11, "zh")
    log = pm4py.read_xes(str(path))
    assert len(log) == 2500
    assert log["case:concept:name"].nunique() == report.cases
    assert "提交报销申请" in set(log["concept:name"])
    assert str(log["time:timestamp"].dt.tz) == "UTC"


def test_parquet_has_every_event(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    report = write_log(tmp_path / "log.parquet", 3333, 2, "en")
    table = pq.read_table(tmp_path / "log.parquet")
    assert table.num_rows == 3333
    assert len(set(table.column("case:concept:name").to_pylist())) == report.cases


def _sequences(frame: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    return {c: tuple(g["concept:name"]) for c, g in frame.groupby("case:concept:name", sort=False)}


def test_shares_rejections_and_deviations_are_what_the_design_says(tmp_path: Path) -> None:
    report = write_log(tmp_path / "log.csv", 60_000, 9, "en")
    frame = _csv(tmp_path / "log.csv")
    seqs = _sequences(frame)
    if report.last_case_cut:  # an unfinished case counts for no deviation
        del seqs[frame["case:concept:name"].iloc[-1]]
    process_of = frame.groupby("case:concept:name")["case:process"].first().to_dict()
    shares = Counter(process_of.values())
    for p in PROCESSES:
        assert abs(shares[p.label.en] / len(seqs) - p.weight) < 0.03
    rejected = int((frame["concept:name"] == "Notify rejection").sum())
    assert rejected == report.rejected
    assert 0.05 < rejected / len(seqs) < 0.15
    returns = int((frame["outcome"] == "returned").sum())
    assert returns == report.returns
    skipped = sum(
        1 for c, s in seqs.items() if process_of[c] == "Expense reimbursement"
        and "Finance review" in s and "Department manager approval" not in s
    )  # fmt: skip
    swapped = sum(
        1 for s in seqs.values() if "Archive document" in s and "General manager sign-off" in s
        and s.index("Archive document") < s.index("General manager sign-off")
    )  # fmt: skip
    days = frame.groupby("case:concept:name")["case:days"].first().to_dict()
    long_leave_without_hr = sum(
        1 for c, s in seqs.items() if days[c] and int(days[c]) > 3
        and "Record leave" in s and "HR approval" not in s
    )  # fmt: skip
    assert long_leave_without_hr == report.deviations["skipped_hr_approval"]
    assert skipped == report.deviations["skipped_manager_approval"]
    assert swapped == report.deviations["archived_before_signoff"]
    for key, (process, probability, _) in DEVIATIONS.items():
        assert report.deviations[key] > 0, key
        assert report.deviations[key] / shares[_label(process)] < 2 * probability


def _label(key: str) -> str:
    return next(p.label.en for p in PROCESSES if p.key == key)


def test_times_are_working_hours_and_ordered_within_cases() -> None:
    for case in generate_cases(20_000, 4, "en"):
        times = [t for _, t, _, _, _ in case.events]
        assert times == sorted(times)
        for t in times:  # local office seconds since 1970-01-01 (a Thursday)
            day, sec = divmod(t, 86_400)
            assert (day + 3) % 7 < 5, case.case_id  # Monday..Friday
            assert 9 * 3600 <= sec <= 18 * 3600 + 300, case.case_id


def test_work_after_skips_nights_and_weekends() -> None:
    friday_17 = (19_723 + 4) * 86_400 + 17 * 3600  # 2024-01-05 17:00
    monday_10 = (19_723 + 7) * 86_400 + 10 * 3600 + 60
    assert work_after(friday_17, 2.0) == monday_10


def test_log_activities_equal_the_model_labels() -> None:
    import pm4py

    from samples.oa_bpmn import model_path

    for lang in ("en", "zh"):
        seen: dict[str, set[str]] = {p.label.text(lang): set() for p in PROCESSES}
        for case in generate_cases(30_000, 1, lang):
            seen[case.attrs["process"]].update(a for a, *_ in case.events)
        for p in PROCESSES:
            bpmn = pm4py.read_bpmn(str(model_path(p, lang)))
            labels = {n.get_name() for n in bpmn.get_nodes() if type(n).__name__ == "Task"}
            assert labels == set(activities(p, lang)) == seen[p.label.text(lang)], p.key


def test_conforming_cases_fit_the_model_and_deviations_do_not(tmp_path: Path) -> None:
    import pm4py

    from samples.oa_bpmn import model_path

    cases = list(generate_cases(8000, 21, "en"))[:-1]  # the last case may be cut
    for p in PROCESSES:
        net, im, fm = pm4py.convert_to_petri_net(pm4py.read_bpmn(str(model_path(p, "en"))))
        mine = [c for c in cases if c.attrs["process_key"] == p.key]
        frame = pd.DataFrame(
            [(c.case_id, a, pd.Timestamp(t, unit="s", tz="UTC"), c.deviation or "")
             for c in mine for a, t, *_ in c.events],
            columns=["case:concept:name", "concept:name", "time:timestamp", "deviation"],
        )  # fmt: skip
        result = pm4py.conformance_diagnostics_token_based_replay(frame, net, im, fm)
        ordered = _order(frame, mine)
        fit = {c.case_id: r["trace_is_fit"] for c, r in zip(ordered, result, strict=True)}
        for c in mine:
            control_flow_ok = c.deviation in (None, "skipped_hr_approval")
            assert fit[c.case_id] == control_flow_ok, (c.case_id, c.deviation)


def _order(frame: pd.DataFrame, cases: list[Any]) -> list[Any]:
    by_id = {c.case_id: c for c in cases}
    return [by_id[c] for c in frame["case:concept:name"].drop_duplicates()]


def test_bpmn_files_are_current_and_shapes_do_not_overlap(tmp_path: Path) -> None:
    from samples.oa_bpmn import build, model_path, to_xml

    for p in PROCESSES:
        for lang in ("en", "zh"):
            assert model_path(p, lang).read_text(encoding="utf-8") == to_xml(p, lang)
            boxes = [(n.cx - n.w / 2, n.cy - n.h / 2, n.cx + n.w / 2, n.cy + n.h / 2)
                     for n in build(p, lang).nodes]  # fmt: skip
            for i, a in enumerate(boxes):
                for b in boxes[i + 1 :]:
                    assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@pytest.mark.parametrize(
    ("name", "module"), [("log.xes.gz", "connectors.xes"), ("log.csv", "connectors.tabular")]
)
def test_generated_files_ingest_back_with_equal_stats(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, module: str
) -> None:
    if not _has(module):
        pytest.skip(f"{module} is not in this checkout yet")
    report = write_log(tmp_path / name, 5000, 13, "en")
    db = str(tmp_path / "s.duckdb")
    assert main(["ingest", str(tmp_path / name), "--db", db, "--log", "oa", "--json"]) == 0
    capsys.readouterr()
    assert main(["stats", "--db", db, "--log", "oa", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert (stats["cases"], stats["events"]) == (report.cases, report.events)
    expected = _csv(tmp_path / name) if name.endswith(".csv") else None
    if expected is not None:
        assert stats["activities"] == expected["concept:name"].nunique()


def test_cli_writes_and_refuses_unknown_endings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "x.csv"
    assert main(["generate", "--out", str(out), "--events", "500", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["events"] == 500
    assert len(_csv(out)) == 500
    assert main(["generate", "--out", str(tmp_path / "x.txt"), "--events", "5"]) == 2
    assert "cannot write this file type" in capsys.readouterr().err
    assert not (tmp_path / "x.txt").exists()
    assert not (tmp_path / "x.txt.partial").exists()
    with pytest.raises(SourceError):
        write_log(tmp_path / "y.csv", 0, 1, "en")


def test_the_bundled_sample_is_what_its_readme_command_writes(tmp_path: Path) -> None:
    from tests.conftest import SAMPLE_LOGS

    report = write_log(tmp_path / "oa_approval.xes.gz", 15_000, 2024, "en")
    assert (report.cases, report.events) == (3575, 15_000)
    bundled = SAMPLE_LOGS / "oa_approval.xes.gz"
    assert (tmp_path / "oa_approval.xes.gz").read_bytes() == bundled.read_bytes()
    assert bundled.stat().st_size < 2_000_000
    assert "--events 15000 --seed 2024" in (SAMPLE_LOGS / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_killed_generate_leaves_no_partial_file(tmp_path: Path, signum: int, code: int) -> None:
    out = tmp_path / "big.csv"
    partial = tmp_path / "big.csv.partial"
    cmd = [sys.executable, "-m", "proclens.cli", "generate", "--out", str(out),
           "--events", "100000000"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300  # a bound for a very busy machine, not a timing
        while not (partial.exists() and partial.stat().st_size > 0):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "generate never started writing"
            time.sleep(0.05)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code
    assert err.strip().splitlines()[-1].startswith("error: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
