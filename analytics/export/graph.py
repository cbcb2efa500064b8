"""The drawing model every exporter shares: typed nodes and directed edges.

Kinds: `start`, `end` (events), `task`, `xor`, `and`, `or` (gateways), and for Petri nets and
DFGs `place`, `transition`, `silent`. Sizes follow the BPMN modelers' defaults (task 100x80,
event 36x36, gateway 50x50); long task labels make the box taller, never wider than 160.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

SIZES: dict[str, tuple[float, float]] = {
    "task": (120.0, 60.0),
    "start": (36.0, 36.0),
    "end": (36.0, 36.0),
    "xor": (50.0, 50.0),
    "and": (50.0, 50.0),
    "or": (50.0, 50.0),
    "place": (36.0, 36.0),
    "transition": (120.0, 50.0),
    "silent": (16.0, 50.0),
}
LINE_HEIGHT = 16.0
LINE_UNITS = 16  # text units per line; a wide (CJK) character is 2 units


@dataclass
class Node:
    id: str
    label: str
    kind: str
    detail: str = ""  # line(s) under the label, e.g. a frequency; "\n" starts another line
    fill: str = ""  # background colour of a task, e.g. to mark deviations; "" = the default

    def lines(self) -> list[str]:
        if self.kind not in ("task", "transition"):
            return []
        out = wrap(self.label)
        return [*out, *self.detail.split("\n")] if self.detail else out

    def size(self) -> tuple[float, float]:
        width, height = SIZES[self.kind]
        lines = self.lines()
        return width, max(height, LINE_HEIGHT * len(lines) + 20.0)


@dataclass
class Edge:
    source: str
    target: str
    label: str = ""
    id: str = ""


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def add(self, node: Node) -> Node:
        self.nodes[node.id] = node
        return node

    def connect(self, source: str, target: str, label: str = "") -> Edge:
        edge = Edge(source, target, label, id=f"flow_{len(self.edges) + 1}")
        self.edges.append(edge)
        return edge


def text_units(text: str) -> int:
    """Display width in units: East Asian wide/full-width characters count double."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, units: int = LINE_UNITS) -> list[str]:
    """Break a label into lines of at most `units`, at spaces where possible."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if text_units(candidate) <= units:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for ch in word:  # a word longer than a line (or CJK text) breaks anywhere
            if text_units(current + ch) > units:
                lines.append(current)
                current = ""
            current += ch
    if current or not lines:
        lines.append(current)
    return lines
