"""`proclens discover`: the model file by extension, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from proclens.cli import main
from proclens.store import EventStore
from tests.cases import load_csv_case

CSV = {"case_id": "case_id", "activity": "activity", "ts": "timestamp", "resource": "resource"}


@pytest.fixture
def db(db_path: Path) -> Path:
    with EventStore.open(db_path) as store:
        load_csv_case(store, "17-duplicate-events", "c17", columns=CSV)
    return db_path


def test_discover_writes_by_extension(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "model.json"
    args = ["discover", "--db", str(db), "--log", "c17", "--miner", "inductive"]
    assert main([*args, "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (
        data["process_tree"] == "->( 'Submit invoice', *( 'Approve invoice', tau ), 'Pay invoice' )"
    )
    assert "written to" in capsys.readouterr().out
    assert main([*args, "--out", str(tmp_path / "model.bpmn")]) == 0
    assert (tmp_path / "model.bpmn").read_text(encoding="utf-8").count("<bpmndi:BPMNShape") == 7


def test_discover_errors_are_one_line(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["discover", "--db", str(db), "--log", "c17"]
    assert main([*base, "--out", str(tmp_path / "m.txt")]) == 2
    assert "unknown extension '.txt'" in capsys.readouterr().err
    assert main([*base, "--miner", "dfg", "--out", str(tmp_path / "m.ptml")]) == 2
    assert "process tree" in capsys.readouterr().err
    assert main([*base, "--log", "nope", "--out", str(tmp_path / "m.bpmn")]) == 2
    assert "no log named 'nope'" in capsys.readouterr().err
    assert list(tmp_path.glob("m.*")) == []


def test_discover_files_get_the_usual_permissions(db: Path, tmp_path: Path) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        out = tmp_path / "model.bpmn"
        args = ["discover", "--db", str(db), "--log", "c17", "--miner", "inductive"]
        assert main([*args, "--out", str(out)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
