"""proclens ocel-info: what an object-centric (OCEL 2.0) log in the store holds."""

from __future__ import annotations

from typing import Any

import click

from analytics.ocel import ocel_info, resolve_ocel_log
from proclens.options import db_option, emit_json, json_option, log_option
from proclens.store import EventStore


@click.command("ocel-info")
@log_option
@db_option
@json_option
def command(log: str | None, db: str | None, as_json: bool) -> None:
    """Object types, event types, relations and flattened logs of an OCEL log."""
    with EventStore.open(db, read_only=True) as store:
        info = ocel_info(store, resolve_ocel_log(store, log))
    if as_json:
        emit_json(info)
        return
    click.echo(describe(info))


def describe(info: dict[str, Any]) -> str:
    rel = info["relations"]
    lines = [
        f"{info['log']} ({info['format']}, {info['source']}): {info['events']:,} events, "
        f"{info['objects']:,} objects, {rel['e2o']:,} event-object and {rel['o2o']:,} "
        "object-object relations",
        "  object types: " + _pairs(info["object_types"]),
        "  event types: " + _pairs(info["event_types"]),
        "  event-object qualifiers: " + _pairs(rel["e2o_by_qualifier"]),
        "  object-object qualifiers: " + _pairs(rel["o2o_by_qualifier"]),
        "  attribute changes: " + _pairs(info["object_changes"]),
        "  flattened logs (analyse them with --log NAME):",
    ]
    for flat in info["flattened_logs"]:
        text = f"    {flat['log']}: {flat['cases']:,} cases, {flat['events']:,} events"
        if flat["convergence"]:
            text += f", {flat['convergence']:,} events in more than one case (convergence)"
        lines.append(text)
    return "\n".join(lines)


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{k or '(none)'} {v:,}" for k, v in counts.items()) or "none"
