"""BPMN 2.0 XML with diagram interchange (every shape and edge placed by our own layout).

The process graph comes from pm4py's BPMN object (converted from a process tree or a Petri
net); the layout is analytics.export.layout's, so no Graphviz is needed. Output is UTF-8 and
uses the `bpmn:`/`bpmndi:`/`dc:`/`di:` prefixes that bpmn.io and Camunda Modeler write.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from analytics.export.graph import Graph, Node
from analytics.export.layout import Layout, layered_layout

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
NAMESPACES = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI}

#: graph node kind -> BPMN element
ELEMENTS = {
    "start": "startEvent",
    "end": "endEvent",
    "task": "task",
    "xor": "exclusiveGateway",
    "and": "parallelGateway",
    "or": "inclusiveGateway",
}
_PREFIX = {"start": "StartEvent", "end": "EndEvent", "task": "Activity"}


def graph_from_pm4py_bpmn(model: Any) -> Graph:
    """Our drawing graph from a pm4py BPMN object; ids become readable and XML-safe."""
    from pm4py.objects.bpmn.obj import BPMN as PmBPMN

    kinds = [
        (PmBPMN.StartEvent, "start"),
        (PmBPMN.EndEvent, "end"),
        (PmBPMN.Task, "task"),
        (PmBPMN.ExclusiveGateway, "xor"),
        (PmBPMN.ParallelGateway, "and"),
        (PmBPMN.InclusiveGateway, "or"),
    ]
    graph = Graph()
    ids: dict[int, str] = {}
    nodes = sorted(model.get_nodes(), key=lambda n: (str(n.get_name()), str(n.get_id())))
    for node in nodes:
        kind = next((k for cls, k in kinds if isinstance(node, cls)), None)
        if kind is None:
            raise ValueError(f"BPMN element {type(node).__name__} is not supported by the writer")
        ids[id(node)] = f"{_PREFIX.get(kind, 'Gateway')}_{len(ids) + 1}"
        label = str(node.get_name() or "") if kind == "task" else ""
        graph.add(Node(ids[id(node)], label, kind))
    flows = sorted(
        model.get_flows(), key=lambda f: (ids[id(f.get_source())], ids[id(f.get_target())])
    )
    for flow in flows:
        graph.connect(ids[id(flow.get_source())], ids[id(flow.get_target())])
    return graph


def bpmn_xml(graph: Graph, layout: Layout | None = None, name: str = "process") -> bytes:
    """The BPMN 2.0 document (bytes, UTF-8) of `graph`, laid out if no layout is given."""
    layout = layout or layered_layout(graph)
    for prefix, uri in NAMESPACES.items():
        ET.register_namespace(prefix, uri)
    root = ET.Element(
        _q(BPMN, "definitions"),
        {
            "id": "Definitions_1",
            "targetNamespace": "http://bpmn.io/schema/bpmn",
            "exporter": "ProcLens",
            "exporterVersion": "0.1",
        },
    )
    process = ET.SubElement(
        root, _q(BPMN, "process"), {"id": "Process_1", "name": name, "isExecutable": "false"}
    )
    incoming: dict[str, list[str]] = {n: [] for n in graph.nodes}
    outgoing: dict[str, list[str]] = {n: [] for n in graph.nodes}
    for edge in graph.edges:
        outgoing[edge.source].append(edge.id)
        incoming[edge.target].append(edge.id)
    for node in graph.nodes.values():
        _flow_node(process, node, incoming[node.id], outgoing[node.id])
    for edge in graph.edges:
        attrs = {"id": edge.id, "sourceRef": edge.source, "targetRef": edge.target}
        ET.SubElement(process, _q(BPMN, "sequenceFlow"), attrs)
    _diagram(root, graph, layout)
    ET.indent(root)
    return bytes(ET.tostring(root, encoding="UTF-8", xml_declaration=True))


def _flow_node(process: ET.Element, node: Node, ins: list[str], outs: list[str]) -> None:
    attrs = {"id": node.id}
    if node.label:
        attrs["name"] = node.label
    if node.kind in ("xor", "and", "or"):
        attrs["gatewayDirection"] = _direction(len(ins), len(outs))
    element = ET.SubElement(process, _q(BPMN, ELEMENTS[node.kind]), attrs)
    for flow in ins:
        ET.SubElement(element, _q(BPMN, "incoming")).text = flow
    for flow in outs:
        ET.SubElement(element, _q(BPMN, "outgoing")).text = flow


def _diagram(root: ET.Element, graph: Graph, layout: Layout) -> None:
    diagram = ET.SubElement(root, _q(BPMNDI, "BPMNDiagram"), {"id": "BPMNDiagram_1"})
    plane = ET.SubElement(
        diagram, _q(BPMNDI, "BPMNPlane"), {"id": "BPMNPlane_1", "bpmnElement": "Process_1"}
    )
    for node in graph.nodes.values():
        box = layout.boxes[node.id]
        attrs = {"id": f"{node.id}_di", "bpmnElement": node.id}
        if node.kind == "xor":
            attrs["isMarkerVisible"] = "true"
        shape = ET.SubElement(plane, _q(BPMNDI, "BPMNShape"), attrs)
        ET.SubElement(shape, _q(DC, "Bounds"), _bounds(box.x, box.y, box.width, box.height))
    for edge, route in zip(graph.edges, layout.routes, strict=True):
        element = ET.SubElement(
            plane, _q(BPMNDI, "BPMNEdge"), {"id": f"{edge.id}_di", "bpmnElement": edge.id}
        )
        for x, y in route:
            ET.SubElement(element, _q(DI, "waypoint"), {"x": _num(x), "y": _num(y)})


def _direction(ins: int, outs: int) -> str:
    if ins > 1 and outs > 1:
        return "Mixed"
    if outs > 1:
        return "Diverging"
    if ins > 1:
        return "Converging"
    return "Unspecified"


def _bounds(x: float, y: float, w: float, h: float) -> dict[str, str]:
    return {"x": _num(x), "y": _num(y), "width": _num(w), "height": _num(h)}


def _num(value: float) -> str:
    return str(round(value)) if float(value).is_integer() else f"{value:.1f}"


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"
