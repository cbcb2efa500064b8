"""Log statistics: the figures of `proclens stats`."""

from __future__ import annotations

from typing import Any

from analytics.base import case_facts_sql, instances_params, instances_sql, seconds_between
from analytics.engine import Engine, engine_for
from analytics.filters import Filter
from analytics.maps import boundaries_sql
from proclens.store import EventStore


def log_stats(store: EventStore | Engine, log: str, flt: Filter | None = None) -> dict[str, Any]:
    """Cases, events, activities, variants, start/end activities, span and case durations.

    Cases without events (empty traces) count as cases and as one (empty) variant; their
    duration is unknown, so they are left out of the duration figures and counted apart.
    """
    engine = engine_for(store)
    dur = seconds_between("first_ts", "last_ts")
    row = engine.rows(
        f"""
        WITH kept AS ({case_facts_sql(flt)}),
        per_case AS (SELECT variant, {dur} AS duration_s FROM kept WHERE instances > 0)
        SELECT
            (SELECT count(*) FROM kept) AS cases,
            (SELECT coalesce(sum(instances), 0) FROM kept) AS events,
            (SELECT count(DISTINCT activity) FROM ({instances_sql(flt)}) i) AS activities,
            count(DISTINCT variant) AS variants,
            (SELECT min(first_ts) FROM kept) AS first_event,
            (SELECT max(last_ts) FROM kept) AS last_event,
            count(*) AS cases_with_events,
            min(duration_s), median(duration_s), avg(duration_s),
            quantile_cont(duration_s, 0.9), max(duration_s)
        FROM per_case
        """,
        [*instances_params(log, flt)] * 2,
    )[0]
    cases, events, activities, variants, first, last, with_events = row[:7]
    empty_cases = int(cases) - int(with_events)
    bounds = _boundaries(engine, log, flt)
    return {
        "log": log,
        "cases": int(cases),
        "events": int(events),
        "activities": int(activities),
        "variants": int(variants) + (1 if empty_cases else 0),
        "start_activities": bounds["start"],
        "end_activities": bounds["end"],
        "first_event": first.isoformat() if first else None,
        "last_event": last.isoformat() if last else None,
        "cases_without_events": empty_cases,
        "case_duration_s": dict(
            zip(("min", "median", "mean", "p90", "max"), _floats(row[7:12]), strict=True)
        ),
    }


def _boundaries(engine: Engine, log: str, flt: Filter | None) -> dict[str, dict[str, int]]:
    """{"start": first activity -> cases, "end": last activity -> cases}, in one ordered pass
    over the instances (the first has position 1, the last no successor)."""
    out: dict[str, dict[str, int]] = {"start": {}, "end": {}}
    for kind, activity, n in engine.rows(boundaries_sql(flt), instances_params(log, flt)):
        out[str(kind)][str(activity)] = int(n)
    return out


def _floats(values: tuple[Any, ...]) -> list[float | None]:
    return [None if v is None else float(v) for v in values]
