"""Settings, declared once: name, environment variable, default and help.

The README's settings table is checked against this list by a test.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str

    def value(self) -> str:
        return os.environ.get(self.env, self.default)


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "PROCLENS_DB", "proclens.duckdb", "Path of the DuckDB event store."),
    Setting("tz", "PROCLENS_TZ", "UTC", "Time zone for timestamps that carry no offset."),
    Setting(
        "config",
        "PROCLENS_CONFIG",
        "proclens.toml",
        "File declaring workflow-system sources for 'proclens pull'.",
    ),
    Setting(
        "memory_limit",
        "PROCLENS_MEMORY_LIMIT",
        "2GB",
        "DuckDB memory limit; larger work spills to disk.",
    ),
    Setting(
        "load_memory_limit",
        "PROCLENS_LOAD_MEMORY_LIMIT",
        "48MB",
        "DuckDB memory limit while loading; staging spills to disk beyond it.",
    ),
    Setting(
        "debug",
        "PROCLENS_DEBUG",
        "",
        "Set to 1 to print full tracebacks instead of one-line errors.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str) -> str:
    """Current value of a declared setting (environment first, then default)."""
    return _BY_NAME[name].value()


def default_db_path() -> Path:
    return Path(setting("db"))
