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

from connectors.base import UTC_TS
from proclens.errors import MappingError

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

    def parse(self, values: Sequence[Any]) -> tuple[pa.Array, list[str | None]]:
        """UTC timestamps and, per value, None or the reason it could not be read."""
        texts = [_as_text(v) for v in values]
        series = pd.Series(texts, dtype=object)
        offset = np.array([t is not None and bool(_OFFSET.search(t)) for t in texts], dtype=bool)
        result = pd.Series(pd.NaT, index=series.index, dtype="datetime64[us, UTC]")
        if offset.any():
            result[offset] = self._to_datetime(series[offset], utc=True)
        naive = ~offset & series.notna().to_numpy()
        if naive.any():
            local = pd.DatetimeIndex(self._to_datetime(series[naive], utc=False))
            result[naive] = _localize(local, self.tz)
        missing = result.isna().to_numpy()
        reasons: list[str | None] = []
        for i, text in enumerate(texts):
            if text is None:
                reasons.append(f"empty timestamp in column '{self.column}'")
            else:
                reasons.append(self._reason(text) if missing[i] else None)
        array = pa.array(result.astype("datetime64[us, UTC]"), type=UTC_TS, from_pandas=True)
        return array, reasons

    def _to_datetime(self, values: pd.Series, *, utc: bool) -> pd.Series:
        fmt = self.fmt or self.inferred
        if fmt is None:
            non_iso = next((v for v in values if not _ISO.match(v)), None)
            if non_iso is None:
                fmt = "ISO8601"
            else:
                self.inferred = _guess(non_iso, self.dayfirst)
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
    import zoneinfo

    if tz.upper() == "UTC":
        return "UTC"
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise MappingError(
            f"unknown time zone '{tz}'; pass --tz with an IANA name such as Asia/Shanghai, "
            "Europe/Amsterdam or UTC"
        ) from exc
    return tz
