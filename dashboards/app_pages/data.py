"""Data: the logs in the store, the load history with rejected rows, and loading a file."""

import streamlit as st

from dashboards import frame, tables
from dashboards.i18n import t
from dashboards.load_form import load_form
from dashboards.sources_form import sources_form
from dashboards.state import db_path, query

view = frame.page_view()
lang = view.lang
st.title(t("page.data", lang))

st.subheader(t("data.logs", lang))
st.dataframe(tables.table(query("logs"), tables.LOGS, lang), hide_index=True, width="stretch")

st.subheader(t("data.history", lang))
runs = query("load_history")
st.dataframe(tables.table(runs, tables.LOAD_RUNS, lang), hide_index=True, width="stretch")
with_rejects = runs[runs["rows_rejected"] > 0]["run_id"].tolist() if not runs.empty else []
st.subheader(t("data.rejected", lang))
if with_rejects:
    run = st.selectbox(t("data.run", lang), with_rejects)
    rejected = tables.table(query("rejected", int(run)), tables.REJECTED, lang)
    st.dataframe(rejected, hide_index=True, width="stretch")
else:
    st.caption(t("data.none_rejected", lang))

st.subheader(t("data.load_title", lang))
load_form(lang, db_path())
st.subheader(t("data.sources", lang))
sources_form(lang, db_path())
