"""Flatten one BPMN process into a graph of five node kinds the net builder understands.

Kinds: `task` (visible, labelled), `silent` (events: pass-through), `xor`, `and`, `or`.
Expanded sub-processes become an entry and an exit node around their content; interrupting
boundary events become an exclusive choice in front of the task they are attached to; link
events become flows. Constructs that a Petri net cannot express faithfully raise ModelError
naming the element id and kind.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from analytics.conformance.bpmn import (
    CONTAINER_KINDS,
    GATEWAY_KINDS,
    TASK_KINDS,
    BpmnProcess,
    Node,
)
from proclens.errors import ModelError

_GATEWAY = {
    "exclusiveGateway": "xor", "eventBasedGateway": "xor",
    "parallelGateway": "and", "inclusiveGateway": "or",
}  # fmt: skip


@dataclass
class FlatNode:
    id: str
    kind: str  # task, silent, xor, and, or
    label: str | None = None
    loop: bool = False
    origin: Node | None = None  # the BPMN element, for error messages
    is_start: bool = False

    def describe(self) -> str:
        return self.origin.describe() if self.origin else f"node '{self.id}'"


@dataclass
class FlatGraph:
    nodes: dict[str, FlatNode] = field(default_factory=dict)
    flows: list[tuple[str, str, str]] = field(default_factory=list)  # (id, source, target)

    def add_flow(self, source: str, target: str, fid: str | None = None) -> None:
        self.flows.append((fid or f"{source}->{target}#{len(self.flows)}", source, target))

    def incoming(self) -> dict[str, list[tuple[str, str, str]]]:
        out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for f in self.flows:
            out[f[2]].append(f)
        return out

    def outgoing(self) -> dict[str, list[tuple[str, str, str]]]:
        out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for f in self.flows:
            out[f[1]].append(f)
        return out


def flatten(proc: BpmnProcess) -> FlatGraph:
    _refuse_untranslatable(proc)
    graph = FlatGraph()
    redirect_in: dict[str, str] = {}  # BPMN id -> flat node receiving its incoming flows
    redirect_out: dict[str, str] = {}  # BPMN id -> flat node emitting its outgoing flows
    for node in proc.nodes.values():
        if _ignored(node):
            continue
        if node.kind in CONTAINER_KINDS and node.expanded:
            _add_container(proc, node, graph, redirect_in, redirect_out)
        elif node.kind in TASK_KINDS or node.kind in CONTAINER_KINDS:
            graph.nodes[node.id] = FlatNode(node.id, "task", node.label, node.loop, node)
        elif node.kind in GATEWAY_KINDS:
            graph.nodes[node.id] = FlatNode(node.id, _GATEWAY[node.kind], origin=node)
        else:
            graph.nodes[node.id] = FlatNode(
                node.id, "silent", origin=node, is_start=node.kind == "startEvent"
            )
    for flow in proc.flows:
        if flow.source not in proc.nodes or flow.target not in proc.nodes:
            missing = flow.source if flow.source not in proc.nodes else flow.target
            raise ModelError(f"sequenceFlow '{flow.id}' refers to unknown element '{missing}'")
        if _ignored(proc.nodes[flow.source]) or _ignored(proc.nodes[flow.target]):
            continue
        src = redirect_out.get(flow.source, flow.source)
        tgt = redirect_in.get(flow.target, flow.target)
        graph.add_flow(src, tgt, flow.id)
    _add_boundaries(proc, graph, redirect_in)
    _add_links(proc, graph)
    return graph


def _ignored(node: Node) -> bool:
    """Compensation handlers and compensation boundary events are not normal control flow."""
    return node.for_compensation or (node.kind == "boundaryEvent" and node.event == "compensate")


def _refuse_untranslatable(proc: BpmnProcess) -> None:
    for node in proc.nodes.values():
        reason = None
        if node.kind == "complexGateway":
            reason = "complex gateway conditions have no Petri-net equivalent"
        elif node.kind == "adHocSubProcess" and node.expanded:
            reason = "an ad-hoc sub-process runs its content in any order and number"
        elif node.triggered_by_event:
            reason = "an event sub-process can interrupt the process at any point"
        elif node.kind == "boundaryEvent" and node.event != "compensate":
            if not node.interrupting:
                reason = "a non-interrupting boundary event starts an extra parallel branch"
            elif not node.attached_to or node.attached_to not in proc.nodes:
                reason = "the boundary event is not attached to a known activity"
        elif node.kind == "intermediateThrowEvent" and node.event == "compensate":
            reason = "compensation (undo of completed activities) has no net equivalent"
        if reason:
            raise ModelError(
                f"cannot translate {node.describe()} faithfully into a Petri net: {reason}; "
                "remove or restructure it in the model, or check against a PNML net instead"
            )


def _add_container(
    proc: BpmnProcess,
    sub: Node,
    graph: FlatGraph,
    redirect_in: dict[str, str],
    redirect_out: dict[str, str],
) -> None:
    entry, exit_ = f"{sub.id}#entry", f"{sub.id}#exit"
    inner = [n for n in proc.nodes.values() if n.parent == sub.id and not _ignored(n)]
    starts = [n for n in inner if n.kind == "startEvent"]
    targets = {f.target for f in proc.flows}
    sources = {f.source for f in proc.flows}
    if not starts:  # BPMN: without start events every node without incoming flow starts
        starts = [n for n in inner if n.id not in targets and n.kind != "boundaryEvent"]
    graph.nodes[entry] = FlatNode(entry, "and" if len(starts) > 1 else "xor", origin=sub)
    graph.nodes[exit_] = FlatNode(exit_, "xor", origin=sub)
    for s in starts:
        graph.add_flow(entry, _entry_of(s))
    for n in inner:
        if n.id in sources or n.kind == "boundaryEvent":
            continue
        graph.add_flow(_exit_of(n), exit_)  # end events and nodes without outgoing flow
    if sub.loop:
        graph.add_flow(exit_, entry)
    redirect_in[sub.id] = entry
    redirect_out[sub.id] = exit_


def _entry_of(node: Node) -> str:
    return f"{node.id}#entry" if node.kind in CONTAINER_KINDS and node.expanded else node.id


def _exit_of(node: Node) -> str:
    return f"{node.id}#exit" if node.kind in CONTAINER_KINDS and node.expanded else node.id


def _add_boundaries(proc: BpmnProcess, graph: FlatGraph, redirect_in: dict[str, str]) -> None:
    by_host: dict[str, list[Node]] = defaultdict(list)
    for node in proc.nodes.values():
        if node.kind == "boundaryEvent" and not _ignored(node) and node.attached_to:
            by_host[node.attached_to].append(node)
    for host_id, events in by_host.items():
        host = proc.nodes[host_id]
        if host.kind in CONTAINER_KINDS and host.expanded:
            for event in events:
                _route_inner_ends(proc, graph, host, event)
            continue
        choice = f"{host_id}#boundary"
        graph.nodes[choice] = FlatNode(choice, "xor", origin=host)
        graph.flows = [(fid, s, choice if t == host_id else t) for fid, s, t in graph.flows]
        graph.add_flow(choice, host_id)
        for event in events:
            graph.add_flow(choice, event.id)


def _route_inner_ends(proc: BpmnProcess, graph: FlatGraph, sub: Node, event: Node) -> None:
    if event.event not in ("error", "escalation"):
        raise ModelError(
            f"cannot translate {event.describe()} faithfully into a Petri net: an interrupting "
            f"{event.event or 'untyped'} boundary event on expanded {sub.describe()} can cancel "
            "it at any point; attach it to a task or model the cancellation explicitly"
        )
    ends = [
        n.id
        for n in proc.nodes.values()
        if _inside(proc, n, sub.id)
        and n.kind == "endEvent"
        and n.event == event.event
        and (event.event_ref is None or n.event_ref in (None, event.event_ref))
    ]
    if not ends:
        raise ModelError(
            f"cannot translate {event.describe()}: no {event.event} end event inside "
            f"{sub.describe()} throws what it catches"
        )
    exit_ = f"{sub.id}#exit"
    graph.flows = [f for f in graph.flows if not (f[1] in ends and f[2] == exit_)]
    for end in ends:
        graph.add_flow(end, event.id)


def _inside(proc: BpmnProcess, node: Node, container: str) -> bool:
    parent = node.parent
    while parent is not None:
        if parent == container:
            return True
        parent = proc.nodes[parent].parent
    return False


def _add_links(proc: BpmnProcess, graph: FlatGraph) -> None:
    catches = {
        n.event_ref or n.name: n.id
        for n in proc.nodes.values()
        if n.kind == "intermediateCatchEvent" and n.event == "link"
    }
    for n in proc.nodes.values():
        if n.kind == "intermediateThrowEvent" and n.event == "link":
            target = catches.get(n.event_ref or n.name)
            if target is None:
                raise ModelError(f"{n.describe()}: no link catch event named '{n.name}'")
            graph.add_flow(n.id, target)
