"""The key figures' labels and change formats, by hand."""

from __future__ import annotations

from analytics.periods import PERIOD_FIGURES
from dashboards import kpis
from dashboards.i18n import STRINGS


def test_every_period_figure_has_a_label_in_both_languages() -> None:
    assert tuple(kpis.LABELS) == PERIOD_FIGURES
    assert all(key in STRINGS for key in kpis.LABELS.values())


def test_changes_are_formatted_by_kind() -> None:
    up = {"delta": 12, "relative": 0.081}
    assert kpis.fmt_delta("events", up, "en") == "+12 (+8.1%)"
    assert kpis.fmt_delta("events", {"delta": -1200, "relative": None}, "zh") == "-1,200"
    day_2h = {"delta": 93600.0, "relative": 0.5}
    assert kpis.fmt_delta("median_duration_s", day_2h, "en") == "+1 d 2 h"
    assert kpis.fmt_delta("median_duration_s", {"delta": -7200.0, "relative": -0.1}, "zh") == (
        "-2 小时"
    )
    assert kpis.fmt_delta("sla_share", {"delta": 0.023, "relative": None}, "en") == "+2.3 pp"
    assert kpis.fmt_delta("sla_share", {"delta": -0.5, "relative": -1}, "zh") == "-50.0 个百分点"
    assert kpis.fmt_delta("sla_share", {"delta": None, "relative": None}, "en") is None
    assert kpis.fmt_delta("mean_duration_s", {"delta": 0.0, "relative": 0.0}, "zh") == "±0"


def test_longer_times_and_more_cases_over_the_sla_are_worse() -> None:
    assert kpis.delta_color("p90_duration_s") == "inverse"
    assert kpis.delta_color("sla_share") == "inverse"
    assert kpis.delta_color("cases_finished") == "off"
    assert kpis.delta_color("sla_share", {"delta": 0.0, "relative": None}) == "off"
