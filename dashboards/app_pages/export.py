"""Export: the model discovered from the current view (BPMN, PNML, PTML, SVG, PNG), the log as
XES / CSV / Parquet, the KPI tables as CSV and the one-page executive report."""

import streamlit as st

from analytics.discovery import MINERS, DiscoveryError
from analytics.periods import DEFAULT_SLA_S, DEFAULT_WEEKS
from dashboards import exports, frame
from dashboards.i18n import fmt_int, t
from dashboards.report import find_browser, to_pdf
from dashboards.report import render as render_report
from dashboards.state import db_path, deferred, query

view = frame.page_view()
lang = view.lang
st.title(f"{t('page.export', lang)} · {view.log}")

st.subheader(t("export.model", lang))
left, right = st.columns(2)
miner = left.radio(
    t("export.miner", lang), list(MINERS), horizontal=True,
    format_func=lambda m: t(f"miner.{m}", lang),
)  # fmt: skip
noise = right.slider(t("export.noise", lang), 0.0, 1.0, 0.2, 0.05, disabled=miner != "inductive")
try:
    with st.spinner(t("export.discovering", lang)):
        found = query("discovered_model", miner, noise if miner == "inductive" else 0.0)
except DiscoveryError:  # the filter keeps no case with events
    frame.empty_result(view)
st.caption(
    t("export.model_of", lang, cases=fmt_int(found["cases"], lang), acts=len(found["activities"]))
)
for col, (fmt, data) in zip(st.columns(len(found["files"])), found["files"].items(), strict=True):
    name = f"{view.log}-{miner}{exports.MODEL_FORMATS[fmt]}"
    col.download_button(fmt, data, file_name=name, key=f"model_{fmt}", width="stretch")
with st.expander(t("export.preview", lang)):
    st.image(found["files"]["PNG"])

st.subheader(t("export.log", lang))
if view.chips:
    st.caption(t("export.whole_log", lang))
fmt = st.radio(t("export.format", lang), list(exports.LOG_FORMATS), horizontal=True)
if st.button(t("export.prepare", lang)):
    name, data = exports.log_file(db_path(), str(view.log), fmt)
    st.download_button(t("export.download", lang, name=name), data, file_name=name)

st.subheader(t("export.kpis", lang))
variants = query("variants", 1000)
st.download_button(
    t("export.download", lang, name="variants.csv"),
    exports.csv_bytes(variants.assign(variant=variants["variant"].map(" → ".join))),
    file_name=f"{view.log}-variants.csv",
)
figures = deferred("waiting")  # computed on click, not with the page
for key in ("activities_by_waiting", "transitions_by_waiting", "rework"):
    st.download_button(
        t("export.download", lang, name=f"{key}.csv"),
        lambda key=key: exports.csv_bytes(exports.frame_of(figures()[key])),
        file_name=f"{view.log}-{key}.csv", mime="text/csv",
    )  # fmt: skip

# ---- the executive report of the view (dashboards/report.py) ----
st.subheader(t("report.title", lang))
model = st.session_state.get("conformance_model")
conf = query("conformance", *model[1:])["summary"] if model and model[0] == view.log else None
settings = st.session_state.get("period_settings", (DEFAULT_SLA_S, DEFAULT_WEEKS, None))
report_data = deferred("report_data", *settings)  # gathered on click, like the KPI tables
html_col, pdf_col = st.columns([1, 3])  # the PDF button right beside the HTML one
html_col.download_button(
    t("report.download", lang),
    lambda: render_report(report_data(), lang, conf).encode("utf-8"),
    file_name=f"{view.log}-report-{lang}.html", mime="text/html", key="w_report",
)  # fmt: skip
if find_browser() is None:
    pdf_col.info(t("report.no_pdf", lang))
elif pdf_col.button(t("report.prepare_pdf", lang), key="w_report_pdf_prepare"):
    pdf_col.download_button(
        t("report.download_pdf", lang), to_pdf(render_report(report_data(), lang, conf)),
        file_name=f"{view.log}-report-{lang}.pdf", mime="application/pdf", key="w_report_pdf",
    )  # fmt: skip
