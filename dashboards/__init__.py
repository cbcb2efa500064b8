"""Streamlit dashboards: thin pages over analytics."""
