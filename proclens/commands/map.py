"""proclens map: the process map (directly-follows graph) with frequencies and times."""

from __future__ import annotations

from typing import Any

import click

from analytics.maps import process_map
from analytics.simplify import simplify
from proclens.options import (
    calendar_from_option,
    calendar_option,
    db_option,
    emit_json,
    filter_from_options,
    filter_options,
    json_option,
    log_option,
)
from proclens.store import EventStore


@click.command("map")
@log_option
@db_option
@filter_options
@click.option(
    "--activities", type=click.FloatRange(0, 100), default=100.0, show_default=True,
    help="Keep the top X%% of activities by frequency.",
)  # fmt: skip
@click.option(
    "--paths", type=click.FloatRange(0, 100), default=100.0, show_default=True,
    help="Keep the top X%% of paths by frequency (every kept activity stays connected).",
)  # fmt: skip
@calendar_option
@json_option
def command(
    log: str | None,
    db: str | None,
    activities: float,
    paths: float,
    calendar_file: str | None,
    as_json: bool,
    **kw: Any,
) -> None:
    """Directly-follows map: activities, paths with counts and times, start/end activities."""
    flt = filter_from_options(kw)
    cal = calendar_from_option(calendar_file)
    with EventStore.open(db, read_only=True) as store:
        name = store.require_log(log)
        pmap = (
            process_map(store, name, flt, cal=cal)
            if activities >= 100 and paths >= 100
            else simplify(store, name, flt, activities_pct=activities, paths_pct=paths, cal=cal)
        )
    if as_json:
        emit_json(pmap.to_json())
        return
    click.echo(f"{len(pmap.nodes)} activities, {len(pmap.edges)} paths ({pmap.edge_time} times)")
    for e in pmap.edges:
        median = "n/a" if e["median_s"] is None else f"{e['median_s'] / 3600:.2f} h"
        click.echo(f"  {e['source']} -> {e['target']}: {e['count']:,} (median {median})")
