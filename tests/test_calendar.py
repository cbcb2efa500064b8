"""Working time, hand-worked: weekends, lunch breaks, holidays and make-up working days, events
outside working hours, time zones and a daylight-saving change."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.calendar import Calendar, calendar_from_dict, default_calendar, load_calendar
from analytics.cycle_times import case_durations, cycle_times
from proclens.errors import ConfigError
from proclens.loader import load
from proclens.store import EventStore
from tests.rows import RowSource

SHANGHAI_8H = {
    "timezone": "Asia/Shanghai",
    "working_days": ["Mon", "Tue", "Wed", "Thu", "Fri"],
    "working_hours": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "18:00"}],
}


def _working(
    store: EventStore, cal: Calendar, spans: dict[str, tuple[str, str]]
) -> dict[str, float]:
    rows = []
    for case, (a, b) in spans.items():
        rows += [{"case_id": case, "activity": "open", "ts": a},
                 {"case_id": case, "activity": "close", "ts": b}]  # fmt: skip
    load(store, RowSource(rows), log="w")
    return case_durations(store, "w", cal=cal)


def test_weekend_lunch_and_night_in_shanghai(store: EventStore) -> None:
    cal = calendar_from_dict(SHANGHAI_8H)
    assert cal.day_seconds == 8 * 3600
    got = _working(store, cal, {
        # Fri 2024-03-08 17:00 -> Mon 2024-03-11 10:00 (+08:00): Fri 1 h + Mon 1 h
        "weekend": ("2024-03-08T17:00+08:00", "2024-03-11T10:00+08:00"),
        # the same instants written in UTC
        "utc": ("2024-03-08T09:00+00:00", "2024-03-11T02:00+00:00"),
        # Tue 11:00 -> 14:00 across the lunch break: 1 h + 1 h
        "lunch": ("2024-03-12T11:00+08:00", "2024-03-12T14:00+08:00"),
        # Sat 23:00 -> Sun 02:00: nothing is working time
        "night": ("2024-03-09T23:00+08:00", "2024-03-10T02:00+08:00"),
        # Wed 19:00 -> Thu 08:00: outside working hours on both ends
        "evening": ("2024-03-13T19:00+08:00", "2024-03-14T08:00+08:00"),
        # Mon 08:00 -> Fri 19:00: five full days
        "week": ("2024-03-11T08:00+08:00", "2024-03-15T19:00+08:00"),
    })  # fmt: skip
    assert got == {"weekend": 7200.0, "utc": 7200.0, "lunch": 7200.0, "night": 0.0,
                   "evening": 0.0, "week": 5 * 28800.0}  # fmt: skip


def test_default_china_calendar_holidays_and_make_up_days(store: EventStore) -> None:
    cal = default_calendar()
    assert cal.timezone == "Asia/Shanghai"
    assert cal.describe()["holiday_years"][0] == 2004
    assert cal.describe()["holiday_years"][1] >= 2026
    got = _working(store, cal, {
        # Sat 2024-09-28 10:00 -> Sun 2024-09-29 10:00: Sunday 29 Sep is a make-up working day
        "makeup": ("2024-09-28T10:00+08:00", "2024-09-29T10:00+08:00"),
        # Mon 30 Sep 17:00 -> Tue 8 Oct 10:00: 1 h + National Day 1-7 Oct off + 1 h
        "national_day": ("2024-09-30T17:00+08:00", "2024-10-08T10:00+08:00"),
        # Spring Festival 2025: Mon 27 Jan 17:00 -> Wed 5 Feb 10:00 (28 Jan - 4 Feb off)
        "spring": ("2025-01-27T17:00+08:00", "2025-02-05T10:00+08:00"),
    })  # fmt: skip
    assert got == {"makeup": 3600.0, "national_day": 7200.0, "spring": 7200.0}


def test_new_york_across_daylight_saving(store: EventStore) -> None:
    cal = calendar_from_dict({"timezone": "America/New_York",
                              "working_hours": {"start": "09:00", "end": "17:00"}})  # fmt: skip
    # Fri 2024-03-08 16:00 EST (21:00Z) -> Mon 2024-03-11 10:00 EDT (14:00Z); DST began Sun.
    got = _working(store, cal, {"dst": ("2024-03-08T21:00+00:00", "2024-03-11T14:00+00:00")})
    assert got == {"dst": 7200.0}
    days = cycle_times(store, "w", cal=cal)["case_working_days"]
    assert days["median"] == pytest.approx(0.25)  # 2 h of an 8 h working day


def test_user_holiday_file_yaml(store: EventStore, tmp_path: Path) -> None:
    path = tmp_path / "cal.yaml"
    path.write_text(
        "timezone: Europe/Amsterdam\nworking_hours: {start: '08:00', end: '16:00'}\n"
        "holidays: ['2024-12-25', '2024-12-26']\n",
        encoding="utf-8",
    )
    cal = load_calendar(path)
    # Tue 24 Dec 15:00 -> Fri 27 Dec 09:00 (CET): 1 h + two holidays + 1 h
    got = _working(store, cal, {"xmas": ("2024-12-24T14:00+00:00", "2024-12-27T08:00+00:00")})
    assert got == {"xmas": 7200.0}


def test_base_china_with_own_additions() -> None:
    cal = calendar_from_dict({"base": "china", "holidays": ["2024-06-03"]})
    assert cal.timezone == "Asia/Shanghai"
    assert not cal.is_working_day(__import__("datetime").date(2024, 6, 3))
    assert not cal.is_working_day(__import__("datetime").date(2024, 10, 1))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"working_days": ["Monday"]}, "unknown weekday"),
        ({"working_hours": {"start": "17:00", "end": "09:00"}}, "not after start"),
        ({"holidays": ["25/12/2024"]}, "ISO dates"),
        ({"hours": 8}, "unknown keys"),
    ],
)
def test_bad_calendar_says_what_is_wrong(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        calendar_from_dict(data)
