"""Process map: frequency / performance, activity and path sliders, click to filter."""

import streamlit as st

from dashboards import charts, frame, map_select
from dashboards.i18n import fmt_duration, fmt_int, t
from dashboards.state import current_view, query, set_view

view = frame.page_view()
lang = view.lang
st.title(f"{t('page.process_map', lang)} · {view.log}")
left, mid, right = st.columns([1, 1, 1])
mode = left.radio(
    t("map.mode", lang), ["frequency", "performance"], horizontal=True,
    format_func=lambda m: t(f"map.{m}", lang),
)  # fmt: skip
acts = mid.slider(t("map.activities", lang), 5, 100, 100, step=5)
paths = right.slider(t("map.paths", lang), 5, 100, 20, step=5)
pmap = query("process_map", float(acts), float(paths))
if not pmap["nodes"]:
    frame.empty_result(view)
kept = pmap["simplified"]
st.caption(
    t("map.kept", lang, acts=kept["activities_kept"], acts_total=kept["activities_total"],
      paths=kept["paths_kept"], paths_total=kept["paths_total"]) + " · " + t("map.click", lang)
)  # fmt: skip


def show(value: float) -> str:
    return fmt_int(value, lang) if mode == "frequency" else fmt_duration(value, lang)


event = st.plotly_chart(
    charts.process_map_figure(pmap, mode, show), key="map", on_select="rerun",
    selection_mode="points", config={"scrollZoom": True},
)  # fmt: skip
target = map_select.clicked(list(event.selection.points)) if event else None
row = map_select.figures(pmap, target) if target else None
if target and row:
    cols = st.columns(4)
    if target[0] == "node":
        cols[0].metric(t("col.activity", lang), target[1])
        cols[1].metric(t("col.events", lang), fmt_int(row["events"], lang))
        cols[2].metric(t("col.cases", lang), fmt_int(row["cases"], lang))
    else:
        cols[0].metric(t("col.count", lang), fmt_int(row["count"], lang))
        cols[1].metric(t("col.cases", lang), fmt_int(row["cases"], lang))
        cols[2].metric(t("col.mean", lang), fmt_duration(row["mean_s"], lang))
        cols[3].metric(t("col.median", lang), fmt_duration(row["median_s"], lang))
    chip = map_select.chip_for(target)
    if st.button(f"{t('map.filter_to', lang)}: {frame.chip_label(chip, lang)}"):
        set_view(current_view().with_chip(chip))
        st.rerun()
