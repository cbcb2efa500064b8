"""OCEL 2.0 JSON (and OCEL 1.0 JSON) -> OcelLog. Files are read as UTF-8, always."""

from __future__ import annotations

from typing import Any

from connectors.ocel_model import OcelLog, parse_time
from proclens.errors import SourceError

OCEL2_KEYS = frozenset({"objectTypes", "eventTypes", "objects", "events"})
OCEL1_KEYS = frozenset({"ocel:events", "ocel:objects"})


def is_ocel_json(data: Any) -> str | None:
    """'2.0', '1.0' or None for a parsed JSON document."""
    if isinstance(data, dict):
        if data.keys() >= OCEL2_KEYS:
            return "2.0"
        if data.keys() >= OCEL1_KEYS:
            return "1.0"
    return None


def read_ocel2_json(data: dict[str, Any], tz: str) -> OcelLog:
    log = OcelLog("ocel2-json")
    for kind, target in (("objectTypes", log.object_types), ("eventTypes", log.event_types)):
        for t in _list(data, kind):
            attrs = {a["name"]: a.get("type", "string") for a in t.get("attributes") or []}
            target[str(t["name"])] = attrs
    for n, obj in enumerate(_list(data, "objects")):
        where = f"object {n + 1} ({obj.get('id')!r})"
        oid = _text(obj, "id", where)
        values = [
            (
                str(a["name"]),
                _initial_or_time(a.get("time"), tz, where),
                a.get("value"),
            )
            for a in obj.get("attributes") or []
        ]
        log.add_object(oid, _text(obj, "type", where), values)
        for rel in obj.get("relationships") or []:
            log.o2o.append((oid, str(rel["objectId"]), rel.get("qualifier")))
    for n, ev in enumerate(_list(data, "events")):
        where = f"event {n + 1} ({ev.get('id')!r})"
        eid = _text(ev, "id", where)
        attrs = {str(a["name"]): a.get("value") for a in ev.get("attributes") or []}
        log.add_event(eid, _text(ev, "type", where), parse_time(ev.get("time"), tz, where), attrs)
        for rel in ev.get("relationships") or []:
            log.e2o.append((eid, str(rel["objectId"]), rel.get("qualifier")))
    log.check_relations()
    return log


def read_ocel1_json(data: dict[str, Any], tz: str) -> OcelLog:
    """OCEL 1.0: events and objects keyed by id; relations carry no qualifier."""
    log = OcelLog("ocel1-json")
    objects = data.get("ocel:objects") or {}
    for oid, obj in objects.items():
        otype = str(obj.get("ocel:type"))
        log.object_types.setdefault(otype, {})
        values = [(str(k), None, v) for k, v in (obj.get("ocel:ovmap") or {}).items()]
        log.add_object(str(oid), otype, values)
    for eid, ev in (data.get("ocel:events") or {}).items():
        where = f"event {eid!r}"
        activity = str(ev.get("ocel:activity"))
        log.event_types.setdefault(activity, {})
        time = parse_time(ev.get("ocel:timestamp"), tz, where)
        log.add_event(str(eid), activity, time, dict(ev.get("ocel:vmap") or {}))
        for oid in ev.get("ocel:omap") or []:
            log.e2o.append((str(eid), str(oid), None))
    log.check_relations()
    return log


def _initial_or_time(value: Any, tz: str, where: str) -> Any:
    if value in (None, ""):
        return None
    return parse_time(value, tz, where)


def _list(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise SourceError(f"OCEL 2.0 JSON: '{key}' must be a list, found {type(value).__name__}")
    return value


def _text(item: dict[str, Any], key: str, where: str) -> str:
    value = item.get(key)
    if value is None or value == "":
        kind = where.split(maxsplit=1)[0]
        raise SourceError(f"OCEL 2.0 JSON {where}: no '{key}'; every {kind} needs one")
    return str(value)
