"""Pull a configured source into the store: cursor, re-read window, merge, run log.

    report = pull(store, configs["invoices"])

The cursor is the newest change/end time the last successful pull of this source saw
(load_runs.cursor_value of the runs whose details name the source); a pull re-reads from
cursor - reread and merges on the event key, so re-read rows count as unchanged and pulling
twice changes nothing. A pull that fails is rolled back completely and recorded in load_runs
with status 'failed' and its (secret-free) error.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.base import Source
from connectors.sources.config import Secrets, SourceConfig
from proclens.errors import ProcLensError, SourceError
from proclens.loader import LoadReport, load, record_failed_run
from proclens.store import EventStore

#: kind -> "module:class"; the class takes (SourceConfig, Secrets, since) and is a Source.
SOURCE_CLASSES: dict[str, str] = {
    "camunda7": "connectors.sources.history_tables:HistoryTableSource",
    "flowable": "connectors.sources.history_tables:HistoryTableSource",
    "activiti": "connectors.sources.history_tables:HistoryTableSource",
    "sql": "connectors.sources.sql_query:QuerySource",
    "oa_approval": "connectors.sources.sql_query:QuerySource",
    "camunda7_rest": "connectors.sources.camunda_rest:CamundaRestSource",
    "jira": "connectors.sources.jira:JiraSource",
    "github": "connectors.sources.github:GitHubSource",
}


def open_source(config: SourceConfig, secrets: Secrets, since: datetime | None) -> Source:
    module, _, cls = SOURCE_CLASSES[config.kind].partition(":")
    factory = getattr(importlib.import_module(module), cls)
    source: Source = factory(config, secrets, since)
    return source


def last_cursor(store: EventStore, config: SourceConfig) -> datetime | None:
    row = store.con.execute(
        "SELECT cursor_value FROM load_runs WHERE log = ? AND details->>'source' = ?"
        " AND status IN ('ok', 'unchanged') AND cursor_value IS NOT NULL"
        " ORDER BY run_id DESC LIMIT 1",
        [config.log, config.name],
    ).fetchone()
    return datetime.fromisoformat(row[0]) if row else None


def pull(store: EventStore, config: SourceConfig, *, full: bool = False) -> LoadReport:
    """Read what is new at the source and merge it into the log; see the module docstring."""
    secrets = Secrets()
    cursor = None if full else last_cursor(store, config)
    since = cursor - timedelta(seconds=config.reread_seconds()) if cursor else None
    started = datetime.now(UTC)
    source: Source | None = None
    try:
        source = open_source(config, secrets, since)
        report = load(store, source, log=config.log, mode="merge", fingerprint=None)
    except Exception as exc:
        message = failure_message(config, exc, secrets)
        record_failed_run(
            store,
            source or _Named(config),
            log=config.log,
            mode="merge",
            started_at=started,
            rows_read=int(getattr(source, "rows_read", 0)),
            error=message,
        )
        raise SourceError(message) from None
    report.details["seconds"] = round((datetime.now(UTC) - started).total_seconds(), 3)
    return report


def failure_message(config: SourceConfig, exc: BaseException, secrets: Secrets) -> str:
    """One secret-free line naming the source; ProcLens errors already say what to check."""
    text = " ".join(str(exc).split())
    if not isinstance(exc, ProcLensError):
        text = f"source '{config.name}': {type(exc).__name__}: {text}"
    elif f"'{config.name}'" not in text:
        text = f"source '{config.name}': {text}"
    return secrets.scrub(text)


class _Named:
    """Stands in for a source that could not even be opened, for the run log."""

    position_unit = "row"

    def __init__(self, config: SourceConfig) -> None:
        self.name = config.name
        self.kind = config.kind
        self.location = config.display_url()

    def batches(self) -> Any:
        return iter(())

    def mapping_json(self) -> None:
        return None

    def details(self) -> dict[str, Any]:
        return {"source": self.name}

    def total_size(self) -> None:
        return None


def list_sources(
    store: EventStore | None, configs: dict[str, SourceConfig]
) -> list[dict[str, Any]]:
    """Each configured source with its last pull (for `proclens sources` and the Data page)."""
    out = []
    for name, config in configs.items():
        last = _last_run(store, config) if store is not None else None
        out.append(
            {
                "name": name,
                "kind": config.kind,
                "url": config.display_url(),
                "log": config.log,
                "schedule": config.get("schedule"),
                "last_pull": last,
            }
        )
    return out


def _last_run(store: EventStore, config: SourceConfig) -> dict[str, Any] | None:
    rows = store.query_dicts(
        "SELECT run_id, status, started_at, finished_at, rows_read,"
        " rows_loaded - rows_updated AS rows_new, rows_updated, rows_unchanged, rows_rejected,"
        " epoch(finished_at - started_at) AS seconds, cursor_value AS cursor, error"
        " FROM load_runs WHERE log = ? AND details->>'source' = ? ORDER BY run_id DESC LIMIT 1",
        [config.log, config.name],
    )
    return rows[0] if rows else None
