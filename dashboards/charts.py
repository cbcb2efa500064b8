"""Pure chart builders: DataFrame (already aggregated) -> Plotly figure. No Streamlit here.

Every builder takes the labels it shows, so the pages pass them in the chosen language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from analytics.export.graph import Graph, Node
from analytics.export.layout import layered_layout
from dashboards.i18n import Lang

ACCENT = "#2563eb"
MUTED = "#94a3b8"
#: The shade of a partial week (the data covers only some of its days).
PARTIAL = "#cbd5e1"


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 8, "r": 8, "t": 32, "b": 8},
        plot_bgcolor="white",
        font={"family": "Noto Sans CJK SC, Noto Sans, sans-serif"},
    )
    fig.update_xaxes(gridcolor="#e2e8f0")
    fig.update_yaxes(gridcolor="#e2e8f0")
    return _y_title_on_top(fig)


#: Chinese date ticks by zoom ('2024年1月', '1月8日'); Plotly's own ('Jan 2024') need a locale
#: module Streamlit's bundled plotly.js does not register, so the formats are set here.
_ZH_DATE_TICKS = (
    {"dtickrange": [None, 86_400_000], "value": "%-m月%-d日 %H:%M"},
    {"dtickrange": [86_400_000, "M1"], "value": "%-m月%-d日"},
    {"dtickrange": ["M1", "M12"], "value": "%Y年%-m月"},
    {"dtickrange": ["M12", None], "value": "%Y年"},
)


def _date_axis(fig: go.Figure, lang: Lang) -> go.Figure:
    """The x axis's dates in the reader's language; English keeps Plotly's ('Jan 2024')."""
    if lang == "zh":
        fig.update_xaxes(tickformatstops=_ZH_DATE_TICKS, hoverformat="%Y年%-m月%-d日")
    return fig


def _y_title_on_top(fig: go.Figure) -> go.Figure:
    """The y-axis title written horizontally above the axis, at the top left, instead of turned
    on its side along it ("案例数" and "天" read badly rotated); a legend moves to the right."""
    title = fig.layout.yaxis.title.text
    if not title:
        return fig
    fig.update_yaxes(title=None)
    fig.add_annotation(
        text=title, xref="paper", yref="paper", x=0, y=1, xanchor="left", yanchor="bottom",
        yshift=4, showarrow=False, font={"size": 12, "color": "#475569"},
    )  # fmt: skip
    if fig.layout.legend.orientation == "h":
        fig.update_layout(legend={"x": 1, "xanchor": "right"})
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
            texttemplate="%{x:,}",  # 6,814 as on the metrics
            textposition="auto",
            textangle=0,  # a short bar puts its number beside it, never on its side
        )
    )
    fig.update_layout(title=title)
    fig.update_xaxes(tickformat=",")
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


# ---- process map ---------------------------------------------------------------------------

MapMode = Literal["frequency", "performance"]
START = "▶"
END = "■"
#: start and end circles as Disco draws them: green in, red out
_EDGE_COLOUR = {"start": "#16a34a", "end": "#dc2626"}
_FILL = {"start": "#dcfce7", "end": "#fee2e2"}
MAP_WIDTH_PX = 1000.0  # about the width of the main column of a wide page


def map_edges(pmap: dict[str, Any]) -> pd.DataFrame:
    """Every drawn arc of a map (process_map().to_json()), start and end arcs included."""
    rows = [
        {"source": e["source"], "target": e["target"], "count": e["count"], "mean_s": e["mean_s"]}
        for e in pmap["edges"]
    ]
    rows += [
        {"source": START, "target": a, "count": n, "mean_s": None}
        for a, n in pmap["start_activities"].items()
    ]
    rows += [
        {"source": a, "target": END, "count": n, "mean_s": None}
        for a, n in pmap["end_activities"].items()
    ]
    return pd.DataFrame(rows, columns=["source", "target", "count", "mean_s"])


def process_map_figure(
    pmap: dict[str, Any],
    mode: MapMode,
    fmt_value: Callable[[float], str],
    width_px: float = MAP_WIDTH_PX,
) -> go.Figure:
    """The map drawn top to bottom with the layered layout every export uses (no two boxes
    overlap; long arcs run through the gaps between boxes; B→A runs beside A→B). Arcs' width
    and colour grow with their value (frequency: count; performance: mean time). Points carry
    customdata for click-to-filter: ["node", activity] or ["edge", source, target].

    `width_px` is about how wide the chart is drawn; a wider map is scaled down, text with it.
    """
    arcs = map_edges(pmap)
    events = {n["activity"]: n["events"] for n in pmap["nodes"]}
    graph = Graph()
    graph.add(Node(START, "", "start"))
    for activity, n in events.items():
        detail = fmt_value(float(n)) if mode == "frequency" else ""
        graph.add(Node(activity, activity, "task", detail))
    graph.add(Node(END, "", "end"))
    for source, target in zip(arcs["source"], arcs["target"], strict=True):
        graph.connect(str(source), str(target))
    layout = layered_layout(graph, vertical=True, margin=20.0, layer_gap=60.0)
    zoom = min(1.0, width_px / layout.width)
    value = arcs["count"] if mode == "frequency" else arcs["mean_s"]
    top = float(value.max()) if value.notna().any() else 0.0
    scale = "Blues" if mode == "frequency" else "Reds"
    fig = go.Figure()
    mids: list[tuple[float, float, list[str], str, bool]] = []
    pairs = set(zip(arcs["source"], arcs["target"], strict=True))
    shares = [float(v) / top if top and pd.notna(v) else 0.0 for v in value]
    sampled = sample_colorscale(scale, [0.35 + 0.65 * share for share in shares]) if shares else []
    colours = [c if pd.notna(v) else MUTED for c, v in zip(sampled, value, strict=True)]
    traces = []  # added at once: Plotly checks the figure's whole data on every add
    for route, source, target, v, share, colour in zip(
        layout.routes, arcs["source"], arcs["target"], value, shares, colours, strict=True
    ):
        xs, ys = [p[0] for p in route], [-p[1] for p in route]
        traces.append(
            go.Scatter(
                x=xs, y=ys, mode="lines+markers", hoverinfo="skip", showlegend=False,
                line={"width": 1 + 7 * share, "color": colour, "shape": "spline"},
                marker={"size": [0] * (len(xs) - 1) + [9], "symbol": "arrow",
                        "angleref": "previous", "color": colour},
            )
        )  # fmt: skip
        label = fmt_value(float(v)) if pd.notna(v) else ""
        mx, my = _middle(route)
        # A→B and B→A run side by side, the loop back (upward) on the right: A→B's label goes
        # left of its arc, B→A's right of its own
        upward = route[0][1] > route[-1][1]
        left = not upward and (target, source) in pairs and source != target
        mids.append((mx, -my, ["edge", str(source), str(target)], label, left))
    fig.add_traces(traces)
    fig.add_trace(
        go.Scatter(
            x=[m[0] for m in mids], y=[m[1] for m in mids], mode="text",
            text=[m[3] for m in mids], customdata=[m[2] for m in mids],
            textposition=["middle left" if m[4] else "middle right" for m in mids],
            textfont={"size": max(7.0, 10 * zoom), "color": "#334155"}, showlegend=False,
            hovertemplate="%{customdata[1]} → %{customdata[2]}: %{text}<extra></extra>",
        )
    )  # fmt: skip
    shapes = []  # set at once: add_shape checks every shape so far on each call
    for node in graph.nodes.values():
        box = layout.boxes[node.id]
        shapes.append(
            {"type": "rect" if node.kind == "task" else "circle",
             "x0": box.x, "x1": box.x + box.width, "y0": -box.y, "y1": -(box.y + box.height),
             "line": {"color": _EDGE_COLOUR.get(node.kind, ACCENT),
                      "width": 1.5 if node.kind == "task" else 2.5},
             "fillcolor": _FILL.get(node.kind, "#eff6ff"), "layer": "below"}
        )  # fmt: skip
    fig.update_layout(shapes=shapes)
    names = [*events, START, END]
    fig.add_trace(
        go.Scatter(
            x=[layout.boxes[n].cx for n in names], y=[-layout.boxes[n].cy for n in names],
            mode="markers+text", showlegend=False,
            text=["<br>".join(graph.nodes[n].lines()) or n for n in names],  # ▶ / ■ in start / end
            customdata=[["node", n] for n in names],
            marker={"symbol": "square", "size": 30 * zoom, "color": "rgba(0,0,0,0)"},
            textfont={"size": max(7.0, 11 * zoom), "color": "#0f172a"},
            hovertemplate="%{customdata[1]}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_xaxes(visible=False, range=[0, layout.width])
    fig.update_yaxes(visible=False, range=[-layout.height, 0], scaleanchor="x")
    fig.update_layout(dragmode="pan", clickmode="event+select")
    return _layout(fig, height=int(40 + layout.height * zoom))


def _middle(route: list[tuple[float, float]]) -> tuple[float, float]:
    """Where an arc's label goes: its middle bend, or the middle of its middle segment."""
    if len(route) % 2:
        return route[len(route) // 2]
    (x0, y0), (x1, y1) = route[len(route) // 2 - 1], route[len(route) // 2]
    return (x0 + x1) / 2, (y0 + y1) / 2


def histogram_figure(
    bins: pd.DataFrame, fmt_value: Callable[[float], str], x_title: str, y_title: str
) -> go.Figure:
    """Bars of cases per duration bin (columns from_s, to_s, cases), labelled by bin start."""
    labels = [
        f"{fmt_value(a)} – {fmt_value(b)}"
        for a, b in zip(bins["from_s"], bins["to_s"], strict=True)
    ]
    fig = go.Figure(go.Bar(x=labels, y=bins["cases"], marker_color=ACCENT))
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title)
    return _layout(fig, height=320)


def trend_figure(
    trend: pd.DataFrame,
    columns: dict[str, str],
    y_title: str,
    days: float = 86400.0,
    lang: Lang = "en",
) -> go.Figure:
    """Lines per period (column 'period'); `columns` maps a seconds column to its legend name.
    Values are drawn in days; the periods' dates are written for `lang`."""
    fig = go.Figure()
    for colour, (column, name) in zip((ACCENT, "#f97316", MUTED), columns.items(), strict=False):
        fig.add_trace(
            go.Scatter(
                x=trend["period"], y=trend[column] / days, name=name, mode="lines+markers",
                line={"color": colour},
            )
        )  # fmt: skip
    fig.update_yaxes(title=y_title, rangemode="tozero")
    fig.update_layout(legend={"orientation": "h", "y": 1.12})
    return _layout(_date_axis(fig, lang), height=320)


def flow_figure(
    weekly: pd.DataFrame, labels: dict[str, str], y_title: str, lang: Lang = "en"
) -> go.Figure:
    """Cases started and finished per week (weekly_flow's columns week, started, finished and
    partial): two lines; a partial first / last week is shaded grey and the legend names the
    shade. `labels` maps "started" / "finished" / "partial" to their legend names; the weeks'
    dates are written for `lang`."""
    fig = go.Figure()
    for column, colour in (("started", ACCENT), ("finished", "#f97316")):
        fig.add_trace(
            go.Scatter(
                x=weekly["week"], y=weekly[column], name=labels[column], mode="lines",
                line={"color": colour, "width": 1.5, "shape": "hv"},
            )
        )  # fmt: skip
    partial = weekly[weekly["partial"]] if "partial" in weekly else weekly.iloc[:0]
    for week in partial["week"]:
        monday = pd.Timestamp(week)
        fig.add_vrect(
            x0=monday, x1=monday + pd.Timedelta(days=7), fillcolor=PARTIAL, opacity=0.6,
            line_width=0, layer="below",
        )  # fmt: skip
    if len(partial):
        fig.add_trace(
            go.Scatter(
                x=[None], y=[None], name=labels["partial"], mode="markers", hoverinfo="skip",
                marker={"symbol": "square", "size": 12, "color": PARTIAL},
            )
        )  # fmt: skip
    fig.update_yaxes(title=y_title, rangemode="tozero")
    fig.update_layout(legend={"orientation": "h", "y": 1.12}, hovermode="x unified")
    return _layout(_date_axis(fig, lang), height=320)


# ---- conformance ---------------------------------------------------------------------------


def deviation_bars(
    frame: pd.DataFrame, skipped: str, inserted: str, x_title: str, title: str
) -> go.Figure:
    """Cases with a skipped (model move) and an inserted (log move) activity, one pair of
    stacked horizontal bars per activity, most deviating on top. `frame`: check_conformance's
    deviations (columns activity, skipped, inserted); the other arguments are shown labels."""
    ordered = frame.assign(total=frame["skipped"] + frame["inserted"]).sort_values(
        ["total", "activity"], ascending=[True, False]
    )
    fig = go.Figure()
    for column, name, colour in (("skipped", skipped, "#f97316"), ("inserted", inserted, ACCENT)):
        fig.add_trace(
            go.Bar(
                x=ordered[column],
                y=ordered["activity"].astype(str),
                name=name,
                orientation="h",
                marker_color=colour,
                hovertemplate="%{y}: %{x}<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=x_title)
    _layout(fig, height=max(240, 26 * len(ordered) + 110))
    # the title on its own line, the legend on the line below it: neither covers the other
    fig.update_layout(
        title={"text": title, "y": 1.0, "yanchor": "top", "yref": "container", "x": 0.0},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0.0},
        margin={"t": 64},
    )
    return fig
