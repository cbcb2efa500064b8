"""proclens bottlenecks and proclens opportunities."""

from __future__ import annotations

from typing import Any

import click

from analytics.bottlenecks import bottlenecks
from analytics.opportunities import opportunities
from proclens.options import (
    db_option,
    emit_json,
    filter_from_options,
    filter_options,
    json_option,
    log_option,
)
from proclens.store import EventStore


@click.command("bottlenecks")
@log_option
@db_option
@filter_options
@click.option("--top", type=click.IntRange(1), default=20, show_default=True)
@click.option("--period", type=click.Choice(["week", "month"]), default="month", show_default=True)
@json_option
def bottlenecks_command(
    log: str | None, db: str | None, top: int, period: str, as_json: bool, **kw: Any
) -> None:
    """Waiting time by activity and transition, rework, ping-pong, workload, handovers."""
    flt = filter_from_options(kw)
    with EventStore.open(db, read_only=True) as store:
        result = bottlenecks(
            store,
            store.require_log(log),
            flt,
            top=top,
            period=period,  # type: ignore[arg-type]
        )
    if as_json:
        emit_json(result)
        return
    click.echo("Activities by the waiting time before them:")
    for r in result["activities_by_waiting"]:
        share = r["share_of_cycle_time"] or 0.0
        click.echo(f"  {r['activity']}: {r['total_wait_s'] / 3600:,.0f} h ({share:.1%})")
    click.echo("Rework:")
    for r in result["rework"]:
        click.echo(f"  {r['activity']}: {r['repeats']:,} repeats in {r['cases']:,} cases")


@click.command("opportunities")
@log_option
@db_option
@filter_options
@click.option("--top", type=click.IntRange(1), default=10, show_default=True)
@json_option
def opportunities_command(
    log: str | None, db: str | None, top: int, as_json: bool, **kw: Any
) -> None:
    """Ranked redesign proposals with evidence and estimated hours saved per year."""
    flt = filter_from_options(kw)
    with EventStore.open(db, read_only=True) as store:
        found = opportunities(store, store.require_log(log), flt, top=top)
    if as_json:
        emit_json([o.to_json() for o in found])
        return
    for o in found:
        click.echo(f"{o.rank:>3}. {o.title} — saves ~{o.saving_hours_per_year:,.0f} h/year")
        click.echo(f"     {o.evidence}")


commands = [bottlenecks_command, opportunities_command]
