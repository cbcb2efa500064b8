from __future__ import annotations

from datetime import date

import pytest

from dashboards.i18n import STRINGS, fmt_date, fmt_duration, fmt_int, fmt_pct, t, t_stored


@pytest.mark.parametrize(
    ("seconds", "en", "zh"),
    [
        (3 * 86400 + 4 * 3600 + 59, "3 d 4 h", "3 天 4 小时"),
        (3 * 86400 + 5 * 60, "3 d", "3 天"),
        (5 * 3600 + 12 * 60 + 29.6, "5 h 12 min", "5 小时 12 分钟"),
        (90, "1 min 30 s", "1 分钟 30 秒"),
        (42, "42 s", "42 秒"),
        (0.2, "0 s", "0 秒"),
        (-7200, "-2 h", "-2 小时"),
    ],
)
def test_durations_in_both_languages(seconds: float, en: str, zh: str) -> None:
    assert fmt_duration(seconds, "en") == en
    assert fmt_duration(seconds, "zh") == zh


def test_numbers_dates_and_shares() -> None:
    assert fmt_int(1234567, "en") == "1,234,567"
    assert fmt_int(15214.0, "zh") == "15,214"
    assert fmt_pct(0.1234, "en") == "12.3%"
    assert fmt_date(date(2026, 12, 3), "en") == "3 Dec 2026"
    assert fmt_date(date(2026, 12, 3), "zh") == "2026年12月3日"
    assert fmt_duration(None, "en") == fmt_int(None, "zh") == "–"


def test_every_string_has_both_languages_and_the_same_placeholders() -> None:
    import string

    for key, (en, zh) in STRINGS.items():
        assert en, key
        assert zh, key
        names = [{f for _, f, _, _ in string.Formatter().parse(s) if f} for s in (en, zh)]
        assert names[0] == names[1], key
    assert t("msg.no_store", "zh", path="x.duckdb").startswith("x.duckdb 处")


@pytest.mark.parametrize(
    ("stored", "family", "zh"),
    [
        ("merge", "mode", "合并"),
        ("failed", "status", "失败"),
        ("trace 3 event 12", "where", "第 3 条轨迹的第 12 个事件"),
        ("event has no time:timestamp", "reason", "事件缺少 time:timestamp"),
        ("exact duplicate of event 7161", "reason", "与事件 7161 完全重复"),
        (
            "unparsable timestamp '2024-13-01' (expected ISO 8601, e.g. 2024-05-01T09:30:00)",
            "reason",
            "无法解析时间戳 '2024-13-01'（应为 ISO 8601，例如 2024-05-01T09:30:00）",
        ),
        (
            "invalid JSON: Expecting value at column 1",
            "reason",
            "JSON 无效：Expecting value at column 1",
        ),
        ("a reason no template knows", "reason", "a reason no template knows"),
    ],
)
def test_stored_english_reads_in_chinese_and_stays_as_stored_in_english(
    stored: str, family: str, zh: str
) -> None:
    assert t_stored(stored, family, "zh") == zh
    assert t_stored(stored, family, "en") == stored
