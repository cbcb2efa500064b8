"""The DuckDB event store: opening, schema, transactions and look-ups.

Every connection runs in UTC so that TIMESTAMPTZ values render and truncate the same way
everywhere. Writes happen inside `EventStore.transaction()`; a failure rolls back completely.
"""

from __future__ import annotations

import contextlib
import ctypes
import time
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import duckdb

from proclens import order
from proclens.errors import LogNotFoundError, StoreError
from proclens.settings import default_db_path, setting

#: glibc's mallopt parameter for the size from which an allocation gets pages of its own
_M_MMAP_THRESHOLD = -3


def _return_large_blocks() -> None:
    """Fix glibc's mmap threshold at its default, 128 KiB, so every larger block freed goes
    back to the system. Left dynamic, it rises to the size of each such block freed, and
    later blocks of that size stay in the heap after they are freed (BPIC 2012 ingest: peak
    -7 to -11 MB, no change in time). A no-op where the C library is not glibc."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, 128 * 1024)


def schema_sql() -> str:
    return files("proclens").joinpath("schema.sql").read_text(encoding="utf-8")


class EventStore:
    """A DuckDB file holding many logs in the canonical schema."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None, read_only: bool) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only

    @classmethod
    def open(cls, path: str | Path | None = None, *, read_only: bool = False) -> EventStore:
        """Open (and, unless read-only, create) the store at `path` (default: PROCLENS_DB)."""
        db = Path(path) if path is not None else default_db_path()
        if read_only and not db.exists():
            raise StoreError(
                f"no event store at {db}; load a log first with 'proclens ingest FILE --db {db}'"
            )
        try:
            con = _connect(db, read_only)
        except duckdb.IOException as exc:
            raise StoreError(
                f"cannot open the event store {db}: {first_line(exc)}; "
                "is another ProcLens process writing to it? Try again when it has finished"
            ) from exc
        except duckdb.Error as exc:
            raise StoreError(f"{db} is not a usable DuckDB event store: {first_line(exc)}") from exc
        try:
            configure(con)
            store = cls(con, db, read_only)
            # a store written before some stored-order column existed is refilled entirely
            stale = _has_events(con) and not order.has_column(con, "events", "next_order_ts")
            if not read_only:
                con.execute(schema_sql())
            if _has_events(con):
                order.upgrade(con, read_only, everything=stale)
        except BaseException:
            con.close()  # a refused store leaves no connection behind in this process
            raise
        return store

    @classmethod
    def in_memory(cls) -> EventStore:
        con = duckdb.connect(":memory:")
        configure(con)
        con.execute(schema_sql())
        return cls(con, None, False)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All-or-nothing: commit when the block ends, roll back on any exception."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    @contextlib.contextmanager
    def load_budget(self) -> Iterator[None]:
        """Run the block under the smaller load memory budget (PROCLENS_LOAD_MEMORY_LIMIT).

        Staging, duplicate and pairing work spill to disk beyond it, so a load's peak memory
        stays flat however large the file is. Meanwhile DuckDB runs one thread (each thread's
        hash tables, windows and sorts start with buffers of their own: with 2, a 5M-event
        load ran out of 48 MB in a spilling aggregate or a 50,000-event slice) and does not
        preserve insertion order (every stored row carries its place, event_index and seq; an
        order-preserving INSERT holds a partial row group per source row group it scans).
        Freed large blocks go back to the system at once (`_return_large_blocks`).
        """
        names = ("memory_limit", "threads", "preserve_insertion_order")
        row = self.con.execute(
            "SELECT " + ", ".join(f"current_setting('{name}')" for name in names)
        ).fetchone()
        assert row is not None
        self.con.execute(f"SET memory_limit = '{setting('load_memory_limit')}'")
        self.con.execute("SET threads = 1")
        self.con.execute("SET preserve_insertion_order = false")
        _return_large_blocks()
        try:
            yield
        finally:
            for name, value in zip(names, row, strict=True):
                self.con.execute(f"SET {name} = '{value}'")

    @contextlib.contextmanager
    def load_transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A transaction for bulk loads, under the load memory budget (`load_budget`)."""
        with self.load_budget(), self.transaction() as con:
            yield con

    # ---- look-ups -------------------------------------------------------------------------
    def log_names(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT log FROM logs ORDER BY log").fetchall()]

    def has_log(self, log: str) -> bool:
        row = self.con.execute("SELECT count(*) FROM logs WHERE log = ?", [log]).fetchone()
        return bool(row and row[0])

    def require_log(self, log: str | None) -> str:
        """Return the log name to use, or raise naming the logs that exist."""
        names = self.log_names()
        if log is None:
            if len(names) == 1:
                return names[0]
            if not names:
                raise LogNotFoundError(
                    "the store has no logs yet; load one with 'proclens ingest FILE'"
                )
            raise LogNotFoundError(
                f"several logs in the store, pick one with --log: {', '.join(names)}"
            )
        if log not in names:
            known = ", ".join(names) if names else "none (load one with 'proclens ingest FILE')"
            raise LogNotFoundError(f"no log named '{log}' in the store; logs are: {known}")
        return log

    def logs(self) -> list[dict[str, Any]]:
        return self.query_dicts(
            "SELECT log, source, source_kind, loaded_at, rows_read, rows_loaded, rows_rejected, "
            "events, cases FROM logs ORDER BY log"
        )

    def query_dicts(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, params or [])
        cols = [d[0] for d in cur.description or []]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def data_version(self) -> int:
        """Changes whenever a load commits; dashboards key their caches on it."""
        row = self.con.execute("SELECT coalesce(max(run_id), 0) FROM load_runs").fetchone()
        return int(row[0]) if row else 0


#: How long opening for writing waits while another process holds the file's lock (the
#: dashboard's reads hold it for one query at a time) before reporting the store as busy.
#: Read-only opens do not wait here: the dashboard keeps showing its cached data instead.
LOCK_WAIT_S = 5.0


def _has_events(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'cases'").fetchone()
    return bool(row and row[0])


def _connect(db: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + (0.0 if read_only else LOCK_WAIT_S)
    while True:
        try:
            return duckdb.connect(str(db), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def configure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET memory_limit = '{setting('memory_limit')}'")
    con.execute("SET preserve_insertion_order = true")


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
