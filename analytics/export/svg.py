"""SVG images of a laid-out graph, and PNG through resvg (a Rust renderer shipped as a wheel).

Shapes follow BPMN notation: rounded boxes for tasks, thin/thick circles for start/end
events, diamonds with a marker for gateways; Petri-net places are circles, silent
transitions black bars. Labels are XML-escaped text in UTF-8, so Chinese names survive.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from analytics.export.graph import LINE_HEIGHT, Graph, Node
from analytics.export.layout import Box, Layout, layered_layout

FONT = "'Noto Sans CJK SC', 'Noto Sans', 'DejaVu Sans', sans-serif"
#: The longest side of a PNG in pixels: a large model is scaled down to it, never cropped.
PNG_MAX_SIDE = 2400
_MARKERS = {"xor": "×", "and": "+", "or": "○"}


def svg_text(graph: Graph, layout: Layout | None = None) -> str:
    layout = layout or layered_layout(graph)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{layout.width:.0f}" '
        f'height="{layout.height:.0f}" viewBox="0 0 {layout.width:.0f} {layout.height:.0f}" '
        f'font-family={quoteattr(FONT)} font-size="12">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#444"/></marker></defs>',
        f'<rect width="{layout.width:.0f}" height="{layout.height:.0f}" fill="white"/>',
    ]
    for edge, route in zip(graph.edges, layout.routes, strict=True):
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in route)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="#444" stroke-width="1.5" '
            'marker-end="url(#arrow)"/>'
        )
        if edge.label:
            x, y = _label_point(route)
            parts.append(
                f'<text x="{x:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="#333">'
                f"{escape(edge.label)}</text>"
            )
    for node in graph.nodes.values():
        parts.extend(_shape(node, layout.boxes[node.id]))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def png_bytes(svg: str, max_side: int = PNG_MAX_SIDE) -> bytes:
    """Rasterise SVG text without any system binary or library (resvg via the resvg-py wheel):
    twice the SVG's size for sharp text, scaled down so no side exceeds `max_side` pixels."""
    import resvg_py

    zoom = min(2.0, max_side / max(_svg_size(svg), default=1.0))
    data = resvg_py.svg_to_bytes(svg_string=svg, zoom=zoom, background="white")
    return bytes(data)


def _svg_size(svg: str) -> tuple[float, ...]:
    """(width, height) of the root <svg> element, () when it has none."""
    root = re.search(r"<svg\b[^>]*>", svg)
    if root is None:
        return ()
    found = [re.search(rf'\s{name}="([0-9.]+)"', root.group(0)) for name in ("width", "height")]
    return tuple(float(m.group(1)) for m in found if m is not None)


def _shape(node: Node, box: Box) -> list[str]:
    x, y, w, h, cx, cy = box.x, box.y, box.width, box.height, box.cx, box.cy
    title = f"<title>{escape(node.label)}</title>" if node.label else ""
    if node.kind in ("task", "transition"):
        fill = node.fill or ("#eef4fb" if node.kind == "task" else "white")
        out = [
            f'<g>{title}<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
            f'rx="10" fill="{fill}" stroke="#2b5c8a" stroke-width="1.5"/></g>'
        ]
        lines = node.lines()
        top = cy - LINE_HEIGHT * (len(lines) - 1) / 2 + 4
        for i, line in enumerate(lines):
            out.append(
                f'<text x="{cx:.1f}" y="{top + i * LINE_HEIGHT:.1f}" text-anchor="middle">'
                f"{escape(line)}</text>"
            )
        return out
    if node.kind in ("start", "end", "place"):
        stroke = "4" if node.kind == "end" else "1.5"
        return [
            f'<g>{title}<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{w / 2:.1f}" fill="white" '
            f'stroke="#333" stroke-width="{stroke}"/></g>'
        ]
    if node.kind == "silent":
        return [f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="#222"/>']
    diamond = f"{cx:.1f},{y:.1f} {x + w:.1f},{cy:.1f} {cx:.1f},{y + h:.1f} {x:.1f},{cy:.1f}"
    return [
        f'<polygon points="{diamond}" fill="#fffbe6" stroke="#8a6d2b" stroke-width="1.5"/>',
        f'<text x="{cx:.1f}" y="{cy + 7:.1f}" text-anchor="middle" font-size="22">'
        f"{_MARKERS[node.kind]}</text>",
    ]


def _label_point(route: list[tuple[float, float]]) -> tuple[float, float]:
    mid = len(route) // 2
    (x1, y1), (x2, y2) = route[mid - 1], route[mid]
    return (x1 + x2) / 2, (y1 + y2) / 2
