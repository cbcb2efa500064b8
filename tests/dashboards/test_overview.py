"""The Overview's figures over time equal analytics.periods': started / finished per week, the
share over the SLA, and each figure's period-over-period change, in both languages."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analytics.periods import DAY, period_change, sla_share, weekly_flow
from dashboards import kpis
from dashboards.i18n import Lang, fmt_int, fmt_pct, t
from proclens.store import EventStore
from tests.dashboards.apptest import assert_clean, open_page

LOG = "sepsis_cases"


def values(encoded: Any) -> list[int]:
    """A Plotly array from the chart's JSON: a list, or a typed array as base64 ("bdata")."""
    if isinstance(encoded, list):
        return [int(v) for v in encoded]
    raw = base64.b64decode(encoded["bdata"])
    return [int(v) for v in np.frombuffer(raw, dtype=np.dtype(encoded["dtype"]))]


def shown(at: AppTest) -> dict[str, Any]:
    """label -> the metric element (labels are unique on the Overview)."""
    found = {m.label: m for m in at.metric}
    assert len(found) == len(at.metric)
    return found


def expected_deltas(change: dict[str, Any], lang: Lang) -> dict[str, str | None]:
    """Metric label -> the delta the page must show for it."""
    weeks = change["weeks"]
    label = {f: t(k, lang) for f, k in kpis.LABELS.items()}
    out = {
        t("kpi.cases", lang): kpis.fmt_delta(
            "cases_started", change["change"]["cases_started"], lang
        )
    }
    for figure in ("events", "activities", "variants", "median_duration_s", "mean_duration_s",
                   "p90_duration_s", "sla_share"):  # fmt: skip
        out[label[figure]] = kpis.fmt_delta(figure, change["change"][figure], lang)
    for figure in ("cases_started", "cases_finished"):
        name = t("kpi.in_period", lang, label=label[figure], weeks=weeks)
        out[name] = kpis.fmt_delta(figure, change["change"][figure], lang)
    return out


def assert_figures(at: AppTest, change: dict[str, Any], sla: dict[str, Any], lang: Lang) -> None:
    metrics = shown(at)
    for name, delta in expected_deltas(change, lang).items():
        assert delta is not None, name
        assert metrics[name].delta == delta, name
    assert metrics[t("kpi.over_sla", lang)].value == fmt_pct(sla["share"], lang)
    for figure in ("cases_started", "cases_finished"):
        name = t("kpi.in_period", lang, label=t(kpis.LABELS[figure], lang), weeks=change["weeks"])
        assert metrics[name].value == fmt_int(change["current"][figure], lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_view_shows_the_analytics_figures(sample_env: Path, lang: Lang) -> None:
    with EventStore.open(sample_env, read_only=True) as store:
        change = period_change(store, LOG)  # defaults: 4 weeks, 30 days
        sla = sla_share(store, LOG)
        flow = weekly_flow(store, LOG)
    at = open_page("overview", log=LOG, lang=lang)
    assert_clean(at)
    assert at.number_input(key="w_sla_days").value == 30.0
    assert at.selectbox(key="w_weeks").value == 4
    assert_figures(at, change, sla, lang)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    names = [t("kpi.started", lang), t("kpi.finished", lang), t("overview.partial_week", lang)]
    assert [tr["name"] for tr in spec["data"]] == names  # Sepsis's first and last week are partial
    bands = [s["x0"][:10] for s in spec["layout"]["shapes"]]
    assert bands == [w["week"] for w in flow if w["partial"]] == [flow[0]["week"], flow[-1]["week"]]
    assert values(spec["data"][0]["y"]) == [w["started"] for w in flow]
    assert values(spec["data"][1]["y"]) == [w["finished"] for w in flow]
    assert spec["data"][0]["x"] == [w["week"] for w in flow]
    month_ticks = {"en": None, "zh": "%Y年%-m月"}[lang]  # en: Plotly's own 'Jan 2024'
    stops = spec["layout"]["xaxis"].get("tickformatstops", [])
    assert next((s["value"] for s in stops if s["dtickrange"] == ["M1", "M12"]), None) == (
        month_ticks
    )
    caption = t("overview.change", lang, weeks=4, start="", end="", days="30").split("，")[0]
    assert any(c.value.startswith(caption[:12]) for c in at.caption)


def test_changing_sla_weeks_and_end_recomputes(sample_env: Path) -> None:
    end = date(2014, 12, 31)
    with EventStore.open(sample_env, read_only=True) as store:
        change = period_change(store, LOG, weeks=13, threshold_s=7 * DAY, end=end)
        sla = sla_share(store, LOG, threshold_s=7 * DAY)
    at = open_page("overview", log=LOG, lang="en")
    at.number_input(key="w_sla_days").set_value(7.0).run()
    at.selectbox(key="w_weeks").set_value(13).run()
    at.date_input(key="w_period_end").set_value(end).run()
    assert_clean(at)
    assert_figures(at, change, sla, "en")
    assert change["current"]["cases_finished"] > 100  # a mid-log quarter: real figures
    assert sla["share"] != sla_share_30(sample_env)  # the threshold really changed the figure


def sla_share_30(db: Path) -> float:
    with EventStore.open(db, read_only=True) as store:
        return float(sla_share(store, LOG, threshold_s=30 * DAY)["share"])
