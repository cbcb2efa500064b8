"""The Conformance page's inputs: pick a bundled model or upload one, choose the method, and
edit the suggested activity-name mapping (st.data_editor). Widgets only; the logic is in
dashboards.conformance_view."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboards import frame
from dashboards.conformance_view import (
    Pairs,
    bundled_models,
    default_model,
    file_hash,
    mapping_frame,
    pairs_from_frame,
    stash_model,
)
from dashboards.i18n import Lang, t
from dashboards.state import query


def model_and_method(lang: Lang, log: str | None) -> tuple[Path, str, str]:
    """(model path, sha256 of its bytes, method); stops the page while no model is chosen."""
    left, right = st.columns([3, 2])
    source = left.radio(
        t("conf.source", lang), ["bundled", "upload"], format_func=lambda s: t(f"conf.{s}", lang),
        horizontal=True, key="conf_source",
    )  # fmt: skip
    method = right.radio(
        t("conf.method", lang), ["token-replay", "alignments"],
        format_func=lambda m: t(f"conf.{m}", lang), horizontal=True, key="conf_method",
    )  # fmt: skip
    if source == "upload":
        upload = frame.file_uploader(
            t("conf.upload", lang), lang, type=["bpmn", "pnml"], key="conf_upload"
        )
        if upload is None:
            st.info(t("conf.need_upload", lang))
            st.stop()
        path, digest = stash_model(upload.getvalue(), upload.name)
        return path, digest, str(method)
    models = bundled_models()
    if not models:
        st.info(t("conf.no_models", lang))
        st.stop()
    picked = st.selectbox(
        t("conf.model", lang), models, index=default_model(models, log),
        format_func=lambda p: p.name, key="conf_model",
    )  # fmt: skip
    return picked, file_hash(picked.read_bytes()), str(method)


def mapping_editor(lang: Lang, log: str | None, path: Path, digest: str) -> Pairs:
    """The suggested task -> activity mapping, editable; returns the pairs as edited. The
    suggestion reads the whole log's activities, so it is asked once, not per filter."""
    suggested = query("conformance_mapping", str(path), digest, chips=())
    with st.expander(t("conf.mapping", lang)):
        st.caption(t("conf.mapping_help", lang))
        edited = st.data_editor(
            mapping_frame(suggested["rows"]), hide_index=True, width="stretch",
            key=f"conf_map_{digest}_{log}", disabled=["task", "score"],
            column_config={
                "task": t("conf.task", lang),
                "activity": st.column_config.SelectboxColumn(
                    t("col.activity", lang), options=suggested["activities"]),
                "score": st.column_config.NumberColumn(t("conf.score", lang), format="%.0f"),
            },
        )  # fmt: skip
    return pairs_from_frame(edited)
