"""A layered (Sugiyama-style) layout for process maps, pure Python and Streamlit-free.

Layers: breadth-first distance from the start node, so the main flow runs top to bottom; the
end node sits below everything. Inside a layer, nodes are ordered by the mean position of
their neighbours in the layer above (barycentre), a few sweeps, which keeps crossings low.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable

START = "▶"
END = "■"

Position = tuple[float, float]


def layers(nodes: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, int]:
    """node -> layer index (START is 0, END below the deepest node)."""
    succ: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        succ[a].append(b)
    depth = {START: 0}
    queue = deque([START])
    while queue:
        node = queue.popleft()
        for nxt in sorted(succ[node]):
            if nxt not in depth and nxt != END:
                depth[nxt] = depth[node] + 1
                queue.append(nxt)
    deepest = max(depth.values(), default=0)
    for node in sorted(nodes):  # nodes not reachable from START (should not happen): bottom
        if node not in depth and node not in (START, END):
            deepest += 1
            depth[node] = deepest
    depth[END] = deepest + 1
    return depth


def layered_positions(
    nodes: Iterable[str], edges: Iterable[tuple[str, str]], sweeps: int = 4
) -> dict[str, Position]:
    """node -> (x, y): y = -layer, x centred per layer and ordered by barycentre."""
    edge_list = list(edges)
    depth = layers(nodes, edge_list)
    by_layer: dict[int, list[str]] = defaultdict(list)
    for node, layer in sorted(depth.items(), key=lambda kv: (kv[1], kv[0])):
        by_layer[layer].append(node)
    preds: dict[str, list[str]] = defaultdict(list)
    for a, b in edge_list:
        if a != b:
            preds[b].append(a)
    x: dict[str, float] = {}
    for _ in range(sweeps):
        for layer in sorted(by_layer):
            row = by_layer[layer]

            def centre(node: str) -> float:
                seen = [x[p] for p in preds[node] if p in x and depth[p] < depth[node]]
                return sum(seen) / len(seen) if seen else x.get(node, 0.0)

            row.sort(key=lambda n: (centre(n), n))
            for i, node in enumerate(row):
                x[node] = i - (len(row) - 1) / 2
    return {node: (x[node], -float(depth[node])) for node in depth}
