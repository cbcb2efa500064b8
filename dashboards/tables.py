"""Analytics records -> display tables with localised headers and values. Streamlit-free."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from dashboards.i18n import Lang, fmt_duration, fmt_int, fmt_pct, t

#: column kind -> formatter
_FORMATS: dict[str, Callable[[Any, Lang], str]] = {
    "int": fmt_int,
    "duration": fmt_duration,
    "pct": fmt_pct,
    "text": lambda v, lang: "" if v is None else str(v),
}


def table(
    rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str, str]], lang: Lang
) -> pd.DataFrame:
    """`columns`: (record key, header i18n key or literal header, kind: int/duration/pct/text)."""
    data: dict[str, list[str]] = {}
    for key, header, kind in columns:
        name = t(header, lang) if "." in header else header
        data[name] = [_FORMATS[kind](r.get(key), lang) for r in rows]
    return pd.DataFrame(data)
