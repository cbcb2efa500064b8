"""Export one log of the store as a flat CSV or Parquet file (one row per stored event).

Columns: the canonical ones under their pm4py/XES names (proclens.columns.XES_KEYS), then
`event_index` and `is_instance`, then one `case:<name>` column per case attribute and one
column per event attribute. Attribute columns are typed from the JSON values they hold: all
integers -> BIGINT, numbers -> DOUBLE, booleans -> BOOLEAN, otherwise text (lists and objects
as JSON text). Meta-attributes (`@meta`) are not exported flat; the XES export keeps them.
DuckDB's COPY streams the rows; nothing is pulled into Python.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from connectors.xes_values import META
from proclens.columns import CASE_PREFIX, XES_KEYS

_NUMERIC = {"BIGINT", "UBIGINT"}


def attribute_types(con: duckdb.DuckDBPyConnection, table: str, log: str) -> dict[str, str]:
    """attribute key -> SQL type for its column, from the JSON types stored under that key."""
    found = con.execute(
        f"""
        SELECT k, list(DISTINCT json_type(attributes, '$."' || replace(k, '"', '\\"') || '"'))
        FROM (SELECT attributes, unnest(json_keys(attributes)) AS k
              FROM {table} WHERE log = ? AND attributes IS NOT NULL)
        GROUP BY k ORDER BY min(k)
        """,
        [log],
    ).fetchall()
    return {
        k: _sql_type({t for t in kinds if t and t != "NULL"}) for k, kinds in found if k != META
    }


def _sql_type(kinds: set[str]) -> str:
    if kinds and kinds <= _NUMERIC:
        return "BIGINT"
    if kinds and kinds <= _NUMERIC | {"DOUBLE"}:
        return "DOUBLE"
    if kinds == {"BOOLEAN"}:
        return "BOOLEAN"
    if kinds == {"VARCHAR"} or not kinds:
        return "VARCHAR"
    return "JSON"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _extract(alias: str, key: str, sql_type: str) -> str:
    path = _literal('$."' + key.replace('"', '\\"') + '"')
    if sql_type == "JSON":
        return f"json_extract({alias}.attributes, {path})::VARCHAR"
    text = f"json_extract_string({alias}.attributes, {path})"
    return text if sql_type == "VARCHAR" else f"TRY_CAST({text} AS {sql_type})"


def flat_select(con: duckdb.DuckDBPyConnection, log: str) -> str:
    """The SELECT that produces the flat export of `log` (a literal log name, no parameters)."""
    canonical = [f"e.{col} AS {_quote(key)}" for col, key in XES_KEYS.items()]
    taken = {*XES_KEYS.values(), "event_index", "is_instance"}
    cols = [*canonical, "e.event_index", "e.is_instance"]
    for key, sql_type in attribute_types(con, "cases", log).items():
        name = CASE_PREFIX + key
        if name not in taken:
            taken.add(name)
            cols.append(f"{_extract('c', key, sql_type)} AS {_quote(name)}")
    for key, sql_type in attribute_types(con, "events", log).items():
        name = key if key not in taken else f"attr:{key}"
        taken.add(name)
        cols.append(f"{_extract('e', key, sql_type)} AS {_quote(name)}")
    return (
        f"SELECT {', '.join(cols)} FROM events e"
        f" LEFT JOIN cases c ON c.log = e.log AND c.case_id = e.case_id"
        f" WHERE e.log = {_literal(log)}"
        " ORDER BY e.case_id, coalesce(e.start_ts, e.ts), e.ts, e.event_index"
    )


def write_flat(con: duckdb.DuckDBPyConnection, log: str, out: Path, fmt: str) -> int:
    """COPY the flat export of `log` to `out` as csv or parquet; returns the rows written."""
    options = "FORMAT csv, HEADER true" if fmt == "csv" else "FORMAT parquet, COMPRESSION zstd"
    if fmt == "csv":
        options += ", TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%S.%f+00:00'"
    con.execute(f"COPY ({flat_select(con, log)}) TO {_literal(str(out))} ({options})")
    row = con.execute("SELECT count(*) FROM events WHERE log = ?", [log]).fetchone()
    return int(row[0]) if row else 0
