"""Model exports: BPMN with DI (shapes, edges, no overlap, pm4py reads it back), every format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from analytics.discovery import Model, discover
from analytics.export.bpmn_writer import BPMN, BPMNDI, DC, DI
from analytics.export.layout import Box
from analytics.export.writers import ExportError, write_model
from proclens.store import EventStore
from tests.cases import load_csv_case, load_xes_case

CHINESE = ("提交申请", "部门审批", "财务审核", "付款", "驳回")


@pytest.fixture
def chinese(store: EventStore) -> EventStore:
    """Case 15 (the UTF-8 copy of the GBK file): five Chinese activities."""
    columns = {"case_id": "单号", "activity": "活动", "ts": "时间", "resource": "处理岗位"}
    load_csv_case(
        store, "15-gbk-csv-chinese-activities", "c15", file="input_utf8_bom.csv", columns=columns
    )
    return store


def check_bpmn(path: Path) -> ET.Element:
    """Well-formed BPMN 2.0 with a shape per flow node, waypoints per flow, no overlaps."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{{{BPMN}}}definitions"
    process = root.find(f"{{{BPMN}}}process")
    assert process is not None
    flows = process.findall(f"{{{BPMN}}}sequenceFlow")
    nodes = [e for e in process if e.tag != f"{{{BPMN}}}sequenceFlow"]
    plane = root.find(f"{{{BPMNDI}}}BPMNDiagram/{{{BPMNDI}}}BPMNPlane")
    assert plane is not None
    shapes = {s.get("bpmnElement"): s for s in plane.findall(f"{{{BPMNDI}}}BPMNShape")}
    edges = {e.get("bpmnElement"): e for e in plane.findall(f"{{{BPMNDI}}}BPMNEdge")}
    assert set(shapes) == {n.get("id") for n in nodes}
    assert set(edges) == {f.get("id") for f in flows}
    for edge in edges.values():
        assert len(edge.findall(f"{{{DI}}}waypoint")) >= 2
    boxes = []
    for shape in shapes.values():
        b = shape.find(f"{{{DC}}}Bounds")
        assert b is not None
        boxes.append(Box(*(float(b.get(k, "nan")) for k in ("x", "y", "width", "height"))))
    for i, a in enumerate(boxes):
        assert not any(a.overlaps(b) for b in boxes[i + 1 :]), f"overlap at {a}"
    return root


def language(net: Any, im: Any, fm: Any, max_len: int = 8) -> set[tuple[str, ...]]:
    """Label sequences of the accepting net's runs up to `max_len` visible steps."""
    from pm4py.objects.petri_net import semantics

    found: set[tuple[str, ...]] = set()
    stack: list[tuple[Any, tuple[str, ...], int]] = [(im, (), 0)]
    seen: set[tuple[frozenset[Any], tuple[str, ...]]] = set()
    while stack:
        marking, trace, silent = stack.pop()
        key = (frozenset(marking.items()), trace)
        if key in seen or len(trace) > max_len or silent > 10:
            continue
        seen.add(key)
        if marking == fm:
            found.add(trace)
        for t in semantics.enabled_transitions(net, marking):
            nxt = semantics.execute(t, net, marking)
            stack.append(
                (nxt, (*trace, t.label) if t.label else trace, 0 if t.label else silent + 1)
            )
    return found


@pytest.mark.parametrize("case", ["04", "08", "17"])
def test_bpmn_reads_back_with_the_same_language(
    store: EventStore, tmp_path: Path, case: str
) -> None:
    import pm4py

    if case == "08":
        load_xes_case(store, "08-empty-trace", "log")
    else:
        folder = {"04": "04-lifecycle-start-complete", "17": "17-duplicate-events"}[case]
        cols = {"case_id": "case_id", "activity": "activity", "ts": "timestamp"}
        if case == "04":
            cols["lifecycle"] = "lifecycle"
        load_csv_case(store, folder, "log", columns=cols)
    model = discover(store, "log", "inductive")
    path = write_model(model, tmp_path / "model.bpmn")
    check_bpmn(path)
    back = pm4py.convert_to_petri_net(pm4py.read_bpmn(str(path)))
    assert language(*back) == language(*model.net)
    if case == "08":
        assert language(*back) == {(), ("a", "b")}


@pytest.mark.parametrize("miner", ["inductive", "heuristics", "dfg"])
def test_every_format_keeps_chinese_labels(chinese: EventStore, tmp_path: Path, miner: str) -> None:
    model = discover(chinese, "c15", miner)  # type: ignore[arg-type]
    for ext in (".bpmn", ".pnml", ".json", ".svg", ".dot"):
        text = write_model(model, tmp_path / f"m{ext}").read_text(encoding="utf-8")
        for label in CHINESE:
            assert label in text, (ext, label)
    check_bpmn(tmp_path / "m.bpmn")
    png = write_model(model, tmp_path / "m.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_pnml_and_ptml_read_back(chinese: EventStore, tmp_path: Path) -> None:
    import pm4py

    model = discover(chinese, "c15", "inductive")
    tree = pm4py.read_ptml(str(write_model(model, tmp_path / "m.ptml")))
    assert str(tree) == str(model.tree)
    net, _, _ = pm4py.read_pnml(str(write_model(model, tmp_path / "m.pnml")))
    assert {t.label for t in net.transitions if t.label} == set(CHINESE)


def test_dfg_json(chinese: EventStore, tmp_path: Path) -> None:
    data = json.loads(write_model(discover(chinese, "c15", "dfg"), tmp_path / "d.json").read_text())
    edges = {(e["source"], e["target"]): e["count"] for e in data["edges"]}
    assert edges == {
        ("提交申请", "部门审批"): 3,
        ("部门审批", "财务审核"): 2,
        ("部门审批", "驳回"): 1,
        ("财务审核", "付款"): 2,
    }
    assert data["start_activities"] == {"提交申请": 3}
    assert Counter(n["activity"] for n in data["nodes"]) == Counter(CHINESE)


def test_unknown_extension_and_ptml_without_tree(chinese: EventStore, tmp_path: Path) -> None:
    model: Model = discover(chinese, "c15", "heuristics")
    with pytest.raises(ExportError, match=r"unknown extension '\.xyz'"):
        write_model(model, tmp_path / "m.xyz")
    with pytest.raises(ExportError, match="process tree"):
        write_model(model, tmp_path / "m.ptml")
    assert list(tmp_path.iterdir()) == []  # nothing half-written
