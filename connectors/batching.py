"""Turn a chunk of raw tabular rows into a Batch of canonical events, per a Mapping.

A row is rejected (kept with the reason and its position) when its case id or activity is
empty, its timestamp cannot be read, or its start is after its end. Values are taken as they
are: a case id literally `NA`, `null` or `-` is a case id (no missing-value guessing).
Unmapped columns become event attributes with their types (numbers stay numbers; in text
files a value that is a plain JSON number such as `12` or `3.5` becomes a number, `007`
stays text); `case:`-prefixed and --case-attr columns become case attributes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from connectors.base import Batch, Mapping, RejectedRow, cases_table, events_table, to_json
from connectors.timestamps import TimestampParser
from proclens.columns import CASE_PREFIX

_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?")


@dataclass
class RawChunk:
    """Rows of a source, column-wise, with their positions (row or line numbers, 1-based)."""

    columns: dict[str, list[Any]]
    positions: list[int]
    rejected: list[RejectedRow] = field(default_factory=list)  # rows the reader could not split
    progress: int | None = None
    raw: Callable[[int], str] | None = None  # raw text of the i-th row, if the reader has it


class BatchBuilder:
    """Builds batches for one source; keeps the timestamp formats it settled on."""

    def __init__(
        self, mapping: Mapping, unit: str, *, text_values: bool, other_columns: bool = True
    ) -> None:
        self.mapping = mapping
        self.unit = unit
        self.text_values = text_values
        # with no --attr, every column not used by a role is an attribute, also columns that
        # first appear later in the source (JSON lines)
        self.other_columns = other_columns
        self.used = set(mapping.roles().values()) | set(mapping.case_attributes)
        m = mapping
        self.end = TimestampParser(m.timestamp, m.timestamp_format, m.dayfirst, m.tz)
        self.start = (
            TimestampParser(m.start_timestamp, m.timestamp_format, m.dayfirst, m.tz)
            if m.start_timestamp
            else None
        )

    def build(self, chunk: RawChunk) -> Batch:
        m, cols, n = self.mapping, chunk.columns, len(chunk.positions)
        cases = [id_text(v) for v in _column(cols, m.case, n)]
        activities = [id_text(v) for v in _column(cols, m.activity, n)]
        ts, ts_reasons = self.end.parse(_column(cols, m.timestamp, n))
        reasons: list[str | None] = list(ts_reasons)
        start = None
        if self.start is not None and m.start_timestamp:
            start, start_reasons = self.start.parse(_column(cols, m.start_timestamp, n))
            _add_start_reasons(reasons, start_reasons, start, ts)
        for i in range(n):
            if activities[i] is None:
                reasons[i] = f"empty activity in column '{m.activity}'"
            if cases[i] is None:
                reasons[i] = f"empty case id in column '{m.case}'"
        keep = [i for i in range(n) if reasons[i] is None]
        rejected = list(chunk.rejected) + [
            RejectedRow(f"{self.unit} {chunk.positions[i]}", self._raw(chunk, i), str(reasons[i]))
            for i in range(n)
            if reasons[i] is not None
        ]
        batch = Batch(rejected=rejected, rows_read=n + len(chunk.rejected), progress=chunk.progress)
        if keep:
            batch.events = self._events(chunk, keep, cases, activities, ts, start)
            batch.cases = self._cases(cols, keep, cases)
        return batch

    def _events(
        self,
        chunk: RawChunk,
        keep: list[int],
        cases: list[str | None],
        activities: list[str | None],
        ts: pa.Array,
        start: pa.Array | None,
    ) -> pa.Table:
        m, cols, n = self.mapping, chunk.columns, len(chunk.positions)
        take = pa.array(keep, type=pa.int64())
        data: dict[str, Any] = {
            "case_id": [cases[i] for i in keep],
            "activity": [activities[i] for i in keep],
            "ts": ts.take(take),
            "event_index": [chunk.positions[i] - 1 for i in keep],
        }
        if start is not None:
            data["start_ts"] = start.take(take)
        for role, target in (("resource", "resource"), ("department", "department"),
                             ("lifecycle", "lifecycle"), ("instance", "instance_id")):  # fmt: skip
            column = getattr(m, role)
            if column:
                values = _column(cols, column, n)
                data[target] = [id_text(values[i]) for i in keep]
        names = list(m.attributes or ())
        if self.other_columns:
            names += [c for c in cols if c not in self.used and c not in names]
        data["attributes"] = self._attributes(cols, keep, names)
        return events_table(data)

    def _attributes(
        self, cols: dict[str, list[Any]], keep: list[int], names: Sequence[str]
    ) -> list[str | None]:
        present = [(name, cols[name]) for name in names if name in cols]
        out: list[str | None] = []
        for i in keep:
            attrs = {}
            for name, values in present:
                value = self._value(values[i])
                if value is not None:
                    attrs[name] = value
            out.append(to_json(attrs) if attrs else None)
        return out

    def _cases(
        self, cols: dict[str, list[Any]], keep: list[int], cases: list[str | None]
    ) -> pa.Table:
        names = [c for c in self.mapping.case_attributes if c in cols]
        first: dict[str, dict[str, Any] | None] = {}
        for i in keep:
            case = cases[i]
            if case is None or case in first:
                continue
            attrs = {}
            for name in names:
                value = self._value(cols[name][i])
                if value is not None:
                    key = name[len(CASE_PREFIX) :] if name.startswith(CASE_PREFIX) else name
                    attrs[key] = value
            first[case] = attrs or None
        return cases_table(list(first), list(first.values()))

    def _value(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            if not value:
                return None
            if self.text_values and _NUMBER.fullmatch(value):
                return float(value) if any(c in value for c in ".eE") else int(value)
            return value
        if isinstance(value, float) and math.isnan(value):
            return None
        return value

    def _raw(self, chunk: RawChunk, i: int) -> str:
        if chunk.raw is not None:
            return chunk.raw(i)
        return to_json({k: v[i] for k, v in chunk.columns.items()})

    def formats(self) -> dict[str, str]:
        found = {"timestamp": self.end.describe()}
        if self.start is not None:
            found["start_timestamp"] = self.start.describe()
        return {k: v for k, v in found.items() if v}


def id_text(value: Any) -> str | None:
    """A case id, activity or label as text; empty or blank is None, `NA` stays `NA`."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _column(cols: dict[str, list[Any]], name: str, n: int) -> list[Any]:
    values = cols.get(name)
    return values if values is not None else [None] * n


def _add_start_reasons(
    reasons: list[str | None], start_reasons: list[str | None], start: pa.Array, end: pa.Array
) -> None:
    starts, ends = start.to_pylist(), end.to_pylist()
    for i, why in enumerate(start_reasons):
        if reasons[i] is not None:
            continue
        if why is not None and not why.startswith("empty"):
            reasons[i] = why
        elif starts[i] is not None and ends[i] is not None and starts[i] > ends[i]:
            reasons[i] = (
                f"start timestamp {starts[i].isoformat()} is after end {ends[i].isoformat()}"
            )
