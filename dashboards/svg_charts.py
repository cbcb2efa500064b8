"""Small charts as inline SVG text, for the self-contained executive report (no JavaScript, no
fonts or scripts fetched: it opens offline and prints). Pure: data in, SVG string out."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

Series = tuple[str, Sequence[float | None], str]  # (legend name, values, colour)

WIDTH, HEIGHT = 680, 230
SHADE = "#e2e8f0"
LEFT, RIGHT, TOP, BOTTOM = 56, 30, 28, 34


def line_chart(
    labels: Sequence[str], series: Sequence[Series], y_title: str, shaded: Sequence[int] = ()
) -> str:
    """One line per series over the x `labels` (evenly spaced); missing values break the line.
    The y axis starts at 0 with four gridlines; about six x labels are written. The points at
    the `shaded` indices get a grey band behind them (e.g. partial weeks)."""
    top = max((v for _, values, _ in series for v in values if v is not None), default=0.0)
    top = _nice(top)
    n = max(len(labels), 1)

    def x(i: int) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (v / top if top else 0.0)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label="{escape(y_title)}">'
    ]
    for k in range(5):
        value = top * k / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#e2e8f0"/><text x="{LEFT - 6}" y="{y(value) + 4:.1f}" '
            f'text-anchor="end" class="tick">{_num(value)}</text>'
        )
    half = (WIDTH - LEFT - RIGHT) / (2 * (n - 1)) if n > 1 else (WIDTH - LEFT - RIGHT) / 2
    for i in shaded:
        x0 = min(max(LEFT, x(i) - half), WIDTH - RIGHT - 2 * half)  # at an edge, a whole step
        x1 = x0 + 2 * half
        parts.append(
            f'<rect class="shade" x="{x0:.1f}" y="{TOP}" width="{x1 - x0:.1f}" '
            f'height="{HEIGHT - TOP - BOTTOM}" fill="{SHADE}"/>'
        )
    step = max(1, round(n / 6))
    for i in range(0, n, step):
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'class="tick">{escape(labels[i])}</text>'
        )
    parts.append(f'<text x="12" y="{TOP - 10}" class="axis">{escape(y_title)}</text>')
    for k, (name, values, colour) in enumerate(series):
        for run in _runs(values):
            points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in run)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        lx = WIDTH - RIGHT - 150 * (len(series) - k)
        parts.append(
            f'<rect x="{lx}" y="{TOP - 20}" width="12" height="3" fill="{colour}"/>'
            f'<text x="{lx + 16}" y="{TOP - 15}" class="legend">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """The stretches of consecutive known values (a single point gets a tiny segment)."""
    runs: list[list[tuple[int, float]]] = [[]]
    for i, v in enumerate(values):
        if v is None:
            runs.append([])
        else:
            runs[-1].append((i, float(v)))
    return [r if len(r) > 1 else [*r, r[0]] for r in runs if r]


def _nice(top: float) -> float:
    """A round upper bound for the axis whose quarters are round too: 1, 2, 4, 6 or 8 times a
    power of ten."""
    if top <= 0:
        return 1.0
    power = 10 ** (len(str(int(top))) - 1) if top >= 1 else 1.0
    for factor in (1, 2, 4, 6, 8, 10):
        if top <= factor * power:
            return float(factor * power)
    return float(10 * power)


def _num(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
