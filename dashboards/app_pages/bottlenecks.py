"""Bottlenecks & opportunities: waiting time added, rework, ping-pong, ranked proposals."""

import streamlit as st

from dashboards import frame
from dashboards.i18n import fmt_int, t
from dashboards.opportunity_text import describe
from dashboards.state import query
from dashboards.tables import PING_PONG, REWORK, table

view = frame.page_view()
lang = view.lang
st.title(f"{t('page.bottlenecks', lang)} · {view.log}")
found = query("waiting")
if not found["total_cycle_time_s"]:
    frame.empty_result(view)

st.subheader(t("bn.opportunities", lang))
for item in query("opportunities"):
    with st.container(border=True):
        title, evidence = describe(item, lang)
        st.markdown(f"**{item['rank']}. {title}**")
        st.write(evidence)
        st.caption(t("bn.saving", lang, hours=fmt_int(item["saving_hours_per_year"], lang)))

left, right = st.columns(2)
left.subheader(t("bn.activities", lang))
left.dataframe(table(found["activities_by_waiting"], [
    ("activity", "col.activity", "text"), ("cases", "col.cases", "int"),
    ("total_wait_s", "bn.total_wait", "duration"), ("median_wait_s", "col.median", "duration"),
    ("share_of_cycle_time", "bn.share", "pct")], lang), hide_index=True)  # fmt: skip
right.subheader(t("bn.transitions", lang))
right.dataframe(table(found["transitions_by_waiting"], [
    ("source", "cycle.from", "text"), ("target", "cycle.to", "text"),
    ("count", "col.count", "int"), ("median_s", "col.median", "duration"),
    ("share_of_cycle_time", "bn.share", "pct")], lang), hide_index=True)  # fmt: skip
left.subheader(t("bn.rework", lang))
left.dataframe(table(found["rework"], REWORK, lang), hide_index=True)
right.subheader(t("bn.pingpong", lang))
pairs = query("ping_pong", "resource")
if pairs:
    right.dataframe(table(pairs, PING_PONG, lang), hide_index=True)
else:
    right.caption(t("report.none" if query("workload") else "org.no_resources", lang))
