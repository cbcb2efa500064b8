"""The frame around every page: the page list, the sidebar (language, log, filter chips), and
the one place that turns errors into `st.error` instead of a traceback."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import streamlit as st

from dashboards.i18n import LANG_NAMES, LANGS, Lang, fmt_date, fmt_int, t
from dashboards.state import current_view, db_path, query, refresh_version, set_view
from dashboards.view import CHIP_KINDS, DATE_KINDS, EQUALS, PAGE_KINDS, Chip, View
from proclens.errors import ProcLensError

#: Not "pages/": Streamlit auto-discovers a pages/ folder beside app.py and would serve its
#: files directly, without the frame (sidebar, view, error handling).
PAGES_DIR = Path(__file__).resolve().parent / "app_pages"

#: (file stem = url path = i18n key suffix, icon), in navigation order.
PAGES: tuple[tuple[str, str], ...] = (
    ("overview", ":material/dashboard:"),
    ("process_map", ":material/account_tree:"),
    ("variants", ":material/alt_route:"),
    ("cycle_times", ":material/timer:"),
    ("bottlenecks", ":material/hourglass_bottom:"),
    ("conformance", ":material/rule:"),
    ("organisation", ":material/groups:"),
    ("compare", ":material/compare:"),
    ("data", ":material/database:"),
    ("export", ":material/download:"),
)


def navigation_pages(lang: Lang) -> list[Any]:
    return [
        st.Page(
            str(PAGES_DIR / f"{stem}.py"),
            title=t(f"page.{stem}", lang),
            icon=icon,
            url_path=stem,
            default=stem == "overview",
        )
        for stem, icon in PAGES
    ]


def run(page: Any) -> None:
    """Prepare the view and sidebar, then run the page; errors become one st.error."""
    try:
        _prepare()
        page.run()
    except ProcLensError as exc:
        st.error(str(exc))
    except Exception as exc:  # st.stop / st.rerun are BaseExceptions and pass through
        st.error(
            f"internal error ({type(exc).__name__}: {exc}); "
            "please report it with the steps that led here"
        )


def _prepare() -> None:
    view = current_view()
    if not db_path().exists():
        st.error(t("msg.no_store", view.lang, path=db_path()))
        st.stop()
    version, busy = refresh_version()
    st.session_state["data_version"] = version
    if busy:
        st.info(t("msg.busy", view.lang))
    names = [row["log"] for row in query("logs")]
    if view.log not in names:
        view = replace(view, log=names[0] if names else None)
    set_view(view)
    _sidebar(view, names)


def _sidebar(view: View, names: list[str]) -> None:
    lang = view.lang
    with st.sidebar:
        st.radio(
            t("side.language", lang),
            LANGS,
            index=LANGS.index(lang),
            format_func=lambda code: LANG_NAMES[code],
            horizontal=True,
            key="w_lang",
            on_change=_on_widget,
            args=("lang", "w_lang"),
        )
        if names:
            st.selectbox(
                t("side.log", lang),
                names,
                index=names.index(view.log) if view.log in names else 0,
                key="w_log",
                on_change=_on_widget,
                args=("log", "w_log"),
            )
            _filter_box(view)


def _on_widget(field: str, key: str) -> None:
    view = replace(current_view(), **{field: st.session_state[key]})
    if field == "log":
        view = replace(view, chips=())
    set_view(view)


def _filter_box(view: View) -> None:
    lang = view.lang
    st.subheader(t("side.filter", lang))
    if not view.chips:
        st.caption(t("side.no_filter", lang))
    for chip in view.chips:
        st.button(
            f"✕ {chip_label(chip, lang)}",
            key=f"chip:{chip.encode()}",
            help=t("side.remove", lang),
            on_click=lambda c=chip: set_view(current_view().without_chip(c)),
        )
    with st.expander(t("side.add", lang), expanded=False):
        kind = st.selectbox(
            t("side.kind", lang),
            [k for k in CHIP_KINDS if k not in PAGE_KINDS],
            format_func=lambda k: t(f"chip.{k}", lang),
            key="w_kind",
        )
        value: Any
        if kind in DATE_KINDS:
            value = st.date_input(t("side.value", lang), value=None, key=f"w_value_{kind}")
        elif kind == "attr":
            labels = {
                f"{k}{EQUALS}{v}": t(
                    "side.attr_value", lang, name=k, value=v, cases=fmt_int(n, lang)
                )
                for k, v, n in query("case_attribute_values")
            }
            value = st.selectbox(
                t("side.value", lang),
                list(labels),
                index=None,
                key="w_value_attr",
                placeholder=t("tbl.choose", lang),
                format_func=labels.__getitem__,
            )
        else:
            value = st.selectbox(
                t("side.value", lang),
                query("activity_names"),
                index=None,
                key="w_value_act",
                placeholder=t("tbl.choose", lang),
            )
        if st.button(t("side.apply", lang), key="w_apply", disabled=value is None):
            text = value.isoformat() if isinstance(value, date) else str(value)
            set_view(current_view().with_chip(Chip(kind, text)))
            st.rerun()


def chip_label(chip: Chip, lang: Lang) -> str:
    value = (
        fmt_date(date.fromisoformat(chip.value), lang) if chip.kind in DATE_KINDS else chip.value
    )
    if chip.kind == "attr":
        value = value.replace(EQUALS, " = ", 1)
    short = value if len(value) <= 48 else value[:47] + "…"
    return f"{t(f'chip.{chip.kind}', lang)}: {short}"


def page_view() -> View:
    """The view a page renders; stops the page with a message when there is no log to show."""
    view = current_view()
    if view.log is None:
        st.info(t("msg.no_logs", view.lang))
        st.stop()
    return view


def file_uploader(label: str, lang: Lang, **options: Any) -> Any:
    """st.file_uploader with a help tip in `lang` on how to use its box: Streamlit writes the
    box's own words ('Upload', '200MB per file') in English and has no option to change them
    (streamlit/streamlit#13500), so the tip says what they mean in the reader's language."""
    mb = st.get_option("server.maxUploadSize")
    return st.file_uploader(label, help=t("upload.help", lang, mb=mb), **options)


def parse_instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def empty_result(view: View) -> None:
    """Say that the filter keeps no case (instead of drawing empty charts) and stop the page."""
    st.info(t("msg.empty_filter", view.lang))
    st.stop()
