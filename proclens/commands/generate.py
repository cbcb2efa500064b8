"""proclens generate: write a synthetic OA approval log of any size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from proclens.options import emit_json, json_option


@click.command("generate")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write: .csv, .csv.gz, .xes, .xes.gz or .parquet.",
)
@click.option(
    "--events",
    "n_events",
    default=100_000,
    show_default=True,
    type=int,
    help="Number of events (exact; the last case is cut there).",
)
@click.option("--seed", default=42, show_default=True, type=int, help="Random seed.")
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of activity, department and person names.",
)
@json_option
def command(out: Path, n_events: int, seed: int, lang: str, as_json: bool) -> None:
    """Generate a synthetic OA approval log (leave, expense, document sign-off)."""
    from samples.writers import write_log

    report = write_log(out, n_events, seed, "zh" if lang == "zh" else "en")
    data: dict[str, Any] = {
        "out": str(out), "events": report.events, "cases": report.cases, "seed": seed,
        "lang": lang, "processes": dict(report.processes), "rejected": report.rejected,
        "returns": report.returns, "deviations": dict(report.deviations),
        "last_case_cut": report.last_case_cut, "seconds": report.seconds,
    }  # fmt: skip
    if as_json:
        emit_json(data)
        return
    click.echo(
        f"{out}: {report.events:,} events in {report.cases:,} cases ({report.seconds:.1f} s); "
        f"{report.rejected:,} rejected, {report.returns:,} returns for revision, "
        f"deviations from the design: {dict(report.deviations) or 'none'}"
    )
