"""What the dashboard's Data page (and the CLI) call: list the sources, pull one now.

    rows = sources_overview("proclens.duckdb", "proclens.toml")
    result = pull_now("proclens.duckdb", "proclens.toml", "invoices")

Both raise ProcLensError subclasses with one-line, secret-free messages (show with st.error).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connectors.sources.config import load_config
from connectors.sources.pull import list_sources, pull
from proclens.errors import ConfigError
from proclens.loader import LoadReport
from proclens.store import EventStore


def sources_overview(db: str | Path, config_path: str | Path) -> list[dict[str, Any]]:
    """Each declared source: name, kind, redacted url, log, schedule, last_pull (or None)."""
    configs = load_config(Path(config_path))
    if not Path(db).exists():
        return list_sources(None, configs)
    with EventStore.open(db, read_only=True) as store:
        return list_sources(store, configs)


def pull_now(
    db: str | Path, config_path: str | Path, name: str, *, full: bool = False
) -> dict[str, Any]:
    """Pull source `name` into the store at `db`; returns `pull_json` of the run."""
    configs = load_config(Path(config_path))
    if name not in configs:
        raise ConfigError(
            f"no source named '{name}' in {config_path}; sources are: {', '.join(configs)}"
        )
    with EventStore.open(db) as store:
        report = pull(store, configs[name], full=full)
    return pull_json(name, report)


def pull_json(source: str, report: LoadReport) -> dict[str, Any]:
    """The keys `proclens pull --json` prints."""
    return {
        "source": source,
        "log": report.log,
        "status": report.status,
        "run_id": report.run_id,
        "rows_read": report.read,
        "rows_new": report.loaded - report.updated,
        "rows_updated": report.updated,
        "rows_unchanged": report.unchanged,
        "rows_rejected": report.rejected,
        "seconds": report.details.get("seconds"),
        "cursor": report.cursor,
        "cases": report.cases,
        "events": report.events,
    }
