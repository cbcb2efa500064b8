"""An object-centric event log (OCEL 2.0) held in memory while it is read, in store order.

The three readers (JSON, XML, SQLite) fill an `OcelLog`; `tables()` turns it into Arrow tables
shaped like the `ocel_*` tables of proclens/schema.sql (without the `log` column).

Object attributes: the first value of each attribute (by time, then source order) is the
object's attribute; every later value is a change with its time (`ocel_object_changes`), so
the history of an attribute is the initial value followed by its changes. This is the same
split pm4py makes (`ocel.objects` / `ocel.object_changes`) and the same for every format.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa

from connectors.arrow_tables import UTC_TS
from connectors.base import to_json
from proclens.errors import SourceError

UTC = ZoneInfo("UTC")


def parse_time(text: Any, tz: str, where: str) -> datetime:
    """ISO 8601 text (offset or `Z` respected; naive text is in `tz`) -> aware datetime."""
    if isinstance(text, datetime):
        value = text
    else:
        raw = str(text).strip()
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            value = _parse_slow(raw, where)
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(tz))
    return value.astimezone(UTC)


def _parse_slow(raw: str, where: str) -> datetime:
    import pandas as pd

    try:
        stamp = pd.Timestamp(raw)
    except (ValueError, TypeError) as exc:
        raise SourceError(
            f"{where}: timestamp {raw!r} is not ISO 8601; fix the file "
            "(OCEL 2.0 times look like 2025-04-01T08:00:00Z)"
        ) from exc
    if pd.isna(stamp):
        raise SourceError(f"{where}: empty timestamp; every OCEL event needs a time")
    return stamp.to_pydatetime()


@dataclass
class _Timed:
    time: datetime | None  # None: no time given (initial value)
    position: int
    value: Any


@dataclass
class OcelLog:
    """Events, objects, relations and type declarations of one object-centric log."""

    source_format: str
    event_types: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> attr -> type
    object_types: dict[str, dict[str, str]] = field(default_factory=dict)
    event_ids: list[str] = field(default_factory=list)
    event_type: list[str] = field(default_factory=list)
    event_time: list[datetime] = field(default_factory=list)
    event_attrs: list[str | None] = field(default_factory=list)
    object_ids: list[str] = field(default_factory=list)
    object_type: list[str] = field(default_factory=list)
    object_attrs: list[str | None] = field(default_factory=list)
    object_attr_times: list[str | None] = field(default_factory=list)
    changes: list[tuple[str, str, str, datetime]] = field(default_factory=list)
    e2o: list[tuple[str, str, str | None]] = field(default_factory=list)
    o2o: list[tuple[str, str, str | None]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _seen_events: set[str] = field(default_factory=set)
    _seen_objects: set[str] = field(default_factory=set)

    def add_event(
        self, event_id: str, event_type: str, time: datetime, attrs: dict[str, Any]
    ) -> None:
        if event_id in self._seen_events:
            raise SourceError(
                f"event id {event_id!r} occurs twice; OCEL 2.0 event ids must be unique"
            )
        self._seen_events.add(event_id)
        self.event_ids.append(event_id)
        self.event_type.append(event_type)
        self.event_time.append(time)
        self.event_attrs.append(to_json(attrs) if attrs else None)

    def add_object(
        self,
        object_id: str,
        object_type: str,
        values: Sequence[tuple[str, datetime | None, Any]],
    ) -> None:
        """`values`: (attribute, time or None, value) in source order."""
        if object_id in self._seen_objects:
            raise SourceError(
                f"object id {object_id!r} occurs twice; OCEL 2.0 object ids must be unique"
            )
        self._seen_objects.add(object_id)
        by_name: dict[str, list[_Timed]] = {}
        for pos, (name, time, value) in enumerate(values):
            by_name.setdefault(name, []).append(_Timed(time, pos, value))
        initial: dict[str, Any] = {}
        since: dict[str, datetime] = {}
        for name, timed in by_name.items():
            timed.sort(key=lambda t: (t.time is not None, t.time or datetime.min, t.position))
            initial[name] = timed[0].value
            first_time = timed[0].time
            if first_time is not None and first_time.year > 1970:
                since[name] = first_time
            for later in timed[1:]:
                if later.time is None:
                    continue  # a second untimed value says nothing new about history
                self.changes.append((object_id, name, _json_value(later.value), later.time))
        self.object_ids.append(object_id)
        self.object_type.append(object_type)
        self.object_attrs.append(to_json(initial) if initial else None)
        self.object_attr_times.append(to_json(since) if since else None)

    def add_change(self, object_id: str, name: str, value: Any, time: datetime) -> None:
        self.changes.append((object_id, name, _json_value(value), time))

    # ---- checks and output ----------------------------------------------------------------
    def check_relations(self) -> None:
        """Relations that name unknown events or objects are kept but reported."""
        objects = self._seen_objects
        bad_e2o = sum(1 for e, o, _ in self.e2o if o not in objects or e not in self._seen_events)
        bad_o2o = sum(1 for s, t, _ in self.o2o if s not in objects or t not in objects)
        if bad_e2o:
            self.warnings.append(f"{bad_e2o} event-to-object relations name unknown ids")
        if bad_o2o:
            self.warnings.append(f"{bad_o2o} object-to-object relations name unknown objects")

    def tables(self) -> dict[str, pa.Table]:
        """Arrow tables named and shaped like the store's ocel_* tables, minus `log`."""
        s = pa.string()
        changes: list[Any] = list(zip(*self.changes, strict=True)) or [[], [], [], []]
        e2o: list[Any] = list(zip(*self.e2o, strict=True)) or [[], [], []]
        o2o: list[Any] = list(zip(*self.o2o, strict=True)) or [[], [], []]
        return {
            "ocel_events": pa.table(
                {
                    "event_id": pa.array(self.event_ids, s),
                    "event_type": pa.array(self.event_type, s),
                    "ts": pa.array(self.event_time, UTC_TS),
                    "attributes": pa.array(self.event_attrs, s),
                }
            ),
            "ocel_objects": pa.table(
                {
                    "object_id": pa.array(self.object_ids, s),
                    "object_type": pa.array(self.object_type, s),
                    "attributes": pa.array(self.object_attrs, s),
                    "attribute_times": pa.array(self.object_attr_times, s),
                }
            ),
            "ocel_object_changes": pa.table(
                {
                    "object_id": pa.array(changes[0], s),
                    "attribute": pa.array(changes[1], s),
                    "value": pa.array(changes[2], s),
                    "ts": pa.array(changes[3], UTC_TS),
                }
            ),
            "ocel_e2o": pa.table(
                {
                    n: pa.array(c, s)
                    for n, c in zip(("event_id", "object_id", "qualifier"), e2o, strict=True)
                }
            ),
            "ocel_o2o": pa.table(
                {
                    n: pa.array(c, s)
                    for n, c in zip(
                        ("source_object", "target_object", "qualifier"), o2o, strict=True
                    )
                }
            ),
        }

    def type_declarations(self) -> dict[str, Any]:
        return {"event_types": self.event_types, "object_types": self.object_types}


def _json_value(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def typed_value(text: str | None, declared: str | None) -> Any:
    """Text of an XML attribute -> Python value by its declared OCEL type."""
    if text is None:
        return None
    kind = (declared or "string").lower()
    try:
        if kind in ("integer", "int"):
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "boolean":
            return text.strip().lower() in ("true", "1")
    except ValueError:
        return text
    return text
