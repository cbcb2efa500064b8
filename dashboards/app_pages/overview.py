"""Overview: the key figures of the log at a glance, with their change over the last weeks."""

from pathlib import Path

import pandas as pd
import streamlit as st

from analytics.periods import DAY, DEFAULT_SLA_S, DEFAULT_WEEKS
from dashboards import charts, frame, kpis
from dashboards.i18n import fmt_date, fmt_duration, fmt_int, fmt_pct, t
from dashboards.state import query

WEEKS = (1, 4, 13, 26)
view = frame.page_view()
lang = view.lang
stats = query("overview")
st.title(f"{t('page.overview', lang)} · {view.log}")
if stats["cases"] == 0:
    st.info(t("msg.empty_filter", lang))
    st.stop()

first, last = (frame.parse_instant(stats[k]) for k in ("first_event", "last_event"))
controls = st.columns(4)
sla_days = controls[0].number_input(
    t("overview.sla", lang), min_value=0.5, value=DEFAULT_SLA_S / DAY, step=1.0,
    help=t("overview.sla_help", lang), key="w_sla_days",
)  # fmt: skip
weeks = controls[1].selectbox(
    t("overview.weeks", lang), WEEKS, index=WEEKS.index(DEFAULT_WEEKS), key="w_weeks",
    format_func=lambda n: t("overview.n_weeks", lang, n=n),
)  # fmt: skip
if first is None or last is None:  # the kept cases have no events: nothing over time
    st.stop()
assert first is not None
assert last is not None
end = controls[2].date_input(
    t("overview.end", lang), value=last.date(), min_value=first.date(), max_value=last.date(),
    help=t("overview.end_help", lang), key="w_period_end",
)  # fmt: skip
chosen = end.isoformat() if end and end != last.date() else None
settings = (float(sla_days) * DAY, int(weeks), chosen)
st.session_state["period_settings"] = settings  # the Export page's report uses them too
periods = query("periods", *settings)
change = periods["change"]


def metric(column: st.delta_generator.DeltaGenerator, figure: str, value: str, label: str) -> None:
    """A key figure with its period-over-period change; the help gives both periods' values."""
    cur, prev = (change[p][figure] if change[p] else None for p in ("current", "previous"))
    moved = change["change"].get(figure)
    column.metric(
        label, value, kpis.fmt_delta(figure, moved, lang),
        delta_color=kpis.delta_color(figure, moved),
        delta_arrow="auto" if moved and moved["delta"] else "off",
        help=t("overview.periods", lang, weeks=weeks, current=kpis.fmt_figure(figure, cur, lang),
               previous=kpis.fmt_figure(figure, prev, lang)),
    )  # fmt: skip


durations = stats["case_duration_s"]
row = st.columns(4)
metric(row[0], "cases_started", fmt_int(stats["cases"], lang), t("kpi.cases", lang))
for column, figure in zip(row[1:], ("events", "activities", "variants"), strict=True):
    metric(column, figure, fmt_int(stats[figure], lang), t(kpis.LABELS[figure], lang))
row = st.columns(4)
for column, figure in zip(row, ("median", "mean", "p90"), strict=False):
    key = f"{figure}_duration_s"
    metric(column, key, fmt_duration(durations[figure], lang), t(kpis.LABELS[key], lang))
row[3].metric(t("kpi.span", lang), fmt_duration((last - first).total_seconds(), lang))
row[3].caption(f"{fmt_date(first, lang)} – {fmt_date(last, lang)}")  # a date is too wide in zh
row = st.columns(4)
for column, figure in zip(row, ("cases_started", "cases_finished"), strict=False):
    current = change["current"][figure] if change["current"] else None
    label = t("kpi.in_period", lang, label=t(kpis.LABELS[figure], lang), weeks=weeks)
    metric(column, figure, fmt_int(current, lang), label)
sla = periods["sla"]
metric(row[2], "sla_share", fmt_pct(sla["share"], lang), t("kpi.over_sla", lang))
row[2].caption(t("overview.sla_cases", lang, over=fmt_int(sla["over"], lang),
                 cases=fmt_int(sla["cases"], lang)))  # fmt: skip
attached = st.session_state.get("conformance_model")
if attached and attached[0] == view.log:
    conf = query("conformance", *attached[1:])["summary"]
    row[3].metric(
        t("overview.conformance", lang), f"{conf['fitness']:.3f}",
        f"{t('conf.fitting', lang)} {fmt_pct(conf['fitting_cases_share'], lang)}",
        delta_color="off", delta_arrow="off", help=Path(attached[1]).name,
    )  # fmt: skip
if change["current"]:
    start, end = (frame.parse_instant(change["current"][k]) for k in ("from", "to"))
    st.caption(t("overview.change", lang, weeks=weeks, start=fmt_date(start, lang),
                 end=fmt_date(end, lang), days=f"{float(sla_days):g}"))  # fmt: skip

st.subheader(t("overview.flow", lang))
labels = {"started": t("kpi.started", lang), "finished": t("kpi.finished", lang),
          "partial": t("overview.partial_week", lang)}  # fmt: skip
st.plotly_chart(
    charts.flow_figure(pd.DataFrame(periods["flow"]), labels, t("col.cases", lang), lang=lang),
    width="stretch",
)
left, right = st.columns(2)
for column, key, counts in (
    (left, "kpi.start_acts", stats["start_activities"]),
    (right, "kpi.end_acts", stats["end_activities"]),
):
    data = charts.dict_frame(counts, t("col.activity", lang), t("col.cases", lang)).head(8)
    column.plotly_chart(
        charts.ranked_bars(data, t("col.activity", lang), t("col.cases", lang), t(key, lang)),
        width="stretch",
    )

trend = pd.DataFrame(query("cycle", "month", None, False)["trend"])
left, right = st.columns(2)
left.subheader(t("overview.trend", lang))
left.plotly_chart(
    charts.trend_figure(
        trend, {"median_duration_s": t("col.median", lang)}, t("cycle.days", lang), lang=lang
    ),
    width="stretch",
)
right.subheader(t("overview.bottlenecks", lang))
for rank, item in enumerate(query("top_waits", 3), start=1):
    right.metric(
        f"{rank}. {item['activity']}",
        fmt_duration(item["mean_wait_s"], lang),  # the median is often 0 s: most wait little
        f"{t('bn.share', lang)} {fmt_pct(item['share_of_cycle_time'], lang)}",
        delta_color="off",
        delta_arrow="off",
        help=t("overview.wait_help", lang, median=fmt_duration(item["median_wait_s"], lang)),
    )
