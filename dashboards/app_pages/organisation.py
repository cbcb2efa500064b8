"""Organisation: workload over time and the handover networks between departments/resources."""

import pandas as pd
import streamlit as st

from dashboards import frame, tables
from dashboards.conformance_view import stash_model
from dashboards.i18n import t
from dashboards.state import query

view = frame.page_view()
lang = view.lang
st.title(f"{t('page.organisation', lang)} · {view.log}")
found = query("organisation")
if not found["total_cycle_time_s"]:
    frame.empty_result(view)
st.subheader(t("org.workload", lang))
if found["workload"]:
    st.dataframe(tables.table(found["workload"], tables.WORKLOAD, lang), hide_index=True)
    if any(r["service_s"] is None for r in found["workload"]):
        st.caption(t("org.service_help", lang))
else:
    st.caption(t("org.no_resources", lang))
st.subheader(t("org.handovers", lang))
departments = found["handovers_departments"]
if departments:
    st.dataframe(tables.table(departments, tables.HANDOVERS, lang), hide_index=True)
    if any("?" in (r["source"], r["target"]) for r in departments):
        st.caption(t("org.unknown_department", lang))
else:
    st.caption(t("org.no_departments", lang))
st.subheader(t("org.handovers_res", lang))
if found["handovers_resources"]:
    handovers = tables.table(found["handovers_resources"], tables.HANDOVERS, lang)
    st.dataframe(handovers, hide_index=True)
else:
    st.caption(t("org.no_resources", lang))
st.subheader(t("org.rules", lang))
upload = frame.file_uploader(
    t("org.rules_upload", lang), lang, type=["yaml", "yml"], key="org_rules"
)
if upload is None:
    st.caption(t("org.rules_help", lang))
    st.stop()
path, digest = stash_model(upload.getvalue(), upload.name)
results = pd.DataFrame(query("rules", str(path), digest))
results["violating_cases"] = results["violating_cases"].map(", ".join)
st.dataframe(results, hide_index=True)
