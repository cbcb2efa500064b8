"""Per-case deviations and deviations over time, joined in SQL from the per-variant results.

The variant results (a few thousand rows at most) go to the engine as list parameters; cases,
their variants and their start times stay in the store. Cases without events have the empty
variant.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from analytics.base import case_facts_sql, instances_params
from analytics.conformance.check import ConformanceResult
from analytics.engine import Engine, engine_for
from analytics.filters import Filter
from proclens.store import EventStore

SEP = "\x1f"  # joins a variant's activities into one key
Period = Literal["week", "month"]


def _variant_rows_sql() -> str:
    return (
        "SELECT unnest(?::VARCHAR[]) AS vkey, unnest(?::DOUBLE[]) AS fitness, "
        "unnest(?::BOOLEAN[]) AS fits, unnest(?::INTEGER[]) AS skipped, "
        "unnest(?::INTEGER[]) AS inserted, unnest(?::VARCHAR[]) AS deviations"
    )


def _variant_params(result: ConformanceResult) -> list[list[object]]:
    vs = result.variants
    return [
        [SEP.join(v.variant) for v in vs],
        [v.fitness for v in vs],
        [v.fits for v in vs],
        [len(v.skipped) for v in vs],
        [len(v.inserted) for v in vs],
        [_describe(v.skipped, v.inserted) for v in vs],
    ]


def _describe(skipped: list[str], inserted: list[str]) -> str:
    parts = [f"skipped {a}" for a in skipped] + [f"inserted {a}" for a in inserted]
    return "; ".join(parts)


def _cases_sql(flt: Filter | None = None) -> str:
    """case_id, variant key, trace and start time of every case of log `?` kept by `flt`
    (parameters: _cases_params())."""
    return f"""
        SELECT case_id, array_to_string(variant, '{SEP}') AS vkey, first_ts AS start_ts,
               variant AS trace
        FROM ({case_facts_sql(flt)}) c"""


def _cases_params(log: str, flt: Filter | None) -> list[object]:
    return instances_params(log, flt)


def case_deviations(
    store: EventStore | Engine, log: str, result: ConformanceResult, flt: Filter | None = None
) -> pd.DataFrame:
    """One row per case kept by `flt` (pass the filter `result` was computed with): start,
    fitness, fits, skipped and inserted counts, deviations text and the trace."""
    engine = engine_for(store)
    return engine.frame(
        f"""
        WITH v AS ({_variant_rows_sql()}), c AS ({_cases_sql(flt)})
        SELECT c.case_id, c.start_ts, v.fitness, v.fits, v.skipped, v.inserted, v.deviations,
               c.trace
        FROM c JOIN v USING (vkey) ORDER BY c.start_ts NULLS LAST, c.case_id
        """,
        [*_variant_params(result), *_cases_params(log, flt)],
    )


def deviations_over_time(
    store: EventStore | Engine,
    log: str,
    result: ConformanceResult,
    period: Period = "month",
    flt: Filter | None = None,
) -> pd.DataFrame:
    """Per week or month of case start: cases, fitting share, mean fitness, deviations."""
    if period not in ("week", "month"):
        raise ValueError("period must be 'week' or 'month'")
    engine = engine_for(store)
    return engine.frame(
        f"""
        WITH v AS ({_variant_rows_sql()}), c AS ({_cases_sql(flt)})
        SELECT date_trunc('{period}', c.start_ts) AS period, count(*) AS cases,
               avg(CASE WHEN v.fits THEN 1.0 ELSE 0.0 END) AS fitting_share,
               avg(v.fitness) AS mean_fitness, sum(v.skipped) AS skipped,
               sum(v.inserted) AS inserted
        FROM c JOIN v USING (vkey)
        WHERE c.start_ts IS NOT NULL
        GROUP BY ALL ORDER BY period
        """,
        [*_variant_params(result), *_cases_params(log, flt)],
    )
