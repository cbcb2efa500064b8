"""proclens rejected: the rows of a log that could not be loaded, with position and reason."""

from __future__ import annotations

from typing import Any

import click

from proclens.options import counted, db_option, emit_json, json_option, log_option
from proclens.store import EventStore


@click.command("rejected")
@log_option
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="Show at most this many rows (0: all).")  # fmt: skip
@db_option
@json_option
def command(log: str | None, limit: int, db: str | None, as_json: bool) -> None:
    """The rejected rows of a log: where in the source, the raw row, and why."""
    with EventStore.open(db, read_only=True) as store:
        name = store.require_log(log)
        rows, total = rejected_rows(store, name, limit or None)
    if as_json:
        emit_json({"log": name, "total": total, "rows": rows})
        return
    if not total:
        click.echo(f"{name}: no rejected rows")
        return
    click.echo(
        f"{name}: {counted(total, 'rejected row')}"
        + (f", first {len(rows)}:" if len(rows) < total else ":")
    )
    for r in rows:
        click.echo(f"  {r['position']}: {r['reason']}\n      {r['raw']}")


def rejected_rows(
    store: EventStore, log: str, limit: int | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Rejected rows of `log` in source order (by load run, then position), and their total."""
    total_row = store.con.execute(
        "SELECT count(*) FROM rejected_rows WHERE log = ?", [log]
    ).fetchone()
    total = int(total_row[0]) if total_row else 0
    sql = (
        "SELECT run_id, position, raw, reason FROM rejected_rows WHERE log = ?"
        " ORDER BY run_id, regexp_extract_all(position, '\\d+')::BIGINT[], position"
    )
    params: list[Any] = [log]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return store.query_dicts(sql, params), total
