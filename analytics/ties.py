"""Tie diagnostics: events of one case whose ordering times are equal.

Inside a case, instances are ordered by start (else end) time, then end time, then their
position in the source (`analytics.base.CASE_ORDER`). When the times are equal, only the
source position decides; the analyst should know how often that happens.
"""

from __future__ import annotations

from typing import Any

from analytics.base import instances_sql
from analytics.engine import Engine, engine_for
from proclens.store import EventStore


def tie_diagnostics(engine: EventStore | Engine, log: str) -> dict[str, Any]:
    """{"cases_with_ties", "tied_groups", "events_involved", "examples"} for log `log`.

    A tied group is a set of two or more activity instances of one case with the same start
    (or end, when no start is known) and the same end time.
    """
    eng = engine_for(engine)
    # Counting needs no activity lists; only the 5 example groups collect theirs, so a log of
    # millions of events stays within a small memory budget (ingest runs this under it).
    groups = f"""
        SELECT case_id, order_ts, ts, count(*) AS n
        FROM ({instances_sql()}) GROUP BY case_id, order_ts, ts HAVING count(*) > 1
    """
    row = eng.rows(
        f"SELECT count(DISTINCT case_id), count(*), coalesce(sum(n), 0) FROM ({groups})", [log]
    )[0]
    examples = eng.rows(
        f"""
        WITH first AS ({groups} ORDER BY case_id, order_ts, ts LIMIT 5)
        SELECT f.case_id, f.ts, list(i.activity ORDER BY i.event_index)
        FROM first f JOIN ({instances_sql()}) i
          ON i.case_id = f.case_id AND i.order_ts = f.order_ts AND i.ts = f.ts
        GROUP BY f.case_id, f.order_ts, f.ts ORDER BY f.case_id, f.order_ts, f.ts
        """,
        [log, log],
    )
    return {
        "cases_with_ties": int(row[0]),
        "tied_groups": int(row[1]),
        "events_involved": int(row[2]),
        "examples": [
            {"case": c, "ts": t.isoformat(), "activities_in_source_order": list(a)}
            for c, t, a in examples
        ],
    }
