"""Variants: the distinct activity sequences of the cases, with their case counts."""

from __future__ import annotations

from analytics.base import CASE_ORDER, instances_sql
from analytics.engine import Engine


def case_sequences_sql() -> str:
    """One row per case that has events: case_id, variant (list of activities in case order).

    One parameter: the log name.
    """
    return (
        f"SELECT case_id, list(activity ORDER BY {CASE_ORDER}) AS variant "
        f"FROM ({instances_sql()}) GROUP BY case_id"
    )


def variant_counts(engine: Engine, log: str) -> list[tuple[tuple[str, ...], int]]:
    """(variant, cases) ranked by cases, then by variant; the empty variant () included."""
    rows = engine.rows(
        f"""
        WITH seqs AS ({case_sequences_sql()})
        SELECT variant, count(*) AS n FROM seqs GROUP BY variant
        UNION ALL
        SELECT [], count(*) FROM cases c
        WHERE c.log = ? AND NOT EXISTS (SELECT 1 FROM seqs s WHERE s.case_id = c.case_id)
        HAVING count(*) > 0
        ORDER BY n DESC, variant
        """,
        [log, log],
    )
    return [(tuple(v), int(n)) for v, n in rows]
