"""Variants: ranked activity sequences with share and the coverage curve."""

import streamlit as st

from dashboards import charts, frame, tables
from dashboards.i18n import t
from dashboards.state import current_view, query, set_view
from dashboards.view import ARROW, Chip

view = frame.page_view()
lang = view.lang
st.title(f"{t('page.variants', lang)} · {view.log}")
top = st.slider(t("variants.top", lang), 5, 200, 25, step=5)
ranked = query("variants", top)
if ranked.empty:
    st.info(t("msg.empty_filter", lang))
    st.stop()

st.plotly_chart(
    charts.coverage_curve(ranked, t("variants.coverage_x", lang), t("variants.coverage_y", lang)),
    width="stretch",
)
shown = tables.table(
    ranked.assign(variant=ranked["variant"].map(" → ".join)), tables.VARIANTS, lang
)
st.dataframe(shown, hide_index=True, width="stretch")
picked = st.multiselect(
    t("variants.pick", lang), ranked["rank"].tolist(), placeholder=t("tbl.choose_ranks", lang)
)
if picked and st.button(t("side.apply", lang)):
    chosen = ranked[ranked["rank"].isin(picked)]["variant"]
    update = current_view()
    for steps in chosen:
        update = update.with_chip(Chip("variant", ARROW.join(steps)))
    set_view(update)
    st.rerun()
