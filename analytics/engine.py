"""Where analytics SQL runs. Queries are written once, in DuckDB's dialect, with `?` parameters.

`DuckDBEngine` runs them on the event store. Another engine (Spark, for data beyond one
machine) runs the same text after translation; it must expose the same relations:
`events`, `cases`, `activity_instances` (see proclens/schema.sql).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from proclens.store import EventStore

if TYPE_CHECKING:  # frames are built by DuckDB; importing pandas here would tax `proclens ingest`
    import pandas as pd
    import pyarrow as pa


class Engine(Protocol):
    name: str

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run a query and return its rows."""
        ...

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run a query whose result is small (an aggregate) and return it as a DataFrame."""
        ...

    def arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        """Run a query with one row per case (or more) and return it as an Arrow table:
        compact columns, no Python object per value."""
        ...


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, store: EventStore) -> None:
        self.store = store

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.store.con.execute(sql, list(params)).fetchall()

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        return self.store.con.execute(sql, list(params)).df()

    def arrow(self, sql: str, params: Sequence[Any] = ()) -> pa.Table:
        return self.store.con.sql(sql, params=list(params)).to_arrow_table()


def engine_for(store_or_engine: EventStore | Engine) -> Engine:
    """Accept a store (the usual case) or an engine."""
    if isinstance(store_or_engine, EventStore):
        return DuckDBEngine(store_or_engine)
    return store_or_engine
