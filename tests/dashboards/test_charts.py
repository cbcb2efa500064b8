from __future__ import annotations

import pandas as pd

from dashboards import charts


def test_ranked_bars_put_the_largest_on_top() -> None:
    data = charts.dict_frame({"b": 5, "a": 5, "c": 9}, "activity", "cases")
    assert data["activity"].tolist() == ["c", "a", "b"]
    fig = charts.ranked_bars(data, "activity", "cases", "Start")
    bar = fig.data[0]
    # plotly draws horizontal bars bottom-up: the last y is on top
    assert list(bar.y)[-1] == "c"
    assert list(bar.x) == [5, 5, 9]
    assert fig.layout.title.text == "Start"
    assert bar.texttemplate == "%{x:,}"  # thousands separated, as the metrics
    assert bar.textangle == 0


def test_coverage_curve_plots_percent_by_rank() -> None:
    frame = pd.DataFrame({"coverage": [0.5, 0.75, 1.0]})
    fig = charts.coverage_curve(frame, "top", "covered")
    assert list(fig.data[0].x) == [1, 2, 3]
    assert list(fig.data[0].y) == [50.0, 75.0, 100.0]


def test_long_activity_names_wrap_at_the_middle_space() -> None:
    assert charts.wrap("Department manager approval") == "Department<br>manager approval"
    assert charts.wrap("Short") == "Short"
    assert charts.wrap("审批流程节点名称很长很长很长很长") == "审批流程节点名称很长很长很长很长"


def test_process_map_figure_draws_every_arc_and_node() -> None:
    pmap = {
        "nodes": [{"activity": "A", "events": 3}, {"activity": "B", "events": 2}],
        "edges": [{"source": "A", "target": "B", "count": 2, "mean_s": 60.0}],
        "start_activities": {"A": 3},
        "end_activities": {"A": 1, "B": 2},
    }
    fig = charts.process_map_figure(pmap, "frequency", str)
    arcs = [t for t in fig.data if t.mode == "lines+markers"]
    assert len(arcs) == 4  # A→B, start→A, A→end, B→end
    widths = sorted(t.line.width for t in arcs)
    assert widths[-1] == 8.0  # the most frequent arc (start→A, 3) is the thickest
    nodes = fig.data[-1]
    assert [c[1] for c in nodes.customdata] == ["A", "B", "▶", "■"]


def test_deviation_bars_stack_skipped_and_inserted_most_deviating_on_top() -> None:
    frame = pd.DataFrame({"activity": ["A", "B", "C"], "skipped": [0, 4, 1], "inserted": [2, 1, 1]})
    fig = charts.deviation_bars(frame, "skipped", "inserted", "cases", "Deviations")
    skipped, inserted = fig.data
    assert (skipped.name, inserted.name) == ("skipped", "inserted")
    # bottom-up: B (5) on top, then A and C (2 each, by name: A above C)
    assert list(skipped.y) == ["C", "A", "B"]
    assert list(skipped.x) == [1, 0, 4]
    assert list(inserted.x) == [1, 2, 1]
    assert fig.layout.barmode == "stack"
    assert fig.layout.title.text == "Deviations"
    assert fig.layout.xaxis.title.text == "cases"
