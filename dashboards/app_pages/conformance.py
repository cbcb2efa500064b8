"""conformance: waits for its analytics; says so plainly instead of showing made-up figures."""

import streamlit as st

from dashboards import frame
from dashboards.i18n import t

view = frame.page_view()
st.title(f"{t('page.conformance', view.lang)} · {view.log}")
frame.not_yet("conformance.what", view)
