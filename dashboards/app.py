"""The ProcLens dashboard: `streamlit run dashboards/app.py` (or `proclens dashboard`)."""

import streamlit as st

from dashboards import frame
from dashboards.state import current_view

st.set_page_config(page_title="ProcLens", page_icon=":material/insights:", layout="wide")
frame.run(st.navigation(frame.navigation_pages(current_view().lang)))
