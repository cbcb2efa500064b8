"""Draw the designed OA processes as BPMN 2.0 with diagram interchange (opens in bpmn.io).

Layout, left to right on one main line: start, submit, then per approval stage [condition
split], [loop merge], approval, decision split, [condition merge]; finishing tasks; end.
A return goes up to the revise task and back to the loop merge; a bypass for a conditional
stage runs above everything; a rejection goes down to a chain of merges on the lower line
that ends in "Notify rejection" and the "Rejected" end event. No two shapes overlap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

from samples.oa_process import (
    APPROVED,
    NOTIFY_REJECTION,
    PROCESSES,
    REJECTED,
    Label,
    Lang,
    Process,  # fmt: skip
    Stage,
)

Y_BYPASS, Y_REVISE, Y_MAIN, Y_REJECT = 60, 150, 280, 420
SIZES = {"task": (100, 80), "exclusiveGateway": (50, 50), "startEvent": (36, 36),
         "endEvent": (36, 36)}  # fmt: skip
GAP = 50
OUTCOME_LABELS = {
    "approved": Label("approved", "通过"),
    "returned": Label("returned", "退回"),
    "rejected": Label("rejected", "驳回"),
    "otherwise": Label("otherwise", "其他"),
}
MODELS_DIR = Path(__file__).resolve().parent.parent / "sample_logs" / "models"


@dataclass
class Node:
    id: str
    kind: str
    name: str | None
    cx: float
    cy: float

    @property
    def w(self) -> int:
        return SIZES[self.kind][0]

    @property
    def h(self) -> int:
        return SIZES[self.kind][1]


@dataclass
class Diagram:
    lang: Lang
    nodes: list[Node] = field(default_factory=list)
    flows: list[tuple[str, str, str | None, list[tuple[float, float]]]] = field(
        default_factory=list
    )
    x: float = 80.0  # right edge of the last shape on the main line

    def add(self, id_: str, kind: str, name: str | None, cy: float = Y_MAIN) -> Node:
        w = SIZES[kind][0]
        node = Node(id_, kind, name, self.x + GAP + w / 2, cy)
        if cy == Y_MAIN:
            self.x = node.cx + w / 2
        self.nodes.append(node)
        return node

    def place(self, id_: str, kind: str, name: str | None, cx: float, cy: float) -> Node:
        node = Node(id_, kind, name, cx, cy)
        self.nodes.append(node)
        return node

    def flow(self, a: Node, b: Node, name: Label | None = None,
             via: list[tuple[float, float]] | None = None) -> None:  # fmt: skip
        if name is None and a.id.endswith("_decision") and b.cy == a.cy:
            name = OUTCOME_LABELS["approved"]
        text = name.text(self.lang) if name else None
        points = via or [(a.cx + a.w / 2, a.cy), (b.cx - b.w / 2, b.cy)]
        self.flows.append((a.id, b.id, text, points))


def build(process: Process, lang: Lang) -> Diagram:
    d = Diagram(lang)
    start = d.add("StartEvent", "startEvent", None)
    last = d.add("Task_submit", "task", process.submit.text(lang))
    d.flow(start, last)
    reject_chain: list[Node] = []
    for stage in process.stages:
        last = _draw_stage(d, stage, last, reject_chain)
    for task_def in process.finish:
        task = d.add(f"Task_{task_def.key}", "task", task_def.label.text(lang))
        d.flow(last, task)
        last = task
    end = d.add("EndEvent_approved", "endEvent", APPROVED.text(lang))
    d.flow(last, end)
    notify = d.place("Task_notify_rejection", "task", NOTIFY_REJECTION.text(lang),
                     reject_chain[-1].cx + 25 + GAP + 50, Y_REJECT)  # fmt: skip
    d.flow(reject_chain[-1], notify)
    rejected = d.place("EndEvent_rejected", "endEvent", REJECTED.text(lang),
                       notify.cx + 50 + GAP + 18, Y_REJECT)  # fmt: skip
    d.flow(notify, rejected)
    return d


def _draw_stage(d: Diagram, stage: Stage, last: Node, reject_chain: list[Node]) -> Node:
    """Draw one approval stage after `last`; returns the node the next step follows."""
    cond = None
    if stage.condition is not None:
        cond = d.add(f"Gateway_{stage.key}_condition", "exclusiveGateway", None)
        d.flow(last, cond)
        last = cond
    loop = None
    if stage.revise is not None:
        loop = d.add(f"Gateway_{stage.key}_loop", "exclusiveGateway", None)
        d.flow(last, loop, stage.condition if cond is not None else None)
        last = loop
    task = d.add(f"Task_{stage.key}", "task", stage.label.text(d.lang))
    d.flow(last, task, stage.condition if cond is not None and loop is None else None)
    split = d.add(f"Gateway_{stage.key}_decision", "exclusiveGateway", None)
    d.flow(task, split)
    if stage.revise is not None and loop is not None:
        revise = d.place(f"Task_{stage.key}_revise", "task", stage.revise.text(d.lang),
                         task.cx, Y_REVISE)  # fmt: skip
        d.flow(
            split,
            revise,
            OUTCOME_LABELS["returned"],
            [(split.cx, split.cy - 25), (split.cx, Y_REVISE), (revise.cx + 50, Y_REVISE)],
        )
        d.flow(
            revise,
            loop,
            None,
            [(revise.cx - 50, Y_REVISE), (loop.cx, Y_REVISE), (loop.cx, loop.cy - 25)],
        )
    merge = d.place(f"Gateway_{stage.key}_rejected", "exclusiveGateway", None,
                    split.cx, Y_REJECT)  # fmt: skip
    d.flow(
        split,
        merge,
        OUTCOME_LABELS["rejected"],
        [(split.cx, split.cy + 25), (split.cx, merge.cy - 25)],
    )
    if reject_chain:
        d.flow(reject_chain[-1], merge)
    reject_chain.append(merge)
    if cond is None:
        return split
    join = d.add(f"Gateway_{stage.key}_join", "exclusiveGateway", None)
    d.flow(split, join)
    d.flow(cond, join, OUTCOME_LABELS["otherwise"],
           [(cond.cx, cond.cy - 25), (cond.cx, Y_BYPASS), (join.cx, Y_BYPASS),
            (join.cx, join.cy - 25)])  # fmt: skip
    return join


NS = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI"'
)


def to_xml(process: Process, lang: Lang) -> str:
    """The BPMN 2.0 XML (semantics plus diagram interchange) of `process` in `lang`."""
    d = build(process, lang)
    flow_ids = [f"Flow_{i + 1}" for i in range(len(d.flows))]
    incoming: dict[str, list[str]] = {}
    outgoing: dict[str, list[str]] = {}
    for fid, (src, tgt, _, _) in zip(flow_ids, d.flows, strict=True):
        outgoing.setdefault(src, []).append(fid)
        incoming.setdefault(tgt, []).append(fid)
    pid = f"Process_{process.key}"
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<bpmn:definitions {NS} id="Definitions_{process.key}" '
           'targetNamespace="https://github.com/proclens/proclens/oa" '
           'exporter="ProcLens samples.oa_bpmn" exporterVersion="1">',
           f'  <bpmn:process id="{pid}" name={quoteattr(process.label.text(lang))} '
           'isExecutable="false">']  # fmt: skip
    for n in d.nodes:
        name = f" name={quoteattr(n.name)}" if n.name else ""
        out.append(f'    <bpmn:{n.kind} id="{n.id}"{name}>')
        out += [f"      <bpmn:incoming>{f}</bpmn:incoming>" for f in incoming.get(n.id, [])]
        out += [f"      <bpmn:outgoing>{f}</bpmn:outgoing>" for f in outgoing.get(n.id, [])]
        out.append(f"    </bpmn:{n.kind}>")
    for fid, (src, tgt, text, _) in zip(flow_ids, d.flows, strict=True):
        name = f" name={quoteattr(text)}" if text else ""
        out.append(f'    <bpmn:sequenceFlow id="{fid}"{name} sourceRef="{src}" targetRef="{tgt}"/>')
    out += ["  </bpmn:process>", '  <bpmndi:BPMNDiagram id="BPMNDiagram_1">',
            f'    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="{pid}">']  # fmt: skip
    out += [_shape(n) for n in d.nodes]
    for fid, (_, _, _, points) in zip(flow_ids, d.flows, strict=True):
        out.append(f'      <bpmndi:BPMNEdge id="{fid}_di" bpmnElement="{fid}">')
        out += [f'        <di:waypoint x="{_n(x)}" y="{_n(y)}"/>' for x, y in points]
        out.append("      </bpmndi:BPMNEdge>")
    out += ["    </bpmndi:BPMNPlane>", "  </bpmndi:BPMNDiagram>", "</bpmn:definitions>", ""]
    return "\n".join(out)


def _shape(n: Node) -> str:
    marker = ' isMarkerVisible="true"' if n.kind == "exclusiveGateway" else ""
    bounds = (f'<dc:Bounds x="{_n(n.cx - n.w / 2)}" y="{_n(n.cy - n.h / 2)}" '
              f'width="{n.w}" height="{n.h}"/>')  # fmt: skip
    label = ""
    if n.kind.endswith("Event") and n.name:
        label = (f'<bpmndi:BPMNLabel><dc:Bounds x="{_n(n.cx - 40)}" y="{_n(n.cy + 22)}" '
                 'width="80" height="14"/></bpmndi:BPMNLabel>')  # fmt: skip
    return (f'      <bpmndi:BPMNShape id="{n.id}_di" bpmnElement="{n.id}"{marker}>{bounds}'
            f"{label}</bpmndi:BPMNShape>")  # fmt: skip


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def model_path(process: Process, lang: Lang, folder: Path = MODELS_DIR) -> Path:
    suffix = ".bpmn" if lang == "en" else ".zh.bpmn"
    return folder / f"{process.model_file}{suffix}"


def write_models(folder: Path = MODELS_DIR) -> list[Path]:
    """Write every process in both languages; returns the paths written."""
    paths = []
    for process in PROCESSES:
        for lang in ("en", "zh"):
            path = model_path(process, lang, folder)
            path.write_text(to_xml(process, lang), encoding="utf-8")
            paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_models():
        print(written)
