"""Streamlit glue: the current view (session + URL), the store's data version, cached queries.

Query results are cached with st.cache_data keyed on (store path, data version, log, filter,
arguments): a filter change computes once and is then instant, and a finished load (a new
data version) invalidates everything without a restart.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from dashboards.access import StoreBusyError, data_version, read_store
from dashboards.queries import QUERIES
from dashboards.view import Chip, View, view_from_query
from proclens.settings import setting

#: Last data version read per store path, shown while a load holds the file.
_LAST_VERSION: dict[str, int] = {}


def db_path() -> Path:
    return Path(setting("db")).resolve()


def current_view() -> View:
    """The view in the URL if it has one (a shared link), else the one of this session."""
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    found = view_from_query(params) if params else st.session_state.get("view", View())
    st.session_state["view"] = found
    return found


def set_view(view: View) -> None:
    """Make `view` current and write it to the URL."""
    st.session_state["view"] = view
    st.query_params.from_dict(view.to_query())


def refresh_version() -> tuple[int, bool]:
    """(data version, busy). Busy: a load holds the store; the last version read is reused."""
    key = str(db_path())
    try:
        version = data_version(db_path())
    except StoreBusyError:
        if key not in _LAST_VERSION:
            raise
        return _LAST_VERSION[key], True
    _LAST_VERSION[key] = version
    return version, False


def query(name: str, *args: Any, chips: tuple[Chip, ...] | None = None) -> Any:
    """Run QUERIES[name] for the current view (or other chips), cached per data version."""
    view = current_view()
    version = st.session_state.get("data_version", 0)
    key = view.filter_key() if chips is None else View(chips=chips).filter_key()
    return _cached(name, str(db_path()), version, view.log, key, args)


def deferred(name: str, *args: Any) -> Callable[[], Any]:
    """`query(name, *args)` for the current view, run only when called: for a download
    button's data, which Streamlit computes on click in another thread (where the session
    is not at hand, so the view and the data version are read now)."""
    view = current_view()
    version = st.session_state.get("data_version", 0)
    db, key = str(db_path()), view.filter_key()
    return lambda: _cached(name, db, version, view.log, key, args)


@st.cache_data(show_spinner=False, max_entries=512)  # type: ignore[untyped-decorator]
def _cached(
    name: str,
    db: str,
    version: int,
    log: str | None,
    filter_key: tuple[str, ...],
    args: tuple[Any, ...],
) -> Any:
    chips = tuple(c for c in (Chip.decode(text) for text in filter_key) if c is not None)
    with read_store(Path(db)) as store:
        return QUERIES[name](store, log, chips, *args)
