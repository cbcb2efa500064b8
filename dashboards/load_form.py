"""The Data page's load form: upload a file or give a path, preview, load with a progress bar."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from dashboards import loading
from dashboards.i18n import Lang, fmt_int, t
from proclens.errors import ProcLensError


def load_form(lang: Lang, db: Path) -> None:
    upload = st.file_uploader(t("data.upload", lang))
    typed = st.text_input(t("data.path", lang), placeholder="/data/log.xes.gz")
    path = _uploaded_path(upload) if upload is not None else Path(typed) if typed else None
    if path is None:
        return
    log = st.text_input(t("side.log", lang), value="", placeholder=path.name)
    preview_col, load_col = st.columns(2)
    try:
        if preview_col.button(t("data.preview", lang)):
            st.dataframe(loading.preview(path), hide_index=True, width="stretch")
        if load_col.button(t("data.load", lang), type="primary"):
            bar = st.progress(0.0)
            report = loading.load_file(db, path, log=log or None, progress=bar.progress)
            bar.progress(1.0)
            st.success(
                t(
                    "data.loaded",
                    lang,
                    log=report.log,
                    read=fmt_int(report.read, lang),
                    loaded=fmt_int(report.loaded, lang),
                    rejected=fmt_int(report.rejected, lang),
                )
            )
    except ProcLensError as exc:
        st.error(str(exc))
    except ModuleNotFoundError as exc:
        st.error(t("data.no_connector", lang, name=exc.name or "?"))


def _uploaded_path(upload: object) -> Path:
    """Keep the upload under its own name (the connector is chosen by the file ending)."""
    folder = Path(tempfile.gettempdir()) / "proclens-uploads"
    folder.mkdir(exist_ok=True)
    target = folder / Path(str(getattr(upload, "name", "upload"))).name
    target.write_bytes(upload.getvalue())  # type: ignore[attr-defined]
    return target
