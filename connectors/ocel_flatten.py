"""Flattening: one ordinary log per object type, one case per object.

A case holds every event related to its object (once, even when the event names the object
with several qualifiers), in time order; ties keep the order of the events in the file. The
same event can sit in several cases of one flattened log (convergence). Objects that no event
names have no case (as in pm4py's `ocel_flattening`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from connectors.arrow_tables import EVENT_SCHEMA
from connectors.base import Batch, Mapping

FLAT_MAPPING = Mapping(
    case="object id", activity="event type", timestamp="event time", event_key="event id"
)

_EVENTS_SQL = """
SELECT r.object_id AS case_id, e.event_type AS activity, e.ts, e.event_id AS event_key,
       e.attributes,
       (row_number() OVER (ORDER BY o.pos, e.ts, e.pos) - 1)::BIGINT AS event_index
FROM (SELECT DISTINCT event_id, object_id FROM e2o) r
JOIN obj o ON o.object_id = r.object_id AND o.object_type = $type
JOIN ev e ON e.event_id = r.event_id
ORDER BY o.pos, e.ts, e.pos
"""

_CASES_SQL = """
SELECT object_id AS case_id, attributes FROM obj
WHERE object_type = $type
  AND object_id IN (SELECT object_id FROM e2o JOIN ev USING (event_id))
ORDER BY pos
"""


@dataclass
class FlatSource:
    """The flattened log of one object type, as an ordinary connector Source."""

    location: str
    events: pa.Table
    cases: pa.Table
    log_attributes: dict[str, Any]
    batch_size: int = 50_000
    kind: str = "ocel"
    position_unit: str = "event"

    def batches(self) -> Iterator[Batch]:
        yield Batch(cases=self.cases)
        for start in range(0, self.events.num_rows, self.batch_size):
            chunk = self.events.slice(start, self.batch_size)
            yield Batch(events=chunk, rows_read=chunk.num_rows)

    def mapping_json(self) -> dict[str, Any] | None:
        return FLAT_MAPPING.to_json()

    def details(self) -> dict[str, Any]:
        return {"object_type": self.log_attributes["object_type"]}

    def total_size(self) -> int | None:
        return None


def flatten(
    tables: dict[str, pa.Table], object_types: list[str], location: str
) -> dict[str, FlatSource]:
    """object type -> its flattened log, for every type in `object_types`."""
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("ev", _with_position(tables["ocel_events"]))
        con.register("obj", _with_position(tables["ocel_objects"]))
        con.register("e2o", tables["ocel_e2o"])
        out: dict[str, FlatSource] = {}
        for otype in object_types:
            events = con.sql(_EVENTS_SQL, params={"type": otype}).to_arrow_table()
            cases = con.sql(_CASES_SQL, params={"type": otype}).to_arrow_table()
            out[otype] = FlatSource(
                location=location,
                events=_as_event_schema(events),
                cases=cases,
                log_attributes={"object_type": otype},
            )
        return out
    finally:
        con.close()


def _with_position(table: pa.Table) -> pa.Table:
    return table.append_column("pos", pa.array(range(table.num_rows), type=pa.int64()))


def _as_event_schema(table: pa.Table) -> pa.Table:
    n = table.num_rows
    arrays = [
        table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(n, f.type)
        for f in EVENT_SCHEMA
    ]
    return pa.Table.from_arrays(arrays, schema=EVENT_SCHEMA)
