"""proclens ingest PATH: load an event-log file into the store."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from connectors.base import MultiLogSource
from connectors.registry import FileOptions, default_log_name, open_file
from proclens.loader import LoadReport, Mode, file_fingerprint, load
from proclens.multiload import MultiLoadReport, load_multi
from proclens.options import counted, db_option, emit_json, json_option
from proclens.progress import progress_bar
from proclens.settings import setting
from proclens.store import EventStore


@click.command("ingest")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--log", "log", default=None, help="Log name (default: the file name).")
@click.option("--case", default=None, help="Column holding the case id.")
@click.option("--activity", default=None, help="Column holding the activity name.")
@click.option("--timestamp", default=None, help="Column holding the (completion) timestamp.")
@click.option("--start-timestamp", default=None, help="Column holding the start timestamp.")
@click.option("--resource", default=None, help="Column holding the resource (who).")
@click.option("--department", default=None, help="Column holding the department / role.")
@click.option("--lifecycle", default=None, help="Column holding the lifecycle transition.")
@click.option("--attr", "attrs", multiple=True, help="Keep only these extra event columns.")
@click.option("--case-attr", "case_attrs", multiple=True, help="Columns that are case attributes.")
@click.option("--format", "timestamp_format", default=None, help="strftime format of timestamps.")
@click.option("--dayfirst", is_flag=True, help="Read ambiguous dates as day first (31/01/2024).")
@click.option("--tz", default=None, help="Time zone of timestamps without offset (default UTC).")
@click.option("--encoding", default=None, help="Text encoding (default: detected).")
@click.option("--sep", "separator", default=None, help="Field separator (default: detected).")
@click.option("--sheet", default=None, help="Excel sheet name (default: the first).")
@click.option("--replace", is_flag=True, help="Reload the log, replacing what is stored.")
@click.option("--append", is_flag=True, help="Add these events to an existing log.")
@click.option("--strict", is_flag=True, help="Fail instead of rejecting any row.")
@db_option
@json_option
def command(
    path: Path,
    log: str | None,
    attrs: tuple[str, ...],
    case_attrs: tuple[str, ...],
    replace: bool,
    append: bool,
    strict: bool,
    db: str | None,
    as_json: bool,
    tz: str | None,
    **mapping: Any,
) -> None:
    """Load an event log (XES, CSV/TSV, Excel, Parquet, JSON lines, OCEL 2.0) into the store."""
    if replace and append:
        raise click.UsageError("--replace and --append cannot be used together")
    options = FileOptions(
        attributes=attrs or None,
        case_attributes=case_attrs,
        tz=tz or setting("tz"),
        **mapping,
    )
    source = open_file(path, options)
    name = log or default_log_name(path)
    mode: Mode = "replace" if replace else "append" if append else "new"
    if isinstance(source, MultiLogSource):
        with EventStore.open(db) as store:
            multi = load_multi(
                store, source, log=name, mode=mode, fingerprint=file_fingerprint(path),
                strict=strict,
            )  # fmt: skip
        if as_json:
            emit_json(multi.to_json())
        else:
            click.echo(describe_multi(multi))
        return
    with EventStore.open(db) as store:
        show = not as_json and sys.stderr.isatty()
        with progress_bar(f"loading {path.name}", enabled=show) as advance:
            report = load(
                store,
                source,
                log=name,
                mode=mode,
                fingerprint=file_fingerprint(path),
                strict=strict,
                progress=advance,
            )
        if report.status == "ok":
            add_tie_diagnostics(store, report)
    if as_json:
        emit_json(report.to_json())
    else:
        click.echo(describe(report))


def add_tie_diagnostics(store: EventStore, report: LoadReport) -> None:
    """Put the log's tie diagnostics into the report and the load run's stored details."""
    from analytics.ties import tie_diagnostics

    with store.load_transaction():  # part of the load: same memory budget
        report.details["ties"] = tie_diagnostics(store, report.log)
        store.con.execute(
            "UPDATE load_runs SET details = ?::JSON WHERE run_id = ?",
            [json.dumps(report.details, ensure_ascii=False, default=str), report.run_id],
        )


def describe(report: LoadReport) -> str:
    if report.status == "unchanged":
        return f"{report.log}: unchanged ({report.details.get('message', '')})"
    text = (
        f"{report.log}: read {counted(report.read, 'row')}, loaded {report.loaded:,}, "
        f"rejected {report.rejected:,}; {counted(report.cases, 'case')}, "
        f"{counted(report.events, 'event')}"
    )
    text += _describe_mapping(report.details.get("mapping") or {})
    note = report.details.get("encoding_note")
    if note:
        text += f"\n  encoding {report.details.get('encoding')}: {note}"
    ties = report.details.get("ties") or {}
    if ties.get("tied_groups"):
        verb = "shares its" if ties["tied_groups"] == 1 else "share their"
        text += (
            f"\n  {counted(ties['tied_groups'], 'group')} of events in "
            f"{counted(ties['cases_with_ties'], 'case')} {verb} timestamp; their order is the "
            "order in the file"
        )
    if report.rejected:
        text += f"\n  rejected rows are kept: proclens rejected --log {report.log}"
    if report.paired_starts:
        pairs = counted(report.paired_starts, "start/complete pair")
        text += f"\n  {pairs} joined into activity instances"
    if report.unpaired:
        rows = counted(report.unpaired, "lifecycle row")
        text += f"\n  {rows} had no partner (kept as instances)"
    if report.near_duplicate_groups:
        share, differ = ("shares", "differs") if report.near_duplicate_groups == 1 else (
            "share", "differ")  # fmt: skip
        text += (
            f"\n  {counted(report.near_duplicate_groups, 'group')} of events {share} case, "
            f"activity and time but {differ} otherwise (kept)"
        )
    return text


def _describe_mapping(mapping: dict[str, dict[str, str]]) -> str:
    """The columns a tabular load used, flagged ones apart from suggested ones."""
    text = ""
    for kind, label in (("from_flags", "from flags"), ("suggested", "suggested")):
        roles = mapping.get(kind) or {}
        if roles:
            pairs = ", ".join(f"{role} = {column!r}" for role, column in roles.items())
            text += f"\n  columns {label}: {pairs}"
    return text


def describe_multi(report: MultiLoadReport) -> str:
    if report.status == "unchanged":
        return f"{report.log}: unchanged ({report.details.get('message', '')})"
    rows = report.rows
    lines = [
        f"{report.log}: {rows.get('ocel_events', 0):,} events, {rows.get('ocel_objects', 0):,} "
        f"objects, {rows.get('ocel_e2o', 0):,} event-object and {rows.get('ocel_o2o', 0):,} "
        f"object-object relations, {rows.get('ocel_object_changes', 0):,} attribute changes"
    ]
    for sub in report.logs:
        text = f"  {sub.log}: {counted(sub.cases, 'case')}, {counted(sub.events, 'event')}"
        if sub.convergence:
            text += f" ({sub.convergence:,} events sit in more than one case: convergence)"
        if sub.rejected:
            text += f", {counted(sub.rejected, 'row')} rejected"
        lines.append(text)
    lines.extend(f"  warning: {w}" for w in report.details.get("warnings", []))
    return "\n".join(lines)
