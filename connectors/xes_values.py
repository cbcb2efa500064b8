"""XES attribute elements -> typed JSON values, and XES dates -> time-zone aware datetimes.

Typing (what `events.attributes` / `cases.attributes` hold):
- string, id -> JSON string; date -> the ISO text as written; int -> number (integer);
  float -> number; boolean -> true/false (a non-finite float or an unparsable number is kept
  as its text rather than dropped);
- list -> JSON array: the item values when every item has the same key (`tag`, `tag`; that key
  is kept as the list's meta `"@item": "tag"`), else one `{key: value}` object per item, so
  nothing is lost or overwritten;
- container -> JSON object;
- a key given more than once at one level (siblings in a trace, event, container or among
  meta-attributes) -> the array of all its values, in order, marked with meta
  `"@repeated": true`, so the XES writer writes the siblings back as they were;
- meta-attributes (children of a simple attribute) do not change the value's type: at the top
  level they go to `attributes["@meta"][key]`; inside a list/container the value becomes
  `{"@value": v, "@meta": {...}}`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from connectors.base import ColumnLists, RejectedRow
from connectors.zones import time_zone

META = "@meta"
#: meta of a list whose items all have one key: that key
ITEM = "@item"
#: meta of a key given more than once at one level: its value is the array of all values
REPEATED = "@repeated"

_LOCAL: dict[str, str] = {}


def local_name(tag: Any) -> str:
    """Tag without its namespace (cached: XES files use a handful of tags)."""
    if not isinstance(tag, str):  # comments, processing instructions
        return ""
    name = _LOCAL.get(tag)
    if name is None:
        name = tag[tag.rfind("}") + 1 :]
        _LOCAL[tag] = name
    return name


def _int(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        return text


def _float(text: str) -> Any:
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def _bool(text: str) -> Any:
    low = text.strip().lower()
    if low in ("true", "1"):
        return True
    if low in ("false", "0"):
        return False
    return text


def _text(text: str) -> Any:
    return text


SCALARS: dict[str, Callable[[str], Any]] = {
    "string": _text,
    "id": _text,
    "date": _text,
    "int": _int,
    "float": _float,
    "boolean": _bool,
}


def typed_value(elem: Any) -> tuple[Any, dict[str, Any] | None]:
    """(value, meta-attributes or None) of one XES attribute element."""
    kind = local_name(elem.tag)
    if kind == "list":
        return _list_value(elem)
    if kind == "container":
        return _container(elem), None
    convert = SCALARS.get(kind, _text)
    raw = elem.get("value")
    value = None if raw is None else convert(raw)
    meta = _container(elem) if len(elem) else None
    return value, meta


def nested_value(elem: Any) -> Any:
    """A value inside a list/container: meta-attributes wrap it instead of being dropped."""
    value, meta = typed_value(elem)
    return wrap(value, meta)


def wrap(value: Any, meta: dict[str, Any] | None) -> Any:
    return {"@value": value, META: meta} if meta else value


def _container(elem: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in elem:
        key = child.get("key")
        if key is not None:
            _add_nested(out, key, nested_value(child))
    return out


def _add_nested(out: dict[str, Any], key: str, value: Any) -> None:
    """Add a child value; a key seen before becomes (or grows) a marked array of values."""
    if key not in out:
        out[key] = value
        return
    prev = out[key]
    if isinstance(prev, dict) and (prev.get(META) or {}).get(REPEATED):
        prev["@value"].append(value)
    else:
        out[key] = {"@value": [prev, value], META: {REPEATED: True}}


def _list_value(elem: Any) -> tuple[list[Any], dict[str, Any] | None]:
    items: list[tuple[str | None, Any]] = []
    meta: dict[str, Any] = {}
    for child in elem:
        if local_name(child.tag) == "values":
            items.extend((item.get("key"), nested_value(item)) for item in child)
        elif child.get("key") is not None:
            _add_nested(meta, child.get("key"), nested_value(child))
    keys = {k for k, _ in items}
    if len(keys) > 1:
        return [{k: v} for k, v in items], meta or None
    (key,) = keys or {None}
    if key is not None:
        meta[ITEM] = key
    return [v for _, v in items], meta or None


def put(attrs: dict[str, Any], key: str, elem: Any) -> None:
    """Store attribute element `elem` under `key` in a top-level attribute dict.

    A key given twice keeps both: the values (each wrapped with its own meta-attributes) go
    into an array and the key's meta says `"@repeated": true`.
    """
    value, meta = typed_value(elem)
    metas = attrs.get(META) or {}
    if key in attrs:
        before = metas.get(key)
        if before and before.get(REPEATED):
            attrs[key].append(wrap(value, meta))
        else:
            attrs[key] = [wrap(attrs[key], before), wrap(value, meta)]
            attrs.setdefault(META, {})[key] = {REPEATED: True}
        return
    attrs[key] = value
    if meta:
        attrs.setdefault(META, {})[key] = meta


# ---- timestamps ---------------------------------------------------------------------------


def parse_timestamp(text: str, tz: tzinfo) -> datetime | None:
    """An XES date (ISO 8601) -> the instant in UTC, or None when it does not parse.

    Offsets with or without colon (`+02:00`, `-0400`), `Z` or `z`, with or without fractional
    seconds (digits beyond microseconds are cut). A date without an offset is local time in
    `tz`: a local time repeated by a daylight-saving change is its first occurrence, one skipped
    by it is moved forward to the change (as for tabular files, connectors.timestamps).
    """
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        cleaned = text.strip()
        if cleaned[-1:] == "z":
            cleaned = cleaned[:-1] + "Z"
        try:
            value = datetime.fromisoformat(cleaned)
        except ValueError:
            return None
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    return value.replace(tzinfo=UTC) if tz is UTC else _local(value, tz)


def _local(naive: datetime, tz: tzinfo) -> datetime:
    """A wall-clock time in `tz` as the instant in UTC: a time the clocks pass twice is the
    first one (fold 0); a time they skip is the instant they moved (pandas' shift_forward)."""
    instant = naive.replace(tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) == naive:
        return instant
    # skipped: fold 1 reads it with the offset after the change, fold 0 with the one before,
    # so the change lies between the two instants; zone changes fall on whole seconds
    before, after = naive.replace(tzinfo=tz, fold=1).astimezone(UTC), instant
    offset = after.astimezone(tz).utcoffset()
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) // 2
        if middle.astimezone(tz).utcoffset() == offset:
            after = middle
        else:
            before = middle
    return after.replace(microsecond=0)


def events_from_columns(
    cols: dict[str, list[Any]], tz: str, rejected: list[RejectedRow]
) -> ColumnLists:
    """Column lists -> EVENT_COLUMNS lists; rows whose timestamp does not parse are rejected."""
    zone = time_zone(tz)
    ts = [parse_timestamp(text, zone) for text in cols["ts"]]
    keep = [c for c in cols if c not in ("ts", "trace_no", "event_no")]
    bad = [i for i, value in enumerate(ts) if value is None]
    if not bad:
        return ColumnLists({**{c: cols[c] for c in keep}, "ts": ts})
    for i in bad:
        rejected.append(
            RejectedRow(
                f"trace {cols['trace_no'][i]} event {cols['event_no'][i]}",
                f"{cols['activity'][i]} @ {cols['ts'][i]}",
                f"unparsable timestamp {cols['ts'][i]!r} (expected ISO 8601, e.g. "
                "2024-05-01T09:30:00.000+02:00)",
            )
        )
    good = [i for i, value in enumerate(ts) if value is not None]
    columns = {c: [cols[c][i] for i in good] for c in keep}
    return ColumnLists({**columns, "ts": [ts[i] for i in good]})
