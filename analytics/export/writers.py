"""Write a discovered model to a file, the format chosen by the file's extension.

| ext    | content                                                               |
|--------|-----------------------------------------------------------------------|
| .bpmn  | BPMN 2.0 + diagram interchange (our layered layout)                   |
| .pnml  | Petri net (pm4py's PNML writer), with initial and final marking       |
| .ptml  | process tree (inductive miner only)                                   |
| .json  | the DFG the model was mined from (nodes, edges, start/end activities) |
| .svg   | image: the BPMN diagram, or the DFG itself for `--miner dfg`          |
| .png   | the same image rasterised by resvg (no system binary)                 |
| .dot   | Graphviz text of the same graph (writing it needs no Graphviz)        |

The file is written to a temporary name next to the target and renamed when complete, so a
failure never leaves a half-written file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analytics.discovery import DirectlyFollows, Model
from analytics.export.bpmn_writer import bpmn_xml, graph_from_pm4py_bpmn
from analytics.export.dot import dot_text
from analytics.export.graph import Graph, Node
from analytics.export.svg import png_bytes, svg_text
from proclens.errors import ProcLensError

FORMATS = (".bpmn", ".pnml", ".ptml", ".json", ".svg", ".png", ".dot")


class ExportError(ProcLensError):
    """A model that cannot be written in the requested format."""


def write_model(model: Model, path: str | Path) -> Path:
    """Write `model` to `path` in the format of its extension; return the path."""
    target = Path(path)
    try:
        data = model_bytes(model, target.suffix)
    except ExportError as exc:
        raise ExportError(f"cannot write '{target.name}': {exc}") from None
    _atomic_write(target, data)
    return target


def model_bytes(model: Model, ext: str) -> bytes:
    """The content of `model` in the format of file extension `ext` (".bpmn", ".png", ...)."""
    ext = ext.lower()
    writers: dict[str, Callable[[Model], bytes]] = {
        ".bpmn": lambda m: bpmn_xml(bpmn_graph(m)),
        ".pnml": _pnml,
        ".ptml": _ptml,
        ".json": lambda m: _json(m).encode("utf-8"),
        ".svg": lambda m: svg_text(image_graph(m)).encode("utf-8"),
        ".png": lambda m: png_bytes(svg_text(image_graph(m))),
        ".dot": lambda m: dot_text(image_graph(m)).encode("utf-8"),
    }
    if ext not in writers:
        raise ExportError(f"unknown extension '{ext or '(none)'}'; use one of {', '.join(FORMATS)}")
    return writers[ext](model)


def bpmn_graph(model: Model) -> Graph:
    """The model as a BPMN process graph (pm4py converts the tree or the Petri net)."""
    if model.tree is not None:
        from pm4py.objects.conversion.process_tree.variants import to_bpmn as tree_to_bpmn

        return graph_from_pm4py_bpmn(tree_to_bpmn.apply(model.tree))
    from pm4py.objects.conversion.wf_net.variants import to_bpmn as net_to_bpmn

    return graph_from_pm4py_bpmn(net_to_bpmn.apply(*model.net))


def image_graph(model: Model) -> Graph:
    return dfg_graph(model.dfg) if model.miner == "dfg" else bpmn_graph(model)


def dfg_graph(dfg: DirectlyFollows) -> Graph:
    """The DFG drawn as in process-mining tools: start, activities with counts, end."""
    graph = Graph()
    graph.add(Node("start", "", "start"))
    ids = {a: f"Activity_{i + 1}" for i, a in enumerate(dfg.activities)}
    for activity, count in dfg.activities.items():
        graph.add(Node(ids[activity], activity, "task", detail=f"{count:,}"))
    graph.add(Node("end", "", "end"))
    for activity, count in dfg.start_activities.items():
        graph.connect("start", ids[activity], f"{count:,}")
    for (source, target), count in dfg.edges.items():
        graph.connect(ids[source], ids[target], f"{count:,}")
    for activity, count in dfg.end_activities.items():
        graph.connect(ids[activity], "end", f"{count:,}")
    if dfg.empty_cases:
        graph.connect("start", "end", f"{dfg.empty_cases:,}")
    return graph


def _json(model: Model) -> str:
    data: dict[str, Any] = {"miner": model.miner, **model.dfg.to_json()}
    if model.tree is not None:
        data["process_tree"] = str(model.tree)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _pnml(model: Model) -> bytes:
    from pm4py.objects.petri_net.exporter.variants import pnml

    net, im, fm = model.net
    return bytes(pnml.export_petri_as_string(net, im, fm))


def _ptml(model: Model) -> bytes:
    if model.tree is None:
        raise ExportError(
            f".ptml holds a process tree, which the {model.miner} miner does not produce; "
            "use --miner inductive, or write .pnml / .bpmn instead"
        )
    from pm4py.objects.process_tree.exporter.variants import ptml

    return bytes(ptml.export_tree_as_string(model.tree))


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _atomic_write(target: Path, data: bytes) -> None:
    if not target.parent.exists():
        raise ExportError(f"cannot write '{target}': folder {target.parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
