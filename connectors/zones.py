"""The time zone naive timestamps are read in (`--tz`), looked up once for every connector."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, tzinfo

from proclens.errors import MappingError


def time_zone(name: str) -> tzinfo:
    """The zone called `name` (an IANA name or UTC); an unknown name says what to pass."""
    if name.upper() == "UTC":
        return UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise MappingError(
            f"unknown time zone '{name}'; pass --tz with an IANA name such as Asia/Shanghai, "
            "Europe/Amsterdam or UTC"
        ) from exc
