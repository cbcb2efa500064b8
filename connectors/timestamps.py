"""Timestamp parsing for tabular sources: one consistent rule per column, vectorised.

- An explicit strftime `format` is applied strictly.
- Otherwise ISO 8601 values (date only, `T` or space, fractional seconds, `Z`, `+01:00` or
  `+0100`) are read directly. The first value that is not ISO fixes a format for the whole
  column (guessed from it, day first when `dayfirst`); later values that do not fit it are
  rejected, never read with another rule.
- Values with an offset keep it; naive values are local time in `tz` (default UTC). A local
  time repeated by a daylight-saving change is read as the first occurrence; a local time
  skipped by one is moved forward.
- Results are UTC instants with microseconds kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from connectors.arrow_tables import UTC_TS
from connectors.zones import time_zone

_ISO = re.compile(
    r"^\s*\d{4}-\d{2}-\d{2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$"
)
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})\s*$")


class TimestampParser:
    """Parses one column; remembers the format it settled on."""

    def __init__(
        self, column: str, fmt: str | None = None, dayfirst: bool = False, tz: str = "UTC"
    ) -> None:
        self.column = column
        self.fmt = fmt
        self.inferred: str | None = None
        self.dayfirst = dayfirst
        self.tz = _check_tz(tz)

    def parse(self, values: Sequence[Any] | pa.Array) -> tuple[pa.Array, list[str | None]]:
        """UTC timestamps and, per value, None or the reason it could not be read."""
        texts = text_array(values)
        n = len(texts)
        present = pc.fill_null(pc.is_valid(texts), False).to_numpy(zero_copy_only=False)
        offset = pc.fill_null(pc.match_substring_regex(texts, _OFFSET.pattern), False)
        offset_np = offset.to_numpy(zero_copy_only=False) & present
        series = pd.Series(texts.to_pylist() if n < 64 else texts.to_pandas(), dtype=object)
        result = pd.Series(pd.NaT, index=range(n), dtype="datetime64[us, UTC]")
        if offset_np.any():
            result[offset_np] = self._to_datetime(series[offset_np], utc=True).to_numpy()
        naive = present & ~offset_np
        if naive.any():
            local = pd.DatetimeIndex(self._to_datetime(series[naive], utc=False))
            result[naive] = _localize(local, self.tz)
        failed = np.flatnonzero(result.isna().to_numpy())
        reasons: list[str | None] = [None] * n
        for i in failed.tolist():
            text = str(series.iat[i])
            reasons[i] = (
                self._reason(text) if present[i] else f"empty timestamp in column '{self.column}'"
            )
        array = pa.array(result.astype("datetime64[us, UTC]"), type=UTC_TS, from_pandas=True)
        return array, reasons

    def _to_datetime(self, values: pd.Series, *, utc: bool) -> pd.Series:
        fmt = self.fmt or self.inferred
        if fmt is None:
            iso = pc.match_substring_regex(pa.array(values, type=pa.string()), _ISO.pattern)
            first_bad = np.flatnonzero(~iso.to_numpy(zero_copy_only=False))
            if not len(first_bad):
                fmt = "ISO8601"
            else:
                self.inferred = _guess(str(values.iat[int(first_bad[0])]), self.dayfirst)
                fmt = self.inferred or "ISO8601"
        if fmt != "ISO8601" and self.inferred and not self.fmt:
            iso = values.map(lambda v: bool(_ISO.match(v)))
            out = pd.to_datetime(values.where(~iso), format=fmt, errors="coerce", utc=utc)
            if iso.any():
                out[iso] = pd.to_datetime(values[iso], format="ISO8601", errors="coerce", utc=utc)
            return out
        return pd.to_datetime(values, format=fmt, errors="coerce", utc=utc)

    def _reason(self, text: str) -> str:
        fmt = self.fmt or self.inferred
        hint = f"format {fmt}" if fmt else "ISO 8601"
        what = "from --format" if self.fmt else "inferred" if self.inferred else "expected"
        return (
            f"unparsable timestamp {text!r} in column '{self.column}' ({hint} {what}); "
            "pass --format (and --dayfirst) to read it"
        )

    def describe(self) -> str | None:
        return self.fmt or self.inferred


def _guess(text: str, dayfirst: bool) -> str | None:
    from pandas.tseries.api import guess_datetime_format

    return guess_datetime_format(text.strip(), dayfirst=dayfirst)


def _localize(local: pd.DatetimeIndex, tz: str) -> pd.DatetimeIndex:
    if tz == "UTC":
        return local.tz_localize("UTC")
    first = np.ones(len(local), dtype=bool)  # ambiguous -> first occurrence (DST)
    aware = local.tz_localize(tz, ambiguous=first, nonexistent="shift_forward")
    return aware.tz_convert("UTC")


def text_array(values: Sequence[Any] | pa.Array) -> pa.Array:
    """Values as a string array; empty and blank strings become null."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array) and pa.types.is_string(values.type):
        blank = pc.or_(pc.equal(values, ""), pc.utf8_is_space(values))
        return pc.if_else(pc.fill_null(blank, False), pa.scalar(None, pa.string()), values)
    return pa.array([_as_text(v) for v in values], type=pa.string())


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float) and np.isnan(value):
        return None
    return str(value)


def _check_tz(tz: str) -> str:
    return "UTC" if time_zone(tz) is dt.UTC else tz
