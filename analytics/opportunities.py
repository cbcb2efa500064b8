"""Redesign opportunities: the bottleneck figures turned into ranked, costed proposals.

Estimation method (also in the README). `years` = the span of the (filtered) log, first start
to last end, in years of 365.25 days; a total over the log becomes a yearly figure by dividing
by `years` (logs shorter than 30 days are not annualised: the figure is per log period).
* waiting between two steps A -> B (A != B; A -> A is a rework loop, proposed there once): for
  every pair, the excess of its gap over the gap that the fastest quarter of the pairs already
  achieve (the edge's 25th percentile);
  saving = sum of those excesses / years. Only edges with at least `min_cases` cases.
* rework loop of activity X: every repeat of X costs the time from the end of the previous X
  to the end of the repeat; saving = sum of those loop times / years (all rework removed).
* approval step that almost never rejects: an activity whose name marks an approval (approv,
  审批, 批准, 审核) whose matching rejection (same name with the approval word replaced by a
  rejection word: reject, declin, denied, 驳回, 拒绝) or any rejection directly after it
  happens in under `reject_threshold` of the cases deciding there; saving = the waiting the
  approval adds (gap before it, summed) / years, as if the step were automated away.
Savings are hours of elapsed (calendar) time per year across all cases: lead time the
customer no longer waits, not staff effort.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from analytics.base import (
    CASE_ORDER,
    case_facts_sql,
    instances_params,
    instances_sql,
    seconds_between,
)
from analytics.bottlenecks import rework_sql
from analytics.engine import Engine, engine_for
from analytics.filters import Filter
from analytics.maps import pairs_sql
from proclens.durations import format_duration
from proclens.store import EventStore

APPROVAL = re.compile(r"\w*approv\w*|审批|批准|审核|同意", re.IGNORECASE)
REJECTION = re.compile(
    r"\w*reject\w*|\w*declin\w*|denied|deny|驳回|拒绝|退回|不同意", re.IGNORECASE
)
DAY = 86400.0


@dataclass(frozen=True)
class Opportunity:
    rank: int
    kind: str  # waiting | rework | approval
    title: str
    evidence: str
    saving_hours_per_year: float
    figures: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def log_span_years(engine: Engine, log: str, flt: Filter | None) -> tuple[float, int]:
    """(span of the log in years, or 1.0 for logs under 30 days; number of cases)."""
    row = engine.rows(
        f"SELECT {seconds_between('min(first_ts)', 'max(last_ts)')}, count(*) "
        f"FROM ({case_facts_sql(flt)}) c WHERE instances > 0",
        instances_params(log, flt),
    )[0]
    span = float(row[0] or 0.0)
    return (span / (365.25 * DAY) if span >= 30 * DAY else 1.0), int(row[1])


def waiting_excess_sql(flt: Filter | None = None) -> str:
    """Per edge: count, cases, p25, median and mean gap, and the summed excess over the
    edge's p25 gap."""
    gap = f"({seconds_between('ts', 'next_order_ts')})"
    return f"""
        WITH p AS (SELECT activity, next_activity, case_id, {gap} AS gap
                   FROM ({pairs_sql(flt)}) x WHERE next_activity IS NOT NULL AND {gap} >= 0),
        q AS (SELECT activity, next_activity, count(*) AS count, count(DISTINCT case_id) AS cases,
                     percentile_cont(0.25) WITHIN GROUP (ORDER BY gap) AS p25,
                     percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median,
                     avg(gap) AS mean
              FROM p GROUP BY activity, next_activity)
        SELECT q.activity, q.next_activity, q.count, q.cases, q.p25, q.median, q.mean,
               sum(CASE WHEN p.gap > q.p25 THEN p.gap - q.p25 ELSE 0 END) AS excess
        FROM q JOIN p ON p.activity = q.activity AND p.next_activity = q.next_activity
        GROUP BY q.activity, q.next_activity, q.count, q.cases, q.p25, q.median, q.mean
    """


def approval_figures_sql(flt: Filter | None = None) -> str:
    """Per activity, in one ordered pass: cases, cases where a rejection (the pattern, the
    last parameter) directly follows it, and the waiting it adds (positive gaps before it)."""
    w = f"OVER (PARTITION BY case_id ORDER BY {CASE_ORDER})"
    gap = f"({seconds_between('prev_ts', 'order_ts')})"
    return f"""
        WITH seq AS (
            SELECT case_id, activity, order_ts,
                   lag(ts) {w} AS prev_ts,
                   lead(activity) {w} AS next_activity
            FROM ({instances_sql(flt)}) i)
        SELECT activity, count(DISTINCT case_id),
               count(DISTINCT CASE WHEN next_activity IS NOT NULL
                    AND regexp_matches(lower(next_activity), ?) THEN case_id END),
               sum(CASE WHEN {gap} > 0 THEN {gap} ELSE 0 END)
        FROM seq GROUP BY activity
    """


def opportunities(
    store: EventStore | Engine,
    log: str,
    flt: Filter | None = None,
    *,
    top: int = 10,
    min_cases: int = 10,
    reject_threshold: float = 0.01,
) -> list[Opportunity]:
    """Ranked proposals, largest estimated saving first (see the module docstring)."""
    engine = engine_for(store)
    params = instances_params(log, flt)
    years, cases = log_span_years(engine, log, flt)
    found: list[tuple[str, str, str, float, dict[str, Any]]] = []
    found += _waiting(engine, flt, params, years, cases, min_cases)
    found += _rework(engine, flt, params, years, cases)
    found += _approvals(engine, flt, params, years, reject_threshold, min_cases)
    found.sort(key=lambda f: (-f[3], f[1]))
    return [
        Opportunity(i + 1, kind, title, evidence, round(hours, 1), figures)
        for i, (kind, title, evidence, hours, figures) in enumerate(found[:top])
    ]


def _waiting(
    engine: Engine, flt: Filter | None, params: list[Any], years: float, cases: int, min_n: int
) -> list[tuple[str, str, str, float, dict[str, Any]]]:
    out = []
    rows = engine.rows(waiting_excess_sql(flt), params)
    for a, b, count, n_cases, p25, median, mean, excess in rows:
        # A -> A is a repeat of A: its time is the rework loop's, proposed there once
        if n_cases < min_n or not excess or a == b:
            continue
        hours = float(excess) / 3600 / years
        out.append((
            "waiting",
            f"Shorten the wait between {a} and {b}",
            f"mean {format_duration(mean)}, median {format_duration(median)} between {a} and "
            f"{b} across {n_cases:,} cases ({n_cases / years:,.0f} cases/year); the fastest "
            f"quarter take under {format_duration(p25)}",
            hours,
            {"from": a, "to": b, "count": int(count), "cases": int(n_cases),
             "mean_s": float(mean), "median_s": float(median), "p25_s": float(p25),
             "excess_s": float(excess), "cases_per_year": n_cases / years},
        ))  # fmt: skip
    return out


def _rework(
    engine: Engine, flt: Filter | None, params: list[Any], years: float, cases: int
) -> list[tuple[str, str, str, float, dict[str, Any]]]:
    out = []
    for act, repeats, n_cases, total, mean in engine.rows(rework_sql(flt), params):
        share = n_cases / cases if cases else 0.0
        out.append((
            "rework",
            f"Remove the rework loop on {act}",
            f"{act} is repeated in {share:.0%} of cases ({repeats:,} repeats, "
            f"{n_cases:,} cases); each loop takes {format_duration(mean)} on average",
            float(total) / 3600 / years,
            {"activity": act, "repeats": int(repeats), "cases": int(n_cases),
             "share_of_cases": share, "total_loop_s": float(total),
             "mean_loop_s": float(mean)},
        ))  # fmt: skip
    return out


def _approvals(
    engine: Engine,
    flt: Filter | None,
    params: list[Any],
    years: float,
    threshold: float,
    min_n: int,
) -> list[tuple[str, str, str, float, dict[str, Any]]]:
    cases_with: dict[str, int] = {}
    after: dict[str, int] = {}
    waits: dict[str, float] = {}
    names = engine.rows(f"SELECT DISTINCT activity FROM ({instances_sql(flt)}) i", params)
    if not any(APPROVAL.search(str(a)) for (a,) in names):
        return []  # no approval step: the ordered pass below would find nothing to propose
    for act, n, rejected_after, wait in engine.rows(
        approval_figures_sql(flt), [*params, REJECTION.pattern.lower()]
    ):
        cases_with[act], after[act], waits[act] = n, rejected_after, wait
    out = []
    for act, n in cases_with.items():
        if not APPROVAL.search(act) or REJECTION.search(act) or n < min_n:
            continue
        twins = [x for x in cases_with if x != act and _twin(act) == _twin(x, REJECTION)]
        rejected = sum(cases_with[t] for t in twins) + after.get(act, 0)
        rate = rejected / (n + sum(cases_with[t] for t in twins))
        if rate >= threshold:
            continue
        out.append((
            "approval",
            f"Automate or drop the approval step {act}",
            f"{act} rejects {rate:.2%} of {n:,} cases ({n / years:,.0f} cases/year)",
            float(waits.get(act) or 0.0) / 3600 / years,
            {"activity": act, "cases": int(n), "rejected_cases": int(rejected),
             "reject_rate": rate, "rejections": twins, "cases_per_year": n / years},
        ))  # fmt: skip
    return out


def _twin(name: str, word: re.Pattern[str] = APPROVAL) -> str:
    """The name with its approval (or rejection) word removed: matches the two outcomes of one
    decision, e.g. 'Declaration APPROVED by X' and 'Declaration REJECTED by X'."""
    return " ".join(word.sub(" ", name.lower()).split())
