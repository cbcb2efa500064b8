"""Write a connector's batches into the store; the log changes in one transaction.

Steps (a failure or interruption anywhere leaves the store exactly as it was):
1. stage every batch (events, cases, rejected rows) in TEMP tables of the load's connection,
   committed batch by batch so memory stays flat (rows appended inside an open transaction are
   held until it ends); TEMP tables are never written to the store file, other connections do
   not see them, and they vanish with the connection, even if the process is killed;
then, in one transaction:
2. set aside exact duplicates: rows equal in every mapped column and attribute (the first
   occurrence in source order is kept; in append/merge mode rows equal to a stored event too);
3. in merge mode, rows whose event key is stored: equal in every mapped column -> unchanged
   (dropped, counted in `unchanged`), otherwise they replace the stored event (`updated`);
4. pair lifecycle start/complete rows into activity instances (FIFO per case, activity and
   instance id), keep other transitions as non-instance rows;
5. write events (one slice of the cases at a time, so each statement fits the load budget,
   each event with its order inside its case, and on new/replace each case with its per-case
   facts), cases, rejected rows, the log's row and the load-run row (with the source's
   `cursor_value`, if it has one, for incremental pulls); the log's row is written first,
   before step 2, and its counts at the end: its attributes can be megabytes of JSON, whose
   parsing must not come on top of everything else the load holds;
6. on append/merge, renumber the order inside the cases this load touched and store their
   per-case facts, see proclens/order.py.

read = loaded + rejected + unchanged; `record_failed_run` logs a run that did not commit.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import json
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import duckdb

from connectors.base import CASE_COLUMNS, EVENT_COLUMNS, ColumnLists, Source
from proclens import order
from proclens.columns import COMPLETE_TRANSITIONS, START_TRANSITIONS
from proclens.errors import RejectedRowsError, StoreError
from proclens.settings import setting
from proclens.store import EventStore

Mode = Literal["new", "replace", "append", "merge"]
Progress = Callable[[int, int | None], None]

_MAPPED = ("case_id", "activity", "ts", "start_ts", "resource", "department", "lifecycle",
           "instance_id", "event_key", "attributes")  # fmt: skip


@dataclass
class LoadReport:
    log: str
    read: int = 0
    loaded: int = 0
    rejected: int = 0
    cases: int = 0
    events: int = 0
    status: str = "ok"
    run_id: int | None = None
    duplicates: int = 0
    near_duplicate_groups: int = 0
    paired_starts: int = 0
    unpaired: int = 0
    updated: int = 0
    unchanged: int = 0
    cursor: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def file_fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load(
    store: EventStore,
    source: Source,
    *,
    log: str,
    mode: Mode = "new",
    fingerprint: str | None = None,
    strict: bool = False,
    progress: Progress | None = None,
) -> LoadReport:
    """Load `source` as log `log`; see the module docstring for what happens."""
    if mode == "new" and (store.has_log(log) or _is_ocel(store.con, log)):
        if fingerprint and _already_loaded(store.con, log, fingerprint):
            return _unchanged_report(store, log)
        raise StoreError(
            f"log '{log}' already exists in the store; pass --replace to reload it, "
            "--append to add these events to it, or --log to give this one another name"
        )
    staged = LoadReport(log=log)
    with store.load_budget():
        try:
            _create_staging(store.con)
            # staged rows spill to disk beyond the staging budget: appending them needs little
            # memory, and what they keep in memory the transaction would have to share (a
            # store in memory has nothing it can spill: it loads under its own limit)
            in_file = store.path is not None
            ladder = budgets() if in_file else [setting("memory_limit")]
            store.con.execute(f"SET memory_limit = '{staging_budget() if in_file else ladder[0]}'")
            _stage(store.con, source, staged, progress)  # step 1, outside the transaction
            attempt = functools.partial(
                _load_staged, store, source, log, mode, fingerprint, strict, staged
            )
            report = _load_in_budgets(store.con, attempt, ladder)
        except BaseException:
            with contextlib.suppress(duckdb.Error):  # the load's own error is the one to report
                _drop_staging(store.con)
            raise
        _checkpoint(store.con)
    return report


def _load_in_budgets(
    con: duckdb.DuckDBPyConnection, attempt: Callable[[], LoadReport], ladder: list[str]
) -> LoadReport:
    """`attempt` (the load's transaction, `_load_staged`) under each budget of `ladder`
    (`budgets()`) in turn, until one suffices.

    Some work cannot spill (the cases' key index, per-case lists): a load that runs out of its
    budget is rolled back and run again from the staged rows under a larger one, up to the
    store's memory limit (PROCLENS_MEMORY_LIMIT).
    """
    for budget in ladder[:-1]:
        with contextlib.suppress(duckdb.OutOfMemoryException):
            return _attempt_under(con, budget, attempt)
    return _attempt_under(con, ladder[-1], attempt)


def _attempt_under(
    con: duckdb.DuckDBPyConnection, budget: str, attempt: Callable[[], LoadReport]
) -> LoadReport:
    con.execute(f"SET memory_limit = '{budget}'")
    report = attempt()
    # the commit ran under `commit_budget` (`_load_staged`); the checkpoint after it runs
    # under the budget the load needed
    con.execute(f"SET memory_limit = '{budget}'")
    return report


def _checkpoint(con: duckdb.DuckDBPyConnection) -> None:
    """Write the committed load into the store file now, under the load's budget; left to the
    store's close it ran under the store's limit (BPIC 2012: +14 MB to the load's peak). A
    checkpoint another transaction of this process holds off is left to the close."""
    with contextlib.suppress(duckdb.TransactionException):
        con.execute("CHECKPOINT")


#: the most memory staging keeps rows in before they spill (less if the load budget is less)
STAGING_BUDGET = "16MB"


def staging_budget() -> str:
    return min(STAGING_BUDGET, setting("load_memory_limit"), key=_bytes)


#: budgets a load's transaction may run under after PROCLENS_LOAD_MEMORY_LIMIT, before the
#: store's PROCLENS_MEMORY_LIMIT
RETRY_BUDGETS = ("128MB", "512MB")


def budgets() -> list[str]:
    """The memory limits a load's transaction tries in turn: the load budget, the larger
    RETRY_BUDGETS, the store's limit last; each one larger than the one before."""
    ladder = [setting("load_memory_limit")]
    for budget in RETRY_BUDGETS:
        if _bytes(ladder[-1]) < _bytes(budget) < _bytes(setting("memory_limit")):
            ladder.append(budget)
    return [*ladder, setting("memory_limit")]


_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}  # fmt: skip


def _bytes(size: str) -> float:
    """'64MB', '2 GiB' -> bytes (DuckDB's memory_limit units)."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([A-Za-z]*)\s*", size)
    unit = match and _UNITS.get(match.group(2).upper())
    if match is None or unit is None:
        raise StoreError(f"memory limit {size!r} is not a size such as 64MB or 2GB")
    return float(match.group(1)) * unit


def _load_staged(
    store: EventStore,
    source: Source,
    log: str,
    mode: Mode,
    fingerprint: str | None,
    strict: bool,
    staged: LoadReport,
) -> LoadReport:
    """One attempt at the transaction of `load` over rows already staged (a fresh copy of
    their report each time: a rolled-back attempt leaves nothing behind)."""
    with store.transaction() as con:
        report = load_in_transaction(
            con, source, log=log, mode=mode, fingerprint=fingerprint, strict=strict,
            staged=copy.deepcopy(staged),
        )  # fmt: skip
        con.execute(f"SET memory_limit = '{commit_budget(con)}'")
        return report


#: what a commit needs, as a multiple of the memory its transaction's key indexes hold, and
#: a margin on top (measured: 2.0-2.5 times the index, least at most keys: 1.19M new cases
#: 61.6 MB of index, commit under 124 MB, not less; 500,000 26.2 / 55; 250,000 13.4 / 29)
COMMIT_INDEX_FACTOR = 3
COMMIT_MARGIN = "4MB"


def commit_budget(con: duckdb.DuckDBPyConnection) -> str:
    """The memory limit a load's commit runs under: the attempt's own limit, or more when its
    key indexes need more to be merged, never more than the store's limit.

    The commit merges the new cases into the `cases` key index in memory, and a commit that
    runs out of memory invalidates the database (a FatalException: nothing can be retried; a
    log of 1.19M cases did so under 128 MB). Under the store's limit every commit was safe, but
    the buffers it kept raised the peak of every load (1M generated events: 169 -> 210 MB).
    """
    row = con.execute(
        "SELECT current_setting('memory_limit'),"
        " (SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()"
        "  WHERE tag = 'ART_INDEX')"
    ).fetchone()
    assert row is not None
    needed = _bytes(COMMIT_MARGIN) + COMMIT_INDEX_FACTOR * float(row[1])
    limit = min(max(_bytes(str(row[0])), needed), _bytes(setting("memory_limit")))
    return f"{math.ceil(limit / 2**20)}MiB"


def load_in_transaction(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    *,
    log: str,
    mode: Mode = "new",
    fingerprint: str | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    staged: LoadReport | None = None,
) -> LoadReport:
    """The body of `load`, for callers that hold a transaction (OCEL writes several logs).

    `staged`: the report of a staging that already ran (`load` stages before its transaction);
    without it, the source is staged here.
    """
    report = staged if staged is not None else LoadReport(log=log)
    run_row = con.execute("SELECT nextval('load_run_seq')").fetchone()
    assert run_row is not None
    run_id = int(run_row[0])
    report.run_id = run_id
    started = con.execute("SELECT now()").fetchone()
    if mode == "replace":
        delete_log(con, log)
    if staged is None:
        _create_staging(con)
        _stage(con, source, report, progress)
    _write_log_row(con, log, source)
    offset = _index_offset(con, log) if mode in ("append", "merge") else 0
    if mode in ("append", "merge"):
        _note_touched_cases(con, log)
    if mode == "merge":
        _drop_unchanged(con, log, report)
    _reject_duplicates(con, log, mode, report, getattr(source, "position_unit", "row"))
    if mode == "merge":
        _merge_existing(con, log, report)
    report.near_duplicate_groups = _near_duplicate_groups(con)
    report.rejected = _count(con, "SELECT count(*) FROM staging_rejected")
    report.loaded = report.read - report.rejected - report.unchanged
    if strict and report.rejected:
        reasons = con.execute(
            "SELECT position || ': ' || reason FROM staging_rejected LIMIT 3"
        ).fetchall()
        raise RejectedRowsError(
            f"{report.rejected} of {report.read} rows would be rejected (--strict), e.g. "
            + "; ".join(r[0] for r in reasons)
            + "; fix the source or drop --strict to load the rest and keep these aside"
        )
    # a new or replacing load inserts every event with its order and every case with its
    # facts, slice by slice; an incremental one renumbers the cases it touched
    if mode in ("append", "merge"):
        _pair_and_insert(con, log, run_id, offset, report)
        _insert_cases(con, log, mode)
        order.refresh(con, log, "SELECT case_id FROM touched_cases")
    else:
        _pair_and_insert(con, log, run_id, offset, report, mode)
        without_events = "case_id IN (SELECT case_id FROM case_slices WHERE slice = -1)"
        _insert_cases(con, log, mode, without_events, None)
    con.execute("DROP TABLE case_slices")
    con.execute(
        "INSERT INTO rejected_rows SELECT ?, ?, position, raw, reason FROM staging_rejected",
        [run_id, log],
    )
    _count_log_row(con, log, mode)
    row = con.execute("SELECT events, cases FROM logs WHERE log = ?", [log]).fetchone()
    assert row is not None
    report.events, report.cases = int(row[0]), int(row[1])
    report.details = source.details()
    report.cursor = getattr(source, "cursor_value", None)
    if mode == "merge" and not report.loaded and not report.rejected:
        report.status = "unchanged"
    con.execute(
        "INSERT INTO load_runs (run_id, log, source, source_kind, fingerprint, mode, started_at,"
        " finished_at, status, rows_read, rows_loaded, rows_rejected, rows_updated,"
        " paired_starts, unpaired, details, rows_unchanged, cursor_value)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, now(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            log,
            source.location,
            source.kind,
            fingerprint,
            mode,
            started[0] if started else None,
            report.status,
            report.read,
            report.loaded,
            report.rejected,
            report.updated,
            report.paired_starts,
            report.unpaired,
            json.dumps(report.details, ensure_ascii=False, default=str),
            report.unchanged,
            report.cursor,
        ],
    )
    _drop_staging(con)
    return report


def record_failed_run(
    store: EventStore,
    source: Source,
    *,
    log: str,
    mode: Mode,
    started_at: datetime,
    rows_read: int,
    error: str,
) -> int:
    """Log a run that did not commit (its data was rolled back); returns its run id."""
    with store.transaction() as con:
        row = con.execute("SELECT nextval('load_run_seq')").fetchone()
        assert row is not None
        con.execute(
            "INSERT INTO load_runs (run_id, log, source, source_kind, mode, started_at,"
            " finished_at, status, rows_read, error, details) VALUES (?, ?, ?, ?, ?, ?, now(),"
            " 'failed', ?, ?, ?)",
            [
                int(row[0]),
                log,
                source.location,
                source.kind,
                mode,
                started_at,
                rows_read,
                error,
                json.dumps(source.details(), ensure_ascii=False, default=str),
            ],
        )
    return int(row[0])


#: tables holding a log's rows (by their `log` column); load_runs stay as the history
LOG_TABLES = ("events", "cases", "rejected_rows", "logs")
#: the side tables of an OCEL log (connectors.ocel); its flattened logs are "<log>/<type>"
OCEL_TABLES = ("ocel_events", "ocel_objects", "ocel_object_changes", "ocel_e2o", "ocel_o2o",
               "ocel_logs")  # fmt: skip


def delete_log(con: duckdb.DuckDBPyConnection, log: str) -> None:
    """Remove everything stored under `log`; for an OCEL log also its ocel_* rows and the
    flattened logs "<log>/<object type>" made from it."""
    if _is_ocel(con, log):
        subs = con.execute("SELECT log FROM logs WHERE starts_with(log, ?)", [log + "/"]).fetchall()
        for table in OCEL_TABLES:
            con.execute(f"DELETE FROM {table} WHERE log = ?", [log])
        for (sub,) in subs:
            _delete_rows(con, str(sub))
    _delete_rows(con, log)


def _is_ocel(con: duckdb.DuckDBPyConnection, log: str) -> bool:
    return bool(_count(con, "SELECT count(*) FROM ocel_logs WHERE log = ?", [log]))


def _delete_rows(con: duckdb.DuckDBPyConnection, log: str) -> None:
    for table in LOG_TABLES:
        con.execute(f"DELETE FROM {table} WHERE log = ?", [log])


# ---- staging ------------------------------------------------------------------------------


def _create_staging(con: duckdb.DuckDBPyConnection) -> None:
    # TEMP tables live in the connection's in-memory catalog, which spills to DuckDB's temp
    # directory beyond the load budget once their rows are committed (see the module docstring).
    _drop_staging(con)
    cols = ", ".join(f"{name} {kind}" for name, kind in EVENT_COLUMNS)
    con.execute(f"CREATE TEMP TABLE staging_events ({cols})")
    con.execute("CREATE TEMP TABLE staging_cases (case_id VARCHAR, attributes VARCHAR, seq BIGINT)")
    con.execute(
        "CREATE TEMP TABLE staging_rejected (position VARCHAR, raw VARCHAR, reason VARCHAR)"
    )


def _drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    for t in ("staging_events", "staging_cases", "staging_rejected", "touched_cases"):
        con.execute(f"DROP TABLE IF EXISTS {t}")


def _stage(
    con: duckdb.DuckDBPyConnection, source: Source, report: LoadReport, progress: Progress | None
) -> None:
    total = source.total_size()
    case_seq = 0
    for batch in source.batches():
        report.read += batch.rows_read
        if batch.events is not None and batch.events.num_rows:
            _insert_rows(con, "staging_events", EVENT_COLUMNS, batch.events)
        if batch.cases is not None and batch.cases.num_rows:
            _insert_rows(con, "staging_cases", CASE_COLUMNS, batch.cases, seq_from=case_seq)
            case_seq += batch.cases.num_rows
        if batch.rejected:
            con.executemany(
                "INSERT INTO staging_rejected VALUES (?, ?, ?)",
                [(r.position, r.raw, r.reason) for r in batch.rejected],
            )
        if progress is not None and batch.progress is not None:
            progress(batch.progress, total)
    staged = _count(con, "SELECT count(*) FROM staging_events")
    staged += _count(con, "SELECT count(*) FROM staging_rejected")
    if staged != report.read:
        raise StoreError(
            f"internal error: the {source.kind} connector counted {report.read} rows read but "
            f"produced {staged} (events + rejected); nothing was written, please report this"
        )


def _insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: tuple[tuple[str, str], ...],
    rows: Any,
    seq_from: int | None = None,
) -> None:
    """Append a batch's rows (an Arrow table or ColumnLists) to a staging table, in `columns`;
    with `seq_from`, also their running number after it (the table's `seq` column)."""
    names = [name for name, _ in columns]
    seq = ", seq" if seq_from is not None else ""
    number = f", {int(seq_from)} + row_number() OVER ()" if seq_from is not None else ""
    target = f"INSERT INTO {table} ({', '.join(names)}{seq})"
    if isinstance(rows, ColumnLists):
        # Python lists go in as list parameters, unnested side by side (no Arrow, no NumPy);
        # each value costs a conversion, so a column of nothing but None is a NULL instead (the
        # first column, the case id, always goes: it gives the number of rows)
        lists = rows.columns
        given = [
            n
            for n in names
            if n in lists and (n == names[0] or lists[n].count(None) < rows.num_rows)
        ]
        values = ", ".join(
            f"unnest(${given.index(name) + 1})::{kind} AS {name}"
            if name in given
            else f"NULL::{kind} AS {name}"
            for name, kind in columns
        )
        con.execute(
            f"{target} SELECT *{number} FROM (SELECT {values})",
            [rows.columns[n] for n in given],
        )
        return
    con.register("_batch_rows", rows)
    try:
        con.execute(f"{target} SELECT {', '.join(names)}{number} FROM _batch_rows")
    finally:
        con.unregister("_batch_rows")


def _note_touched_cases(con: duckdb.DuckDBPyConnection, log: str) -> None:
    """Append/merge: the cases whose order this load can change (staged cases, and in merge
    the cases of stored events a staged row will replace)."""
    con.execute(
        "CREATE TEMP TABLE touched_cases AS SELECT case_id FROM staging_events"
        " UNION SELECT case_id FROM staging_cases"
        " UNION SELECT e.case_id FROM events e WHERE e.log = ? AND e.event_key IN"
        " (SELECT event_key FROM staging_events WHERE event_key IS NOT NULL)",
        [log],
    )


# ---- duplicates ---------------------------------------------------------------------------


def _same_row(a: str, b: str) -> str:
    return " AND ".join(f"{a}.{c} IS NOT DISTINCT FROM {b}.{c}" for c in _MAPPED)


def _reject_duplicates(
    con: duckdb.DuckDBPyConnection, log: str, mode: Mode, report: LoadReport, unit: str = "row"
) -> None:
    """Exact duplicates (equal in every mapped column) are set aside; the first one stays."""
    # Hash every row (a cheap aggregate), then compare whole rows only where a hash repeats.
    partition = ", ".join(_MAPPED)
    con.execute(
        "CREATE TEMP TABLE dup AS SELECT event_index, first_index FROM ("
        f" SELECT event_index, min(event_index) OVER (PARTITION BY {partition}) AS first_index"
        f" FROM staging_events WHERE hash({partition}) IN ("
        f"   SELECT h FROM (SELECT hash({partition}) AS h FROM staging_events)"
        "   GROUP BY h HAVING count(*) > 1)"
        ") WHERE event_index <> first_index"
    )
    if mode in ("append", "merge"):
        con.execute(
            "INSERT INTO dup SELECT s.event_index, NULL FROM staging_events s"
            f" WHERE EXISTS (SELECT 1 FROM events e WHERE e.log = ? AND {_same_row('s', 'e')})"
            " AND s.event_index NOT IN (SELECT event_index FROM dup)",
            [log],
        )
    con.execute(
        "INSERT INTO staging_rejected SELECT"
        " ? || ' ' || (s.event_index + 1),"
        " to_json(struct_pack(case_id := s.case_id, activity := s.activity, ts := s.ts,"
        "   resource := s.resource, lifecycle := s.lifecycle,"
        "   attributes := s.attributes))::VARCHAR,"
        " CASE WHEN d.first_index IS NULL THEN 'exact duplicate of an event already in the log'"
        "      ELSE 'exact duplicate of ' || ? || ' ' || (d.first_index + 1) END"
        " FROM staging_events s JOIN dup d USING (event_index) ORDER BY s.event_index",
        [unit, unit],
    )
    report.duplicates = _count(con, "SELECT count(*) FROM dup")
    con.execute("DELETE FROM staging_events WHERE event_index IN (SELECT event_index FROM dup)")
    con.execute("DROP TABLE dup")


def _near_duplicate_groups(con: duckdb.DuckDBPyConnection) -> int:
    """Same case, activity, time and lifecycle but other attributes differ: kept, reported."""
    return _count(
        con,
        "SELECT count(*) FROM (SELECT 1 FROM staging_events"
        " GROUP BY case_id, activity, ts, lifecycle HAVING count(*) > 1)",
    )


def _drop_unchanged(con: duckdb.DuckDBPyConnection, log: str, report: LoadReport) -> None:
    """Merge mode: a keyed row equal to its stored event in every mapped column is unchanged."""
    con.execute(
        "CREATE TEMP TABLE same AS SELECT s.event_index FROM staging_events s JOIN events e"
        f" ON e.log = ? AND e.event_key = s.event_key WHERE {_same_row('s', 'e')}",
        [log],
    )
    report.unchanged = _count(con, "SELECT count(*) FROM same")
    con.execute("DELETE FROM staging_events WHERE event_index IN (SELECT event_index FROM same)")
    con.execute("DROP TABLE same")


def _merge_existing(con: duckdb.DuckDBPyConnection, log: str, report: LoadReport) -> None:
    """Merge on the stable event key: a staged row whose key is stored replaces that event."""
    report.updated = _count(
        con,
        "SELECT count(*) FROM staging_events s JOIN events e"
        " ON e.log = ? AND e.event_key = s.event_key",
        [log],
    )
    con.execute(
        "DELETE FROM events WHERE log = ? AND event_key IN"
        " (SELECT event_key FROM staging_events WHERE event_key IS NOT NULL)",
        [log],
    )


# ---- lifecycle pairing and insert ---------------------------------------------------------


def _kind_sql(alias: str = "") -> str:
    """SQL classifying a staged row: 'start', 'complete' (also rows with a start column) or
    'other' (schedule, assign, suspend, ...: kept, but not an activity instance)."""
    starts = ", ".join(f"'{t}'" for t in START_TRANSITIONS)
    completes = ", ".join(f"'{t}'" for t in COMPLETE_TRANSITIONS)
    p = f"{alias}." if alias else ""
    return (
        f"CASE WHEN {p}start_ts IS NOT NULL THEN 'complete'"
        f" WHEN lower({p}lifecycle) IN ({starts}) THEN 'start'"
        f" WHEN {p}lifecycle IS NULL OR lower({p}lifecycle) IN ({completes}) THEN 'complete'"
        " ELSE 'other' END"
    )


def _pair_and_insert(
    con: duckdb.DuckDBPyConnection,
    log: str,
    run_id: int,
    offset: int,
    report: LoadReport,
    cases: Mode | None = None,
) -> None:
    """Pair lifecycles and insert the staged events one slice of the cases at a time, with each
    row's order in its case; with `cases` (a load's mode) also the slice's cases, with their
    per-case columns (proclens/order.py). `case_slices` (left for the caller) gives each case
    its slice; slice -1: the cases without events.

    Pairing's windows, the order and the per-case lists hold whole cases, so each statement
    works on one slice: about SLICE_EVENTS events of the cases whose first event lies in a
    range of source positions (one statement for all cases ran out of 48 MB at 1M events).
    A slice's rows are found by the range of their positions, which lets DuckDB skip the
    staged row groups of other slices: linear in the file where cases are contiguous in it
    (XES, most exports), as it is not with a hash of the case id (each slice scanned all).
    """
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE case_slices AS
        SELECT case_id, coalesce(min(event_index) // {order.SLICE_EVENTS}, -1) AS slice,
               min(event_index) AS lo, max(event_index) AS hi
        FROM (SELECT case_id, event_index FROM staging_events
              UNION ALL SELECT case_id, NULL FROM staging_cases)
        GROUP BY case_id
        """
    )
    slices = con.execute(
        "SELECT slice, min(lo), max(hi) FROM case_slices WHERE slice >= 0"
        " GROUP BY slice ORDER BY slice"
    ).fetchall()
    if cases:
        # one slice's per-case facts at a time (`_insert_cases`)
        con.execute(f"CREATE TEMP TABLE slice_facts AS {order.facts_of('FALSE')}", {"log": log})
    for n, (k, lo, hi) in enumerate(slices):
        in_slice = f"SELECT case_id FROM case_slices WHERE slice = {k}"
        chosen = f"case_id IN ({in_slice})"
        # the slice's staged rows, read where they are, and its work rows appended to tables
        # of all slices: tables made or replaced in the transaction are all kept until it
        # ends, and a table per slice ran out of 48 MB after 90 slices
        rows = (
            f"(SELECT *, {_kind_sql()} AS kind FROM staging_events"
            f" WHERE event_index BETWEEN {lo} AND {hi} AND {chosen})"
        )
        _fifo_pairs(con, k, rows, first=n == 0)
        _insert_slice(con, log, run_id, offset, rows, k)
        if cases:
            near = f"event_index BETWEEN {lo + offset} AND {hi + offset}"
            _insert_cases(con, log, cases, chosen, in_slice, near)
    if slices:
        # every paired row (a complete, its folded start) is one of the rows pairing numbered
        report.paired_starts = _count(con, "SELECT count(*) FROM pairs WHERE NOT folded")
        report.unpaired = _count(
            con, "SELECT (SELECT count(*) FROM numbered) - count(*) FROM pairs"
        )
    for t in ("numbered", "pairs", "slice_facts"):
        con.execute(f"DROP TABLE IF EXISTS {t}")


def _insert_slice(
    con: duckdb.DuckDBPyConnection, log: str, run_id: int, offset: int, rows: str, k: int
) -> None:
    """Insert the staged events `rows` of slice `k` (a relation with their `kind`, holding
    whole cases): a complete gains its paired start's time and index, the start itself is
    folded into it; with the order inside its case (proclens/order.py)."""
    con.execute(
        f"""
        INSERT INTO events (log, case_id, activity, ts, start_ts, resource, department, lifecycle,
                            instance_id, event_index, is_instance, event_key, load_run, attributes,
                            seq, next_activity, next_order_ts)
        SELECT *, {order.ORDER_COLUMNS} FROM (
            SELECT $log AS log, x.case_id, x.activity, x.ts,
                   CASE WHEN x.kind = 'start' THEN x.ts ELSE coalesce(x.start_ts, p.s_ts) END
                     AS start_ts,
                   x.resource, x.department, lower(x.lifecycle) AS lifecycle, x.instance_id,
                   coalesce(p.s_index, x.event_index) + $offset AS event_index,
                   x.kind <> 'other' AS is_instance, x.event_key, $run AS load_run,
                   x.attributes::JSON AS attributes
            FROM {rows} x LEFT JOIN (SELECT * FROM pairs WHERE slice = {k}) p USING (event_index)
            WHERE p.folded IS NOT TRUE)
        """,
        {"log": log, "offset": offset, "run": run_id},
    )


def _fifo_pairs(con: duckdb.DuckDBPyConnection, k: int, rows: str, first: bool) -> None:
    """Pair each complete of the staged `rows` of slice `k` with the oldest open start before it
    (FIFO in time order); `first`: the first slice, which makes the work tables.

    Only rows of (case, activity) groups that contain a start take part (`numbered`: just the
    columns pairing needs). Per (case, activity, instance) rows are taken in (ts, event_index)
    order; a start opens an instance, a complete closes the oldest open one, a complete with
    none open stays alone. With i the number of the complete and S its count of earlier
    starts, the pops after it are p_i = min(p_{i-1} + 1, S_i) = i + min(0, min_{j<=i}(S_j -
    j)); complete i pairs with start number p_i when p_i > p_{i-1}. (A complete never pairs
    with a later start.)

    `pairs` holds one row per paired event: a complete with its start's index and time, and
    the start itself as `folded` (into its complete), so the insert needs one join.
    """
    numbered = f"""
        SELECT {k} AS slice, event_index, case_id, activity, instance_id, ts, kind,
               sum(CASE WHEN kind = 'start' THEN 1 ELSE 0 END) OVER (
                   PARTITION BY case_id, activity, coalesce(instance_id, '')
                   ORDER BY ts, event_index ROWS UNBOUNDED PRECEDING) AS starts_so_far
        FROM {rows}
        WHERE (case_id, activity) IN (SELECT case_id, activity FROM {rows} WHERE kind = 'start')
          AND kind IN ('start', 'complete')
        """
    pairs = f"""
        WITH work AS (SELECT * FROM numbered WHERE slice = {k}),
        comp AS (
            SELECT case_id, activity, coalesce(instance_id, '') AS inst, event_index,
                   starts_so_far AS s, row_number() OVER (
                       PARTITION BY case_id, activity, coalesce(instance_id, '')
                       ORDER BY ts, event_index) AS i
            FROM work WHERE kind = 'complete'),
        popped AS (
            SELECT *, i + least(0, min(s - i) OVER (
                       PARTITION BY case_id, activity, inst ORDER BY i
                       ROWS UNBOUNDED PRECEDING)) AS p
            FROM comp),
        matched AS (
            SELECT *, coalesce(lag(p) OVER (PARTITION BY case_id, activity, inst ORDER BY i), 0)
                      AS p_prev
            FROM popped),
        paired AS (
            SELECT m.event_index AS c_index, st.event_index AS s_index, st.ts AS s_ts
            FROM matched m JOIN work st
              ON st.kind = 'start' AND st.case_id = m.case_id AND st.activity = m.activity
             AND coalesce(st.instance_id, '') = m.inst AND st.starts_so_far = m.p
            WHERE m.p > m.p_prev)
        SELECT {k} AS slice, c_index AS event_index, s_index, s_ts, false AS folded FROM paired
        UNION ALL SELECT {k}, s_index, NULL, NULL, true FROM paired
        """
    for table, query in (("numbered", numbered), ("pairs", pairs)):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS {query}"
            if first
            else f"INSERT INTO {table} {query}"
        )


def _insert_cases(
    con: duckdb.DuckDBPyConnection,
    log: str,
    mode: Mode,
    chosen: str = "TRUE",
    with_events: str | None = "SELECT DISTINCT case_id FROM staging_events",
    near: str | None = None,
) -> None:
    """The cases `chosen` selects (a condition on case_id) from the case rows (first attributes
    per case win) and the query `with_events` (the ids of cases that have events). `near` (an
    event condition, see order.facts_of): with their per-case facts from their stored events;
    without it, with the facts of a case without events (`order.refresh` stores the rest)."""
    conflict = (
        "DO UPDATE SET attributes = coalesce(excluded.attributes, cases.attributes)"
        if mode == "merge"
        else "DO NOTHING"
    )
    union = f"UNION ALL SELECT case_id, NULL, NULL FROM ({with_events})" if with_events else ""
    facts = order.facts_of(chosen, near or "FALSE")
    if near:
        # the facts are stored first: their per-case lists and the attributes' aggregate in
        # one statement ran out of the 48 MB budget (PermitLog, 7,065 cases of 15 attributes)
        con.execute("DELETE FROM slice_facts")
        con.execute(f"INSERT INTO slice_facts {facts}", {"log": log})
        facts = "SELECT * FROM slice_facts"
    con.execute(
        f"""
        INSERT INTO cases (log, case_id, attributes, instances, first_ts, last_ts, variant)
        SELECT $log, case_id, a.attributes, coalesce(f.instances, 0), f.first_ts, f.last_ts,
               coalesce(f.variant, [])
        FROM (SELECT case_id,
                     arg_min(attributes, seq) FILTER (WHERE attributes IS NOT NULL)::JSON
                       AS attributes
              FROM (SELECT case_id, attributes, seq FROM staging_cases WHERE {chosen} {union})
              GROUP BY case_id) a
        LEFT JOIN ({facts}) f USING (case_id)
        ON CONFLICT (log, case_id) {conflict}
        """,
        {"log": log},
    )


def _write_log_row(con: duckdb.DuckDBPyConnection, log: str, source: Source) -> None:
    """The log's row, counts still 0 (`_count_log_row` sets them when the load is done).

    Written first in the transaction, when the load holds least: the log attributes can be
    megabytes of JSON (BPIC 2012: 6.4 MB of metadata statistics), copied several times on
    their way into DuckDB. A plain INSERT or UPDATE: `INSERT OR REPLACE` held the value in
    memory half as often again (BPIC 2012: +88 MB against +34 MB).
    """
    mapping = source.mapping_json()
    log_attrs = getattr(source, "log_attributes", None)
    values = [
        source.location,
        source.kind,
        json.dumps(mapping, ensure_ascii=False) if mapping else None,
        json.dumps(log_attrs, ensure_ascii=False, default=str) if log_attrs else None,
        log,
    ]
    if _count(con, "SELECT count(*) FROM logs WHERE log = ?", [log]):
        con.execute(
            "UPDATE logs SET source = ?, source_kind = ?, mapping = ?::JSON, loaded_at = now(),"
            " attributes = ?::JSON WHERE log = ?",
            values,
        )
    else:
        con.execute(
            "INSERT INTO logs (source, source_kind, mapping, attributes, log, loaded_at,"
            " rows_read, rows_loaded, rows_rejected, events, cases)"
            " VALUES (?, ?, ?::JSON, ?::JSON, ?, now(), 0, 0, 0, 0, 0)",
            values,
        )


def _count_log_row(con: duckdb.DuckDBPyConnection, log: str, mode: Mode) -> None:
    """Rows read, loaded and rejected over the log's committed runs plus this one (a replace
    drops the earlier runs' counts with their data); events and cases as stored now."""
    loaded = _count(con, "SELECT count(*) FROM staging_events")
    rejected = _count(con, "SELECT count(*) FROM staging_rejected")
    con.execute(
        """
        WITH runs AS (SELECT * FROM load_runs WHERE log = $log AND status <> 'failed'
                                                AND $earlier)
        UPDATE logs SET loaded_at = now(),
            rows_read = coalesce((SELECT sum(rows_read) FROM runs), 0) + $loaded + $rejected,
            rows_loaded = coalesce((SELECT sum(rows_loaded) FROM runs), 0) + $loaded,
            rows_rejected = coalesce((SELECT sum(rows_rejected) FROM runs), 0) + $rejected,
            events = (SELECT coalesce(sum(instances), 0) FROM cases WHERE log = $log),
            cases = (SELECT count(*) FROM cases WHERE log = $log)
        WHERE log = $log
        """,
        {"log": log, "earlier": mode != "replace", "loaded": loaded, "rejected": rejected},
    )


# ---- helpers ------------------------------------------------------------------------------


def _index_offset(con: duckdb.DuckDBPyConnection, log: str) -> int:
    return _count(con, "SELECT coalesce(max(event_index) + 1, 0) FROM events WHERE log = ?", [log])


def _already_loaded(con: duckdb.DuckDBPyConnection, log: str, fingerprint: str) -> bool:
    return bool(
        _count(
            con,
            "SELECT count(*) FROM load_runs WHERE log = ? AND fingerprint = ? AND status = 'ok'",
            [log, fingerprint],
        )
    )


def _unchanged_report(store: EventStore, log: str) -> LoadReport:
    row = store.con.execute("SELECT events, cases FROM logs WHERE log = ?", [log]).fetchone()
    assert row is not None
    return LoadReport(
        log=log,
        status="unchanged",
        events=int(row[0]),
        cases=int(row[1]),
        details={"message": "this file is already loaded as this log; pass --replace to reload it"},
    )


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    return int(row[0]) if row and row[0] is not None else 0
