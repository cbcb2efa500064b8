"""proclens rejected: rejected rows with position, raw row and reason, in source order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from proclens.cli import main

CSV = (
    "case_id,activity,timestamp\n"
    + "".join(f"c{i},a,2024-01-01 10:{i:02d}\n" for i in range(12))
    + "c1,,2024-01-02\n"  # row 14
    + "c2,b,not a date\n"  # row 15
    + "c0,a,2024-01-01 10:00\n"  # row 16: exact duplicate of row 2
)


def test_rejected_lists_rows_in_source_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "log.csv"
    path.write_text(CSV, encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    assert main(["ingest", str(path), "--db", db, "--log", "x", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["read"], report["loaded"], report["rejected"]) == (15, 12, 3)
    assert main(["rejected", "--db", db, "--log", "x", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 3
    assert [(r["position"], r["reason"][:30]) for r in out["rows"]] == [
        ("row 14", "empty activity in column 'acti"),
        ("row 15", "unparsable timestamp 'not a da"),
        ("row 16", "exact duplicate of row 2"),
    ]
    assert out["rows"][1]["raw"] == "c2,b,not a date"
    assert main(["rejected", "--db", db, "--log", "x", "--json", "--limit", "1"]) == 0
    limited = json.loads(capsys.readouterr().out)
    assert (limited["total"], len(limited["rows"])) == (3, 1)
    assert main(["rejected", "--db", db, "--log", "x"]) == 0
    text = capsys.readouterr().out
    assert "x: 3 rejected rows:" in text
    assert "row 15: unparsable timestamp" in text


def test_rejected_for_an_unknown_log_names_the_logs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ok.csv"
    path.write_text("case_id,activity,timestamp\nc,a,2024-01-01\n", encoding="utf-8")
    db = str(tmp_path / "s.duckdb")
    assert main(["ingest", str(path), "--db", db]) == 0
    capsys.readouterr()
    assert main(["rejected", "--db", db]) == 0
    assert capsys.readouterr().out.strip() == "ok: no rejected rows"
    assert main(["rejected", "--db", db, "--log", "nope"]) == 2
    assert "logs are: ok" in capsys.readouterr().err
