"""Graphviz DOT text of a graph. Writing it needs no Graphviz; rendering it is the user's choice."""

from __future__ import annotations

from analytics.export.graph import Graph

_SHAPES = {
    "task": 'shape=box, style="rounded,filled", fillcolor="#eef4fb"',
    "transition": "shape=box",
    "silent": 'shape=box, style=filled, fillcolor=black, label="", width=0.15',
    "start": 'shape=circle, label="", width=0.4',
    "end": 'shape=doublecircle, label="", width=0.35',
    "place": 'shape=circle, label="", width=0.4',
    "xor": 'shape=diamond, label="×"',
    "and": 'shape=diamond, label="+"',
    "or": 'shape=diamond, label="○"',
}


def dot_text(graph: Graph, name: str = "process") -> str:
    lines = [f"digraph {_quote(name)} {{", "  rankdir=LR;", '  node [fontname="sans-serif"];']
    for node in graph.nodes.values():
        label = "\\n".join(_escape(s) for s in [node.label, *node.detail.split("\n")] if s)
        attrs = _SHAPES[node.kind]
        if node.kind in ("task", "transition"):
            attrs += f', label="{label}"'
        lines.append(f"  {_quote(node.id)} [{attrs}];")
    for edge in graph.edges:
        label = f' [label="{_escape(edge.label)}"]' if edge.label else ""
        lines.append(f"  {_quote(edge.source)} -> {_quote(edge.target)}{label};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _quote(text: str) -> str:
    return f'"{_escape(text)}"'
