"""The store's own records: load runs and the rows they rejected (store layer, no analytics)."""

from __future__ import annotations

from typing import Any

from proclens.store import EventStore


def load_runs(store: EventStore, log: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Newest first: run id, log, source, mode, status, read / loaded / rejected, times, error."""
    where = "WHERE log = ?" if log else ""
    params: list[Any] = [log] if log else []
    return store.query_dicts(
        f"""
        SELECT run_id, log, source, source_kind, mode, status, started_at, finished_at,
               rows_read, rows_loaded, rows_rejected, rows_updated, error
        FROM load_runs {where} ORDER BY run_id DESC LIMIT ?
        """,
        [*params, limit],
    )


def rejected_rows(store: EventStore, run_id: int, limit: int = 1000) -> list[dict[str, Any]]:
    """The rows run `run_id` rejected, in source order of rejection, with position and reason."""
    return store.query_dicts(
        "SELECT position, reason, raw FROM rejected_rows WHERE run_id = ? LIMIT ?",
        [run_id, limit],
    )
