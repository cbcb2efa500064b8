"""Bottlenecks: where the time goes, rework, ping-pong, workload and handovers, in SQL.

The waiting time an activity *adds* is the gap before it in each case: start(B) - end(A) of
the instance before it (with completion timestamps only: completion(A) -> completion(B), i.e.
the time to reach B). Overlaps (negative gaps) add nothing. Shares are of the total cycle
time, the sum of all case durations of the (filtered) log.
"""

from __future__ import annotations

from typing import Any, Literal

from analytics.base import (
    CASE_ORDER,
    case_facts_sql,
    instances_params,
    instances_sql,
    iso_date,
    records,
    seconds_between,
)
from analytics.engine import Engine, engine_for
from analytics.filters import Filter
from analytics.maps import edges_sql, pairs_sql
from proclens.store import EventStore

Period = Literal["week", "month"]
OrgColumn = Literal["resource", "department"]


def _frame_records(engine: Engine, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return records(engine.frame(sql, params))


def total_cycle_time_s(engine: Engine, log: str, flt: Filter | None) -> float:
    """The sum of the case durations (stored first start and last end of each case)."""
    row = engine.rows(
        f"SELECT sum({seconds_between('first_ts', 'last_ts')}) "
        f"FROM ({case_facts_sql(flt)}) c WHERE instances > 0",
        instances_params(log, flt),
    )[0]
    return float(row[0] or 0.0)


def top_waiting_activities(
    store: EventStore | Engine, log: str, flt: Filter | None = None, top: int = 3
) -> list[dict[str, Any]]:
    """The `top` activities adding the most waiting, with their share of the total cycle time:
    the first list of `bottlenecks()` alone (the full set costs much more)."""
    engine = engine_for(store)
    total = total_cycle_time_s(engine, log, flt)
    rows = _frame_records(engine, activity_waiting_sql(flt), instances_params(log, flt))[:top]
    for row in rows:
        row["share_of_cycle_time"] = (row["total_wait_s"] or 0.0) / total if total else None
    return rows


def activity_waiting_sql(flt: Filter | None = None) -> str:
    """Per activity: how much waiting it adds (the gap before it), over all cases."""
    gap = f"({seconds_between('ts', 'next_order_ts')})"
    return f"""
        SELECT next_activity AS activity, count(*) AS occurrences,
               count(DISTINCT case_id) AS cases,
               sum(CASE WHEN {gap} > 0 THEN {gap} ELSE 0 END) AS total_wait_s,
               avg(CASE WHEN {gap} >= 0 THEN {gap} END) AS mean_wait_s,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN {gap} >= 0 THEN {gap} END)
                 AS median_wait_s
        FROM ({pairs_sql(flt)}) p WHERE next_activity IS NOT NULL
        GROUP BY next_activity ORDER BY total_wait_s DESC, activity
    """


def rework_sql(flt: Filter | None = None) -> str:
    """Repeated activities: per activity, repeats, cases with a repeat and the time the loops
    took (end of the previous occurrence of the activity to the end of the repeat).

    The loops of one activity in one case follow each other, so their times add up to the end
    of its last occurrence minus the end of its first (by stored position): one grouping, no
    ordered pass."""
    span = seconds_between(f"arg_min(ts, {CASE_ORDER})", f"arg_max(ts, {CASE_ORDER})")
    return f"""
        SELECT activity, CAST(sum(n - 1) AS BIGINT) AS repeats, count(*) AS cases,
               sum(span_s) AS total_loop_s, sum(span_s) / sum(n - 1) AS mean_loop_s
        FROM (SELECT case_id, activity, count(*) AS n, {span} AS span_s
              FROM ({instances_sql(flt)}) i GROUP BY case_id, activity) per_case
        WHERE n > 1
        GROUP BY activity ORDER BY total_loop_s DESC, activity
    """


def _marked_ctes(flt: Filter | None) -> str:
    """CTEs `inst` and `marked`: each instance with the activity before it in the case (the
    instance at the stored position before it: an equi-join, no sort) and the end of the
    previous occurrence of its own activity (for loop_backs_sql)."""
    return f"""inst AS ({instances_sql(flt)}),
        marked AS (
            SELECT i.case_id, i.activity, i.ts, b.activity AS prev_activity,
                   lag(i.ts) OVER (PARTITION BY i.case_id, i.activity ORDER BY i.{CASE_ORDER})
                     AS prev_same_ts
            FROM inst i LEFT JOIN activity_instances b
              ON b.log = i.log AND b.case_id = i.case_id AND b.seq = i.seq - 1)"""


def loop_backs_sql(flt: Filter | None = None) -> str:
    """Edges A -> B where B already happened earlier in the case (a loop back), with the time
    the loop took (end of B's previous occurrence to end of this B)."""
    return f"""
        WITH {_marked_ctes(flt)}
        SELECT prev_activity AS source, activity AS target, count(*) AS count,
               count(DISTINCT case_id) AS cases,
               sum({seconds_between("prev_same_ts", "ts")}) AS total_loop_s
        FROM marked WHERE prev_same_ts IS NOT NULL AND prev_activity IS NOT NULL
        GROUP BY prev_activity, activity ORDER BY total_loop_s DESC, source, target
    """


def _edges_and_waiting(
    engine: Engine, flt: Filter | None, params: list[Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(edges as edges_sql gives them, activities as activity_waiting_sql), from one pass:
    the waiting an activity adds is its edges' gap figures over all sources."""
    edges, waiting = [], []
    for r in _frame_records(engine, edges_sql(flt, per_target=True), params):
        if not r.pop("per_target"):
            edges.append(r)
            continue
        waiting.append({
            "activity": r["target"], "occurrences": r["count"], "cases": r["cases"],
            "total_wait_s": r["total_s"] or 0.0, "mean_wait_s": r["mean_s"],
            "median_wait_s": r["median_s"],
        })  # fmt: skip
    edges.sort(key=lambda e: (-(e["total_s"] or 0.0), e["source"], e["target"]))
    waiting.sort(key=lambda w: (-w["total_wait_s"], w["activity"]))
    return edges, waiting


def ping_pong_sql(flt: Filter | None = None, column: OrgColumn = "resource") -> str:
    """A -> B -> A between resources (or departments) in consecutive instances of a case that
    name one; per unordered pair: occurrences, cases, time from the first A to the second A."""
    w = f"PARTITION BY case_id ORDER BY {CASE_ORDER}"
    return f"""
        WITH inst AS (SELECT * FROM ({instances_sql(flt)}) i WHERE {column} IS NOT NULL),
        seq AS (
            SELECT case_id, {column} AS who, ts,
                   lead({column}, 1) OVER ({w}) AS who1,
                   lead({column}, 2) OVER ({w}) AS who2,
                   lead(ts, 2) OVER ({w}) AS ts2
            FROM inst)
        SELECT least(who, who1) AS party_a, greatest(who, who1) AS party_b,
               count(*) AS occurrences, count(DISTINCT case_id) AS cases,
               sum({seconds_between("ts", "ts2")}) AS total_s
        FROM seq WHERE who2 = who AND who1 <> who
        GROUP BY 1, 2 ORDER BY occurrences DESC, party_a, party_b
    """


def handovers_sql(flt: Filter | None = None, column: OrgColumn = "resource") -> str:
    """Handover network: work passing from one resource (department) to another between
    consecutive instances of a case; count, cases and the gap statistics."""
    gap = f"({seconds_between('ts', 'next_order_ts')})"
    nxt = f"next_{column}"
    return f"""
        SELECT {column} AS source, {nxt} AS target, count(*) AS count,
               count(DISTINCT case_id) AS cases,
               avg(CASE WHEN {gap} >= 0 THEN {gap} END) AS mean_s,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN {gap} >= 0 THEN {gap} END)
                 AS median_s,
               sum(CASE WHEN {gap} > 0 THEN {gap} ELSE 0 END) AS total_s
        FROM ({pairs_sql(flt)}) p
        WHERE {column} IS NOT NULL AND {nxt} IS NOT NULL AND {column} <> {nxt}
        GROUP BY 1, 2 ORDER BY count DESC, source, target
    """


def both_handovers_sql(flt: Filter | None = None) -> str:
    """handovers_sql for resources and departments from one ordered pass: rows (by_department,
    source, target, ...). Groups whose source is null or equals the target are not handovers
    (the pass keeps rows that hand over in either column) and must be dropped."""
    gap = f"({seconds_between('ts', 'next_order_ts')})"
    res = "resource IS NOT NULL AND next_resource IS NOT NULL AND resource <> next_resource"
    dep = "department IS NOT NULL AND next_department IS NOT NULL AND department <> next_department"
    return f"""
        SELECT grouping(resource) AS by_department,
               coalesce(resource, department) AS source,
               coalesce(next_resource, next_department) AS target, count(*) AS count,
               count(DISTINCT case_id) AS cases,
               avg(CASE WHEN {gap} >= 0 THEN {gap} END) AS mean_s,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN {gap} >= 0 THEN {gap} END)
                 AS median_s,
               sum(CASE WHEN {gap} > 0 THEN {gap} ELSE 0 END) AS total_s
        FROM ({pairs_sql(flt)}) p
        WHERE ({res}) OR ({dep})
        GROUP BY GROUPING SETS ((resource, next_resource), (department, next_department))
    """


def _handovers(
    engine: Engine, flt: Filter | None, params: list[Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(resource handovers, department handovers), each ranked as handovers_sql ranks."""
    out: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
    for r in _frame_records(engine, both_handovers_sql(flt), params):
        in_group = r["source"] is not None and r["target"] is not None
        if in_group and r["source"] != r["target"]:
            out[r.pop("by_department")].append(r)
    for rows in out:
        rows.sort(key=lambda r: (-r["count"], r["source"], r["target"]))
    return out


def workload_sql(flt: Filter | None = None, period: Period = "month") -> str:
    """Instances (and busy seconds where start times exist) per resource per period."""
    return f"""
        SELECT CAST(date_trunc('{period}', ts) AS DATE) AS period, resource,
               count(*) AS events, count(DISTINCT case_id) AS cases,
               sum(CASE WHEN start_ts IS NOT NULL THEN {seconds_between("start_ts", "ts")}
                   END) AS service_s
        FROM ({instances_sql(flt)}) i WHERE resource IS NOT NULL
        GROUP BY 1, 2 ORDER BY 1, events DESC, resource
    """


def bottlenecks(
    store: EventStore | Engine,
    log: str,
    flt: Filter | None = None,
    *,
    top: int = 20,
    period: Period = "month",
) -> dict[str, Any]:
    """Every bottleneck figure of the (filtered) log, each list ranked and cut to `top`: the
    parts `waiting_and_rework`, `ping_pong` and `organisation` give, together."""
    engine = engine_for(store)
    total = total_cycle_time_s(engine, log, flt)
    flow = waiting_and_rework(engine, log, flt, top=top, total=total)
    org = organisation(engine, log, flt, top=top, period=period, total=total)
    return {
        "log": log,
        "filter": (flt or Filter()).describe(),
        "total_cycle_time_s": total,
        **{k: flow[k] for k in FLOW_KEYS},
        "loop_backs": _shares(
            _frame_records(engine, loop_backs_sql(flt), instances_params(log, flt)),
            "total_loop_s",
            total,
        )[:top],
        "ping_pong_resources": ping_pong(engine, log, flt, "resource", top),
        "ping_pong_departments": ping_pong(engine, log, flt, "department", top),
        **{k: org[k] for k in ("handovers_resources", "handovers_departments", "workload")},
    }


FLOW_KEYS = ("activities_by_waiting", "transitions_by_waiting", "rework")


def _shares(rows: list[dict[str, Any]], key: str, total: float) -> list[dict[str, Any]]:
    """`rows` with each one's `key` as a share of the total cycle time (None without one)."""
    for r in rows:
        r["share_of_cycle_time"] = (r[key] or 0.0) / total if total else None
    return rows


def waiting_and_rework(
    store: EventStore | Engine,
    log: str,
    flt: Filter | None = None,
    *,
    top: int = 20,
    total: float | None = None,
) -> dict[str, Any]:
    """The waiting and rework part of `bottlenecks()` alone, with the same figures: the total
    cycle time (`total` when already known) and FLOW_KEYS, ranked and cut to `top`."""
    engine = engine_for(store)
    params = instances_params(log, flt)
    if total is None:
        total = total_cycle_time_s(engine, log, flt)
    edges, waiting = _edges_and_waiting(engine, flt, params)
    rework = _frame_records(engine, rework_sql(flt), params)
    return {
        "total_cycle_time_s": total,
        "activities_by_waiting": _shares(waiting, "total_wait_s", total)[:top],
        "transitions_by_waiting": _shares(edges, "total_s", total)[:top],
        "rework": _shares(rework, "total_loop_s", total)[:top],
    }


def ping_pong(
    store: EventStore | Engine,
    log: str,
    flt: Filter | None = None,
    column: OrgColumn = "resource",
    top: int = 20,
) -> list[dict[str, Any]]:
    """ping_pong_sql's rows for resources (or departments), cut to `top`."""
    return _frame_records(
        engine_for(store), ping_pong_sql(flt, column), instances_params(log, flt)
    )[:top]


def workload(
    store: EventStore | Engine, log: str, flt: Filter | None = None, period: Period = "month"
) -> list[dict[str, Any]]:
    """workload_sql's rows, periods as YYYY-MM-DD (empty when no instance names a resource)."""
    return _workload(engine_for(store), flt, instances_params(log, flt), period)


def organisation(
    store: EventStore | Engine,
    log: str,
    flt: Filter | None = None,
    *,
    top: int = 20,
    period: Period = "month",
    total: float | None = None,
) -> dict[str, Any]:
    """The organisational part of `bottlenecks()` alone, with the same figures: the total
    cycle time, the handovers between resources and between departments (ranked, cut to
    `top`, with their share of the total cycle time; `total` when already known) and the
    workload per period."""
    engine = engine_for(store)
    params = instances_params(log, flt)
    if total is None:
        total = total_cycle_time_s(engine, log, flt)
    out: dict[str, Any] = {"total_cycle_time_s": total}
    for key, rows in zip(
        ("handovers_resources", "handovers_departments"),
        _handovers(engine, flt, params),
        strict=True,
    ):
        out[key] = _shares(rows, "total_s", total)[:top]
    out["workload"] = _workload(engine, flt, params, period)
    return out


def _workload(
    engine: Engine, flt: Filter | None, params: list[Any], period: Period
) -> list[dict[str, Any]]:
    rows = _frame_records(engine, workload_sql(flt, period), params)
    for r in rows:
        r["period"] = iso_date(r["period"])
    return rows
