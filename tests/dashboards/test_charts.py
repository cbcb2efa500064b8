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


def test_coverage_curve_plots_percent_by_rank() -> None:
    frame = pd.DataFrame({"coverage": [0.5, 0.75, 1.0]})
    fig = charts.coverage_curve(frame, "top", "covered")
    assert list(fig.data[0].x) == [1, 2, 3]
    assert list(fig.data[0].y) == [50.0, 75.0, 100.0]
