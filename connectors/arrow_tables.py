"""Arrow tables in the canonical event and case columns, for the connectors that work in Arrow.

Tabular files, OCEL and the workflow-system sources build their batches as Arrow tables; the
XES connector hands Python column lists instead (`connectors.base.ColumnLists`), so a load of
an XES file never imports pyarrow (~65 MB of the process). `proclens.loader` takes both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa

from connectors.base import CASE_COLUMNS, EVENT_COLUMNS, to_json

# Arrow's default allocator keeps freed batch memory for reuse; over millions of events handed
# to DuckDB that retention grew a load's peak with file size. The system allocator returns it.
pa.set_memory_pool(pa.system_memory_pool())

UTC_TS = pa.timestamp("us", tz="UTC")

_ARROW_TYPES = {"VARCHAR": pa.string(), "TIMESTAMPTZ": UTC_TS, "BIGINT": pa.int64()}

#: EVENT_COLUMNS as an Arrow schema
EVENT_SCHEMA = pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in EVENT_COLUMNS])
#: CASE_COLUMNS as an Arrow schema
CASE_SCHEMA = pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in CASE_COLUMNS])


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
    pandas objects): ~45 MB a load otherwise may not need. Text goes through Arrow's
    StringBuilder and null-free integers through a NumPy buffer instead; other values through
    pa.array.
    """
    if type == pa.string():
        builder = pa.lib.StringBuilder()
        builder.append_values(values if isinstance(values, list) else list(values))
        return builder.finish()
    if type == pa.int64() and isinstance(values, list) and None not in values:
        data = np.asarray(values, dtype=np.int64)
        return pa.Array.from_buffers(type, len(data), [None, pa.py_buffer(data)])
    return pa.array(values, type=type)
