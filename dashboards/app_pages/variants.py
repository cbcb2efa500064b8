"""Variants: ranked activity sequences with share and the coverage curve."""

import streamlit as st

from dashboards import charts, frame
from dashboards.i18n import fmt_duration, fmt_int, fmt_pct, t
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
table = ranked.assign(
    variant=ranked["variant"].map(" → ".join),
    cases=ranked["cases"].map(lambda n: fmt_int(n, lang)),
    share=ranked["share"].map(lambda s: fmt_pct(s, lang)),
    coverage=ranked["coverage"].map(lambda s: fmt_pct(s, lang)),
    median=ranked["median_duration_s"].map(lambda s: fmt_duration(s, lang)),
    mean=ranked["mean_duration_s"].map(lambda s: fmt_duration(s, lang)),
)[["cases", "share", "coverage", "median", "mean", "steps", "variant"]]
table.columns = [t(f"col.{c}", lang) for c in table.columns]
st.dataframe(table, hide_index=True, width="stretch")
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
