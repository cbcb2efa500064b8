"""Variants: the distinct activity sequences of the cases, with counts, shares and durations."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from analytics.base import case_facts_sql, instances_params, seconds_between
from analytics.engine import Engine, engine_for
from analytics.filters import Filter
from proclens.store import EventStore


def case_sequences_sql(flt: Filter | None = None) -> str:
    """One row per case that has events: case_id, variant (list of activities in case order),
    duration_s (last end - first start), read from the stored per-case facts.
    Parameters: instances_params(log, flt)."""
    return (
        f"SELECT case_id, variant, {seconds_between('first_ts', 'last_ts')} AS duration_s "
        f"FROM ({case_facts_sql(flt)}) c WHERE instances > 0"
    )


def variant_counts(
    engine: Engine, log: str, flt: Filter | None = None
) -> list[tuple[tuple[str, ...], int]]:
    """(variant, cases) ranked by cases, then by variant; the empty variant () included."""
    rows = engine.rows(
        f"""
        WITH kept AS ({case_facts_sql(flt)})
        SELECT variant, count(*) AS n FROM kept WHERE instances > 0 GROUP BY variant
        UNION ALL
        SELECT [], count(*) FROM kept WHERE instances = 0 HAVING count(*) > 0
        ORDER BY n DESC, variant
        """,
        instances_params(log, flt),
    )
    return [(tuple(v), int(n)) for v, n in rows]


@dataclass(frozen=True)
class Variant:
    rank: int
    variant: list[str]
    cases: int
    share: float  # of the cases that have events
    cumulative_share: float  # coverage of this and every higher-ranked variant
    median_duration_s: float
    mean_duration_s: float
    min_duration_s: float
    max_duration_s: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def variants_sql(flt: Filter | None = None) -> str:
    """Ranked variants with counts, shares, coverage and durations (portable window SQL).
    Parameters: instances_params(log, flt)."""
    return f"""
        WITH seqs AS ({case_sequences_sql(flt)}),
        per_variant AS (
            SELECT variant, count(*) AS cases,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_s) AS median_s,
                   avg(duration_s) AS mean_s, min(duration_s) AS min_s, max(duration_s) AS max_s
            FROM seqs GROUP BY variant),
        ranked AS (
            SELECT *, row_number() OVER (ORDER BY cases DESC, variant) AS rank,
                   sum(cases) OVER () AS total
            FROM per_variant)
        SELECT rank, variant, cases, cases / total AS share,
               sum(cases) OVER (ORDER BY rank ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                 / total AS cumulative,
               median_s, mean_s, min_s, max_s
        FROM ranked ORDER BY rank
    """


def variants(
    store: EventStore | Engine, log: str, flt: Filter | None = None, top: int | None = None
) -> list[Variant]:
    """Variants of the cases that have events, most frequent first (ties: by the sequence)."""
    sql = variants_sql(flt)
    if top is not None:
        sql += f" LIMIT {int(top)}"
    rows = engine_for(store).rows(sql, instances_params(log, flt))
    return [Variant(int(r[0]), list(r[1]), int(r[2]), *(float(x) for x in r[3:])) for r in rows]
