"""proclens report: the one-page executive report of a log (and filter) as a self-contained HTML
file or, for --out *.pdf, that HTML printed by headless Chromium; the same as the Export page."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from analytics.conformance.check import METHODS, check_conformance
from analytics.conformance.mapping import mapping_for
from analytics.conformance.memo import memo_key, stored_results
from analytics.conformance.model import load_model
from analytics.engine import DuckDBEngine
from analytics.periods import DAY, DEFAULT_SLA_S, DEFAULT_WEEKS
from analytics.variants import variant_counts
from dashboards.report import gather, render, to_pdf
from proclens.options import (
    db_option,
    emit_json,
    filter_from_options,
    filter_options,
    json_option,
    log_option,
)
from proclens.store import EventStore

EXISTING = click.Path(exists=True, dir_okay=False, path_type=Path)
#: Like the dashboard: the alignment phase stops searching after this long in all.
TOTAL_BUDGET_S = 60.0


@click.command("report")
@log_option
@db_option
@filter_options
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write: *.pdf is printed by headless Chromium.")  # fmt: skip
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--sla-days", type=click.FloatRange(min=0, min_open=True),
              default=DEFAULT_SLA_S / DAY, show_default=True,
              help="Cases longer than this many days are over the SLA.")  # fmt: skip
@click.option("--weeks", type=click.IntRange(min=1), default=DEFAULT_WEEKS, show_default=True,
              help="Length of the two compared periods.")  # fmt: skip
@click.option("--period-end", default=None, metavar="YYYY-MM-DD",
              help="Day the compared period ends on (default: the last event).")  # fmt: skip
@click.option("--model", "model_file", type=EXISTING, default=None,
              help="BPMN/PNML model: adds the conformance score.")  # fmt: skip
@click.option("--mapping", "mapping_file", type=EXISTING, default=None,
              help="Label mapping YAML for --model.")  # fmt: skip
@click.option("--method", type=click.Choice(METHODS), default="alignments", show_default=True)
@json_option
def command(
    log: str | None, db: str | None, out: Path, lang: str, sla_days: float, weeks: int,
    period_end: str | None, model_file: Path | None, mapping_file: Path | None, method: str,
    as_json: bool, **kw: Any,
) -> None:  # fmt: skip
    """One-page executive report (HTML, or PDF when --out ends in .pdf): key figures with their
    change, trend, bottlenecks, redesign opportunities and, with --model, the conformance score."""
    flt = filter_from_options(kw)
    end = _day(period_end)
    with EventStore.open(db, read_only=True) as store:
        name = store.require_log(log)
        data = gather(store, name, flt, threshold_s=sla_days * DAY, weeks=weeks, end=end)
        conf = None
        if model_file is not None:
            counts = variant_counts(DuckDBEngine(store), name)
            activities = sorted({a for variant, _ in counts for a in variant})
            model = load_model(model_file, None, activities)
            mapping = mapping_for(mapping_file, model.tasks, activities)
            # the per-variant results `conform` or the dashboard kept for this model, mapping
            # and method are reused, as they are there
            known = stored_results(store, memo_key(model, mapping, method))  # type: ignore[arg-type]
            result = check_conformance(
                store, name, model, mapping, method,  # type: ignore[arg-type]
                total_budget_s=TOTAL_BUDGET_S, flt=flt, known=known,
            )  # fmt: skip
            conf = result.to_json()
    html = render(data, lang, conf)  # type: ignore[arg-type]
    body = to_pdf(html) if out.suffix.lower() == ".pdf" else html.encode("utf-8")
    out.write_bytes(body)
    change = data["periods"]["change"]
    summary = {
        "out": str(out),
        "bytes": len(body),
        "log": name,
        "cases": data["stats"]["cases"],
        "sla_share": data["periods"]["sla"]["share"],
        "period": {k: change[k] for k in ("weeks", "current", "previous")},
        "fitness": conf["fitness"] if conf else None,
    }
    if as_json:
        emit_json(summary)
        return
    click.echo(f"wrote {out} ({summary['bytes']:,} bytes): {name}, {summary['cases']:,} cases")


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise click.BadParameter(
            f"'{text}' is not a day such as 2024-12-31", param_hint="--period-end"
        ) from exc
