"""proclens sources / proclens pull SOURCE: workflow-system sources declared in proclens.toml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from connectors.sources.config import load_config
from connectors.sources.pull import list_sources, pull
from proclens.errors import ConfigError
from proclens.loader import LoadReport
from proclens.options import db_option, emit_json, json_option
from proclens.settings import default_db_path
from proclens.store import EventStore


def config_option(f: Any) -> Any:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("proclens.toml"),
        envvar="PROCLENS_CONFIG",
        show_default=True,
        help="Sources file (or $PROCLENS_CONFIG).",
    )(f)


@click.command("sources")
@config_option
@db_option
@json_option
def sources_command(config_path: Path, db: str | None, as_json: bool) -> None:
    """List the sources declared in proclens.toml with their last pull."""
    configs = load_config(config_path)
    path = Path(db) if db else default_db_path()
    if path.exists():
        with EventStore.open(path, read_only=True) as store:
            rows = list_sources(store, configs)
    else:
        rows = list_sources(None, configs)
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        last = r["last_pull"]
        when = "never pulled" if last is None else _describe_run(last)
        click.echo(f"{r['name']} ({r['kind']}, log {r['log']}) {r['url']}: {when}")


def _describe_run(run: dict[str, Any]) -> str:
    text = (
        f"last pull {run['finished_at']:%Y-%m-%d %H:%M:%S} {run['status']}, read "
        f"{run['rows_read']:,}, new {run['rows_new']:,}, updated {run['rows_updated']:,}"
    )
    return text + (f" ({run['error']})" if run["error"] else "")


@click.command("pull")
@click.argument("source")
@click.option("--full", is_flag=True, help="Re-read everything instead of from the cursor.")
@config_option
@db_option
@json_option
def pull_command(source: str, full: bool, config_path: Path, db: str | None, as_json: bool) -> None:
    """Pull what is new at SOURCE into its log (merge on the event key; safe to repeat)."""
    configs = load_config(config_path)
    if source not in configs:
        raise ConfigError(
            f"no source named '{source}' in {config_path}; sources are: {', '.join(configs)}"
        )
    with EventStore.open(db) as store:
        report = pull(store, configs[source], full=full)
    data = pull_json(source, report)
    if as_json:
        emit_json(data)
    else:
        click.echo(
            f"{source} -> {report.log}: read {data['rows_read']:,}, new {data['rows_new']:,}, "
            f"updated {data['rows_updated']:,}, unchanged {data['rows_unchanged']:,}, "
            f"rejected {data['rows_rejected']:,}; {report.cases:,} cases, "
            f"{report.events:,} events in {data['seconds']} s"
        )


def pull_json(source: str, report: LoadReport) -> dict[str, Any]:
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


commands = [sources_command, pull_command]
