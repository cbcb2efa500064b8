"""Designed models in: BPMN (own importer) or PNML (pm4py's reader), as one ProcessModel.

`load_model(path, process=None, activities=None)` picks the process of a collaboration: the
one named, else the one whose task labels match the log activities best, else the one with the
most tasks. The net is checked for soundness; an unsound translation raises ModelError naming
the BPMN element it is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from analytics.conformance.bpmn import BpmnModel, BpmnProcess, parse_xml, read_bpmn
from analytics.conformance.bpmn_flatten import flatten
from analytics.conformance.bpmn_net import flat_to_net
from analytics.conformance.netgraph import (
    CompiledNet,
    ReachabilityGraph,
    compile_net,
    reachability_graph,
)
from analytics.conformance.soundness import Soundness, check_soundness
from proclens.errors import ModelError


@dataclass
class ProcessModel:
    path: str
    kind: str  # bpmn or pnml
    net: Any
    im: Any
    fm: Any
    process_id: str = ""
    process_name: str = ""
    processes: list[dict[str, Any]] = field(default_factory=list)
    gateways: int = 0
    lanes: dict[str, list[str]] = field(default_factory=dict)  # lane -> task labels

    @property
    def tasks(self) -> list[str]:
        """Visible transition labels (the activities the model knows)."""
        return sorted({t.label for t in self.net.transitions if t.label is not None})

    @property
    def roles(self) -> dict[str, str]:
        return {task: lane for lane, tasks in self.lanes.items() for task in tasks}

    @cached_property
    def compiled(self) -> CompiledNet:
        return compile_net(self.net, self.im, self.fm)

    @cached_property
    def graph(self) -> ReachabilityGraph:
        return reachability_graph(self.compiled)

    @cached_property
    def soundness(self) -> Soundness:
        return check_soundness(self.compiled, self.graph)

    def info(self) -> dict[str, Any]:
        """The figures of `proclens model-info`."""
        return {
            "path": self.path,
            "kind": self.kind,
            "process": self.process_id,
            "process_name": self.process_name,
            "processes": self.processes,
            "tasks": self.tasks,
            "gateways": self.gateways,
            "lanes": self.lanes,
            "places": len(self.net.places),
            "transitions": len(self.net.transitions),
            "silent_transitions": sum(1 for t in self.net.transitions if t.label is None),
            "reachable_markings": len(self.graph.markings),
            "sound": self.soundness.sound,
            "soundness": self.soundness.describe(),
        }


def load_model(
    path: str | Path, process: str | None = None, activities: list[str] | None = None
) -> ProcessModel:
    path = Path(path)
    if not path.exists():
        raise ModelError(f"{path}: no such model file")
    if path.suffix.lower() == ".pnml":
        return load_pnml(path)
    bpmn = read_bpmn(path)
    proc = bpmn.process(process) if process else pick_process(bpmn, activities)
    return bpmn_model(bpmn, proc)


def bpmn_model(bpmn: BpmnModel, proc: BpmnProcess) -> ProcessModel:
    net, im, fm = flat_to_net(flatten(proc), proc.id)
    lanes: dict[str, list[str]] = {}
    for task in proc.tasks:
        if task.id in proc.lanes:
            lanes.setdefault(proc.lanes[task.id], [])
            if task.label not in lanes[proc.lanes[task.id]]:
                lanes[proc.lanes[task.id]].append(task.label)
    model = ProcessModel(
        path=bpmn.path,
        kind="bpmn",
        net=net,
        im=im,
        fm=fm,
        process_id=proc.id,
        process_name=proc.name,
        processes=[{"id": p.id, "name": p.name, "tasks": len(p.tasks)} for p in bpmn.processes],
        gateways=len(proc.gateways),
        lanes=lanes,
    )
    if not model.soundness.sound:
        element = _bpmn_element(proc, model.soundness.culprit)
        raise ModelError(
            f"{bpmn.path}: process '{proc.id}' translates to a net that is "
            f"{model.soundness.describe()}{element}; fix the model (e.g. join parallel "
            "branches before the end) or pick another process with --process"
        )
    return model


def pick_process(bpmn: BpmnModel, activities: list[str] | None) -> BpmnProcess:
    """The process whose task labels match the log best (ties: most tasks)."""
    wanted = {_norm(a) for a in activities or []}

    def score(p: BpmnProcess) -> tuple[int, int]:
        return (sum(1 for t in p.task_labels() if _norm(t) in wanted), len(p.tasks))

    return max(bpmn.processes, key=score)


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def _bpmn_element(proc: BpmnProcess, culprit: str) -> str:
    """Name the BPMN element behind a place (p_<flow>) or transition (t<n>_<kind>_<node>)."""
    if culprit.startswith("p_"):
        flow = next((f for f in proc.flows if f.id == culprit[2:]), None)
        if flow is not None:
            return f" (at sequenceFlow '{flow.id}' into {proc.nodes[flow.target].describe()})"
    for node_id in sorted(proc.nodes, key=len, reverse=True):
        if node_id in culprit:
            return f" (at {proc.nodes[node_id].describe()})"
    return f" (at {culprit})" if culprit else ""


def load_pnml(path: Path) -> ProcessModel:
    import pm4py

    parse_xml(path)  # the same DTD/entity refusal as for BPMN, before pm4py reads it
    try:
        net, im, fm = pm4py.read_pnml(str(path))
    except Exception as exc:
        raise ModelError(
            f"{path} is not a readable PNML Petri net ({type(exc).__name__}: {exc})"
        ) from exc
    if not im:
        raise ModelError(f"{path}: the net has no initial marking; mark the source place")
    if not fm:
        fm = _sink_marking(net, path)
    model = ProcessModel(path=str(path), kind="pnml", net=net, im=im, fm=fm)
    model.process_id = str(net.name)
    return model


def _sink_marking(net: Any, path: Path) -> Any:
    from pm4py.objects.petri_net.obj import Marking

    sinks = [p for p in net.places if not p.out_arcs]
    if len(sinks) != 1:
        raise ModelError(
            f"{path}: the net has no final marking and {len(sinks)} places without outgoing "
            "arcs; add <finalmarkings> to the PNML file"
        )
    return Marking({sinks[0]: 1})
