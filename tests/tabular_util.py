"""Helpers for the tabular connector tests: load a file, read back variants, DFG, durations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analytics.base import CASE_ORDER, instances_sql
from analytics.engine import DuckDBEngine
from analytics.variants import variant_counts
from connectors.registry import FileOptions, open_file
from proclens.loader import LoadReport, load
from proclens.store import EventStore


def ingest(store: EventStore, path: Path, log: str = "l", **options: Any) -> LoadReport:
    return load(store, open_file(path, FileOptions(**options)), log=log)


def variants(store: EventStore, log: str = "l") -> dict[tuple[str, ...], int]:
    return dict(variant_counts(DuckDBEngine(store), log))


def dfg(store: EventStore, log: str = "l") -> dict[tuple[str, str], int]:
    rows = store.con.execute(
        f"""
        SELECT activity, nxt, count(*) FROM (
            SELECT activity, lead(activity) OVER (PARTITION BY case_id ORDER BY {CASE_ORDER}) AS nxt
            FROM ({instances_sql()}))
        WHERE nxt IS NOT NULL GROUP BY ALL
        """,
        [log],
    ).fetchall()
    return {(a, b): int(n) for a, b, n in rows}


def durations(store: EventStore, log: str = "l") -> dict[str, float]:
    """Case duration in seconds, first start (else end) to last end, microseconds kept."""
    rows = store.con.execute(
        f"SELECT case_id, epoch_us(max(ts) - min(order_ts)) / 1e6 FROM ({instances_sql()})"
        " GROUP BY case_id",
        [log],
    ).fetchall()
    return {c: float(d) for c, d in rows}


def rejected(store: EventStore, log: str = "l") -> list[tuple[str, str]]:
    rows = store.con.execute(
        "SELECT position, reason FROM rejected_rows WHERE log = ?"
        " ORDER BY regexp_extract_all(position, '\\d+')::BIGINT[]",
        [log],
    ).fetchall()
    return [(p, r) for p, r in rows]


def counts(store: EventStore, log: str = "l") -> tuple[int, int, int]:
    """(cases, activity instances, distinct activities)."""
    row = store.con.execute(
        "SELECT count(DISTINCT case_id), count(*), count(DISTINCT activity)"
        " FROM activity_instances WHERE log = ?",
        [log],
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])
