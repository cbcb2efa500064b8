"""Turn a chunk of raw tabular rows into a Batch of canonical events, per a Mapping.

A row is rejected (kept with the reason and its position) when its case id or activity is
empty, its timestamp cannot be read, or its start is after its end. Values are taken as they
are: a case id literally `NA`, `null` or `-` is a case id (no missing-value guessing).
Unmapped columns become event attributes with their types (numbers stay numbers; in text
files a value that is a plain JSON number such as `12` or `3.5` becomes a number, `007`
stays text); `case:`-prefixed and --case-attr columns become case attributes.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from connectors.arrow_tables import cases_table, events_table
from connectors.base import Batch, Mapping, RejectedRow, to_json
from connectors.timestamps import TimestampParser, text_array
from proclens.columns import CASE_PREFIX

_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?")
_CONTROL = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]"
Column: TypeAlias = list[Any] | pa.Array


@dataclass
class RawChunk:
    """Rows of a source, column-wise, with their positions (row or line numbers, 1-based)."""

    columns: dict[str, Column]  # Python values, or Arrow string arrays from text files
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
        cases = id_array(_column(cols, m.case, n))
        activities = id_array(_column(cols, m.activity, n))
        ts, reasons = self.end.parse(_column(cols, m.timestamp, n))
        start = None
        if self.start is not None and m.start_timestamp:
            start, start_reasons = self.start.parse(_column(cols, m.start_timestamp, n))
            _add_start_reasons(reasons, start_reasons, start, ts)
        for i in _nulls(activities):
            reasons[i] = f"empty activity in column '{m.activity}'"
        for i in _nulls(cases):
            reasons[i] = f"empty case id in column '{m.case}'"
        keep = [i for i, why in enumerate(reasons) if why is None]
        rejected = list(chunk.rejected) + [
            RejectedRow(f"{self.unit} {chunk.positions[i]}", self._raw(chunk, i), why)
            for i, why in enumerate(reasons)
            if why is not None
        ]
        batch = Batch(rejected=rejected, rows_read=n + len(chunk.rejected), progress=chunk.progress)
        if keep:
            take = pa.array(keep, type=pa.int64())
            batch.events = self._events(chunk, take, cases, activities, ts, start)
            batch.cases = self._cases(cols, keep, cases.take(take).to_pylist())
        return batch

    def _events(
        self,
        chunk: RawChunk,
        take: pa.Array,
        cases: pa.Array,
        activities: pa.Array,
        ts: pa.Array,
        start: pa.Array | None,
    ) -> pa.Table:
        m, cols, n = self.mapping, chunk.columns, len(chunk.positions)
        positions = np.asarray(chunk.positions, dtype=np.int64)[take.to_numpy()]
        data: dict[str, Any] = {
            "case_id": cases.take(take),
            "activity": activities.take(take),
            "ts": ts.take(take),
            "event_index": pa.array(positions - 1, type=pa.int64()),
        }
        if start is not None:
            data["start_ts"] = start.take(take)
        for role, target in (("resource", "resource"), ("department", "department"),
                             ("lifecycle", "lifecycle"), ("instance", "instance_id")):  # fmt: skip
            column = getattr(m, role)
            if column:
                data[target] = id_array(_column(cols, column, n)).take(take)
        names = list(m.attributes or ())
        if self.other_columns:
            names += [c for c in cols if c not in self.used and c not in names]
        present = {name: cols[name] for name in names if name in cols}
        if self.text_values and all(isinstance(v, pa.Array) for v in present.values()):
            data["attributes"] = text_attributes(
                {k: v.take(take) for k, v in present.items() if isinstance(v, pa.Array)},
                len(take),
            )
        else:
            data["attributes"] = self._attributes(present, take.to_pylist())
        return events_table(data)

    def _attributes(self, present: dict[str, Column], keep: list[int]) -> list[str | None]:
        columns = [(name, _at(values, keep)) for name, values in present.items()]
        out: list[str | None] = []
        for k in range(len(keep)):
            attrs = {}
            for name, values in columns:
                value = self._value(values[k])
                if value is not None:
                    attrs[name] = value
            out.append(to_json(attrs) if attrs else None)
        return out

    def _cases(self, cols: dict[str, Column], keep: list[int], cases: list[Any]) -> pa.Table:
        names = [c for c in self.mapping.case_attributes if c in cols]
        first: dict[str, int] = {}
        for k, case in enumerate(cases):
            if case not in first:
                first[case] = keep[k]
        rows = list(first.values())
        columns = [(name, _at(cols[name], rows)) for name in names]
        attributes: list[dict[str, Any] | None] = []
        for k in range(len(rows)):
            attrs = {}
            for name, values in columns:
                value = self._value(values[k])
                if value is not None:
                    key = name[len(CASE_PREFIX) :] if name.startswith(CASE_PREFIX) else name
                    attrs[key] = value
            attributes.append(attrs or None)
        return cases_table(list(first), attributes)

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
        return to_json({k: _at(v, [i])[0] for k, v in chunk.columns.items()})

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


def id_array(values: Column) -> pa.Array:
    """Ids or labels as a string array; empty or blank is null, `NA` stays `NA`."""
    if isinstance(values, pa.Array) and pa.types.is_string(values.type):
        return text_array(values)
    return pa.array([id_text(v) for v in values], type=pa.string())


def text_attributes(columns: dict[str, pa.Array], length: int) -> pa.Array:
    """JSON object text per row from text columns, built column-wise (empty values left out).

    A value that is a plain JSON number (`12`, `-3.5`, `1e3`; not `007`) is written as a
    number, anything else as a JSON string.
    """
    if not columns:
        return pa.nulls(length, pa.string())
    # each fragment is `"key":value,` or "" (pyarrow's null_handling="skip" drops all-null rows)
    fragments = [pc.fill_null(_fragment(name, values), "") for name, values in columns.items()]
    joined = pc.utf8_rtrim(pc.binary_join_element_wise(*fragments, ""), characters=",")
    wrapped = pc.binary_join_element_wise("{", joined, "}", "")
    return pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.string()), wrapped)


def _fragment(name: str, values: pa.Array) -> pa.Array:
    key = json.dumps(name, ensure_ascii=False) + ":"
    text = text_array(values)
    number = pc.fill_null(pc.match_substring_regex(text, f"^{_NUMBER.pattern}$"), False)
    escaped = text
    for old, new in (("\\", "\\\\"), ('"', '\\"'), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        escaped = pc.replace_substring(escaped, old, new)
    quoted = pc.binary_join_element_wise('"', escaped, '"', "")
    control = pc.fill_null(pc.match_substring_regex(text, _CONTROL), False)
    if pc.any(control).as_py():
        raw, out = text.to_pylist(), quoted.to_pylist()
        for i in np.flatnonzero(control.to_numpy(zero_copy_only=False)).tolist():
            out[i] = json.dumps(raw[i], ensure_ascii=False)
        quoted = pa.array(out, type=pa.string())
    value = pc.if_else(number, text, quoted)
    return pc.binary_join_element_wise(key, value, ",", "")


def _nulls(values: pa.Array) -> list[int]:
    return list(np.flatnonzero(values.is_null().to_numpy(zero_copy_only=False)).tolist())


def _at(values: Column, rows: list[int]) -> list[Any]:
    if isinstance(values, pa.Array):
        return values.take(pa.array(rows, type=pa.int64())).to_pylist()  # type: ignore[no-any-return]
    return [values[i] for i in rows]


def _column(cols: dict[str, Column], name: str, n: int) -> Column:
    values = cols.get(name)
    return values if values is not None else [None] * n


def _add_start_reasons(
    reasons: list[str | None], start_reasons: list[str | None], start: pa.Array, end: pa.Array
) -> None:
    for i, why in enumerate(start_reasons):
        if reasons[i] is None and why is not None and not why.startswith("empty"):
            reasons[i] = why
    after = pc.fill_null(pc.greater(start, end), False).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(after).tolist():
        if reasons[i] is None:
            s, e = start[i].as_py(), end[i].as_py()
            reasons[i] = f"start timestamp {s.isoformat()} is after end {e.isoformat()}"
