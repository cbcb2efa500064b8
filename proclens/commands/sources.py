"""proclens sources / proclens pull SOURCE: workflow-system sources declared in proclens.toml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from connectors.sources.service import pull_now, sources_overview
from proclens.options import db_option, emit_json, json_option
from proclens.settings import default_db_path, setting


def config_option(f: Any) -> Any:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=f"Sources file (default: $PROCLENS_CONFIG or {setting('config')}).",
    )(f)


@click.command("sources")
@config_option
@db_option
@json_option
def sources_command(config_path: Path | None, db: str | None, as_json: bool) -> None:
    """List the sources declared in proclens.toml with their last pull."""
    rows = sources_overview(db or default_db_path(), config_path or Path(setting("config")))
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        last = r["last_pull"]
        when = "never pulled" if last is None else _describe_run(last)
        schedule = f", {r['schedule']}" if r["schedule"] else ""
        click.echo(f"{r['name']} ({r['kind']}, log {r['log']}{schedule}) {r['url']}: {when}")


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
def pull_command(
    source: str, full: bool, config_path: Path | None, db: str | None, as_json: bool
) -> None:
    """Pull what is new at SOURCE into its log (merge on the event key; safe to repeat)."""
    data = pull_now(
        db or default_db_path(), config_path or Path(setting("config")), source, full=full
    )
    if as_json:
        emit_json(data)
        return
    click.echo(
        f"{source} -> {data['log']}: read {data['rows_read']:,}, new {data['rows_new']:,}, "
        f"updated {data['rows_updated']:,}, unchanged {data['rows_unchanged']:,}, "
        f"rejected {data['rows_rejected']:,}; {data['cases']:,} cases, "
        f"{data['events']:,} events in {data['seconds']} s"
    )


commands = [sources_command, pull_command]
