"""Working calendar: working days, working hours, holidays and make-up working days, time zone.

Working time between two instants is W(b) - W(a), where W(t) is the working seconds from a
fixed origin up to t. W is computed in SQL from a day table (`calendar_days_sql`): per local
date whether it is a working day and the working seconds of all earlier days; within a day,
the working seconds of the slots that lie before the local time of day. So every duration the
product shows (case duration, edge time, waiting) uses the same calendar, never negative and
never longer than the calendar duration. Working days = working seconds / working-day length.

A day is a working day when it is a make-up working day (`workdays`), or else when its weekday
is a working weekday and it is not a holiday.

The DEFAULT calendar is the Chinese mainland: Asia/Shanghai, Monday to Friday, 09:00-12:00 and
13:00-18:00 (8 h), with the public holidays and the official make-up working days announced by
the State Council (from the `chinesecalendar` package, 2004 onwards).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import date, time
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from proclens.errors import ConfigError

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Calendar:
    timezone: str = "Asia/Shanghai"
    #: ISO weekday numbers, Monday = 1
    working_weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    #: working-hour slots as (start, end) seconds after local midnight
    slots: tuple[tuple[int, int], ...] = ((9 * 3600, 12 * 3600), (13 * 3600, 18 * 3600))
    holidays: frozenset[date] = field(default_factory=frozenset)
    #: make-up working days (weekend days that are worked), override holidays and weekdays
    workdays: frozenset[date] = field(default_factory=frozenset)
    name: str = "custom"

    @property
    def day_seconds(self) -> int:
        """Length of one working day in seconds (the unit of 'working days')."""
        return sum(e - s for s, e in self.slots)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.isoweekday() in self.working_weekdays and day not in self.holidays

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "timezone": self.timezone,
            "working_days": [WEEKDAYS[d - 1] for d in sorted(self.working_weekdays)],
            "working_hours": [{"start": _hhmm(s), "end": _hhmm(e)} for s, e in self.slots],
            "working_day_s": self.day_seconds,
            "holidays": len(self.holidays),
            "holiday_years": _years(self.holidays),
            "workdays": len(self.workdays),
        }


@cache
def default_calendar() -> Calendar:
    """Chinese mainland working calendar with public holidays and make-up working days."""
    import chinese_calendar

    return Calendar(
        holidays=frozenset(chinese_calendar.holidays),
        workdays=frozenset(chinese_calendar.workdays),
        name="China mainland (State Council holidays and make-up working days)",
    )


def load_calendar(path: str | Path) -> Calendar:
    """Read a calendar from JSON or YAML. Keys: timezone, working_days (["Mon", ...]),
    working_hours ({"start": "08:00", "end": "16:00"} or a list of them), holidays and
    workdays (lists of ISO dates), base ("china" to start from the default holiday set)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read calendar file {p}: {exc.strerror}") from exc
    try:
        if p.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except ValueError as exc:  # json.JSONDecodeError and yaml.YAMLError
        raise ConfigError(
            f"calendar file {p} is not valid {p.suffix[1:] or 'JSON'}: {exc}"
        ) from exc
    except Exception as exc:
        raise ConfigError(f"calendar file {p} cannot be parsed: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"calendar file {p} must hold an object with keys like 'timezone'")
    return calendar_from_dict(data, source=str(p))


def calendar_from_dict(data: dict[str, Any], source: str = "calendar") -> Calendar:
    known = {"timezone", "working_days", "working_hours", "holidays", "workdays", "base", "name"}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{source}: unknown keys {sorted(unknown)}; known keys: {sorted(known)}")
    base = default_calendar() if str(data.get("base", "")).lower() == "china" else None
    tz = str(data.get("timezone", base.timezone if base else "UTC"))
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{source}: unknown time zone '{tz}'; use an IANA name") from exc
    days = data.get("working_days", ["Mon", "Tue", "Wed", "Thu", "Fri"])
    bad = [d for d in days if d not in WEEKDAYS]
    if bad:
        raise ConfigError(f"{source}: unknown weekday {bad}; use {', '.join(WEEKDAYS)}")
    slots = _slots(data.get("working_hours", {"start": "09:00", "end": "17:00"}), source)
    return Calendar(
        timezone=tz,
        working_weekdays=frozenset(WEEKDAYS.index(d) + 1 for d in days),
        slots=slots,
        holidays=frozenset(_dates(data.get("holidays", []), source))
        | (base.holidays if base else frozenset()),
        workdays=frozenset(_dates(data.get("workdays", []), source))
        | (base.workdays if base else frozenset()),
        name=str(data.get("name", source)),
    )


def _slots(value: Any, source: str) -> tuple[tuple[int, int], ...]:
    items = value if isinstance(value, list) else [value]
    out: list[tuple[int, int]] = []
    for item in items:
        try:
            start, end = _seconds(item["start"]), _seconds(item["end"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(
                f"{source}: working_hours must be {{'start': 'HH:MM', 'end': 'HH:MM'}} "
                f"or a list of them, got {item!r}"
            ) from exc
        if end <= start:
            raise ConfigError(f"{source}: working hours end {item['end']} is not after start")
        out.append((start, end))
    out.sort()
    for (_, e1), (s2, _) in itertools.pairwise(out):
        if s2 < e1:
            raise ConfigError(f"{source}: working-hour slots overlap; list them without overlap")
    return tuple(out)


def _seconds(text: str) -> int:
    if str(text) in ("24:00", "24:00:00"):
        return 86400
    t = time.fromisoformat(str(text))
    return t.hour * 3600 + t.minute * 60 + t.second


def _dates(values: Any, source: str) -> list[date]:
    try:
        return [v if isinstance(v, date) else date.fromisoformat(str(v)) for v in values]
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{source}: holidays/workdays must be ISO dates (YYYY-MM-DD)") from exc


def _years(days: frozenset[date]) -> list[int] | None:
    """[first, last] year the holiday list covers (outside it only weekdays count)."""
    return [min(days).year, max(days).year] if days else None


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


# ---- SQL: working seconds between two instants ----------------------------------------------

_FIRST_DAY, _LAST_DAY = "1970-01-01", "2100-12-31"


def calendar_days_sql(cal: Calendar) -> str:
    """One row per local date 1970..2100: day, working (0/1), cum_before (working seconds of
    all earlier days). Every value in the text is typed (dates, integers, a checked zone)."""
    weekdays = ", ".join(str(d) for d in sorted(cal.working_weekdays)) or "0"
    holidays = _date_list(cal.holidays)
    workdays = _date_list(cal.workdays)
    working = f"(d IN ({workdays}) OR (isodow(d) IN ({weekdays}) AND d NOT IN ({holidays})))"
    return f"""
        SELECT day, working,
               coalesce(sum(working * {cal.day_seconds}) OVER (
                   ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS cum_before
        FROM (SELECT d AS day, CASE WHEN {working} THEN 1 ELSE 0 END AS working
              FROM (SELECT CAST(range AS DATE) AS d
                    FROM range(DATE '{_FIRST_DAY}', DATE '{_LAST_DAY}', INTERVAL 1 DAY)) r) x
    """


def with_working_seconds(relation: str, pairs: dict[str, tuple[str, str]], cal: Calendar) -> str:
    """`relation` (SQL) plus one column per entry name -> (from_col, to_col): the working
    seconds between those two TIMESTAMPTZ columns under `cal` (null when either is null)."""
    zone = _zone(cal)
    days = calendar_days_sql(cal)
    joins: list[str] = []
    cols: list[str] = []
    instants: dict[str, str] = {}
    for name, (a, b) in pairs.items():
        for col in (a, b):
            if col not in instants:
                alias = f"cal{len(instants)}"
                instants[col] = alias
                local = f"timezone('{zone}', r.{col})"
                joins.append(f"LEFT JOIN ({days}) {alias} ON {alias}.day = CAST({local} AS DATE)")
        cols.append(
            f"{_w(instants[b], f'r.{b}', cal)} - {_w(instants[a], f'r.{a}', cal)} AS {name}"
        )
    return f"SELECT r.*, {', '.join(cols)} FROM ({relation}) r {' '.join(joins)}"


def _w(alias: str, instant: str, cal: Calendar) -> str:
    """W(t): working seconds from the calendar origin to `instant`."""
    local = f"timezone('{_zone(cal)}', {instant})"
    tod = f"((epoch_us({local}) - epoch_us(CAST(CAST({local} AS DATE) AS TIMESTAMP))) / 1e6)"
    within = " + ".join(f"greatest(0, least({tod}, {e}) - {s})" for s, e in cal.slots) or "0"
    return f"({alias}.cum_before + {alias}.working * ({within}))"


def _date_list(days: frozenset[date]) -> str:
    return ", ".join(f"DATE '{d.isoformat()}'" for d in sorted(days)) or "DATE '0001-01-01'"


def _zone(cal: Calendar) -> str:
    import re

    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", cal.timezone):
        raise ConfigError(f"unknown time zone '{cal.timezone}'; use an IANA name")
    return cal.timezone
