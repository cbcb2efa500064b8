"""The base relations every analysis starts from, written once.

`instances_sql` is the ordered activity-instance relation of one log, narrowed by a `Filter`:
every analysis gets its (filtered) instances through this one place. Its parameters come from
`instances_params(log, flt)`, in the same order.

Order inside a case is defined once, in proclens/order.py: start time when known (else end
time), then end time, then the position in the source (`event_index`), so ties in timestamps keep
the source order (see README). It is stored at load time: every instance carries its position
`seq`, and every case its `instances`, `first_ts`, `last_ts` and `variant` (`case_facts_sql`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from analytics.filters import Filter

if TYPE_CHECKING:
    import pyarrow as pa

#: ORDER BY key that sequences the instances of one case: their stored position, which ranks
#: them by proclens.order.CASE_ORDER (so it orders any subset of a case's instances the same).
CASE_ORDER = "seq"

#: The stored per-case columns (proclens/order.py) that case_facts_sql() gives.
CASE_FACTS = "case_id, instances, first_ts, last_ts, variant"


def instances_sql(flt: Filter | None = None) -> str:
    """Activity instances of one log, narrowed by `flt`; parameters: instances_params()."""
    if flt is None or flt.is_empty():
        return "SELECT * FROM activity_instances WHERE log = ?"
    cases, _ = flt.case_ids_sql("")
    return f"SELECT * FROM activity_instances WHERE log = ? AND case_id IN ({cases})"


def instances_params(log: str, flt: Filter | None = None) -> list[Any]:
    """The parameters of instances_sql(flt) for `log`, in order."""
    if flt is None or flt.is_empty():
        return [log]
    _, params = flt.case_ids_sql(log)
    return [log, *params]


def cases_sql(flt: Filter | None = None) -> str:
    """Case ids (including cases without events) of one log kept by `flt`;
    parameters: instances_params()."""
    if flt is None or flt.is_empty():
        return "SELECT case_id FROM cases WHERE log = ?"
    cases, _ = flt.case_ids_sql("")
    return f"SELECT case_id FROM cases WHERE log = ? AND case_id IN ({cases})"


def case_facts_sql(flt: Filter | None = None) -> str:
    """Cases of one log kept by `flt` with their stored order facts (CASE_FACTS: activity
    instances, first start, last end, variant; 0 / NULL / [] without events);
    parameters: instances_params()."""
    if flt is None or flt.is_empty():
        return f"SELECT {CASE_FACTS} FROM cases WHERE log = ?"
    cases, _ = flt.case_ids_sql("")
    return f"SELECT {CASE_FACTS} FROM cases WHERE log = ? AND case_id IN ({cases})"


def seconds(expr: str) -> str:
    """SQL for a TIMESTAMPTZ difference or instant as seconds with microseconds kept."""
    return f"(epoch_us({expr}) / 1e6)"


def seconds_between(start: str, end: str) -> str:
    """SQL for `end - start` in seconds, exact to the microsecond.

    Subtracts whole microseconds first: the difference of two epoch values in seconds loses
    the sub-second part (1.4 s became 1.4000000953674316 s).
    """
    return f"((epoch_us({end}) - epoch_us({start})) / 1e6)"


def case_order(direction: str = "ASC") -> str:
    """CASE_ORDER in `direction` (DESC finds the last instance of a case)."""
    return ", ".join(f"{c.strip()} {direction}" for c in CASE_ORDER.split(","))


def plain(value: Any) -> Any:
    """numpy / pandas scalars -> Python; NaN and NA -> None (JSON null, never NaN)."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def iso_date(value: Any) -> str:
    """A DATE from a query (date, datetime or pandas Timestamp) as YYYY-MM-DD."""
    to_date = getattr(value, "date", None)
    return str((to_date() if callable(to_date) else value).isoformat())


def records(frame: Any) -> list[dict[str, Any]]:
    """A small result DataFrame as JSON-ready dicts (str keys, plain values, null not NaN)."""
    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


class ColumnMapping(Mapping[str, Any]):
    """A read-only mapping over two columns of an Arrow table (keys, values): a million cases
    stay two compact arrays instead of a million Python objects; a key index is built on the
    first look-up by key. Equal to a dict with the same items; iteration in the table's order."""

    def __init__(self, table: pa.Table) -> None:
        self._keys = table.column(0)
        self._values = table.column(1)
        self._index: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        for chunk in self._keys.chunks:
            yield from chunk.to_pylist()

    def __getitem__(self, key: str) -> Any:
        if self._index is None:
            self._index = {k: i for i, k in enumerate(self)}
        return self._values[self._index[key]].as_py()

    def values(self) -> Any:
        return self._values.to_pylist()

    def items(self) -> Any:
        return zip(self, self.values(), strict=True)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} items)"
