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
    from plotly.colors import sample_colorscale

    # darker with the count: arcs of 1, 2, 2 and 3 cases
    colours = [t.line.color for t in sorted(arcs, key=lambda t: t.line.width)]
    assert colours == sample_colorscale("Blues", [0.35 + 0.65 * n / 3 for n in (1, 2, 2, 3)])
    nodes = fig.data[-1]
    assert [c[1] for c in nodes.customdata] == ["A", "B", "▶", "■"]


def test_map_boxes_never_overlap_and_a_loop_runs_beside_its_forward_arc() -> None:
    names = ["Register", "Check", "Approve", "Reject", "Pay", "Archive"]
    edges = [("Register", "Check"), ("Check", "Approve"), ("Approve", "Check"),
             ("Check", "Reject"), ("Approve", "Pay"), ("Pay", "Archive"), ("Reject", "Archive"),
             ("Register", "Archive")]  # fmt: skip
    pmap = {
        "nodes": [{"activity": n, "events": 10} for n in names],
        "edges": [{"source": a, "target": b, "count": 5, "mean_s": 1.0} for a, b in edges],
        "start_activities": {"Register": 10},
        "end_activities": {"Archive": 10},
    }
    fig = charts.process_map_figure(pmap, "frequency", str)
    boxes = [(min(s.x0, s.x1), max(s.x0, s.x1), min(s.y0, s.y1), max(s.y0, s.y1))
             for s in fig.layout.shapes]  # fmt: skip
    assert len(boxes) == len(names) + 2
    for i, (ax0, ax1, ay0, ay1) in enumerate(boxes):
        for bx0, bx1, by0, by1 in boxes[i + 1 :]:
            assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0
    arcs = [t for t in fig.data if t.mode == "lines+markers"]
    forward = arcs[edges.index(("Check", "Approve"))]
    back = arcs[edges.index(("Approve", "Check"))]
    assert set(zip(forward.x, forward.y, strict=True)).isdisjoint(zip(back.x, back.y, strict=True))
    ys = {c[1]: y for c, y in zip(fig.data[-1].customdata, fig.data[-1].y, strict=True)}
    assert ys["Register"] > ys["Check"] > ys["Pay"]  # top down


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


def test_y_axis_titles_stand_horizontally_above_the_axis() -> None:
    """CJK titles ("案例数", "天") read badly turned on their side along the axis."""
    trend = pd.DataFrame({"period": ["2024-01", "2024-02"], "median_duration_s": [86400, 2e5]})
    weekly = pd.DataFrame({"week": ["2024-01-01", "2024-01-08"], "started": [3, 4],
                           "finished": [2, 5]})  # fmt: skip
    bins = pd.DataFrame({"from_s": [0, 60], "to_s": [60, 120], "cases": [4, 1]})
    figures = {
        "天": charts.trend_figure(trend, {"median_duration_s": "中位数"}, "天"),
        "案例数": charts.flow_figure(weekly, {"started": "开始", "finished": "完成"}, "案例数"),
        "cases": charts.histogram_figure(bins, str, "duration", "cases"),
        "covered": charts.coverage_curve(pd.DataFrame({"coverage": [0.5, 1.0]}), "top", "covered"),
    }
    for title, fig in figures.items():
        assert not fig.layout.yaxis.title.text, title
        [note] = [a for a in fig.layout.annotations if a.text == title]
        assert (note.xref, note.yref, note.x, note.y) == ("paper", "paper", 0, 1)
        assert (note.xanchor, note.yanchor) == ("left", "bottom")  # above the plot, at its left
        assert note.textangle in (None, 0)
        if fig.layout.legend.orientation == "h":  # the legend leaves the left corner to it
            assert fig.layout.legend.xanchor == "right"


def test_charts_without_a_y_title_get_no_annotation() -> None:
    data = charts.dict_frame({"a": 2, "b": 1}, "activity", "cases")
    assert not charts.ranked_bars(data, "activity", "cases", "Start").layout.annotations


def test_flow_figure_shades_partial_weeks_and_names_the_shade() -> None:
    weekly = pd.DataFrame(
        {"week": ["2024-01-01", "2024-01-08", "2024-01-15"], "started": [1, 5, 0],
         "finished": [0, 4, 2], "partial": [True, False, True]}
    )  # fmt: skip
    labels = {"started": "started", "finished": "finished", "partial": "partial week"}
    fig = charts.flow_figure(weekly, labels, "cases")
    bands = [(str(s.x0)[:10], str(s.x1)[:10]) for s in fig.layout.shapes]
    assert bands == [("2024-01-01", "2024-01-08"), ("2024-01-15", "2024-01-22")]
    assert [tr.name for tr in fig.data] == ["started", "finished", "partial week"]
    assert list(fig.data[0].y) == [1, 5, 0]  # the partial weeks' counts are kept, only marked
    whole = charts.flow_figure(weekly.assign(partial=False), labels, "cases")
    assert not whole.layout.shapes
    assert [tr.name for tr in whole.data] == ["started", "finished"]


def test_date_axes_read_in_chinese_at_every_zoom() -> None:
    """Plotly writes 'Jan 2024' unless told; in Chinese each zoom gets its own format
    (d3's %Y %-m %-d %H %M mean what strftime's do, so strftime shows what the reader sees)."""
    trend = pd.DataFrame({"period": ["2024-01-01", "2024-02-01"], "median_duration_s": [1, 2]})
    weekly = pd.DataFrame({"week": ["2024-01-01", "2024-01-08"], "started": [3, 4],
                           "finished": [2, 5]})  # fmt: skip
    monday = pd.Timestamp("2024-01-08 09:30")
    for fig in (
        charts.trend_figure(trend, {"median_duration_s": "中位数"}, "天", lang="zh"),
        charts.flow_figure(weekly, {"started": "开始", "finished": "完成"}, "案例数", lang="zh"),
    ):
        shown = [monday.strftime(stop.value) for stop in fig.layout.xaxis.tickformatstops]
        assert shown == ["1月8日 09:30", "1月8日", "2024年1月", "2024年"]
        assert monday.strftime(fig.layout.xaxis.hoverformat) == "2024年1月8日"
    english = charts.trend_figure(trend, {"median_duration_s": "median"}, "days")
    assert not english.layout.xaxis.tickformatstops  # Plotly's own 'Jan 2024'
