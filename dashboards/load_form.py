"""The Data page's load form: upload a file or give a path, preview, map the columns (with
the tabular connector's suggestions), load with a progress bar."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from connectors.registry import FileOptions, file_kind
from dashboards import frame, loading
from dashboards.i18n import Lang, fmt_int, t
from proclens.errors import ProcLensError

TABULAR = (".csv", ".csv.gz", ".tsv", ".txt", ".xlsx", ".parquet", ".jsonl", ".ndjson")
ROLES = ("case", "activity", "timestamp", "start_timestamp", "resource", "department")


def load_form(lang: Lang, db: Path) -> None:
    upload = frame.file_uploader(t("data.upload", lang), lang)
    typed = st.text_input(t("data.path", lang), placeholder="/data/log.xes.gz")
    path = _uploaded_path(upload) if upload is not None else Path(typed) if typed else None
    if path is None:
        return
    try:
        options = _mapping(path, lang) if file_kind(path) in TABULAR else FileOptions()
        log = st.text_input(t("side.log", lang), value="", placeholder=path.name)
        if st.button(t("data.preview", lang)) and file_kind(path) not in TABULAR:
            st.dataframe(loading.preview(path, options), hide_index=True)
        if st.button(t("data.load", lang), type="primary"):
            bar = st.progress(0.0)
            report = loading.load_file(
                db, path, log=log or None, options=options, progress=bar.progress
            )
            bar.progress(1.0)
            st.success(
                t("data.loaded", lang, log=report.log, read=fmt_int(report.read, lang),
                  loaded=fmt_int(report.loaded, lang), rejected=fmt_int(report.rejected, lang))
            )  # fmt: skip
    except ProcLensError as exc:
        st.error(str(exc))
    except ModuleNotFoundError as exc:
        st.error(t("data.no_connector", lang, name=exc.name or "?"))


def _mapping(path: Path, lang: Lang) -> FileOptions:
    """Preview a tabular file and let the user confirm or change the suggested roles."""
    from connectors.tabular import preview_file

    found = preview_file(path)
    st.dataframe(pd.DataFrame(found.rows), hide_index=True)
    st.caption(t("data.mapping_help", lang))
    choices: dict[str, str | None] = {}
    cols = st.columns(len(ROLES))
    for col, role in zip(cols, ROLES, strict=True):
        options = [None, *found.columns]
        suggested = found.suggested.get(role)
        choices[role] = col.selectbox(
            t(f"role.{role}", lang), options, index=options.index(suggested) if suggested else 0,
            format_func=lambda c: "—" if c is None else str(c), key=f"map_{role}",
        )  # fmt: skip
    return FileOptions(
        case=choices["case"], activity=choices["activity"], timestamp=choices["timestamp"],
        start_timestamp=choices["start_timestamp"], resource=choices["resource"],
        department=choices["department"],
    )  # fmt: skip


def _uploaded_path(upload: object) -> Path:
    """Keep the upload under its own name (the connector is chosen by the file ending)."""
    folder = Path(tempfile.gettempdir()) / "proclens-uploads"
    folder.mkdir(exist_ok=True)
    target = folder / Path(str(getattr(upload, "name", "upload"))).name
    target.write_bytes(upload.getvalue())  # type: ignore[attr-defined]
    return target
