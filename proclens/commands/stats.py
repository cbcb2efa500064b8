"""proclens stats: the key figures of one log."""

from __future__ import annotations

import click

from analytics.stats import log_stats
from proclens.options import (
    db_option,
    emit_json,
    engine_option,
    json_option,
    log_option,
    open_engine,
)


@click.command("stats")
@log_option
@db_option
@json_option
@engine_option
def command(
    log: str | None, db: str | None, as_json: bool, engine: str, parquet: str | None
) -> None:
    """Cases, events, activities, variants, start/end activities and case durations."""
    with open_engine(engine, db, log, parquet) as (runner, name):
        stats = log_stats(runner, name)
    if as_json:
        emit_json(stats)
        return
    d = stats["case_duration_s"]
    click.echo(
        f"{stats['log']}: {stats['cases']:,} cases, {stats['events']:,} events, "
        f"{stats['activities']} activities, {stats['variants']:,} variants\n"
        f"  from {stats['first_event']} to {stats['last_event']}\n"
        f"  case duration median {_days(d['median'])}, mean {_days(d['mean'])}, "
        f"p90 {_days(d['p90'])}"
    )


def _days(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds / 86400:.2f} d"
