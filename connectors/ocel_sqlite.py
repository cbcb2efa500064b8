"""OCEL 2.0 SQLite -> OcelLog.

The standard's layout: `event` / `object` (id, type), `event_object`, `object_object`, and one
table per type named `event_<map>` / `object_<map>` where `<map>` comes from `event_map_type`
/ `object_map_type` (type names need not be valid identifiers: 付款 may map to `Type`).
Object-type tables hold one row per object with its initial values (`ocel_changed_field`
empty) and one row per change (`ocel_changed_field` names the attribute, `ocel_time` says when).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from connectors.ocel_model import OcelLog, parse_time
from proclens.errors import SourceError

REQUIRED = ("event", "object", "event_object", "object_object", "event_map_type",
            "object_map_type")  # fmt: skip
_EPOCH_PREFIX = "1970-01-01"


def sqlite_tables(path: Path) -> list[str]:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
            return [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    except sqlite3.DatabaseError as exc:
        raise SourceError(f"{path}: not a readable SQLite database ({exc})") from exc


def read_ocel2_sqlite(path: Path, tz: str) -> OcelLog:
    log = OcelLog("ocel2-sqlite")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        event_maps = _type_map(con, "event")
        object_maps = _type_map(con, "object")
        tables = set(sqlite_tables(path))
        _read_objects(con, log, object_maps, tables, tz)
        _read_events(con, log, event_maps, tables, tz)
        log.e2o = [
            (str(e), str(o), q)
            for e, o, q in con.execute(
                "SELECT ocel_event_id, ocel_object_id, ocel_qualifier FROM event_object"
                " ORDER BY rowid"
            )
        ]
        log.o2o = [
            (str(s), str(t), q)
            for s, t, q in con.execute(
                "SELECT ocel_source_id, ocel_target_id, ocel_qualifier FROM object_object"
                " ORDER BY rowid"
            )
        ]
    except sqlite3.DatabaseError as exc:
        raise SourceError(f"{path}: cannot read the OCEL 2.0 tables ({exc})") from exc
    finally:
        con.close()
    log.check_relations()
    return log


def _type_map(con: sqlite3.Connection, kind: str) -> dict[str, str]:
    rows = con.execute(f"SELECT ocel_type, ocel_type_map FROM {kind}_map_type").fetchall()
    return {str(t): str(m) for t, m in rows}


def _type_table(kind: str, type_name: str, maps: dict[str, str], tables: set[str]) -> str:
    if type_name not in maps:
        raise SourceError(
            f"{kind} type {type_name!r} (in table '{kind}') has no row in {kind}_map_type; "
            f"the map lists {sorted(maps)}; fix the file so every type is mapped"
        )
    table = f"{kind}_{maps[type_name]}"
    if table not in tables:
        raise SourceError(
            f"{kind} type {type_name!r} maps to table '{table}', which the file does not have"
        )
    return table


def _columns(con: sqlite3.Connection, table: str) -> tuple[list[str], dict[str, str]]:
    info = con.execute(f'PRAGMA table_info("{table}")').fetchall()
    names = [str(r[1]) for r in info]
    return names, {str(r[1]): str(r[2]).upper() for r in info}


def _attr_columns(names: list[str]) -> list[str]:
    return [n for n in names if not n.startswith(("ocel_", "ocel:"))]


def _read_events(
    con: sqlite3.Connection, log: OcelLog, maps: dict[str, str], tables: set[str], tz: str
) -> None:
    by_type: dict[str, dict[str, tuple[Any, dict[str, Any]]]] = {}
    for type_name in sorted(maps):
        table = f"event_{maps[type_name]}"
        if table not in tables:
            continue
        names, types = _columns(con, table)
        attrs = _attr_columns(names)
        log.event_types[type_name] = {a: _ocel_type(types[a]) for a in attrs}
        cols = ", ".join(f'"{c}"' for c in ["ocel_id", "ocel_time", *attrs])
        rows: dict[str, tuple[Any, dict[str, Any]]] = {}
        for row in con.execute(f'SELECT {cols} FROM "{table}"'):
            values = {a: v for a, v in zip(attrs, row[2:], strict=True) if v is not None}
            rows[str(row[0])] = (row[1], values)
        by_type[type_name] = rows
    for eid, etype in con.execute("SELECT ocel_id, ocel_type FROM event ORDER BY rowid"):
        _type_table("event", str(etype), maps, tables)
        found = by_type[str(etype)].get(str(eid))
        if found is None:
            raise SourceError(
                f"event {eid!r} of type {etype!r} has no row in its type table; "
                "its time is unknown, fix the file"
            )
        log.add_event(str(eid), str(etype), parse_time(found[0], tz, f"event {eid!r}"), found[1])


def _read_objects(
    con: sqlite3.Connection, log: OcelLog, maps: dict[str, str], tables: set[str], tz: str
) -> None:
    history: dict[str, list[tuple[str, Any, Any]]] = {}
    for type_name in sorted(maps):
        table = f"object_{maps[type_name]}"
        if table not in tables:
            continue
        names, types = _columns(con, table)
        attrs = _attr_columns(names)
        log.object_types[type_name] = {a: _ocel_type(types[a]) for a in attrs}
        time_col = '"ocel_time"' if "ocel_time" in names else "NULL"
        field_col = '"ocel_changed_field"' if "ocel_changed_field" in names else "NULL"
        cols = ", ".join(f'"{c}"' for c in attrs)
        sql = f'SELECT "ocel_id", {time_col}, {field_col}{", " + cols if cols else ""}'
        for row in con.execute(f'{sql} FROM "{table}" ORDER BY rowid'):
            oid, time, changed = str(row[0]), row[1], row[2]
            values = dict(zip(attrs, row[3:], strict=True))
            entries = history.setdefault(oid, [])
            if changed:
                for name in _changed_names(str(changed), attrs):
                    entries.append((name, time, values.get(name)))
            else:
                untimed = time is None or str(time).startswith(_EPOCH_PREFIX)
                stamp = None if untimed else time
                entries.extend((a, stamp, v) for a, v in values.items() if v is not None)
    for oid, otype in con.execute("SELECT ocel_id, ocel_type FROM object ORDER BY rowid"):
        _type_table("object", str(otype), maps, tables)
        where = f"object {oid!r}"
        timed = [
            (name, parse_time(t, tz, where) if t is not None else None, v)
            for name, t, v in history.get(str(oid), [])
        ]
        log.add_object(str(oid), str(otype), timed)


def _changed_names(changed: str, attrs: list[str]) -> list[str]:
    if changed in attrs:
        return [changed]
    return [n.strip() for n in changed.split(",") if n.strip() in attrs]


def _ocel_type(sql_type: str) -> str:
    if "INT" in sql_type:
        return "integer"
    if any(k in sql_type for k in ("REAL", "FLOA", "DOUB")):
        return "float"
    if "TIME" in sql_type or "DATE" in sql_type:
        return "time"
    return "string"
