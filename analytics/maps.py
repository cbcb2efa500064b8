"""Process map: directly-follows graph with frequencies and times, in SQL written once.

Edge time semantics (one formula, two meanings):
    gap = start(B) - end(A), where start(B) is B's start time if known, else B's end time.
* Completion timestamps only: an edge time is completion(A) -> completion(B); it contains
  B's own processing time (it is not waiting time). This is what pm4py's performance DFG shows.
* With start times: the edge time is the waiting time start(B) - end(A). When B starts before
  A ends (parallel work) the gap is negative: that pair is an *overlap*, counted in
  `overlaps` / `overlap_mean_s` and left out of the waiting statistics, never averaged in.
Statistics are over the non-overlapping pairs: mean, median and p90 (linear interpolation),
min, max, total, stdev (sample, n-1; null when there is one observation).
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field
from typing import Any

from analytics.base import (
    CASE_ORDER,
    case_facts_sql,
    instances_params,
    instances_sql,
    records,
    seconds_between,
)
from analytics.calendar import Calendar, with_working_seconds
from analytics.engine import Engine, engine_for
from analytics.filters import Filter
from proclens.store import EventStore


def _inst(flt: Filter | None, keep: tuple[str, ...] | None) -> str:
    """The instances relation, projected on the activities in `keep` when given (the removed
    activities' events are dropped from every case, so their neighbours become adjacent)."""
    if keep is None:
        return instances_sql(flt)
    marks = ", ".join("?" for _ in keep) or "NULL"
    return f"SELECT * FROM ({instances_sql(flt)}) all_inst WHERE activity IN ({marks})"


def map_params(log: str, flt: Filter | None, keep: tuple[str, ...] | None = None) -> list[Any]:
    """Parameters of pairs_sql / edges_sql / nodes_sql / boundaries_sql."""
    return [*instances_params(log, flt), *(keep or ())]


def _stats(x: str, prefix: str = "") -> str:
    """Portable aggregate list for the seconds expression `x`."""
    return (
        f"avg({x}) AS {prefix}mean_s, "
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {x}) AS {prefix}median_s, "
        f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {x}) AS {prefix}p90_s, "
        f"min({x}) AS {prefix}min_s, max({x}) AS {prefix}max_s, sum({x}) AS {prefix}total_s, "
        f"stddev_samp({x}) AS {prefix}stdev_s"
    )


#: The last activity of a kept case `k` (written so it also translates to Spark's 0-based arrays).
LAST_ACTIVITY = "k.variant[array_length(k.variant)]"

STAT_KEYS = ("mean_s", "median_s", "p90_s", "min_s", "max_s", "total_s", "stdev_s")


def pairs_sql(flt: Filter | None = None, keep: tuple[str, ...] | None = None) -> str:
    """One row per instance with its successor in the case (next_* null for the last one).
    Parameters: instances_params(log, flt).

    The successor is the instance at the next stored position (`seq` + 1): an equi-join, no
    sort (edges_sql needs only the successor's activity and time, stored with each instance,
    so it reads no join at all). With `keep`, the kept instances are sequenced by their
    stored positions instead."""
    if keep is not None:
        w = f"OVER (PARTITION BY case_id ORDER BY {CASE_ORDER})"
        return f"""
            SELECT case_id, activity, ts, start_ts, order_ts, resource, department,
                   row_number() {w} AS pos,
                   lead(activity) {w} AS next_activity,
                   lead(order_ts) {w} AS next_order_ts,
                   lead(resource) {w} AS next_resource,
                   lead(department) {w} AS next_department
            FROM ({_inst(flt, keep)}) inst
        """
    return f"""
        SELECT a.case_id, a.activity, a.ts, a.start_ts, a.order_ts, a.resource, a.department,
               a.seq AS pos, b.activity AS next_activity, b.order_ts AS next_order_ts,
               b.resource AS next_resource, b.department AS next_department
        FROM ({instances_sql(flt)}) a LEFT JOIN activity_instances b
          ON b.log = a.log AND b.case_id = a.case_id AND b.seq = a.seq + 1
    """


def edges_sql(
    flt: Filter | None = None,
    keep: tuple[str, ...] | None = None,
    cal: Calendar | None = None,
    *,
    per_target: bool = False,
    cases: bool = True,
) -> str:
    """Directly-follows edges with counts and gap statistics (see module docstring); with a
    calendar also `working_*` statistics of the same gaps in working seconds. `per_target`
    adds, from the same pass, the same figures per target over all its sources (rows whose
    leading `per_target` column is 1 and whose source is null). Without `cases` the distinct
    case count is left out (edge_cases_sql gives it from the stored variants, far cheaper)."""
    gap = f"({seconds_between('ts', 'next_order_ts')})"
    ok = f"CASE WHEN {gap} >= 0 THEN {gap} END"
    over = f"CASE WHEN {gap} < 0 THEN -{gap} END"
    # unprojected, each instance carries its stored successor (proclens/order.py): a scan
    pairs = pairs_sql(flt, keep) if keep is not None else instances_sql(flt)
    working = ""
    if cal is not None:
        pairs = with_working_seconds(pairs, {"working_gap_s": ("ts", "next_order_ts")}, cal)
        working = ", " + _stats(f"CASE WHEN {gap} >= 0 THEN working_gap_s END", "working_")
    lead, groups = "", "activity, next_activity"
    if per_target:
        lead = "grouping(activity) AS per_target, "
        groups = "GROUPING SETS ((activity, next_activity), (next_activity))"
    return f"""
        SELECT {lead}activity AS source, next_activity AS target, count(*) AS count,
               {"count(DISTINCT case_id) AS cases, " if cases else ""}{_stats(ok)},
               count({over}) AS overlaps, avg({over}) AS overlap_mean_s{working}
        FROM ({pairs}) p
        WHERE next_activity IS NOT NULL
        GROUP BY {groups}
        ORDER BY count DESC, source, target
    """


def nodes_sql(
    flt: Filter | None = None, keep: tuple[str, ...] | None = None, *, cases: bool = True
) -> str:
    """Activities with events, cases, and service time (end - start) where start is known;
    without `cases` the distinct case count is left out (activity_cases_sql gives it)."""
    service = f"CASE WHEN start_ts IS NOT NULL THEN {seconds_between('start_ts', 'ts')} END"
    distinct = "count(DISTINCT case_id) AS cases, " if cases else ""
    return f"""
        SELECT activity, count(*) AS events, {distinct}
               count(start_ts) AS with_start, {_stats(service, "service_")}
        FROM ({_inst(flt, keep)}) inst
        GROUP BY activity
        ORDER BY events DESC, activity
    """


def _variant_steps(flt: Filter | None) -> str:
    """Per distinct stored variant of the kept cases (`acts`, its `n` cases), one row per
    directly-follows step (`source`, `target`). Parameters: instances_params()."""
    return f"""
        WITH per_variant AS (
            SELECT k.variant AS acts, count(*) AS n FROM ({case_facts_sql(flt)}) k
            WHERE k.instances > 1 GROUP BY k.variant),
        steps AS (SELECT v.acts, v.n, unnest(range(1, array_length(v.acts))) AS i
                  FROM per_variant v)
        SELECT DISTINCT s.acts, s.n, s.acts[s.i] AS source, s.acts[s.i + 1] AS target
        FROM steps s
    """


def edge_cases_sql(flt: Filter | None = None) -> str:
    """Cases per directly-follows edge (source, target, cases), read from the stored variants:
    every case of a variant has the same edges, so the distinct cases of an edge are the sum of
    the case counts of the variants that contain it. Parameters: instances_params()."""
    return f"""
        SELECT e.source, e.target, sum(e.n) AS cases FROM ({_variant_steps(flt)}) e
        GROUP BY e.source, e.target
    """


def activity_cases_sql(flt: Filter | None = None) -> str:
    """Cases per activity (activity, cases), read from the stored variants (see
    edge_cases_sql). Parameters: instances_params()."""
    return f"""
        WITH per_variant AS (
            SELECT k.variant AS acts, count(*) AS n FROM ({case_facts_sql(flt)}) k
            WHERE k.instances > 0 GROUP BY k.variant),
        steps AS (SELECT DISTINCT v.acts, v.n, unnest(v.acts) AS activity FROM per_variant v)
        SELECT s.activity, sum(s.n) AS cases FROM steps s GROUP BY s.activity
    """


def boundaries_sql(flt: Filter | None = None, keep: tuple[str, ...] | None = None) -> str:
    """First and last activity of every case: rows (kind 'start'|'end', activity, cases).
    Without `keep` they are read from the stored variants; parameters: map_params()."""
    if keep is None:
        return f"""
            WITH kept AS ({case_facts_sql(flt)})
            SELECT 'start' AS kind, k.variant[1] AS activity, count(*) AS cases FROM kept k
            WHERE k.instances > 0 GROUP BY k.variant[1]
            UNION ALL
            SELECT 'end' AS kind, {LAST_ACTIVITY} AS activity, count(*) AS cases FROM kept k
            WHERE k.instances > 0 GROUP BY {LAST_ACTIVITY}
            ORDER BY kind, cases DESC, activity
        """
    w = f"PARTITION BY case_id ORDER BY {CASE_ORDER}"
    return f"""
        WITH inst AS ({_inst(flt, keep)}),
        marked AS (
            SELECT activity, row_number() OVER ({w}) AS pos,
                   lead(activity) OVER ({w}) AS next_activity
            FROM inst)
        SELECT 'start' AS kind, activity, count(*) AS cases FROM marked WHERE pos = 1
        GROUP BY activity
        UNION ALL
        SELECT 'end' AS kind, activity, count(*) AS cases FROM marked WHERE next_activity IS NULL
        GROUP BY activity
        ORDER BY kind, cases DESC, activity
    """


@dataclass
class ProcessMap:
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    start_activities: dict[str, int]
    end_activities: dict[str, int]
    #: "completion_to_completion" (no start times) or "waiting" (start(B) - end(A))
    edge_time: str
    simplified: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def process_map(
    store: EventStore | Engine,
    log: str,
    flt: Filter | None = None,
    keep: tuple[str, ...] | None = None,
    cal: Calendar | None = None,
) -> ProcessMap:
    """The directly-follows map of the (filtered) log, projected on `keep` activities when
    given; edge times also in working time when a calendar is given. See the module docstring
    for edge times."""
    engine = engine_for(store)
    params = map_params(log, flt, keep)
    stored = keep is None  # distinct case counts from the stored variants (not projected)
    nodes = _records(engine, nodes_sql(flt, keep, cases=not stored), params)
    if stored:
        per_activity = dict(engine.rows(activity_cases_sql(flt), params))
        nodes = [_with_cases(n, per_activity.get(n["activity"]), 2) for n in nodes]
    has_start = any(n["with_start"] for n in nodes)
    for n in nodes:
        if not n["with_start"]:
            for key in STAT_KEYS:
                n["service_" + key] = None
    edges = _records(engine, edges_sql(flt, keep, cal, cases=not stored), params)
    if stored:
        per_edge = {(a, b): n for a, b, n in engine.rows(edge_cases_sql(flt), params)}
        edges = [_with_cases(e, per_edge.get((e["source"], e["target"])), 3) for e in edges]
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}
    for kind, activity, cases in engine.rows(boundaries_sql(flt, keep), params):
        (starts if kind == "start" else ends)[str(activity)] = int(cases)
    return ProcessMap(
        nodes=nodes,
        edges=edges,
        start_activities=starts,
        end_activities=ends,
        edge_time="waiting" if has_start else "completion_to_completion",
    )


def frequency_map(
    store: EventStore | Engine,
    log: str,
    flt: Filter | None = None,
    keep: tuple[str, ...] | None = None,
) -> ProcessMap:
    """The map's frequencies only (events and cases per activity, count and cases per edge,
    start and end activities), worked out from the kept cases' stored variants: every case of
    a variant has the same activities and steps, so one grouped read of the cases replaces the
    scans of the events. With `keep`, each variant is projected on those activities first (the
    same projection as process_map's). The times are left empty (None): for views that show
    frequencies only (the Compare page's maps)."""
    from analytics.variants import variant_counts

    events: dict[str, int] = {}
    cases: dict[str, int] = {}
    steps: dict[tuple[str, str], int] = {}
    step_cases: dict[tuple[str, str], int] = {}
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}
    kept = None if keep is None else set(keep)
    for variant, n in variant_counts(engine_for(store), log, flt):
        acts = variant if kept is None else tuple(a for a in variant if a in kept)
        if not acts:
            continue
        for a in acts:
            events[a] = events.get(a, 0) + n
        for a in set(acts):
            cases[a] = cases.get(a, 0) + n
        pairs = list(itertools.pairwise(acts))
        for pair in pairs:
            steps[pair] = steps.get(pair, 0) + n
        for pair in set(pairs):
            step_cases[pair] = step_cases.get(pair, 0) + n
        starts[acts[0]] = starts.get(acts[0], 0) + n
        ends[acts[-1]] = ends.get(acts[-1], 0) + n
    empty = dict.fromkeys(STAT_KEYS)
    nodes = [
        {"activity": a, "events": events[a], "cases": cases[a], "with_start": 0}
        | {"service_" + k: None for k in STAT_KEYS}
        for a in sorted(events, key=lambda a: (-events[a], a))
    ]
    edges = [
        {"source": s, "target": t, "count": c, "cases": step_cases[(s, t)]}
        | empty
        | {"overlaps": None, "overlap_mean_s": None}
        for (s, t), c in sorted(steps.items(), key=lambda e: (-e[1], e[0]))
    ]

    def ranked(counts: dict[str, int]) -> dict[str, int]:
        return dict(sorted(counts.items(), key=lambda e: (-e[1], e[0])))

    return ProcessMap(
        nodes=nodes,
        edges=edges,
        start_activities=ranked(starts),
        end_activities=ranked(ends),
        edge_time="frequency_only",
    )


def _with_cases(row: dict[str, Any], cases: Any, at: int) -> dict[str, Any]:
    """`row` with its `cases` count inserted as its `at`-th key (where the SQL would put it)."""
    items = list(row.items())
    items.insert(at, ("cases", int(cases or 0)))
    return dict(items)


def _records(engine: Engine, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return records(engine.frame(sql, params))
