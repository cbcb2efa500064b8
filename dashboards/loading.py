"""Loading a file from the Data page: preview and load through the product's own ingest.

Streamlit-free. The store is opened for writing only for the duration of the load; the pages'
read-only queries wait (and show the last finished data) until it commits.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from connectors.base import EVENT_COLUMNS, ColumnLists
from connectors.registry import FileOptions, default_log_name, open_file
from proclens.loader import LoadReport, Mode, file_fingerprint, load
from proclens.store import EventStore

PREVIEW_ROWS = 20


def preview(path: Path, options: FileOptions | None = None) -> pd.DataFrame:
    """The first events the connector reads from `path`, in the canonical columns."""
    source = open_file(path, options or FileOptions())
    for batch in source.batches():
        events = batch.events
        if events is None or not events.num_rows:
            continue
        if isinstance(events, ColumnLists):
            return pd.DataFrame(
                {
                    name: events.columns.get(name, [None] * events.num_rows)[:PREVIEW_ROWS]
                    for name, _ in EVENT_COLUMNS
                }
            )
        head: pd.DataFrame = events.slice(0, PREVIEW_ROWS).to_pandas()
        return head
    return pd.DataFrame()


def load_file(
    db: Path,
    path: Path,
    *,
    log: str | None = None,
    mode: Mode = "new",
    options: FileOptions | None = None,
    progress: Callable[[float], None] | None = None,
) -> LoadReport:
    """Load `path` into the store at `db` as `log` (default: the file name)."""
    source = open_file(path, options or FileOptions())
    total = source.total_size()

    def advance(done: int, size: int | None) -> None:
        whole = size or total
        if progress is not None and whole:
            progress(min(1.0, done / whole))

    with EventStore.open(db) as store:
        return load(
            store,
            source,
            log=log or default_log_name(path),
            mode=mode,
            fingerprint=file_fingerprint(path),
            progress=advance,
        )
