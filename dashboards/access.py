"""Short-lived, read-only access to the event store for the dashboard. Streamlit-free.

DuckDB lets one process write a file, or many read it, not both. The dashboard therefore never
keeps a connection: it opens the store read-only for one query and closes it at once, so a load
started meanwhile only waits for that query (the loader retries while the file is locked). While
a load holds the file, opening fails with `StoreBusyError`; the dashboard then keeps showing the
results of the last data version it read, which are cached, and picks up the new version when
the load has committed.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

from proclens.errors import StoreError
from proclens.store import EventStore

#: How long a read waits for a writer to release the file before reporting the store as busy.
READ_WAIT_S = 0.5


class StoreBusyError(StoreError):
    """Another process is writing to the store; retry when its load has finished."""


def is_lock_error(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "lock" in text or "another proclens process" in text


@contextlib.contextmanager
def read_store(path: Path, wait_s: float = READ_WAIT_S) -> Iterator[EventStore]:
    """Open `path` read-only for the duration of the block; retry briefly while it is locked."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            store = EventStore.open(path, read_only=True)
            break
        except StoreError as exc:
            if not is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise StoreBusyError(
                    f"the event store {path} is being written by a load; the dashboard shows "
                    "the last finished data and updates when the load ends"
                ) from exc
            time.sleep(0.05)
    try:
        yield store
    finally:
        store.close()


def data_version(path: Path) -> int:
    """The store's data version (the newest load run); changes whenever a load commits."""
    with read_store(path) as store:
        return store.data_version()
