"""proclens discover: mine a process model from a log and write it, format by extension."""

from __future__ import annotations

from pathlib import Path

import click

from analytics.discovery import MINERS, Miner, discover
from analytics.export.writers import FORMATS, write_model
from proclens.options import db_option, engine_option, log_option, open_engine


@click.command("discover")
@log_option
@db_option
@click.option(
    "--miner",
    type=click.Choice(MINERS),
    default="inductive",
    show_default=True,
    help="inductive (IM, IMf with --noise), heuristics, or dfg (the directly-follows graph).",
)
@click.option(
    "--noise",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="Inductive miner noise threshold (0 = IM, >0 = IMf filtering infrequent behaviour).",
)
@click.option(
    "--dependency",
    type=click.FloatRange(0.0, 1.0),
    default=0.5,
    show_default=True,
    help="Heuristics miner dependency threshold.",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False),
    help=f"Output file; its extension picks the format: {', '.join(FORMATS)}.",
)
@engine_option
def command(
    log: str | None,
    db: str | None,
    miner: Miner,
    noise: float,
    dependency: float,
    out: str,
    engine: str,
    parquet: str | None,
) -> None:
    """Discover a model (from the variants computed in SQL) and export it."""
    with open_engine(engine, db, log, parquet) as (runner, name):
        model = discover(runner, name, miner, noise=noise, dependency=dependency)
    path = write_model(model, Path(out))
    detail = f", tree {model.tree}" if model.tree is not None and len(str(model.tree)) < 300 else ""
    click.echo(f"{name}: {miner} model written to {path}{detail}")
