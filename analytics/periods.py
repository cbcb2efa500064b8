"""Figures over time for the Overview and the executive report: cases started and finished per
week, the share of cases over an SLA, and period-over-period change.

Definitions (also in the README):
* A case starts at its first start (start time when known, else end time) and finishes at its
  last end: the `start` / `end` of `case_durations_sql`. Only cases with events count.
* Weeks are ISO weeks (Monday to Sunday, UTC, the store's time zone); weeks with no case
  starting or finishing are listed with zeros, so the series has no gaps. The first and last
  week are *partial* when the data covers only some of their days (its first start is after
  that Monday, its last end before that Sunday): their counts are low because the data stops,
  not the process, so charts mark them.
* Over the SLA: a case whose duration (last end - first start) is strictly longer than the
  threshold.
* Period-over-period: the *current* period is the last `weeks` weeks of the (filtered) data,
  ending at its last event, `(end - weeks, end]` (or ending at the end of a chosen day: the
  tail of an extracted log is often thin, as running cases were left out); the *previous*
  period is the `weeks` weeks before it. Per period: cases started in it, cases finished in
  it, events (activity instances) that ended in it and their distinct activities; the
  variants, cycle-time figures and SLA share are those of the cases *finished* in it (a case
  still running has no duration).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from analytics.base import (
    case_facts_sql,
    instances_params,
    instances_sql,
    iso_date,
    records,
    seconds_between,
)
from analytics.cycle_times import case_durations_sql
from analytics.engine import Engine, engine_for
from analytics.filters import Filter
from proclens.errors import ConfigError
from proclens.store import EventStore

DAY = 86400.0
#: The SLA threshold when none is given: 30 days.
DEFAULT_SLA_S = 30 * DAY
#: The length of the compared periods when none is given: 4 weeks.
DEFAULT_WEEKS = 4
#: The figures of a period, in the order the Overview shows them.
PERIOD_FIGURES = (
    "cases_started", "cases_finished", "events", "activities", "variants",
    "median_duration_s", "mean_duration_s", "p90_duration_s", "sla_share",
)  # fmt: skip


def weekly_flow(
    store: EventStore | Engine, log: str, flt: Filter | None = None
) -> list[dict[str, Any]]:
    """[{"week": Monday as YYYY-MM-DD, "started": cases, "finished": cases, "partial": the
    data covers only some of the week's days}], every week from the first start to the last
    end; only the first and the last week can be partial."""
    d = case_durations_sql(flt)
    engine = engine_for(store)
    rows = engine.rows(
        f"""
        WITH s AS (SELECT CAST(date_trunc('week', start) AS DATE) AS week, count(*) AS n
                   FROM ({d}) d GROUP BY 1),
             f AS (SELECT CAST(date_trunc('week', "end") AS DATE) AS week, count(*) AS n
                   FROM ({d}) d GROUP BY 1)
        SELECT coalesce(s.week, f.week) AS week, coalesce(s.n, 0), coalesce(f.n, 0)
        FROM s FULL OUTER JOIN f ON s.week = f.week ORDER BY 1
        """,
        [*instances_params(log, flt)] * 2,
    )
    found = {date.fromisoformat(iso_date(w)): (int(s), int(f)) for w, s, f in rows}
    if not found:
        return []
    first_day, last_day = (
        date.fromisoformat(iso_date(v))
        for v in engine.rows(
            f'SELECT CAST(min(start) AS DATE), CAST(max("end") AS DATE) FROM ({d}) d',
            instances_params(log, flt),
        )[0]
    )
    week, last = min(found), max(found)
    out = []
    while week <= last:
        started, finished = found.get(week, (0, 0))
        partial = first_day > week or last_day < week + timedelta(days=6)
        out.append(
            {"week": week.isoformat(), "started": started, "finished": finished,
             "partial": partial}
        )  # fmt: skip
        week += timedelta(days=7)
    return out


def sla_share(
    store: EventStore | Engine,
    log: str,
    flt: Filter | None = None,
    threshold_s: float = DEFAULT_SLA_S,
) -> dict[str, Any]:
    """{"threshold_s", "cases" (with events), "over" (duration > threshold), "share"}."""
    _check_threshold(threshold_s)
    cases, over = engine_for(store).rows(
        "SELECT count(*), count(*) FILTER (WHERE duration_s > ?) "
        f"FROM ({case_durations_sql(flt)}) d",
        [threshold_s, *instances_params(log, flt)],
    )[0]
    return {
        "threshold_s": float(threshold_s),
        "cases": int(cases),
        "over": int(over),
        "share": int(over) / int(cases) if cases else None,
    }


def period_change(
    store: EventStore | Engine,
    log: str,
    flt: Filter | None = None,
    *,
    weeks: int = DEFAULT_WEEKS,
    threshold_s: float = DEFAULT_SLA_S,
    end: date | None = None,
) -> dict[str, Any]:
    """The figures of the last `weeks` weeks of the data (up to its last event, or to the end
    of day `end`, UTC) and of the `weeks` weeks before, and their change:
    {"weeks", "threshold_s", "current", "previous", "change"}; each period has
    "from" / "to" (ISO instants, from exclusive) and PERIOD_FIGURES; "change" maps each figure
    to {"delta": current - previous, "relative": delta / previous} (None where undefined)."""
    if weeks < 1:
        raise ConfigError(f"the compared period must be at least 1 week, not {weeks}")
    _check_threshold(threshold_s)
    engine = engine_for(store)
    last = engine.rows(f"SELECT max(ts) FROM ({instances_sql(flt)}) i", instances_params(log, flt))
    out: dict[str, Any] = {"weeks": weeks, "threshold_s": float(threshold_s)}
    if last[0][0] is None:
        return out | {"current": None, "previous": None, "change": {}}
    hi: datetime = last[0][0] if end is None else datetime.combine(end, time.max, UTC)
    span = timedelta(weeks=weeks)
    out["current"] = period_figures(engine, log, flt, hi - span, hi, threshold_s)
    out["previous"] = period_figures(engine, log, flt, hi - 2 * span, hi - span, threshold_s)
    out["change"] = {k: change(out["current"][k], out["previous"][k]) for k in PERIOD_FIGURES}
    return out


def period_summary(
    store: EventStore | Engine,
    log: str,
    flt: Filter | None = None,
    threshold_s: float = DEFAULT_SLA_S,
    weeks: int = DEFAULT_WEEKS,
    end: date | None = None,
) -> dict[str, Any]:
    """Everything over time at once: {"flow": weekly_flow, "sla": sla_share, "change":
    period_change}, as the Overview and the executive report show it."""
    engine = engine_for(store)
    return {
        "flow": weekly_flow(engine, log, flt),
        "sla": sla_share(engine, log, flt, threshold_s),
        "change": period_change(engine, log, flt, weeks=weeks, threshold_s=threshold_s, end=end),
    }


def period_figures(
    store: EventStore | Engine,
    log: str,
    flt: Filter | None,
    lo: datetime,
    hi: datetime,
    threshold_s: float = DEFAULT_SLA_S,
) -> dict[str, Any]:
    """PERIOD_FIGURES of the period (lo, hi] (see the module docstring)."""
    params = instances_params(log, flt)
    frame = engine_for(store).frame(
        f"""
        WITH inst AS ({instances_sql(flt)}),
        d AS (SELECT first_ts AS start, last_ts AS "end", variant,
                     {seconds_between("first_ts", "last_ts")} AS duration_s
              FROM ({case_facts_sql(flt)}) c WHERE instances > 0),
        done AS (SELECT duration_s, variant FROM d WHERE "end" > ? AND "end" <= ?)
        SELECT
            (SELECT count(*) FROM d WHERE start > ? AND start <= ?) AS cases_started,
            count(*) AS cases_finished,
            (SELECT count(*) FROM inst WHERE ts > ? AND ts <= ?) AS events,
            (SELECT count(DISTINCT activity) FROM inst WHERE ts > ? AND ts <= ?) AS activities,
            count(DISTINCT variant) AS variants,
            median(duration_s) AS median_duration_s,
            avg(duration_s) AS mean_duration_s,
            quantile_cont(duration_s, 0.9) AS p90_duration_s,
            CAST(count(*) FILTER (WHERE duration_s > ?) AS DOUBLE) / nullif(count(*), 0)
              AS sla_share
        FROM done
        """,
        [*params, *params, lo, hi, lo, hi, lo, hi, lo, hi, threshold_s],
    )
    row = records(frame)[0]
    return {"from": lo.isoformat(), "to": hi.isoformat()} | {k: row[k] for k in PERIOD_FIGURES}


def change(current: float | None, previous: float | None) -> dict[str, float | None]:
    """{"delta": current - previous, "relative": delta / previous}; None where undefined."""
    if current is None or previous is None:
        return {"delta": None, "relative": None}
    delta = current - previous
    return {"delta": delta, "relative": delta / previous if previous else None}


def _check_threshold(threshold_s: float) -> None:
    if not threshold_s > 0:
        raise ConfigError(f"the SLA threshold must be a positive duration, not {threshold_s} s")
