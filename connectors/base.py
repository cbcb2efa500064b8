"""What every connector produces: batches of canonical events plus the mapping it used.

A connector is a class with `kind`, `location` and `batches()`; each batch carries an Arrow
table of events in EVENT_SCHEMA, optional case rows and the rows it had to reject (with the
reason). `proclens.loader` writes the batches into the store in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pyarrow as pa

from proclens.errors import MappingError

UTC_TS = pa.timestamp("us", tz="UTC")

EVENT_SCHEMA = pa.schema(
    [
        ("case_id", pa.string()),
        ("activity", pa.string()),
        ("ts", UTC_TS),
        ("start_ts", UTC_TS),
        ("resource", pa.string()),
        ("department", pa.string()),
        ("lifecycle", pa.string()),
        ("instance_id", pa.string()),
        ("event_index", pa.int64()),
        ("event_key", pa.string()),
        ("attributes", pa.string()),  # JSON object text
    ]
)

CASE_SCHEMA = pa.schema([("case_id", pa.string()), ("attributes", pa.string())])


@dataclass(frozen=True)
class RejectedRow:
    position: str  # "row 17", "trace 3 event 2"
    raw: str
    reason: str


@dataclass
class Batch:
    events: pa.Table | None = None
    cases: pa.Table | None = None
    rejected: list[RejectedRow] = field(default_factory=list)
    rows_read: int = 0  # source rows this batch consumed: events + rejected
    progress: int | None = None  # units of the source consumed so far (bytes for files)


class Source(Protocol):
    kind: str  # "xes", "csv", ...
    location: str  # path or redacted URL, safe to show
    position_unit: str  # how a source position reads: "row", "event"

    def batches(self) -> Iterator[Batch]: ...

    def mapping_json(self) -> dict[str, Any] | None: ...

    def details(self) -> dict[str, Any]:
        """Extras for the load report, known after iteration (encoding used, warnings...)."""
        ...

    def total_size(self) -> int | None:
        """Total progress units (bytes) if known, for the progress bar."""
        ...


@runtime_checkable
class MultiLogSource(Protocol):
    """A file that holds several logs at once plus rows for side tables of the store.

    OCEL 2.0 is one: its events, objects and relations go to the `ocel_*` tables and one
    flattened log per object type, named "<log>/<object type>", goes to events/cases.
    `proclens.multiload.load_multi` writes all of it in one transaction with the ordinary
    loader, so nothing about staging, duplicates or reports is written twice.
    """

    kind: str
    location: str

    def sub_logs(self, log: str) -> list[tuple[str, Source]]:
        """(log name, source) of every log this file holds when it is loaded as `log`."""
        ...

    def side_tables(self) -> dict[str, pa.Table]:
        """Store table name -> rows for it, without the `log` column (added by the loader)."""
        ...

    def details(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Mapping:
    """Which source column plays which role. Fixed systems declare it as a constant."""

    case: str
    activity: str
    timestamp: str
    start_timestamp: str | None = None
    resource: str | None = None
    department: str | None = None
    lifecycle: str | None = None
    instance: str | None = None
    event_key: str | None = None
    attributes: tuple[str, ...] | None = None  # None: every column not used by a role
    case_attributes: tuple[str, ...] = ()
    timestamp_format: str | None = None
    dayfirst: bool = False
    tz: str = "UTC"

    def roles(self) -> dict[str, str]:
        """role -> source column, for the roles that are set."""
        names = (
            "case", "activity", "timestamp", "start_timestamp", "resource",
            "department", "lifecycle", "instance", "event_key",
        )  # fmt: skip
        return {n: getattr(self, n) for n in names if getattr(self, n)}

    def check_columns(self, available: Sequence[str], source: str) -> None:
        """Fail at once, listing the columns that do exist, when a mapped column is missing."""
        wanted = list(self.roles().values())
        wanted += list(self.attributes or ()) + list(self.case_attributes)
        missing = [c for c in wanted if c not in available]
        if missing:
            cols = ", ".join(repr(c) for c in available)
            raise MappingError(
                f"column {', '.join(repr(m) for m in missing)} not found in {source}; "
                f"columns are: {cols}"
            )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Mapping:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise MappingError(
                f"unknown mapping keys {sorted(unknown)}; known keys: {sorted(known)}"
            )
        clean = dict(data)
        for key in ("attributes", "case_attributes"):
            if clean.get(key) is not None:
                clean[key] = tuple(clean[key])
        return cls(**clean)


def events_table(columns: dict[str, Any]) -> pa.Table:
    """Build an EVENT_SCHEMA table from the columns given; the others are null."""
    length = len(next(iter(columns.values())))
    arrays = []
    for f in EVENT_SCHEMA:
        if f.name in columns:
            arrays.append(
                arrow_array(columns[f.name], f.type)
                if not isinstance(columns[f.name], pa.Array | pa.ChunkedArray)
                else columns[f.name].cast(f.type)
            )
        else:
            arrays.append(pa.nulls(length, type=f.type))
    return pa.Table.from_arrays(arrays, schema=EVENT_SCHEMA)


def cases_table(case_ids: Sequence[str], attributes: Sequence[dict[str, Any] | None]) -> pa.Table:
    return pa.Table.from_arrays(
        [
            arrow_array(case_ids, pa.string()),
            arrow_array([to_json(a) if a else None for a in attributes], pa.string()),
        ],
        schema=CASE_SCHEMA,
    )


def arrow_array(values: Sequence[Any], type: pa.DataType) -> pa.Array:
    """`pa.array(values, type)` for a Python sequence (None is null), without importing pandas.

    pa.array imports pandas the first time it converts Python or NumPy data (to check for
    pandas objects): ~45 MB that `proclens ingest` of an XES file otherwise never needs. Text
    goes through Arrow's StringBuilder and null-free integers through a NumPy buffer instead;
    other values through pa.array.
    """
    if type == pa.string():
        builder = pa.lib.StringBuilder()
        builder.append_values(values if isinstance(values, list) else list(values))
        return builder.finish()
    if type == pa.int64() and isinstance(values, list) and None not in values:
        data = np.asarray(values, dtype=np.int64)
        return pa.Array.from_buffers(type, len(data), [None, pa.py_buffer(data)])
    return pa.array(values, type=type)


def to_json(value: dict[str, Any]) -> str:
    """Attributes as JSON text; dates become ISO strings, everything else keeps its type."""
    return json.dumps(value, ensure_ascii=False, default=_json_default, sort_keys=False)


def _json_default(value: Any) -> Any:
    iso = getattr(value, "isoformat", None)
    if iso is not None:
        return iso()
    return str(value)
