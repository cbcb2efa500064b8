"""Pure chart builders: DataFrame (already aggregated) -> Plotly figure. No Streamlit here.

Every builder takes the labels it shows, so the pages pass them in the chosen language.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

ACCENT = "#2563eb"
MUTED = "#94a3b8"


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 8, "r": 8, "t": 32, "b": 8},
        plot_bgcolor="white",
        font={"family": "Noto Sans CJK SC, Noto Sans, sans-serif"},
    )
    fig.update_xaxes(gridcolor="#e2e8f0")
    fig.update_yaxes(gridcolor="#e2e8f0")
    return fig


def ranked_bars(frame: pd.DataFrame, label: str, value: str, title: str) -> go.Figure:
    """Horizontal bars, largest on top: one bar per row of `frame[label]` sized `frame[value]`."""
    ordered = frame.sort_values(value, ascending=True)
    fig = go.Figure(
        go.Bar(
            x=ordered[value],
            y=ordered[label].astype(str),
            orientation="h",
            marker_color=ACCENT,
            text=ordered[value],
            textposition="auto",
        )
    )
    fig.update_layout(title=title)
    return _layout(fig, height=max(220, 28 * len(ordered) + 60))


def coverage_curve(frame: pd.DataFrame, x_title: str, y_title: str) -> go.Figure:
    """Cumulative share of cases covered by the top-k variants (frame: rank order, 'coverage')."""
    ranks = list(range(1, len(frame) + 1))
    fig = go.Figure(
        go.Scatter(
            x=ranks,
            y=frame["coverage"] * 100,
            mode="lines+markers",
            line={"color": ACCENT},
            hovertemplate="%{x}: %{y:.1f}%<extra></extra>",
        )
    )
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title, range=[0, 100], ticksuffix="%")
    return _layout(fig, height=300)


def dict_frame(counts: dict[str, int], label: str, value: str) -> pd.DataFrame:
    """{name: count} -> a two-column frame, largest first (ties by name)."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return pd.DataFrame(items, columns=[label, value])
