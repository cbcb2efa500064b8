"""Organisation: workload over time and the handover networks between departments/resources."""

import pandas as pd
import streamlit as st

from dashboards import frame
from dashboards.conformance_view import stash_model
from dashboards.i18n import t
from dashboards.state import query

view = frame.page_view()
lang = view.lang
st.title(f"{t('page.organisation', lang)} · {view.log}")
found = query("bottlenecks")
if not found["total_cycle_time_s"]:
    frame.empty_result(view)
st.subheader(t("org.workload", lang))
workload = pd.DataFrame(found["workload"])
st.dataframe(workload, hide_index=True)
st.subheader(t("org.handovers", lang))
if found["handovers_departments"]:
    st.dataframe(found["handovers_departments"], hide_index=True)
else:
    st.caption(t("org.no_departments", lang))
st.subheader(t("org.handovers_res", lang))
st.dataframe(found["handovers_resources"], hide_index=True)
st.subheader(t("org.rules", lang))
upload = st.file_uploader(t("org.rules_upload", lang), type=["yaml", "yml"], key="org_rules")
if upload is None:
    st.caption(t("org.rules_help", lang))
    st.stop()
path, digest = stash_model(upload.getvalue(), upload.name)
results = pd.DataFrame(query("rules", str(path), digest))
results["violating_cases"] = results["violating_cases"].map(", ".join)
st.dataframe(results, hide_index=True)
