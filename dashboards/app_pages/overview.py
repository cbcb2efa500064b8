"""Overview: the key figures of the log at a glance."""

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboards import charts, frame
from dashboards.i18n import fmt_date, fmt_duration, fmt_int, fmt_pct, t
from dashboards.state import query

view = frame.page_view()
lang = view.lang
stats = query("overview")
st.title(f"{t('page.overview', lang)} · {view.log}")
if stats["cases"] == 0:
    st.info(t("msg.empty_filter", lang))
    st.stop()

durations = stats["case_duration_s"]
row = st.columns(4)
row[0].metric(t("kpi.cases", lang), fmt_int(stats["cases"], lang))
row[1].metric(t("kpi.events", lang), fmt_int(stats["events"], lang))
row[2].metric(t("kpi.activities", lang), fmt_int(stats["activities"], lang))
row[3].metric(t("kpi.variants", lang), fmt_int(stats["variants"], lang))
row = st.columns(4)
row[0].metric(t("kpi.median", lang), fmt_duration(durations["median"], lang))
row[1].metric(t("kpi.mean", lang), fmt_duration(durations["mean"], lang))
row[2].metric(t("kpi.p90", lang), fmt_duration(durations["p90"], lang))
first, last = (frame.parse_instant(stats[k]) for k in ("first_event", "last_event"))
row[3].metric(t("kpi.span", lang), f"{fmt_date(first, lang)} –")
row[3].caption(fmt_date(last, lang))

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
    charts.trend_figure(trend, {"median_duration_s": t("col.median", lang)}, t("cycle.days", lang)),
    width="stretch",
)
right.subheader(t("overview.bottlenecks", lang))
for rank, item in enumerate(query("top_waits", 3), start=1):
    right.metric(
        f"{rank}. {item['activity']}",
        fmt_duration(item["median_wait_s"], lang),
        f"{t('bn.share', lang)} {fmt_pct(item['share_of_cycle_time'], lang)}",
        delta_color="off",
        delta_arrow="off",
    )
attached = st.session_state.get("conformance_model")
if attached and attached[0] == view.log:
    conf = query("conformance", *attached[1:])["summary"]
    row = st.columns(4)
    row[0].metric(
        t("overview.conformance", lang), f"{conf['fitness']:.3f}",
        f"{t('conf.fitting', lang)} {fmt_pct(conf['fitting_cases_share'], lang)}",
        delta_color="off", delta_arrow="off", help=Path(attached[1]).name,
    )  # fmt: skip
frame.not_yet("overview.trends", view)
