"""Small helpers shared by the source tests: a proclens.toml writer and store snapshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from proclens.cli import main
from proclens.store import EventStore


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_config(path: Path, sources: dict[str, dict[str, Any]]) -> Path:
    lines = []
    for name, table in sources.items():
        lines.append(f"[sources.{name}]")
        lines += [f"{k} = {toml_value(v)}" for k, v in table.items() if v is not None]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(db_path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Everything but the run log, for 'the store is unchanged' checks."""
    with EventStore.open(db_path, read_only=True) as store:
        return {
            t: store.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("events", "cases", "logs", "rejected_rows")
        }


def event_rows(store: EventStore, log: str) -> dict[str, tuple[Any, ...]]:
    rows = store.con.execute(
        "SELECT event_key, case_id, activity, start_ts, ts, resource FROM events WHERE log = ?",
        [log],
    ).fetchall()
    keys = [r[0] for r in rows]
    assert len(keys) == len(set(keys)), "duplicate event keys in the store"
    return {r[0]: r[1:] for r in rows}


def store_text(db_path: Path) -> str:
    """Every value of every table as text, plus the file's raw bytes decoded loosely."""
    with EventStore.open(db_path, read_only=True) as store:
        tables = [
            r[0] for r in store.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        ]
        parts = [str(store.con.execute(f"SELECT * FROM {t}").fetchall()) for t in tables]
    return "\n".join(parts) + db_path.read_bytes().decode("latin-1")
