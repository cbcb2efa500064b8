"""proclens variants: the ranked variants of a log."""

from __future__ import annotations

from typing import Any

import click

from analytics.variants import variants
from proclens.options import (
    db_option,
    emit_json,
    filter_from_options,
    filter_options,
    json_option,
    log_option,
)
from proclens.store import EventStore


@click.command("variants")
@log_option
@db_option
@filter_options
@click.option("--top", type=click.IntRange(1), default=None, help="Only the K most frequent.")
@json_option
def command(log: str | None, db: str | None, top: int | None, as_json: bool, **kw: Any) -> None:
    """Variants ranked by cases, with share, cumulative coverage and durations."""
    flt = filter_from_options(kw)
    with EventStore.open(db, read_only=True) as store:
        found = variants(store, store.require_log(log), flt, top=top)
    if as_json:
        emit_json([v.to_json() for v in found])
        return
    for v in found:
        click.echo(
            f"{v.rank:>4}. {v.cases:>7,} cases {v.share:6.1%} (cum {v.cumulative_share:6.1%}) "
            f"median {v.median_duration_s / 86400:.2f} d: {' -> '.join(v.variant)}"
        )
