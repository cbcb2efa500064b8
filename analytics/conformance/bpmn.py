"""BPMN 2.0 XML import: processes, flow nodes, sequence flows and lanes, read safely.

The parser refuses DTDs and entities (no XXE, no billion laughs) and never touches the network.
Every process of a collaboration is kept apart; message flows are counted but are not control
flow; lanes become the responsible role of the nodes they hold. Nothing here builds a net: see
`bpmn_flatten` and `bpmn_net`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from proclens.errors import ModelError

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"

TASK_KINDS = frozenset(
    {
        "task", "userTask", "serviceTask", "sendTask", "receiveTask", "manualTask",
        "scriptTask", "businessRuleTask", "callActivity",
    }
)  # fmt: skip
GATEWAY_KINDS = frozenset(
    {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
     "complexGateway"}
)  # fmt: skip
EVENT_KINDS = frozenset(
    {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
     "boundaryEvent"}
)  # fmt: skip
CONTAINER_KINDS = frozenset({"subProcess", "transaction", "adHocSubProcess"})
FLOW_NODE_KINDS = TASK_KINDS | GATEWAY_KINDS | EVENT_KINDS | CONTAINER_KINDS


@dataclass
class Node:
    id: str
    kind: str  # the BPMN element name: userTask, exclusiveGateway, boundaryEvent ...
    name: str = ""
    parent: str | None = None  # the expanded sub-process holding it
    event: str | None = None  # message, timer, error, terminate, link, compensate ...
    event_ref: str | None = None  # errorRef / escalationRef / link name
    attached_to: str | None = None  # boundary events
    interrupting: bool = True
    loop: bool = False  # standard or multi-instance loop marker
    for_compensation: bool = False
    triggered_by_event: bool = False  # event sub-process
    expanded: bool = False  # sub-process with content

    @property
    def label(self) -> str:
        """The activity name a task stands for (its id when it has no name)."""
        return " ".join(self.name.split()) or self.id

    def describe(self) -> str:
        return f"{self.kind} '{self.id}'" + (f" ({self.label})" if self.name else "")


@dataclass(frozen=True)
class Flow:
    id: str
    source: str
    target: str


@dataclass
class BpmnProcess:
    id: str
    name: str
    nodes: dict[str, Node] = field(default_factory=dict)
    flows: list[Flow] = field(default_factory=list)
    lanes: dict[str, str] = field(default_factory=dict)  # node id -> lane name

    @property
    def tasks(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind in TASK_KINDS or _collapsed(n)]

    @property
    def gateways(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind in GATEWAY_KINDS]

    def task_labels(self) -> list[str]:
        return sorted({t.label for t in self.tasks})

    def roles(self) -> dict[str, str]:
        """task label -> lane (role / department) that performs it."""
        return {t.label: self.lanes[t.id] for t in self.tasks if t.id in self.lanes}


@dataclass
class BpmnModel:
    path: str
    processes: list[BpmnProcess]
    message_flows: int = 0
    participants: int = 0

    def process(self, key: str) -> BpmnProcess:
        for p in self.processes:
            if key in (p.id, p.name):
                return p
        known = ", ".join(f"{p.id} ({p.name})" if p.name else p.id for p in self.processes)
        raise ModelError(f"{self.path}: no process or pool '{key}'; the model has: {known}")


def _collapsed(node: Node) -> bool:
    return node.kind in CONTAINER_KINDS and not node.expanded


def parse_xml(path: Path) -> etree._ElementTree:
    """Parse XML without DTDs, entities or network access; refuse any DOCTYPE."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True,
    )  # fmt: skip
    try:
        tree = etree.parse(str(path), parser)
    except OSError as exc:
        raise ModelError(f"{path}: cannot read the file ({exc})") from exc
    except etree.XMLSyntaxError as exc:
        raise ModelError(f"{path} is not well-formed XML: {exc}; fix or re-export it") from exc
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ModelError(
            f"{path}: the file declares a DOCTYPE/DTD; ProcLens refuses DTDs and entities "
            "(external entity risk); export the model again without a DOCTYPE"
        )
    return tree


def read_bpmn(path: str | Path) -> BpmnModel:
    """Read every process of a BPMN 2.0 file (Camunda, Flowable, Signavio, bpmn.io, MIWG)."""
    path = Path(path)
    root = parse_xml(path).getroot()
    if _local(root.tag) != "definitions" or _ns(root.tag) != BPMN_NS:
        raise ModelError(
            f"{path} is not BPMN 2.0 XML (root element {root.tag!r}); "
            f"expected <definitions> in namespace {BPMN_NS}"
        )
    pool_names = {
        p.get("processRef"): p.get("name") or ""
        for p in root.iter(f"{{{BPMN_NS}}}participant")
        if p.get("processRef")
    }
    processes = [
        _read_process(el, pool_names.get(el.get("id"), "")) for el in _children(root, "process")
    ]
    if not processes:
        raise ModelError(f"{path}: the file holds no <process>; nothing to check against")
    return BpmnModel(
        path=str(path),
        processes=processes,
        message_flows=sum(1 for _ in root.iter(f"{{{BPMN_NS}}}messageFlow")),
        participants=sum(1 for _ in root.iter(f"{{{BPMN_NS}}}participant")),
    )


def _read_process(el: etree._Element, pool: str) -> BpmnProcess:
    pid = el.get("id") or "process"
    proc = BpmnProcess(id=pid, name=pool or el.get("name") or "")
    _read_container(el, proc, parent=None)
    for lane_set in _children(el, "laneSet"):
        _read_lanes(lane_set, proc)
    return proc


def _read_container(el: etree._Element, proc: BpmnProcess, parent: str | None) -> None:
    for child in el:
        if not isinstance(child.tag, str) or _ns(child.tag) != BPMN_NS:
            continue
        kind = _local(child.tag)
        if kind == "sequenceFlow":
            src, tgt = child.get("sourceRef"), child.get("targetRef")
            if not src or not tgt:
                raise ModelError(f"sequenceFlow '{child.get('id')}' lacks sourceRef or targetRef")
            proc.flows.append(Flow(child.get("id") or f"{src}->{tgt}", src, tgt))
        elif kind in FLOW_NODE_KINDS:
            node = _read_node(child, kind, parent)
            proc.nodes[node.id] = node
            if kind in CONTAINER_KINDS and node.expanded:
                _read_container(child, proc, parent=node.id)


def _read_node(el: etree._Element, kind: str, parent: str | None) -> Node:
    nid = el.get("id")
    if not nid:
        raise ModelError(f"a {kind} element has no id; every BPMN flow node needs one")
    node = Node(id=nid, kind=kind, name=el.get("name") or "", parent=parent)
    for child in el:
        if not isinstance(child.tag, str):
            continue
        local = _local(child.tag)
        if local.endswith("EventDefinition") or local == "eventDefinitionRef":
            node.event = local.removesuffix("EventDefinition")
            node.event_ref = (
                child.get("errorRef") or child.get("escalationRef") or child.get("name")
            )
        elif local in ("standardLoopCharacteristics", "multiInstanceLoopCharacteristics"):
            node.loop = True
        elif local in FLOW_NODE_KINDS:
            node.expanded = True
    node.attached_to = el.get("attachedToRef")
    node.interrupting = el.get("cancelActivity", "true").lower() != "false"
    node.for_compensation = el.get("isForCompensation", "false").lower() == "true"
    node.triggered_by_event = el.get("triggeredByEvent", "false").lower() == "true"
    return node


def _read_lanes(lane_set: etree._Element, proc: BpmnProcess, outer: str = "") -> None:
    for lane in _children(lane_set, "lane"):
        name = " ".join((lane.get("name") or lane.get("id") or "").split())
        for ref in _children(lane, "flowNodeRef"):
            if ref.text and ref.text.strip():
                proc.lanes[ref.text.strip()] = name  # inner lanes overwrite outer ones
        for child_set in _children(lane, "childLaneSet"):
            _read_lanes(child_set, proc, name)


def _children(el: etree._Element, local: str) -> list[etree._Element]:
    return [c for c in el if isinstance(c.tag, str) and c.tag == f"{{{BPMN_NS}}}{local}"]


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _ns(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""
