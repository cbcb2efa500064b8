"""proclens cycle-times: case durations, trend, throughput between activities, busy/idle."""

from __future__ import annotations

from typing import Any

import click

from analytics.cycle_times import cycle_times
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


@click.command("cycle-times")
@log_option
@db_option
@filter_options
@click.option("--between", nargs=2, default=None, metavar="A B", help="Time from A to B.")
@click.option(
    "--occurrence", nargs=2, type=click.Choice(["first", "last"]), default=("first", "first"),
    show_default=True, help="Which occurrence of A and of B --between measures.",
)  # fmt: skip
@calendar_option
@click.option("--period", type=click.Choice(["week", "month"]), default="month", show_default=True)
@json_option
def command(
    log: str | None,
    db: str | None,
    between: tuple[str, str] | None,
    occurrence: tuple[str, str],
    calendar_file: str | None,
    period: str,
    as_json: bool,
    **kw: Any,
) -> None:
    """Case duration distribution and trend; optional --between A B and working time."""
    flt = filter_from_options(kw)
    cal = calendar_from_option(calendar_file)
    with EventStore.open(db, read_only=True) as store:
        result = cycle_times(
            store, store.require_log(log), flt, cal=cal, period=period,  # type: ignore[arg-type]
            between=between or None, occurrence=occurrence,  # type: ignore[arg-type]
        )  # fmt: skip
    if as_json:
        emit_json(result)
        return
    d = result["case_duration_s"]
    click.echo(f"{d['n']:,} cases: median {_days(d['median'])}, mean {_days(d['mean'])}, "
               f"p90 {_days(d['p90'])}")  # fmt: skip
    if "case_working_days" in result:
        w = result["case_working_days"]
        click.echo(f"working time: median {w['median']:.2f} working days, mean {w['mean']:.2f}")
    if "between" in result:
        b = result["between"]
        click.echo(f"{b['from']} -> {b['to']}: median {_days(b['duration_s']['median'])} over "
                   f"{b['duration_s']['n']:,} cases; {b['cases_without_from']} without "
                   f"{b['from']}, {b['cases_without_to']} without {b['to']}")  # fmt: skip


def _days(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds / 86400:.2f} d"
