"""What every connector produces: batches of canonical events plus the mapping it used.

A connector is a class with `kind`, `location` and `batches()`; each batch carries events in
EVENT_COLUMNS (an Arrow table or Python column lists), optional case rows and the rows it had
to reject (with the reason). `proclens.loader` writes the batches into the store in one
transaction. This module imports neither pyarrow nor NumPy: a load that needs neither stays
without them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from proclens.errors import MappingError

if TYPE_CHECKING:
    import pyarrow as pa

#: The canonical event columns a batch hands to the loader, with their DuckDB types (the
#: events table of proclens/schema.sql adds what the load derives); `ts` and `start_ts` are
#: UTC instants, `attributes` JSON object text.
EVENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("case_id", "VARCHAR"),
    ("activity", "VARCHAR"),
    ("ts", "TIMESTAMPTZ"),
    ("start_ts", "TIMESTAMPTZ"),
    ("resource", "VARCHAR"),
    ("department", "VARCHAR"),
    ("lifecycle", "VARCHAR"),
    ("instance_id", "VARCHAR"),
    ("event_index", "BIGINT"),
    ("event_key", "VARCHAR"),
    ("attributes", "VARCHAR"),
)

#: The case rows a batch hands to the loader: id and attributes as JSON object text.
CASE_COLUMNS: tuple[tuple[str, str], ...] = (("case_id", "VARCHAR"), ("attributes", "VARCHAR"))


@dataclass(frozen=True)
class RejectedRow:
    position: str  # "row 17", "trace 3 event 2"
    raw: str
    reason: str


@dataclass
class ColumnLists:
    """Rows as Python lists per column, named as EVENT_COLUMNS or CASE_COLUMNS (a column left
    out is null); timestamps as time-zone aware datetimes. What the XES connector hands over:
    DuckDB takes the lists as they are, without Arrow or NumPy."""

    columns: dict[str, list[Any]]

    @property
    def num_rows(self) -> int:
        return len(next(iter(self.columns.values()), []))


@dataclass
class Batch:
    """Events and case rows as Arrow tables in EVENT_SCHEMA / CASE_SCHEMA
    (connectors.arrow_tables) or as ColumnLists."""

    events: pa.Table | ColumnLists | None = None
    cases: pa.Table | ColumnLists | None = None
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


def to_json(value: dict[str, Any]) -> str:
    """Attributes as JSON text; dates become ISO strings, everything else keeps its type."""
    return json.dumps(value, ensure_ascii=False, default=_json_default, sort_keys=False)


def _json_default(value: Any) -> Any:
    iso = getattr(value, "isoformat", None)
    if iso is not None:
        return iso()
    return str(value)
