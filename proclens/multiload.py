"""Load a file that holds several logs (OCEL 2.0) in ONE transaction.

The side tables (`ocel_*`) get the file's own rows; every sub-log ("<log>/<object type>") goes
through the ordinary loader (`load_in_transaction`), so staging, duplicate rejection, case rows
and load runs work exactly as for any other log. A failure anywhere leaves the store as it was.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

from connectors.base import MultiLogSource
from proclens.errors import StoreError
from proclens.loader import LoadReport, Mode, commit_budget, delete_log, load_in_transaction
from proclens.store import EventStore


@dataclass
class SubLogReport:
    log: str
    read: int
    loaded: int
    rejected: int
    cases: int
    events: int
    convergence: int  # events that sit in more than one case of this log

    @classmethod
    def of(cls, report: LoadReport, convergence: int) -> SubLogReport:
        return cls(report.log, report.read, report.loaded, report.rejected, report.cases,
                   report.events, convergence)  # fmt: skip


@dataclass
class MultiLoadReport:
    """`read`/`loaded`/`rejected`/`cases` are sums over the sub-logs (they reconcile)."""

    log: str
    status: str = "ok"
    read: int = 0
    loaded: int = 0
    rejected: int = 0
    cases: int = 0
    events: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # side table -> rows written
    logs: list[SubLogReport] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def load_multi(
    store: EventStore,
    source: MultiLogSource,
    *,
    log: str,
    mode: Mode = "new",
    fingerprint: str | None = None,
    strict: bool = False,
) -> MultiLoadReport:
    if mode in ("append", "merge"):
        raise StoreError(
            f"{source.location} holds several logs ({source.kind}); --append is not supported "
            "for it: use --replace to reload it or --log to load it under another name"
        )
    side = source.side_tables()
    subs = source.sub_logs(log)
    if mode == "new":
        unchanged = _check_new(store.con, log, side, [n for n, _ in subs], fingerprint)
        if unchanged is not None:
            return unchanged
    report = MultiLoadReport(log=log, details=source.details())
    with store.load_transaction() as con:
        if mode == "replace":
            delete_log(con, log)
        for table, rows in side.items():
            report.rows[table] = _insert_side(con, table, log, rows)
        for name, sub in subs:
            one = load_in_transaction(con, sub, log=name, fingerprint=fingerprint, strict=strict)
            report.logs.append(SubLogReport.of(one, convergence(con, name)))
        # the commit merges every flattened log's cases into the key index (see `load`)
        con.execute(f"SET memory_limit = '{commit_budget(con)}'")
    for sub_report in report.logs:
        report.read += sub_report.read
        report.loaded += sub_report.loaded
        report.rejected += sub_report.rejected
        report.cases += sub_report.cases
        report.events += sub_report.events
    return report


def convergence(con: duckdb.DuckDBPyConnection, log: str) -> int:
    """Source events (by event key) that appear in more than one case of `log`."""
    return _count(
        con,
        "SELECT count(*) FROM (SELECT event_key FROM events WHERE log = ? AND event_key IS NOT NULL"
        " GROUP BY event_key HAVING count(DISTINCT case_id) > 1)",
        [log],
    )


def _check_new(
    con: duckdb.DuckDBPyConnection,
    log: str,
    side: dict[str, Any],
    names: list[str],
    fingerprint: str | None,
) -> MultiLoadReport | None:
    stored = any(
        _count(con, f"SELECT count(*) FROM {_checked(con, t)} WHERE log = ?", [log]) for t in side
    )
    clash = [n for n in names if _count(con, "SELECT count(*) FROM logs WHERE log = ?", [n])]
    if not stored and not clash:
        return None
    if stored and fingerprint and _same_file(con, log, fingerprint):
        report = MultiLoadReport(log=log, status="unchanged")
        report.details = {
            "message": "this file is already loaded as this log; pass --replace to reload it"
        }
        return report
    what = f"log '{log}'" if stored else f"log '{clash[0]}'"
    raise StoreError(
        f"{what} already exists in the store; pass --replace to reload it, "
        "or --log to give this one another name"
    )


def _same_file(con: duckdb.DuckDBPyConnection, log: str, fingerprint: str) -> bool:
    return bool(
        _count(
            con,
            "SELECT count(*) FROM load_runs WHERE starts_with(log, ?) AND fingerprint = ?"
            " AND status = 'ok'",
            [log + "/", fingerprint],
        )
    )


def _insert_side(con: duckdb.DuckDBPyConnection, table: str, log: str, rows: Any) -> int:
    name = _checked(con, table)
    cols = ", ".join(f'"{c}"' for c in rows.column_names)
    con.register("_side_rows", rows)
    try:
        con.execute(f"INSERT INTO {name} (log, {cols}) SELECT ?, {cols} FROM _side_rows", [log])
    finally:
        con.unregister("_side_rows")
    return int(rows.num_rows)


def _checked(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """Only tables of the canonical schema can be side tables (no SQL from file content)."""
    known = _count(
        con,
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary",
        [table],
    )
    if not known or not table.replace("_", "").isalnum():
        raise StoreError(f"internal error: '{table}' is not a table of the event store")
    return table


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> int:
    rows = con.execute(sql, params).fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0
