"""The layered layout: no overlapping boxes, edges routed between their ends, left to right."""

from __future__ import annotations

import random

import pytest

from analytics.export.graph import Graph, Node, text_units, wrap
from analytics.export.layout import layered_layout


def random_graph(seed: int) -> Graph:
    rng = random.Random(seed)
    kinds = ["task", "task", "task", "xor", "and"]
    graph = Graph()
    graph.add(Node("s", "", "start"))
    n = rng.randint(3, 25)
    for i in range(n):
        graph.add(Node(f"n{i}", f"activity number {i} " * rng.randint(1, 3), rng.choice(kinds)))
    graph.add(Node("e", "", "end"))
    ids = list(graph.nodes)
    for _ in range(n * 2):  # forward, backward (cycles) and self-loop edges
        graph.connect(rng.choice(ids[:-1]), rng.choice(ids[1:]))
    return graph


@pytest.mark.parametrize("seed", range(30))
def test_no_overlap_and_routes_touch_their_nodes(seed: int) -> None:
    graph = random_graph(seed)
    layout = layered_layout(graph)
    boxes = list(layout.boxes.values())
    assert len(boxes) == len(graph.nodes)
    for i, a in enumerate(boxes):
        assert not any(a.overlaps(b) for b in boxes[i + 1 :])
        assert a.x >= 0
        assert a.y >= 0
        assert a.x + a.width <= layout.width
        assert a.y + a.height <= layout.height
    for edge, route in zip(graph.edges, layout.routes, strict=True):
        assert len(route) >= 2
        src, dst = layout.boxes[edge.source], layout.boxes[edge.target]
        (x0, y0), (x1, y1) = route[0], route[-1]
        assert src.x <= x0 <= src.x + src.width
        assert src.y <= y0 <= src.y + src.height
        assert dst.x <= x1 <= dst.x + dst.width
        assert dst.y <= y1 <= dst.y + dst.height


def test_a_chain_runs_left_to_right() -> None:
    graph = Graph()
    for name in "abcd":
        graph.add(Node(name, name, "task"))
    for s, t in ["ab", "bc", "cd", "db"]:  # d -> b closes a loop
        graph.connect(s, t)
    boxes = layered_layout(graph).boxes
    xs = [boxes[n].x for n in "abcd"]
    assert xs == sorted(xs)
    assert len(set(xs)) == 4


def test_wrap_counts_wide_characters_double() -> None:
    assert text_units("付款") == 4
    assert wrap("Declaration APPROVED by BUDGET OWNER", 16) == [
        "Declaration",
        "APPROVED by",
        "BUDGET OWNER",
    ]
    assert wrap("提交申请部门审批财务审核", 8) == ["提交申请", "部门审批", "财务审核"]


@pytest.mark.parametrize("seed", range(30))
def test_every_edge_bend_lies_on_the_canvas(seed: int) -> None:
    layout = layered_layout(random_graph(seed))
    bends = [pt for route in layout.routes for pt in route]
    assert bends
    assert all(0 <= x <= layout.width and 0 <= y <= layout.height for x, y in bends)
