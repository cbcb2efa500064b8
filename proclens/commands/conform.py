"""proclens conform / model-info / suggest-mapping: actual versus designed flow."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from analytics.conformance.check import DEFAULT_BUDGET_S, METHODS, check_conformance
from analytics.conformance.mapping import mapping_for, save_mapping, suggest_mapping
from analytics.conformance.memo import memo_key, save_results, stored_results
from analytics.conformance.model import load_model
from analytics.conformance.report import deviations_over_time
from analytics.conformance.rules import check_rules, load_rules
from analytics.engine import DuckDBEngine
from proclens.errors import StoreError
from proclens.options import db_option, emit_json, json_option, log_option
from proclens.progress import progress_bar
from proclens.store import EventStore

model_path = click.Path(exists=True, dir_okay=False, path_type=Path)
process_option = click.option(
    "--process", default=None, help="Pool/process id or name (default: best match to the log)."
)


def _activities(store: EventStore, log: str) -> list[str]:
    rows = store.con.execute(
        "SELECT DISTINCT activity FROM activity_instances WHERE log = ? ORDER BY 1", [log]
    ).fetchall()
    return [r[0] for r in rows]


@click.command("conform")
@log_option
@click.option("--model", "model_file", type=model_path, required=True, help="BPMN or PNML file.")
@click.option("--mapping", "mapping_file", type=model_path, default=None,
              help="Label mapping YAML (from 'proclens suggest-mapping').")  # fmt: skip
@click.option("--method", type=click.Choice(METHODS), default="alignments", show_default=True)
@click.option("--rules", "rules_file", type=model_path, default=None, help="Rules YAML file.")
@click.option(
    "--budget",
    type=float,
    default=DEFAULT_BUDGET_S,
    show_default=True,
    help="Seconds of alignment search per variant before the fallback.",
)
@click.option(
    "--save/--no-save",
    default=True,
    show_default=True,
    help="Keep the per-variant results in the store: later checks with this model, "
    "mapping and method (and the dashboard's Conformance page) reuse them.",
)
@process_option
@db_option
@json_option
def conform(
    log: str | None, model_file: Path, mapping_file: Path | None, method: str,
    rules_file: Path | None, budget: float, save: bool, process: str | None, db: str | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Fitness, precision and deviations of a log against a designed model; rule checks."""
    rules = load_rules(rules_file) if rules_file else []
    with EventStore.open(db, read_only=True) as store:
        name = store.require_log(log)
        activities = _activities(store, name)
        model = load_model(model_file, process, activities)
        mapping = mapping_for(mapping_file, model.tasks, activities)
        key = memo_key(model, mapping, method)  # type: ignore[arg-type]
        known = stored_results(store, key)
        show = not as_json and sys.stderr.isatty()
        with progress_bar("aligning", enabled=show, unit="variants") as advance:
            result = check_conformance(
                store,
                name,
                model,
                mapping,
                method,  # type: ignore[arg-type]
                budget_s=budget,
                progress=advance,
                known=known,
            )
        rule_results = check_rules(DuckDBEngine(store), name, rules)
        monthly = deviations_over_time(store, name, result, "month")
    fresh = [v for v in result.variants if v.variant not in known]
    if save and fresh:
        try:
            with EventStore.open(db) as store:
                save_results(store, key, fresh)
        except StoreError as exc:  # the result stands; only the reuse is lost
            click.echo(f"warning: results not kept for reuse: {exc}", err=True)
    over_time = [
        {"month": str(r["period"])[:7], "cases": int(r["cases"]),
         "fitting_share": float(r["fitting_share"]), "mean_fitness": float(r["mean_fitness"]),
         "skipped": int(r["skipped"]), "inserted": int(r["inserted"])}
        for r in monthly.to_dict("records")
    ]  # fmt: skip
    data = result.to_json() | {
        "over_time": over_time,
        "rules": [r.to_json() for r in rule_results],
    }
    if as_json:
        emit_json(data)
        return
    click.echo(
        f"{name} vs {model_file.name} ({result.method}): fitness {result.fitness:.4f}, "
        f"precision {result.precision:.4f}, fitting cases {result.fitting_cases_share:.1%}"
    )
    for d in result.deviations[:15]:
        click.echo(f"  {d['activity']}: skipped {d['skipped']}, inserted {d['inserted']}")
    if result.fell_back:
        click.echo(f"  {len(result.fell_back)} variants ran out of budget (approximate)")
    for r in rule_results:
        click.echo(f"  rule {r.name}: {r.violations} of {r.cases} cases violate it")


@click.command("model-info")
@click.argument("model_file", type=model_path)
@process_option
@json_option
def model_info(model_file: Path, process: str | None, as_json: bool) -> None:
    """What a BPMN/PNML model holds: tasks, gateways, lanes, net size, soundness."""
    info = load_model(model_file, process).info()
    if as_json:
        emit_json(info)
        return
    click.echo(
        f"{model_file.name}: process {info['process']}, {len(info['tasks'])} tasks, "
        f"{info['gateways']} gateways, {len(info['lanes'])} lanes; net {info['places']} places, "
        f"{info['transitions']} transitions; {info['soundness']}"
    )


@click.command("suggest-mapping")
@log_option
@click.option("--model", "model_file", type=model_path, required=True, help="BPMN or PNML file.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the mapping YAML.")  # fmt: skip
@process_option
@db_option
@json_option
def suggest(
    log: str | None, model_file: Path, out: Path, process: str | None, db: str | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Suggest model task -> log activity names (normalised, then fuzzy) into a YAML file."""
    with EventStore.open(db, read_only=True) as store:
        name = store.require_log(log)
        activities = _activities(store, name)
    model = load_model(model_file, process, activities)
    mapping = suggest_mapping(model.tasks, activities)
    save_mapping(mapping, out, model=str(model_file), log=name)
    data = {
        "mapping": mapping.labels,
        "score": mapping.scores,
        "unmapped_tasks": mapping.unmapped_tasks(model.tasks, activities),
        "unmapped_activities": mapping.unmapped_activities(model.tasks, activities),
        "file": str(out),
    }
    if as_json:
        emit_json(data)
        return
    for task, act in mapping.labels.items():
        click.echo(f"  {task} -> {act if act else '(none)'} [{mapping.scores[task]:.0f}]")
    click.echo(f"written to {out}; edit it, then pass it with --mapping")


commands = [conform, model_info, suggest]
