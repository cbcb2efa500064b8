"""Cycle times: case durations, their trend, throughput time between two activities, and busy
(service) versus idle (waiting) time per case.

Case duration = last end - first start (start time when known, else end time). With a
`Calendar`, every figure is given in working time too (`working_*` keys, working days =
working seconds / working-day length).
"""

from __future__ import annotations

from typing import Any, Literal

from analytics.base import (
    CASE_ORDER,
    ColumnMapping,
    case_facts_sql,
    instances_params,
    instances_sql,
    iso_date,
    records,
    seconds_between,
)
from analytics.calendar import Calendar, with_working_seconds
from analytics.engine import Engine, engine_for
from analytics.filters import Filter
from proclens.errors import ConfigError
from proclens.store import EventStore

Period = Literal["week", "month"]
Occurrence = Literal["first", "last"]

_QUANTS = (("min", None), ("p25", 0.25), ("median", 0.5), ("p75", 0.75), ("p90", 0.9))


def distribution_sql(x: str) -> str:
    """count, mean and quantiles of the seconds column `x` (portable aggregates)."""
    parts = [f"count({x}) AS n", f"avg({x}) AS mean", f"max({x}) AS max"]
    for name, q in _QUANTS:
        parts.append(
            f"min({x}) AS {name}"
            if q is None
            else f"percentile_cont({q}) WITHIN GROUP (ORDER BY {x}) AS {name}"
        )
    return ", ".join(parts)


def case_durations_sql(flt: Filter | None = None, cal: Calendar | None = None) -> str:
    """One row per case with events: case_id, start, end, duration_s [, working_s]; from the
    stored first start and last end of each case. Parameters: instances_params(log, flt)."""
    sql = (
        f'SELECT case_id, first_ts AS start, last_ts AS "end", '
        f"{seconds_between('first_ts', 'last_ts')} AS duration_s "
        f"FROM ({case_facts_sql(flt)}) c WHERE instances > 0"
    )
    if cal is not None:
        sql = with_working_seconds(sql, {"working_s": ("start", "end")}, cal)
    return sql


def case_durations(
    store: EventStore | Engine, log: str, flt: Filter | None = None, cal: Calendar | None = None
) -> ColumnMapping:
    """case id -> duration in seconds (working seconds when a calendar is given), a mapping
    held as Arrow columns (one row per case: no Python object per case until asked); the keys
    come in no particular order."""
    col = "working_s" if cal is not None else "duration_s"
    table = engine_for(store).arrow(
        f"SELECT CAST(case_id AS VARCHAR) AS c, CAST({col} AS DOUBLE) AS d "
        f"FROM ({case_durations_sql(flt, cal)}) d",
        instances_params(log, flt),
    )
    return ColumnMapping(table)


def cycle_times(
    store: EventStore | Engine,
    log: str,
    flt: Filter | None = None,
    *,
    cal: Calendar | None = None,
    period: Period = "month",
    between: tuple[str, str] | None = None,
    occurrence: tuple[Occurrence, Occurrence] = ("first", "first"),
) -> dict[str, Any]:
    """Duration distribution, trend per period of case start, optional throughput time between
    two activities, and busy/idle time where start times exist."""
    if period not in ("week", "month"):
        raise ConfigError(f"unknown period '{period}'; use week or month")
    engine = engine_for(store)
    params = instances_params(log, flt)
    durations = case_durations_sql(flt, cal)
    cols = ["duration_s"] + (["working_s"] if cal is not None else [])
    out: dict[str, Any] = {"log": log, "filter": (flt or Filter()).describe()}
    out["case_duration_s"] = _dist(engine, durations, "duration_s", params)
    if cal is not None:
        out["calendar"] = cal.describe()
        work = _dist(engine, durations, "working_s", params)
        out["case_working_s"] = work
        out["case_working_days"] = {
            k: (v / cal.day_seconds if v is not None and k != "n" else v) for k, v in work.items()
        }
    out["histogram"] = histogram(engine, durations, "duration_s", params, out["case_duration_s"])
    out["trend"] = _trend(engine, durations, cols, period, params)
    out["period"] = period
    if between is not None:
        out["between"] = throughput_between(engine, log, flt, between, occurrence, cal)
    out["busy_idle"] = busy_idle(engine, log, flt)
    return out


def _dist(engine: Engine, relation: str, col: str, params: list[Any]) -> dict[str, Any]:
    frame = engine.frame(f"SELECT {distribution_sql(col)} FROM ({relation}) d", params)
    row = records(frame)[0]
    row["n"] = int(row["n"] or 0)
    return row


def histogram(
    engine: Engine,
    relation: str,
    col: str,
    params: list[Any],
    dist: dict[str, Any],
    bins: int = 20,
) -> list[dict[str, Any]]:
    """Equal-width bins from min to max: [{"from_s", "to_s", "cases"}] (the last bin is
    closed); empty bins are listed too."""
    lo, hi = dist.get("min"), dist.get("max")
    if lo is None or hi is None:
        return []
    width = (hi - lo) / bins if hi > lo else 1.0
    n = bins if hi > lo else 1
    counts = dict(
        engine.rows(
            f"SELECT least(CAST(floor(({col} - ?) / ?) AS BIGINT), ?) AS b, count(*) "
            f"FROM ({relation}) d GROUP BY 1",
            [lo, width, n - 1, *params],
        )
    )
    return [
        {"from_s": lo + i * width, "to_s": lo + (i + 1) * width, "cases": int(counts.get(i, 0))}
        for i in range(n)
    ]


def _trend(
    engine: Engine, relation: str, cols: list[str], period: Period, params: list[Any]
) -> list[dict[str, Any]]:
    aggs = ", ".join(
        f"avg({c}) AS mean_{c}, percentile_cont(0.5) WITHIN GROUP (ORDER BY {c}) AS median_{c}"
        for c in cols
    )
    frame = engine.frame(
        f"SELECT CAST(date_trunc('{period}', start) AS DATE) AS period, count(*) AS cases, "
        f"{aggs} FROM ({relation}) d GROUP BY 1 ORDER BY 1",
        params,
    )
    rows = records(frame)
    for r in rows:
        r["period"] = iso_date(r["period"])
    return rows


def throughput_between(
    store: EventStore | Engine,
    log: str,
    flt: Filter | None,
    between: tuple[str, str],
    occurrence: tuple[Occurrence, Occurrence] = ("first", "first"),
    cal: Calendar | None = None,
) -> dict[str, Any]:
    """Time from the first/last end of A to the first/last end of B, per case; cases without A,
    without B, or where B comes before A are counted apart (not measured)."""
    for occ in occurrence:
        if occ not in ("first", "last"):
            raise ConfigError(f"unknown occurrence '{occ}'; use first or last")
    a, b = between
    pick = {"first": "min", "last": "max"}
    per_case = (
        f"SELECT case_id, {pick[occurrence[0]]}(CASE WHEN activity = ? THEN ts END) AS a_ts, "
        f"{pick[occurrence[1]]}(CASE WHEN activity = ? THEN ts END) AS b_ts "
        f"FROM ({instances_sql(flt)}) inst GROUP BY case_id"
    )
    measured = f"SELECT *, {seconds_between('a_ts', 'b_ts')} AS duration_s FROM ({per_case}) p"
    if cal is not None:
        measured = with_working_seconds(measured, {"working_s": ("a_ts", "b_ts")}, cal)
    engine = engine_for(store)
    params = [a, b, *instances_params(log, flt)]
    counts = engine.rows(
        f"""SELECT count(*) FILTER (WHERE a_ts IS NULL),
                   count(*) FILTER (WHERE a_ts IS NOT NULL AND b_ts IS NULL),
                   count(*) FILTER (WHERE b_ts < a_ts)
            FROM ({per_case}) p""",
        params,
    )[0]
    ok = f"SELECT * FROM ({measured}) m WHERE b_ts >= a_ts"
    out: dict[str, Any] = {
        "from": a,
        "to": b,
        "occurrence": list(occurrence),
        "cases_without_from": int(counts[0]),
        "cases_without_to": int(counts[1]),
        "cases_to_before_from": int(counts[2]),
        "duration_s": _dist(engine, ok, "duration_s", params),
    }
    if cal is not None:
        out["working_s"] = _dist(engine, ok, "working_s", params)
    return out


def busy_idle_sql(flt: Filter | None = None, *, with_start: bool = True) -> str:
    """Per case: duration, service (sum of instance durations), busy (union of the instance
    intervals, overlaps counted once), idle = duration - busy, overlap = service - busy.

    `with_start=False` says no instance of the kept cases has a start time: every interval is
    then an instant, so service, busy and overlap are 0 and idle is the duration, read from
    the stored case facts without the two ordered passes."""
    if not with_start:
        zero = "CAST(0 AS DOUBLE)"
        return f"""
            SELECT case_id, d AS duration_s, {zero} AS service_s, {zero} AS busy_s,
                   d AS idle_s, {zero} AS overlap_s,
                   CASE WHEN d > 0 THEN {zero} END AS flow_efficiency
            FROM (SELECT case_id, {seconds_between("first_ts", "last_ts")} AS d
                  FROM ({case_facts_sql(flt)}) c WHERE instances > 0) f
        """
    w = f"PARTITION BY case_id ORDER BY {CASE_ORDER}"
    return f"""
        WITH inst AS ({instances_sql(flt)}),
        marked AS (
            SELECT case_id, order_ts, ts, seq,
                   CASE WHEN order_ts <= max(ts) OVER ({w} ROWS BETWEEN UNBOUNDED PRECEDING
                                                      AND 1 PRECEDING) THEN 0 ELSE 1 END AS new_run
            FROM inst),
        runs AS (
            SELECT case_id, order_ts, ts, seq,
                   sum(new_run) OVER ({w} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run
            FROM marked),
        islands AS (
            SELECT case_id, {seconds_between("min(order_ts)", "max(ts)")} AS busy_s
            FROM runs GROUP BY case_id, run)
        SELECT s.case_id, s.duration_s, s.service_s, i.busy_s,
               s.duration_s - i.busy_s AS idle_s, s.service_s - i.busy_s AS overlap_s,
               CASE WHEN s.duration_s > 0 THEN i.busy_s / s.duration_s END AS flow_efficiency
        FROM (SELECT case_id, {seconds_between("min(order_ts)", "max(ts)")} AS duration_s,
                     sum({seconds_between("order_ts", "ts")}) AS service_s
              FROM inst GROUP BY case_id) s
        JOIN (SELECT case_id, sum(busy_s) AS busy_s FROM islands GROUP BY case_id) i
          USING (case_id)
    """


def busy_idle(store: EventStore | Engine, log: str, flt: Filter | None = None) -> dict[str, Any]:
    """Totals and means of busy/idle time; only meaningful where start times exist (else busy
    is 0 and idle is the whole duration), so `cases_with_start_times` is reported too."""
    engine = engine_for(store)
    params = instances_params(log, flt)
    with_start = engine.rows(
        f"SELECT count(DISTINCT case_id) FROM ({instances_sql(flt)}) i WHERE start_ts IS NOT NULL",
        params,
    )[0][0]
    frame = engine.frame(
        f"""SELECT count(*) AS cases, sum(duration_s) AS duration_s, sum(service_s) AS service_s,
                   sum(busy_s) AS busy_s, sum(idle_s) AS idle_s, sum(overlap_s) AS overlap_s,
                   avg(flow_efficiency) AS mean_flow_efficiency,
                   CASE WHEN sum(duration_s) > 0 THEN sum(busy_s) / sum(duration_s) END
                     AS overall_flow_efficiency
            FROM ({busy_idle_sql(flt, with_start=bool(with_start))}) b""",
        params,
    )
    out = records(frame)[0]
    out["cases_with_start_times"] = int(with_start)
    return out


def busy_idle_per_case(
    store: EventStore | Engine, log: str, flt: Filter | None = None
) -> dict[str, dict[str, float | None]]:
    frame = engine_for(store).frame(
        f"SELECT * FROM ({busy_idle_sql(flt)}) b ORDER BY case_id", instances_params(log, flt)
    )
    return {str(r.pop("case_id")): r for r in records(frame)}
