"""The Data page's workflow-system sources: the sources of proclens.toml, last pull, pull now."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from connectors.sources.service import pull_now, sources_overview
from dashboards.i18n import Lang, t
from proclens.errors import ProcLensError
from proclens.settings import setting


def sources_form(lang: Lang, db: Path) -> None:
    config = Path(setting("config"))
    if not config.exists():
        st.caption(t("data.no_sources", lang, path=str(config)))
        return
    rows = sources_overview(db, config)
    st.dataframe(rows, hide_index=True, width="stretch")
    for row in rows:
        if st.button(t("data.pull_now", lang, name=row["name"]), key=f"pull-{row['name']}"):
            try:
                done = pull_now(db, config, row["name"])
            except ProcLensError as exc:
                st.error(str(exc))
                continue
            st.success(t("data.pulled", lang, name=row["name"], new=done.get("rows_new", 0)))
