"""Conformance: the log against a designed model (bundled or uploaded), with an editable
activity-name mapping; fitness, precision, deviations per activity and over time, and the
deviating cases with their traces. The logic lives in dashboards.conformance_view."""

import pandas as pd
import streamlit as st

from dashboards import charts, conformance_view, frame
from dashboards.i18n import fmt_date, fmt_int, fmt_pct, t
from dashboards.model_form import mapping_editor, model_and_method
from dashboards.state import query

view = frame.page_view()
lang = view.lang
st.title(f"{t('page.conformance', lang)} · {view.log}")

path, digest, method = model_and_method(lang, view.log)
pairs = mapping_editor(lang, view.log, path, digest)
with st.spinner(t("conf.running", lang)):
    result = query("conformance", str(path), digest, pairs, method)
summary = result["summary"]
if summary["cases"] == 0:
    frame.empty_result(view)
st.session_state["conformance_model"] = (view.log, str(path), digest, pairs, method)

warning = conformance_view.mapping_warning(pairs, summary["unmapped_activities"])
if warning is not None:
    st.warning(t(warning[0], lang, **warning[1]))
row = st.columns(4)
row[0].metric(t("conf.fitness", lang), f"{summary['fitness']:.3f}")
row[1].metric(t("conf.precision", lang), f"{summary['precision']:.3f}")
row[2].metric(t("conf.fitting", lang), fmt_pct(summary["fitting_cases_share"], lang))
row[3].metric(t("conf.deviating", lang), fmt_int(len(result["cases"]), lang))
for key, names in (
    ("conf.unmapped_tasks", summary["unmapped_tasks"]),
    ("conf.unmapped_acts", summary["unmapped_activities"]),
):
    if names:
        st.caption(t(key, lang, names=", ".join(names)))
if summary["fell_back_variants"]:
    st.warning(t("conf.fell_back", lang, n=len(summary["fell_back_variants"])))
if result["deviations"].empty:
    st.success(t("conf.no_deviations", lang))
    st.stop()

words = (t("conf.skipped_short", lang), t("conf.inserted_short", lang))
with st.spinner(t("conf.drawing", lang)):
    checked = {k: result[k] for k in ("summary", "deviations")}  # small, hashed as a cache key
    drawn = query("conformance_figures", str(path), digest, pairs, method, words, checked)
st.subheader(t("conf.designed", lang))
st.html(conformance_view.svg_image(drawn["svg"]))  # fits the page width
with st.expander(t("conf.full_size", lang)):
    st.html(conformance_view.svg_image(drawn["svg"], fit=False))
st.caption(t("conf.designed_note", lang))
if not drawn["outside"].empty:
    st.caption(t("conf.outside", lang))
    outside = drawn["outside"].assign(
        inserted=drawn["outside"]["inserted"].map(lambda n: fmt_int(n, lang))
    )
    outside.columns = [t("col.activity", lang), t("conf.inserted", lang)]
    st.dataframe(outside, hide_index=True)
if st.toggle(t("conf.show_discovered", lang), key="conf_discovered"):  # on request: ~0.5 s
    st.subheader(t("conf.discovered", lang))
    with st.spinner(t("conf.drawing", lang)):
        st.html(conformance_view.svg_image(query("conformance_discovered")))

left, right = st.columns(2)
left.plotly_chart(
    charts.deviation_bars(
        result["deviations"], t("conf.skipped", lang), t("conf.inserted", lang),
        t("col.cases", lang), t("conf.per_activity", lang),
    ),
    width="stretch",
)  # fmt: skip
right.subheader(t("conf.over_time", lang))
right.plotly_chart(
    charts.trend_figure(
        result["over_time"],
        {"fitting_share": t("conf.share", lang), "mean_fitness": t("conf.mean_fitness", lang)},
        "%", days=0.01, lang=lang,
    ),
    width="stretch",
)  # fmt: skip

st.subheader(t("conf.cases", lang))
cases = result["cases"]
table = cases.assign(
    start_ts=cases["start_ts"].map(lambda ts: fmt_date(ts, lang) if pd.notna(ts) else "–"),
    fitness=cases["fitness"].map(lambda f: f"{f:.3f}"),
    trace=cases["trace"].map(" → ".join),
    deviations=cases["deviations"].map(lambda text: conformance_view.deviations_text(text, lang)),
)[["case_id", "start_ts", "fitness", "deviations", "trace"]]
table.columns = [t(f"col.{c}", lang) for c in ("case", "start", "fitness", "deviations", "trace")]
st.dataframe(table, hide_index=True, width="stretch")
