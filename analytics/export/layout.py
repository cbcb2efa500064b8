"""A layered (Sugiyama-style) left-to-right layout, so no export needs Graphviz.

Steps: (1) break cycles by reversing the back edges of a depth-first search from the start
nodes; (2) give every node the layer of its longest path from a source; (3) split edges that
span several layers with dummy nodes; (4) order each layer by barycentre sweeps to reduce
crossings; (5) place layers left to right and the nodes of a layer top to bottom, each pulled
towards its neighbours but never closer than `node_gap` to the next one — so no two boxes
overlap, by construction; (6) route each edge through its dummies. Self-loops get a small
arc over their node.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from analytics.export.graph import Graph

Point = tuple[float, float]


@dataclass(frozen=True)
class Box:
    x: float  # left
    y: float  # top
    width: float
    height: float

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )


@dataclass
class Layout:
    boxes: dict[str, Box] = field(default_factory=dict)
    routes: list[list[Point]] = field(default_factory=list)  # one per graph edge, in order
    width: float = 0.0
    height: float = 0.0


DUMMY_HEIGHT = 12.0
BACK_OFFSET = 8.0  # how far a back edge runs beside the forward edge through shared dummies


def layered_layout(
    graph: Graph,
    *,
    margin: float = 40.0,
    layer_gap: float = 70.0,
    node_gap: float = 40.0,
    vertical: bool = False,
) -> Layout:
    """Lay the graph out left to right, or top to bottom with `vertical` (the same algorithm
    on the transposed boxes, so a screen-wide dashboard map grows downwards)."""
    ids = list(graph.nodes)
    sizes = {n: graph.nodes[n].size() for n in ids}
    if vertical:
        sizes = {n: (h, w) for n, (w, h) in sizes.items()}
    pairs = [(e.source, e.target) for e in graph.edges if e.source != e.target]
    reversed_edges = _back_edges(ids, pairs, graph)
    dag = [(t, s) if (s, t) in reversed_edges else (s, t) for s, t in pairs]
    layer = _layers(ids, dag)
    chains, layer_of = _split_long_edges(dag, layer)
    order = _order_layers(layer_of, chains, ids)
    boxes = _place(order, sizes, chains, margin, layer_gap, node_gap)
    routes = [_route(e.source, e.target, reversed_edges, chains, boxes) for e in graph.edges]
    real = {n: boxes[n] for n in ids}
    # The canvas holds every box and every edge bend (back edges may run below the nodes).
    bends = [pt for route in routes for pt in route]
    width = max([b.x + b.width for b in real.values()] + [pt[0] for pt in bends], default=0.0)
    height = max([b.y + b.height for b in real.values()] + [pt[1] for pt in bends], default=0.0)
    if vertical:
        real = {n: Box(b.y, b.x, b.height, b.width) for n, b in real.items()}
        routes = [[(y, x) for x, y in route] for route in routes]
        width, height = height, width
    return Layout(real, routes, width + margin, height + margin)


def _back_edges(ids: list[str], pairs: list[tuple[str, str]], graph: Graph) -> set[tuple[str, str]]:
    succ: dict[str, list[str]] = defaultdict(list)
    indeg: dict[str, int] = dict.fromkeys(ids, 0)
    for s, t in pairs:
        succ[s].append(t)
        indeg[t] += 1
    roots = [n for n in ids if graph.nodes[n].kind == "start" or indeg[n] == 0] + ids
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    back: set[tuple[str, str]] = set()
    for root in roots:
        if root in state:
            continue
        stack = [(root, iter(succ[root]))]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                back.add((node, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(succ[nxt])))
    return back


def _layers(ids: list[str], dag: list[tuple[str, str]]) -> dict[str, int]:
    preds: dict[str, list[str]] = defaultdict(list)
    succ: dict[str, list[str]] = defaultdict(list)
    indeg = dict.fromkeys(ids, 0)
    for s, t in set(dag):
        preds[t].append(s)
        succ[s].append(t)
        indeg[t] += 1
    ready = [n for n in ids if indeg[n] == 0]
    layer: dict[str, int] = {}
    while ready:
        node = ready.pop(0)
        layer[node] = max((layer[p] + 1 for p in preds[node]), default=0)
        for t in succ[node]:
            indeg[t] -= 1
            if indeg[t] == 0:
                ready.append(t)
    return layer


def _split_long_edges(
    dag: list[tuple[str, str]], layer: dict[str, int]
) -> tuple[dict[tuple[str, str], list[str]], dict[str, int]]:
    """Chain of node ids (with dummies) for every DAG edge; layer of every node and dummy."""
    layer_of = dict(layer)
    chains: dict[tuple[str, str], list[str]] = {}
    for s, t in dag:
        if (s, t) in chains:
            continue
        chain = [s]
        for k in range(layer[s] + 1, layer[t]):
            dummy = f"\0{s}\0{t}\0{k}"
            layer_of[dummy] = k
            chain.append(dummy)
        chains[(s, t)] = [*chain, t]
    return chains, layer_of


def _order_layers(
    layer_of: dict[str, int], chains: dict[tuple[str, str], list[str]], ids: list[str]
) -> list[list[str]]:
    up: dict[str, list[str]] = defaultdict(list)
    down: dict[str, list[str]] = defaultdict(list)
    for chain in chains.values():
        for a, b in pairwise(chain):
            down[a].append(b)
            up[b].append(a)
    first_seen = {n: i for i, n in enumerate(ids)}
    count = max(layer_of.values(), default=-1) + 1
    order: list[list[str]] = [[] for _ in range(count)]
    for node in sorted(layer_of, key=lambda n: first_seen.get(n, len(ids))):
        order[layer_of[node]].append(node)
    for sweep in range(8):
        rng = range(1, count) if sweep % 2 == 0 else range(count - 2, -1, -1)
        neighbours = up if sweep % 2 == 0 else down
        for k in rng:
            ref = order[k - 1] if sweep % 2 == 0 else order[k + 1]
            pos = {n: i for i, n in enumerate(ref)}
            current = {n: i for i, n in enumerate(order[k])}

            def bary(
                n: str,
                pos: dict[str, int] = pos,
                current: dict[str, int] = current,
                neighbours: dict[str, list[str]] = neighbours,
            ) -> float:
                near = [pos[m] for m in neighbours[n] if m in pos]
                return sum(near) / len(near) if near else float(current[n])

            order[k].sort(key=bary)
    return order


def _place(
    order: list[list[str]],
    sizes: dict[str, tuple[float, float]],
    chains: dict[tuple[str, str], list[str]],
    margin: float,
    layer_gap: float,
    node_gap: float,
) -> dict[str, Box]:
    def size(n: str) -> tuple[float, float]:
        return sizes.get(n, (0.0, DUMMY_HEIGHT))

    neighbours: dict[str, list[str]] = defaultdict(list)
    for chain in chains.values():
        for a, b in pairwise(chain):
            neighbours[a].append(b)
            neighbours[b].append(a)
    xs: list[float] = []
    x = margin
    for nodes in order:
        xs.append(x)
        x += max((size(n)[0] for n in nodes), default=0.0) + layer_gap
    centre: dict[str, float] = {}
    for nodes in order:  # first pass: stacked
        y = margin
        for n in nodes:
            centre[n] = y + size(n)[1] / 2
            y += size(n)[1] + node_gap
    for _ in range(4):  # pull towards neighbours, keep the order and the gaps
        for nodes in order:
            wanted = [_mean([centre[m] for m in neighbours[n]], centre[n]) for n in nodes]
            _pack(nodes, wanted, centre, [size(n)[1] for n in nodes], node_gap)
    top = min((centre[n] - size(n)[1] / 2 for n in centre), default=margin)
    for n in centre:  # the highest box starts at the margin
        centre[n] += margin - top
    boxes: dict[str, Box] = {}
    for k, nodes in enumerate(order):
        col = max((size(n)[0] for n in nodes), default=0.0)
        for n in nodes:
            w, h = size(n)
            boxes[n] = Box(xs[k] + (col - w) / 2, centre[n] - h / 2, w, h)
    return boxes


def _pack(
    nodes: list[str],
    wanted: list[float],
    centre: dict[str, float],
    heights: list[float],
    gap: float,
) -> None:
    """Centres as close to `wanted` as the order and the minimum gap allow.

    A downward pass keeps the gap to the node above; the whole layer is then shifted by the
    mean remaining displacement, so layers do not drift downwards.
    """
    ys = list(wanted)
    for i in range(1, len(nodes)):
        ys[i] = max(ys[i], ys[i - 1] + (heights[i - 1] + heights[i]) / 2 + gap)
    shift = sum(w - y for w, y in zip(wanted, ys, strict=True)) / max(len(ys), 1)
    for n, y in zip(nodes, ys, strict=True):
        centre[n] = y + shift


def _route(
    source: str,
    target: str,
    reversed_edges: set[tuple[str, str]],
    chains: dict[tuple[str, str], list[str]],
    boxes: dict[str, Box],
) -> list[Point]:
    if source == target:
        b = boxes[source]
        top = b.y - 18
        return [(b.cx + 8, b.y), (b.cx + 8, top), (b.cx - 8, top), (b.cx - 8, b.y)]
    if (source, target) in reversed_edges:
        chain = list(reversed(chains[(target, source)]))
        first, last = boxes[chain[0]], boxes[chain[-1]]
        # below the centre line, so B -> A does not run on top of A -> B (which may share
        # the same dummy chain)
        inner = [(boxes[d].cx, boxes[d].cy + BACK_OFFSET) for d in chain[1:-1]]
        return [
            (first.x, first.cy + first.height / 4),
            *inner,
            (last.x + last.width, last.cy + last.height / 4),
        ]
    chain = chains[(source, target)]
    first, last = boxes[chain[0]], boxes[chain[-1]]
    inner = [(boxes[d].cx, boxes[d].cy) for d in chain[1:-1]]
    return [(first.x + first.width, first.cy), *inner, (last.x, last.cy)]


def _mean(values: list[float], default: float) -> float:
    return sum(values) / len(values) if values else default
