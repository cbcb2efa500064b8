"""The base relations every analysis starts from, written once.

`instances_sql` is the ordered activity-instance relation of one log. Order inside a case is
defined once, here: start time when known (else end time), then end time, then the position
in the source (`event_index`), so ties in timestamps keep the source order (see README).
"""

from __future__ import annotations

#: ORDER BY clause that sequences the instances of one case; use it everywhere.
CASE_ORDER = "order_ts, ts, event_index"


def instances_sql() -> str:
    """Activity instances of log `?` (one parameter: the log name)."""
    return "SELECT * FROM activity_instances WHERE log = ?"


def seconds(expr: str) -> str:
    """SQL for a TIMESTAMPTZ difference or instant as seconds with microseconds kept."""
    return f"(epoch_us({expr}) / 1e6)"
