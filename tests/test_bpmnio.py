"""Our BPMN exports as bpmn.io / Camunda Modeler read them: bpmn-moddle parses without warnings."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from analytics.discovery import discover
from analytics.export.writers import write_model
from proclens.store import EventStore
from tests.cases import load_csv_case
from tests.conftest import ROOT

CHECK = ROOT / "tests" / "bpmnio" / "check.mjs"


def bpmn_io(path: Path) -> dict[str, object]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed; the bpmn.io parser check needs it")
    if not (CHECK.parent / "node_modules" / "bpmn-moddle").exists():
        pytest.fail("tests/bpmnio/node_modules is missing: run 'make setup' (npm ci there)")
    done = subprocess.run(
        [node, str(CHECK), str(path)], capture_output=True, text=True, check=True, timeout=120
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("miner", ["inductive", "heuristics", "dfg"])
def test_bpmn_io_parses_without_warnings(store: EventStore, tmp_path: Path, miner: str) -> None:
    columns = {"case_id": "单号", "activity": "活动", "ts": "时间"}
    load_csv_case(
        store, "15-gbk-csv-chinese-activities", "c15", file="input_utf8_bom.csv", columns=columns
    )
    path = write_model(discover(store, "c15", miner), tmp_path / "m.bpmn")  # type: ignore[arg-type]
    found = bpmn_io(path)
    assert found["warnings"] == []
    sequence_flows = path.read_text(encoding="utf-8").count("<bpmn:sequenceFlow ")
    assert found["edges"] == sequence_flows
    assert found["shapes"] == int(str(found["flowElements"])) - sequence_flows
    assert sorted(found["names"]) == sorted(["提交申请", "部门审批", "财务审核", "付款", "驳回"])  # type: ignore[type-var]
