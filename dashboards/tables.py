"""Analytics records -> display tables with localised headers and values. Streamlit-free.

Every cell is text formatted for the reader's language ("3 d 4 h" / "3 天 4 小时", "79.6%",
"3 Dec 2026" / "2026年12月3日", "–" for a missing value). Streamlit's NumberColumn formats
(printf-style or presets) cannot write a duration as words in two languages, so durations must
be text; counts and shares are text too so every table reads alike. The rows keep the order the
analytics ranked them in (the order that matters); a header click sorts the text.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd

from dashboards.i18n import Lang, fmt_date, fmt_duration, fmt_int, fmt_pct, t, t_stored

#: a table column: (record key, header i18n key or literal header, kind: a key of FORMATS)
Column = tuple[str, str, str]


def _missing(value: Any) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _text(value: Any, lang: Lang) -> str:
    return "–" if _missing(value) or value == "" else str(value)


def _instant(value: Any) -> datetime | date:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def fmt_day(value: Any, lang: Lang) -> str:
    """A day (ISO text or date) in the language's date format."""
    return "–" if _missing(value) else fmt_date(_instant(value), lang)


def fmt_month(value: Any, lang: Lang) -> str:
    """The month of a day: the language's date without the day ('Jan 2024' / '2024年1月')."""
    if _missing(value):
        return "–"
    text = fmt_date(_instant(value), lang)
    return text.partition("月")[0] + "月" if lang == "zh" else text.partition(" ")[2]


def fmt_instant(value: Any, lang: Lang) -> str:
    """A point in time: the language's date and the time of day ('3 Dec 2026 14:05')."""
    if _missing(value):
        return "–"
    moment = _instant(value)
    clock = f" {moment:%H:%M}" if isinstance(moment, datetime) else ""
    return fmt_date(moment, lang) + clock


def _stored(family: str) -> Callable[[Any, Lang], str]:
    """Text the store keeps in English (a `family.*` template of i18n) in the reader's language."""
    return lambda v, lang: "–" if _missing(v) or v == "" else t_stored(str(v), family, lang)


#: column kind -> formatter
FORMATS: dict[str, Callable[[Any, Lang], str]] = {
    "int": lambda v, lang: fmt_int(None if _missing(v) else v, lang),
    "duration": lambda v, lang: fmt_duration(None if _missing(v) else v, lang),
    "pct": lambda v, lang: fmt_pct(None if _missing(v) else v, lang),
    "date": fmt_day,
    "month": fmt_month,
    "datetime": fmt_instant,
    "text": _text,
    "mode": _stored("mode"),
    "status": _stored("status"),
    "where": _stored("where"),
    "reason": _stored("reason"),
}


def header(name: str, lang: Lang) -> str:
    """An i18n key (it has a dot) in `lang`; anything else is a literal header."""
    return t(name, lang) if "." in name else name


def table(
    rows: Sequence[dict[str, Any]] | pd.DataFrame, columns: Sequence[Column], lang: Lang
) -> pd.DataFrame:
    """`columns`: (record key, header i18n key or literal header, kind: a key of FORMATS);
    records missing a key show '–'."""
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else rows
    data: dict[str, list[str]] = {}
    for key, name, kind in columns:
        data[header(name, lang)] = [FORMATS[kind](r.get(key), lang) for r in records]
    return pd.DataFrame(data, columns=[header(name, lang) for _, name, _ in columns])


# The dashboard's tables: analytics' record keys with their headers and formats.
WORKLOAD: tuple[Column, ...] = (
    ("period", "tbl.month", "month"), ("resource", "role.resource", "text"),
    ("events", "col.events", "int"), ("cases", "col.cases", "int"),
    ("service_s", "tbl.service", "duration"),
)  # fmt: skip
HANDOVERS: tuple[Column, ...] = (
    ("source", "cycle.from", "text"), ("target", "cycle.to", "text"),
    ("count", "col.count", "int"), ("cases", "col.cases", "int"),
    ("mean_s", "tbl.mean_gap", "duration"), ("median_s", "tbl.median_gap", "duration"),
    ("total_s", "tbl.total_gap", "duration"), ("share_of_cycle_time", "bn.share", "pct"),
)  # fmt: skip
REWORK: tuple[Column, ...] = (
    ("activity", "col.activity", "text"), ("repeats", "tbl.repeats", "int"),
    ("cases", "col.cases", "int"), ("total_loop_s", "tbl.total_loop", "duration"),
    ("mean_loop_s", "tbl.mean_loop", "duration"), ("share_of_cycle_time", "bn.share", "pct"),
)  # fmt: skip
PING_PONG: tuple[Column, ...] = (
    ("party_a", "tbl.party_a", "text"), ("party_b", "tbl.party_b", "text"),
    ("occurrences", "tbl.occurrences", "int"), ("cases", "col.cases", "int"),
    ("total_s", "tbl.total_pingpong", "duration"),
)  # fmt: skip
LOGS: tuple[Column, ...] = (
    ("log", "side.log", "text"), ("source_kind", "tbl.source_kind", "text"),
    ("rows_read", "tbl.rows_read", "int"), ("rows_loaded", "tbl.rows_loaded", "int"),
    ("rows_rejected", "tbl.rows_rejected", "int"), ("cases", "col.cases", "int"),
    ("events", "col.events", "int"), ("loaded_at", "tbl.loaded_at", "datetime"),
)  # fmt: skip
LOAD_RUNS: tuple[Column, ...] = (
    ("run_id", "data.run", "text"), ("log", "side.log", "text"),
    ("source", "tbl.source", "text"), ("source_kind", "tbl.source_kind", "text"),
    ("mode", "tbl.mode", "mode"), ("status", "tbl.status", "status"),
    ("started_at", "tbl.started_at", "datetime"), ("finished_at", "tbl.finished_at", "datetime"),
    ("rows_read", "tbl.rows_read", "int"), ("rows_loaded", "tbl.rows_loaded", "int"),
    ("rows_rejected", "tbl.rows_rejected", "int"), ("rows_updated", "tbl.rows_updated", "int"),
    ("error", "tbl.error", "text"),
)  # fmt: skip
REJECTED: tuple[Column, ...] = (
    ("position", "tbl.position", "where"), ("reason", "tbl.reason", "reason"),
    ("raw", "tbl.raw", "text"),
)  # fmt: skip
VARIANTS: tuple[Column, ...] = (
    ("cases", "col.cases", "int"), ("share", "col.share", "pct"),
    ("coverage", "col.coverage", "pct"), ("median_duration_s", "col.median", "duration"),
    ("mean_duration_s", "col.mean", "duration"), ("steps", "col.steps", "int"),
    ("variant", "col.variant", "text"),
)  # fmt: skip
TOP_VARIANTS: tuple[Column, ...] = (
    ("cases", "col.cases", "int"),
    ("variant", "col.variant", "text"),
)
