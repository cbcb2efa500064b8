"""XES attribute elements -> typed JSON values, and XES timestamps -> UTC instants in bulk.

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

import contextlib
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from connectors.base import UTC_TS, RejectedRow, arrow_array, events_table

if TYPE_CHECKING:
    import pandas as pd

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

_HAS_OFFSET = r"(?:[Zz]|[+-]\d\d(?::?\d\d)?)$"


def parse_timestamps(raw: Sequence[str], tz: str) -> pa.Array:
    """ISO 8601 texts -> timestamp[us, UTC]; unparsable -> null.

    Offsets with or without colon (`+02:00`, `-0400`), `Z`, with or without fractional
    seconds. Texts without an offset are local time in `tz`. Parsing is vectorised, not one
    datetime per event: Arrow's ISO 8601 cast when every text has an offset and it parses them
    all (the usual XES file; pandas is then never imported, which keeps `proclens ingest`
    small), else pandas' ISO parser, which also takes nanoseconds, lower-case `z`, naive texts
    and marks what does not parse as null.
    """
    if not raw:
        return pa.array([], type=UTC_TS)
    texts = arrow_array(raw, pa.string())
    aware = pc.match_substring_regex(texts, _HAS_OFFSET)
    if pc.all(aware).as_py():
        with contextlib.suppress(pa.ArrowInvalid):
            return texts.cast(UTC_TS)
    import pandas as pd

    if pc.all(aware).as_py():
        return _to_arrow(_iso(pd.Series(raw, dtype=object), utc=True))
    series = pd.Series(raw, dtype=object)
    mask = aware.to_pandas(zero_copy_only=False).to_numpy(dtype=bool)
    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns, UTC]")
    if mask.any():
        out[mask] = _iso(series[mask], utc=True)
    naive = _iso(series[~mask], utc=False)
    if not isinstance(naive.dtype, pd.DatetimeTZDtype):
        naive = naive.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    out[~mask] = naive.dt.tz_convert("UTC")
    return _to_arrow(out)


def _iso(series: pd.Series, *, utc: bool) -> pd.Series:
    import pandas as pd

    return pd.to_datetime(series, format="ISO8601", utc=utc, errors="coerce")


def _to_arrow(series: pd.Series) -> pa.Array:
    arr = pa.Array.from_pandas(series)
    return arr.cast(UTC_TS, safe=False)


def events_from_columns(
    cols: dict[str, list[Any]], tz: str, rejected: list[RejectedRow]
) -> pa.Table:
    """Column lists -> EVENT_SCHEMA table; rows whose timestamp does not parse are rejected."""
    ts = parse_timestamps(cols["ts"], tz)
    bad = ts.is_null()
    if pc.any(bad).as_py():
        for i in pc.indices_nonzero(bad).to_pylist():
            rejected.append(
                RejectedRow(
                    f"trace {cols['trace_no'][i]} event {cols['event_no'][i]}",
                    f"{cols['activity'][i]} @ {cols['ts'][i]}",
                    f"unparsable timestamp {cols['ts'][i]!r} (expected ISO 8601, e.g. "
                    "2024-05-01T09:30:00.000+02:00)",
                )
            )
    data = {c: v for c, v in cols.items() if c not in ("ts", "trace_no", "event_no")}
    table = events_table({**data, "ts": ts})
    return table.filter(pc.invert(bad)) if pc.any(bad).as_py() else table
