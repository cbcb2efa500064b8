"""Cycle times: distribution, trend, between two activities, calendar vs working time."""

import pandas as pd
import streamlit as st

from dashboards import charts, frame
from dashboards.i18n import fmt_duration, fmt_int, t
from dashboards.state import query

view = frame.page_view()
lang = view.lang
st.title(f"{t('page.cycle_times', lang)} · {view.log}")
left, mid, right, far = st.columns(4)
period = left.radio(t("cycle.period", lang), ["month", "week"], horizontal=True,
                    format_func=lambda p: t(f"cycle.{p}", lang))  # fmt: skip
working = mid.toggle(t("cycle.working", lang))
names = query("activity_names")
a = right.selectbox(t("cycle.from", lang), names, index=None, placeholder=t("tbl.choose", lang))
b = far.selectbox(t("cycle.to", lang), names, index=None, placeholder=t("tbl.choose", lang))
result = query("cycle", period, (a, b) if a and b else None, working)
dist = result["case_working_s" if working else "case_duration_s"]
if not dist["n"]:
    frame.empty_result(view)
cols = st.columns(4)
cols[0].metric(t("kpi.cases", lang), fmt_int(dist["n"], lang))
for col, key in zip(cols[1:], ("median", "mean", "p90"), strict=True):
    col.metric(t(f"kpi.{key}", lang), fmt_duration(dist[key], lang))


def show(seconds: float) -> str:
    return fmt_duration(seconds, lang)


st.subheader(t("cycle.distribution", lang))
st.plotly_chart(charts.histogram_figure(pd.DataFrame(result["histogram"]), show, "",
                                        t("col.cases", lang)), width="stretch")  # fmt: skip
st.subheader(t("cycle.trend", lang))
trend = pd.DataFrame(result["trend"])
lines = {"median_duration_s": t("col.median", lang), "mean_duration_s": t("col.mean", lang)}
if working:
    lines["median_working_s"] = t("cycle.working", lang)
st.plotly_chart(
    charts.trend_figure(trend, lines, t("cycle.days", lang), lang=lang), width="stretch"
)
if "between" in result:
    between = result["between"]
    st.subheader(f"{t('cycle.between', lang)}: {a} → {b}")
    d = between["working_s" if working else "duration_s"]
    cols = st.columns(4)
    cols[0].metric(t("kpi.cases", lang), fmt_int(d["n"], lang))
    cols[1].metric(t("kpi.median", lang), fmt_duration(d["median"], lang))
    cols[2].metric(t("kpi.mean", lang), fmt_duration(d["mean"], lang))
    cols[3].metric(t("kpi.p90", lang), fmt_duration(d["p90"], lang))
    st.caption(t("cycle.without", lang, a=between["cases_without_from"],
                 b=between["cases_without_to"], c=between["cases_to_before_from"]))  # fmt: skip
