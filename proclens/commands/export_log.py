"""proclens export-log: write one log of the store as XES, CSV or Parquet."""

from __future__ import annotations

from pathlib import Path

import click

from connectors.flat_writer import write_flat
from connectors.xes_writer import write_xes
from proclens.errors import ProcLensError
from proclens.options import db_option, emit_json, json_option, log_option
from proclens.store import EventStore

FORMATS = {".xes": "xes", ".xes.gz": "xes", ".csv": "csv", ".parquet": "parquet"}


def export_format(out: Path) -> str:
    name = out.name.lower()
    for ending in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(ending):
            return FORMATS[ending]
    raise ProcLensError(
        f"cannot tell the export format of {out}; end the file name in "
        + ", ".join(sorted(FORMATS))
    )


@click.command("export-log")
@log_option
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="File to write: .xes, .xes.gz, .csv or .parquet.")  # fmt: skip
@db_option
@json_option
def command(log: str | None, out: Path, db: str | None, as_json: bool) -> None:
    """Export a log: XES (reads back in pm4py), or flat CSV/Parquet with pm4py column names."""
    fmt = export_format(out)
    if not out.parent.exists():
        raise ProcLensError(
            f"folder {out.parent} does not exist; create it or choose another --out"
        )
    with EventStore.open(db, read_only=True) as store:
        name = store.require_log(log)
        if fmt == "xes":
            cases, events = write_xes(store.con, name, out)
            result = {"log": name, "out": str(out), "format": fmt, "cases": cases, "rows": events}
        else:
            rows = write_flat(store.con, name, out, fmt)
            result = {"log": name, "out": str(out), "format": fmt, "rows": rows}
    if as_json:
        emit_json(result)
    else:
        click.echo(f"{name}: wrote {result['rows']:,} events to {out} ({fmt})")
