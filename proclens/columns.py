"""Canonical column names of the event store and their pm4py/XES keys, in exactly one place."""

from __future__ import annotations

from typing import Final

CASE: Final = "case_id"
ACTIVITY: Final = "activity"
TIMESTAMP: Final = "ts"
START_TIMESTAMP: Final = "start_ts"
RESOURCE: Final = "resource"
DEPARTMENT: Final = "department"
LIFECYCLE: Final = "lifecycle"
INSTANCE: Final = "instance_id"

#: store column -> pm4py / XES standard key
XES_KEYS: Final[dict[str, str]] = {
    CASE: "case:concept:name",
    ACTIVITY: "concept:name",
    TIMESTAMP: "time:timestamp",
    START_TIMESTAMP: "start_timestamp",
    RESOURCE: "org:resource",
    DEPARTMENT: "org:group",
    LIFECYCLE: "lifecycle:transition",
    INSTANCE: "concept:instance",
}

#: XES / pm4py key -> store column
FROM_XES: Final[dict[str, str]] = {v: k for k, v in XES_KEYS.items()}

#: prefix pm4py uses for case attributes in flat tables
CASE_PREFIX: Final = "case:"

#: lifecycle values that complete an activity instance; a missing lifecycle counts as complete
COMPLETE_TRANSITIONS: Final = ("complete", "completed", "end", "finish", "finished")
START_TRANSITIONS: Final = ("start", "started", "begin")


def to_pm4py_columns() -> dict[str, str]:
    """Rename map for a DataFrame read from the store into pm4py's standard column names."""
    return dict(XES_KEYS)
