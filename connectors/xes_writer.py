"""Export one log of the store as XES (UTF-8, optionally gzipped), streamed from DuckDB.

Every case becomes a trace (cases without events too) with its case attributes. An activity
instance with a start time becomes two events, lifecycle `start` and `complete`, so reading the
file back pairs them again; other stored rows (schedule, ...) are written as they are.
Timestamps are written in UTC with milliseconds (microseconds when they are not whole ms) and
an explicit offset. Event attributes keep their type (int, float, boolean, date, string, list,
container) and meta-attributes.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import quoteattr

import duckdb

from connectors.xes_values import ITEM, META, REPEATED
from proclens.columns import START_TRANSITIONS

_ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$")
_TS = (
    "CASE WHEN microsecond({0}) % 1000 = 0"
    " THEN strftime({0}::TIMESTAMP, '%Y-%m-%dT%H:%M:%S.%g')"
    " ELSE strftime({0}::TIMESTAMP, '%Y-%m-%dT%H:%M:%S.%f') END || '+00:00'"
)
_STARTS = ", ".join(f"'{t}'" for t in START_TRANSITIONS)

ROWS_SQL = f"""
WITH ev AS (
    SELECT case_id, activity, start_ts AS t, 'start' AS lifecycle, resource, department,
           instance_id, event_index, 0 AS sub, NULL::JSON AS attributes
    FROM events
    WHERE log = $log AND start_ts IS NOT NULL
      AND coalesce(lower(lifecycle), 'complete') NOT IN ({_STARTS})
    UNION ALL
    SELECT case_id, activity, ts, coalesce(lifecycle,
               CASE WHEN start_ts IS NOT NULL THEN 'complete' END),
           resource, department, instance_id, event_index, 1, attributes
    FROM events WHERE log = $log
)
SELECT c.case_id, c.attributes::VARCHAR AS case_attributes, ev.activity,
       {_TS.format("ev.t")} AS t, ev.lifecycle, ev.resource, ev.department, ev.instance_id,
       ev.attributes::VARCHAR AS attributes
FROM cases c LEFT JOIN ev ON ev.case_id = c.case_id
WHERE c.log = $log
ORDER BY c.case_id, ev.t, ev.event_index, ev.sub
"""

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="2.0" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
"""


def attribute_xml(key: str, value: Any, meta: dict[str, Any] | None = None) -> str:
    """One typed XES attribute element (with meta-attributes as children).

    A value marked `@repeated` becomes one sibling element per value; a list marked
    `@item` writes its items under that key (see connectors.xes_values).
    """
    if isinstance(value, dict) and "@value" in value:
        return attribute_xml(key, value["@value"], value.get(META))
    meta = meta or {}
    if meta.get(REPEATED) and isinstance(value, list):
        return "".join(attribute_xml(key, v) for v in value)
    k = quoteattr(key)
    children = "".join(attribute_xml(mk, mv) for mk, mv in meta.items() if mk != ITEM)
    if isinstance(value, dict):
        inner = "".join(attribute_xml(ck, cv) for ck, cv in value.items())
        return f"<container key={k}>{inner}{children}</container>"
    if isinstance(value, list):
        item_key = meta.get(ITEM)
        items = "".join(
            attribute_xml(str(item_key), item) if item_key is not None else _list_item(key, item)
            for item in value
        )
        return f"<list key={k}><values>{items}</values>{children}</list>"
    tag, text = _scalar(value)
    if children:
        return f"<{tag} key={k} value={quoteattr(text)}>{children}</{tag}>"
    return f"<{tag} key={k} value={quoteattr(text)}/>"


def _list_item(list_key: str, item: Any) -> str:
    """An item of a list without `@item` (its items have different keys, or older data)."""
    if isinstance(item, dict) and len(item) == 1 and "@value" not in item:
        ((k, v),) = item.items()
        return attribute_xml(k, v)
    return attribute_xml(list_key, item)


def _scalar(value: Any) -> tuple[str, str]:
    if isinstance(value, bool):
        return "boolean", "true" if value else "false"
    if isinstance(value, int):
        return "int", str(value)
    if isinstance(value, float):
        return "float", repr(value)
    text = "" if value is None else str(value)
    return ("date" if _ISO_DATE.match(text) else "string"), text


def _attributes(text: str | None, skip: tuple[str, ...] = ()) -> str:
    if not text:
        return ""
    data = json.loads(text)
    meta = data.pop(META, {}) or {}
    return "".join(
        attribute_xml(k, v, meta.get(k)) for k, v in data.items() if k not in skip and v is not None
    )


def _string(key: str, value: Any) -> str:
    return f"<string key={quoteattr(key)} value={quoteattr(str(value))}/>"


def _event_xml(row: dict[str, Any]) -> str:
    parts = [_string("concept:name", row["activity"])]
    parts.append(f'<date key="time:timestamp" value="{row["t"]}"/>')
    for key, col in (("lifecycle:transition", "lifecycle"), ("org:resource", "resource"),
                     ("org:group", "department"), ("concept:instance", "instance_id")):  # fmt: skip
        if row[col] is not None:
            parts.append(_string(key, row[col]))
    parts.append(_attributes(row["attributes"]))
    return "    <event>" + "".join(parts) + "</event>\n"


def _rows(con: duckdb.DuckDBPyConnection, log: str) -> Iterator[dict[str, Any]]:
    reader: Any = con.sql(ROWS_SQL, params={"log": log}).to_arrow_reader(20_000)
    for batch in reader:
        yield from batch.to_pylist()


def _log_header(con: duckdb.DuckDBPyConnection, log: str) -> str:
    found = con.execute("SELECT attributes::VARCHAR FROM logs WHERE log = ?", [log]).fetchall()
    stored = json.loads(found[0][0]) if found and found[0][0] else {}
    parts = []
    for c in stored.get("classifiers", []):
        keys = " ".join(f"'{k}'" if " " in k else k for k in c.get("keys", []))
        parts.append(
            f"  <classifier name={quoteattr(str(c.get('name')))} keys={quoteattr(keys)}/>\n"
        )
    attrs = stored.get("attributes") or {}
    if attrs:
        parts.append("  " + _attributes(json.dumps(attrs)) + "\n")
    return "".join(parts)


def write_xes(con: duckdb.DuckDBPyConnection, log: str, out: Path) -> tuple[int, int]:
    """Write `log` to `out` (.xes or .xes.gz); returns (traces, events) written."""
    opener: Any = gzip.open if out.name.lower().endswith(".gz") else open
    traces = events = 0
    with opener(out, "wt", encoding="utf-8", newline="\n") as fh:
        fh.write(HEADER + _log_header(con, log))
        current: str | None = None
        for row in _rows(con, log):
            if row["case_id"] != current:
                if current is not None:
                    fh.write("  </trace>\n")
                current = row["case_id"]
                traces += 1
                _write_trace_head(fh, row)
            if row["activity"] is not None:
                fh.write(_event_xml(row))
                events += 1
        if current is not None:
            fh.write("  </trace>\n")
        fh.write("</log>\n")
    return traces, events


def _write_trace_head(fh: IO[str], row: dict[str, Any]) -> None:
    name = _string("concept:name", row["case_id"])
    fh.write(f"  <trace>{name}{_attributes(row['case_attributes'], ('concept:name',))}\n")
