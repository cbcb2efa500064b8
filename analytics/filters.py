"""One filter model for every analysis: a typed object that becomes a parameterised SQL predicate.

Every filter kind selects **whole cases** (a case is kept or dropped, its events are never cut),
so a filtered map, its variants and its durations always describe the same complete cases.
Kinds combine with AND; the values of one kind combine as stated on each field. User values
only ever travel as `?` parameters, never inside the SQL text.

`Filter.case_ids_sql()` is the set of kept case ids of log `?`; `analytics.base.instances_sql`
uses it, so every analysis gets filtered instances through one place. Case-level kinds (time
window, duration, start/end activity, variant, activities) read the order facts stored per case
(`cases.first_ts`, `last_ts`, `instances`, `variant`; proclens/order.py); directly-follows reads
the stored positions (`seq`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, Literal

from proclens.errors import ConfigError

TimeMode = Literal["intersecting", "started", "completed", "contained"]
TIME_MODES: tuple[TimeMode, ...] = ("intersecting", "started", "completed", "contained")

_LOG = object()  # stands for the log name in a predicate's parameters


@dataclass(frozen=True)
class Filter:
    """Which cases of a log to analyse. The empty Filter() keeps every case."""

    #: time window [start, end): which cases count depends on `time_mode`
    start: datetime | None = None
    end: datetime | None = None
    #: intersecting: the case (first start to last end) overlaps the window; started /
    #: completed: its first start / last end lies in it; contained: the whole case lies in it
    time_mode: TimeMode = "intersecting"
    #: case attribute key = value (compared as text); several pairs: all must hold
    where: tuple[tuple[str, str], ...] = ()
    #: the case contains every one of these activities
    with_activity: tuple[str, ...] = ()
    #: the case contains none of these activities
    without_activity: tuple[str, ...] = ()
    #: the case's first / last activity is one of these
    start_activity: tuple[str, ...] = ()
    end_activity: tuple[str, ...] = ()
    #: the case's activity sequence is one of these
    variants: tuple[tuple[str, ...], ...] = ()
    #: case duration (last end - first start) in seconds, inclusive bounds
    min_duration_s: float | None = None
    max_duration_s: float | None = None
    #: some activity of the case was done by one of these resources / departments
    resources: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    #: the case has A directly followed by B, for every pair given
    follows: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.time_mode not in TIME_MODES:
            raise ConfigError(
                f"unknown time mode '{self.time_mode}'; use one of: {', '.join(TIME_MODES)}"
            )
        if self.start and self.end and self.start >= self.end:
            raise ConfigError(
                f"the time window is empty: --from {self.start} is not before --to {self.end}"
            )
        lo, hi = self.min_duration_s, self.max_duration_s
        if lo is not None and hi is not None and lo > hi:
            raise ConfigError(f"--min-duration ({lo} s) is larger than --max-duration ({hi} s)")

    def is_empty(self) -> bool:
        return self == Filter()

    def describe(self) -> dict[str, Any]:
        """The active parts as plain JSON values (for reports and cache keys)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, ()) or f.name == "time_mode":
                continue
            out[f.name] = value.isoformat() if isinstance(value, datetime) else value
        if self.start or self.end:
            out["time_mode"] = self.time_mode
        result: dict[str, Any] = json.loads(json.dumps(out, default=list))
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Filter:
        """The inverse of describe(): JSON values (lists, ISO text) back to a Filter."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"unknown filter keys {sorted(unknown)}; known: {sorted(known)}")
        kw: dict[str, Any] = {}
        for key, value in data.items():
            if key in ("start", "end") and value is not None:
                kw[key] = value if isinstance(value, datetime) else _iso(str(value))
            elif key in ("where", "variants", "follows"):
                kw[key] = tuple(tuple(str(x) for x in item) for item in value)
            elif key in ("min_duration_s", "max_duration_s"):
                kw[key] = None if value is None else float(value)
            elif key == "time_mode":
                kw[key] = value
            else:
                kw[key] = tuple(str(x) for x in value)
        return cls(**kw)

    def case_ids_sql(self, log: str) -> tuple[str, list[Any]]:
        """SQL selecting the kept case ids of `log`, and its parameters in order."""
        parts: list[str] = []
        params: list[Any] = [log]
        for sql, values in self._predicates():
            parts.append(sql)
            params.extend(log if v is _LOG else v for v in values)
        where = "".join(f" AND {p}" for p in parts)
        return f"SELECT c.case_id FROM cases c WHERE c.log = ?{where}", params

    # ---- one predicate per kind, each over the case `c` --------------------------------------

    def _predicates(self) -> list[tuple[str, list[Any]]]:
        out: list[tuple[str, list[Any]]] = []
        if self.start or self.end:
            out.append(self._time_window())
        for key, value in self.where:
            out.append(("json_extract_string(c.attributes, ?) = ?", [_json_path(key), str(value)]))
        for act in self.with_activity:
            out.append(("array_contains(c.variant, ?)", [act]))
        for act in self.without_activity:
            out.append(("NOT array_contains(c.variant, ?)", [act]))
        if self.start_activity:
            out.append((f"c.variant[1] IN ({_marks(self.start_activity)})", [*self.start_activity]))
        if self.end_activity:
            out.append(
                (
                    f"c.variant[array_length(c.variant)] IN ({_marks(self.end_activity)})",
                    [*self.end_activity],
                )
            )
        if self.variants:
            out.append(_variants(self.variants))
        if self.min_duration_s is not None or self.max_duration_s is not None:
            out.append(self._duration())
        if self.resources:
            out.append(
                (_exists(f"i.resource IN ({_marks(self.resources)})"), [_LOG, *self.resources])
            )
        if self.departments:
            out.append(
                (
                    _exists(f"i.department IN ({_marks(self.departments)})"),
                    [_LOG, *self.departments],
                )
            )
        out.extend(_follows(a, b) for a, b in self.follows)
        return out

    def _time_window(self) -> tuple[str, list[Any]]:
        first, last = "c.first_ts", "c.last_ts"
        lower = {"intersecting": last, "started": first, "completed": last, "contained": first}
        upper = {"intersecting": first, "started": first, "completed": last, "contained": last}
        conds: list[str] = []
        params: list[Any] = []
        if self.start is not None:
            conds.append(f"{lower[self.time_mode]} >= ?")
            params.append(self.start)
        if self.end is not None:
            conds.append(f"{upper[self.time_mode]} < ?")
            params.append(self.end)
        return " AND ".join(conds), params

    def _duration(self) -> tuple[str, list[Any]]:
        dur = "(epoch_us(c.last_ts) - epoch_us(c.first_ts)) / 1e6"
        conds: list[str] = []
        params: list[Any] = []
        if self.min_duration_s is not None:
            conds.append(f"{dur} >= ?")
            params.append(float(self.min_duration_s))
        if self.max_duration_s is not None:
            conds.append(f"{dur} <= ?")
            params.append(float(self.max_duration_s))
        return " AND ".join(conds), params


def _iso(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"'{text}' is not an ISO date/time such as 2024-01-31") from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _marks(values: tuple[Any, ...]) -> str:
    return ", ".join("?" for _ in values)


def _json_path(key: str) -> str:
    """A JSON path naming one top-level key, quoted so any key text is taken literally."""
    return "$." + json.dumps(key, ensure_ascii=False)


def _exists(cond: str) -> str:
    return f"c.case_id IN (SELECT i.case_id FROM activity_instances i WHERE i.log = ? AND {cond})"


def _variants(variants: tuple[tuple[str, ...], ...]) -> tuple[str, list[Any]]:
    wanted = " OR ".join("c.variant = ?" for _ in variants)
    return f"c.instances > 0 AND ({wanted})", [list(v) for v in variants]


def _follows(a: str, b: str) -> tuple[str, list[Any]]:
    sql = (
        "c.case_id IN (SELECT i.case_id FROM activity_instances i JOIN activity_instances j"
        " ON j.log = i.log AND j.case_id = i.case_id AND j.seq = i.seq + 1"
        " WHERE i.log = ? AND i.activity = ? AND j.activity = ?)"
    )
    return sql, [_LOG, a, b]


#: a case attribute with more distinct values than this is an identifier or a measure, not a
#: category to filter by (the OA log's `process` has 3, `department` 6; `applicant` hundreds)
MAX_ATTRIBUTE_VALUES = 30


def case_attribute_values(
    con: Any, log: str, max_values: int = MAX_ATTRIBUTE_VALUES
) -> list[tuple[str, str, int]]:
    """(key, value, cases) of the log's case attributes that take 2 to `max_values` values, by
    key and value: what `Filter.where` can select (a value as the filter compares it, text).
    DuckDB only (`json_each`)."""
    rows = con.execute(
        """
        WITH kv AS (
            SELECT e.key, json_extract_string(e.value, '$') AS value, count(*) AS cases
            FROM cases c, json_each(c.attributes) e
            WHERE c.log = ? AND e.type NOT IN ('OBJECT', 'ARRAY', 'NULL')
            GROUP BY ALL)
        SELECT key, value, cases FROM kv
        WHERE key IN (SELECT key FROM kv GROUP BY key HAVING count(*) BETWEEN 2 AND ?)
        ORDER BY key, value
        """,
        [log, max_values],
    ).fetchall()
    return [(str(k), str(v), int(n)) for k, v, n in rows]
