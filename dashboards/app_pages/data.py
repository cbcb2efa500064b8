"""Data: the logs in the store, the load history with rejected rows, and loading a file."""

import streamlit as st

from dashboards import frame
from dashboards.i18n import t
from dashboards.load_form import load_form
from dashboards.sources_form import sources_form
from dashboards.state import db_path, query

view = frame.page_view()
lang = view.lang
st.title(t("page.data", lang))

st.subheader(t("data.logs", lang))
logs = query("logs")
st.dataframe(
    [
        {
            k: r[k]
            for k in (
                "log",
                "source_kind",
                "rows_read",
                "rows_loaded",
                "rows_rejected",
                "cases",
                "events",
                "loaded_at",
            )
        }
        for r in logs
    ],
    hide_index=True,
    width="stretch",
)

st.subheader(t("data.history", lang))
runs = query("load_history")
st.dataframe(runs, hide_index=True, width="stretch")
with_rejects = runs[runs["rows_rejected"] > 0]["run_id"].tolist() if not runs.empty else []
st.subheader(t("data.rejected", lang))
if with_rejects:
    run = st.selectbox(t("data.run", lang), with_rejects)
    st.dataframe(query("rejected", int(run)), hide_index=True, width="stretch")
else:
    st.caption(t("data.none_rejected", lang))

st.subheader(t("data.load_title", lang))
load_form(lang, db_path())
st.subheader(t("data.sources", lang))
sources_form(lang, db_path())
