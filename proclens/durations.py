"""Durations as people read them: '3 d 4 h' / '3 天 4 小时' (the two largest units)."""

from __future__ import annotations

from typing import Literal

#: (seconds in the unit, English, Simplified Chinese), largest first
_UNITS: tuple[tuple[int, str, str], ...] = (
    (86400, "d", "天"),
    (3600, "h", "小时"),
    (60, "min", "分钟"),
    (1, "s", "秒"),
)


def format_duration(seconds: float | None, lang: Literal["en", "zh"] = "en") -> str:
    """The two largest non-zero units: '3 d 4 h' / '3 天 4 小时'; under a second: '0 s'."""
    if seconds is None:
        return "–"
    rest = round(abs(seconds))
    parts: list[str] = []
    for size, en, zh in _UNITS:
        count, rest = divmod(rest, size)
        if count or parts:
            if count:
                parts.append(f"{count} {zh if lang == 'zh' else en}")
            if len(parts) == 2 or (parts and not count):
                break
    if not parts:
        parts.append("0 秒" if lang == "zh" else "0 s")
    sign = "-" if seconds < 0 else ""
    return sign + " ".join(parts)
