"""Object-centric figures of an OCEL log in the store: types, relations, flattened logs."""

from __future__ import annotations

from typing import Any

from analytics.engine import Engine, engine_for
from proclens.errors import LogNotFoundError
from proclens.store import EventStore


def ocel_log_names(store: EventStore | Engine) -> list[str]:
    return [str(r[0]) for r in engine_for(store).rows("SELECT log FROM ocel_logs ORDER BY log")]


def resolve_ocel_log(store: EventStore | Engine, name: str | None) -> str:
    """The OCEL log meant by `name` (its own name or one of its flattened logs)."""
    names = ocel_log_names(store)
    if name is None and len(names) == 1:
        return names[0]
    if name in names:
        return name
    if name and "/" in name and name.rsplit("/", 1)[0] in names:
        return name.rsplit("/", 1)[0]
    known = ", ".join(names) or "none (load one with 'proclens ingest FILE.jsonocel')"
    if name is None:
        raise LogNotFoundError(f"pick an object-centric log with --log: {known}")
    raise LogNotFoundError(f"no object-centric log named '{name}'; OCEL logs are: {known}")


def _counts(engine: Engine, sql: str, log: str) -> dict[str, int]:
    return {str(k): int(n) for k, n in engine.rows(sql, [log])}


def ocel_info(store: EventStore | Engine, log: str) -> dict[str, Any]:
    """Object types and event types with counts, relation counts, flattened logs."""
    engine = engine_for(store)
    source, fmt = engine.rows("SELECT source, source_format FROM ocel_logs WHERE log = ?", [log])[0]
    by = " GROUP BY 1 ORDER BY 2 DESC, 1"
    object_types = _counts(
        engine, f"SELECT object_type, count(*) FROM ocel_objects WHERE log = ?{by}", log
    )
    event_types = _counts(
        engine, f"SELECT event_type, count(*) FROM ocel_events WHERE log = ?{by}", log
    )
    e2o = _counts(
        engine, f"SELECT coalesce(qualifier, ''), count(*) FROM ocel_e2o WHERE log = ?{by}", log
    )
    o2o = _counts(
        engine, f"SELECT coalesce(qualifier, ''), count(*) FROM ocel_o2o WHERE log = ?{by}", log
    )
    changes = _counts(
        engine, f"SELECT attribute, count(*) FROM ocel_object_changes WHERE log = ?{by}", log
    )
    return {
        "log": log,
        "source": source,
        "format": fmt,
        "events": sum(event_types.values()),
        "objects": sum(object_types.values()),
        "object_types": object_types,
        "event_types": event_types,
        "relations": {
            "e2o": sum(e2o.values()),
            "o2o": sum(o2o.values()),
            "e2o_by_qualifier": e2o,
            "o2o_by_qualifier": o2o,
        },
        "object_changes": changes,
        "flattened_logs": flattened_logs(engine, log),
    }


def flattened_logs(engine: Engine, log: str) -> list[dict[str, Any]]:
    """Each "<log>/<type>" log: cases, events and convergence (events in several cases)."""
    rows = engine.rows(
        """
        SELECT l.log, l.cases, l.events,
               (SELECT count(*) FROM (SELECT event_key FROM events e
                 WHERE e.log = l.log AND e.event_key IS NOT NULL
                 GROUP BY event_key HAVING count(DISTINCT case_id) > 1)) AS convergence
        FROM logs l WHERE starts_with(l.log, ?) ORDER BY l.log
        """,
        [log + "/"],
    )
    return [
        {
            "log": str(name),
            "object_type": str(name)[len(log) + 1 :],
            "cases": int(cases),
            "events": int(events),
            "convergence": int(conv),
        }
        for name, cases, events, conv in rows
    ]


def attribute_history(
    store: EventStore | Engine, log: str, object_id: str, attribute: str
) -> list[tuple[Any, Any]]:
    """(time or None for the initial value, value) of one object attribute, oldest first."""
    engine = engine_for(store)
    return [
        (ts, value)
        for ts, value in engine.rows(
            """
            SELECT json_extract_string(attribute_times, '$."' || ? || '"')::TIMESTAMPTZ AS ts,
                   json_extract(attributes, '$."' || ? || '"') AS value
            FROM ocel_objects WHERE log = ? AND object_id = ?
              AND json_exists(attributes, '$."' || ? || '"')
            UNION ALL
            SELECT ts, value FROM ocel_object_changes
            WHERE log = ? AND object_id = ? AND attribute = ?
            ORDER BY ts NULLS FIRST
            """,
            [attribute, attribute, log, object_id, attribute, log, object_id, attribute],
        )
    ]
