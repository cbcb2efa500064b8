"""Organisation: workload over time and the handover networks between departments/resources."""

import pandas as pd
import streamlit as st

from dashboards import frame
from dashboards.conformance_view import stash_model
from dashboards.i18n import t
from dashboards.state import query
from dashboards.tables import table

view = frame.page_view()
lang = view.lang
st.title(f"{t('page.organisation', lang)} · {view.log}")
found = query("bottlenecks")
if not found["total_cycle_time_s"]:
    frame.empty_result(view)
st.subheader(t("org.workload", lang))
workload = pd.DataFrame(found["workload"])
st.dataframe(workload, hide_index=True)
#: a handover row: (from, to) with its count, cases and the time between them
HANDOVER = [
    ("source", "cycle.from", "text"), ("target", "cycle.to", "text"),
    ("count", "col.count", "int"), ("cases", "col.cases", "int"),
    ("median_s", "col.median", "duration"), ("total_s", "bn.total_wait", "duration"),
    ("share_of_cycle_time", "bn.share", "pct"),
]  # fmt: skip
st.subheader(t("org.handovers", lang))
if found["handovers_departments"]:
    st.dataframe(table(found["handovers_departments"], HANDOVER, lang), hide_index=True)
else:
    st.caption(t("org.no_departments", lang))
st.subheader(t("org.handovers_res", lang))
st.dataframe(table(found["handovers_resources"], HANDOVER, lang), hide_index=True)
st.subheader(t("org.rules", lang))
upload = st.file_uploader(t("org.rules_upload", lang), type=["yaml", "yml"], key="org_rules")
if upload is None:
    st.caption(t("org.rules_help", lang))
    st.stop()
path, digest = stash_model(upload.getvalue(), upload.name)
results = pd.DataFrame(query("rules", str(path), digest))
results["violating_cases"] = results["violating_cases"].map(", ".join)
st.dataframe(results, hide_index=True)
