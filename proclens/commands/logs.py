"""proclens logs: the logs in the store, with their counts."""

from __future__ import annotations

import click

from proclens.options import db_option, emit_json, json_option
from proclens.store import EventStore


@click.command("logs")
@db_option
@json_option
def command(db: str | None, as_json: bool) -> None:
    """List the logs in the store with rows read, loaded, rejected, cases and events."""
    with EventStore.open(db, read_only=True) as store:
        rows = store.logs()
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("no logs yet; load one with 'proclens ingest FILE'")
    for r in rows:
        click.echo(
            f"{r['log']}: {r['cases']:,} cases, {r['events']:,} events "
            f"(read {r['rows_read']:,}, loaded {r['rows_loaded']:,}, "
            f"rejected {r['rows_rejected']:,}) from {r['source']}"
        )
