"""The Data page lists the sources of proclens.toml and pulls one on request."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from proclens.loader import load
from proclens.store import EventStore
from tests.dashboards.apptest import assert_clean, open_page
from tests.rows import RowSource
from tests.sources.helpers import write_config


def test_data_page_lists_sources_and_pulls_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.duckdb"
    with EventStore.open(db) as store:
        load(
            store, RowSource([{"case_id": "c", "activity": "a", "ts": "2024-01-01T09:00"}]), log="x"
        )
    src = tmp_path / "oa.sqlite"
    with sqlite3.connect(src) as con:
        con.execute("CREATE TABLE steps (case_no TEXT, step TEXT, done_at TEXT)")
        con.executemany(
            "INSERT INTO steps VALUES (?, ?, ?)",
            [("r1", "提交", "2024-03-01 09:00:00"), ("r1", "审批", "2024-03-01 11:00:00"),
             ("r2", "提交", "2024-03-02 09:00:00")],
        )  # fmt: skip
    source = {
        "kind": "sql",
        "url": f"sqlite:///{src}",
        "query": "SELECT case_no, step, done_at FROM steps",
        "log": "oa",
        "mapping": {"case": "case_no", "activity": "step", "timestamp": "done_at"},
    }
    config = write_config(tmp_path / "proclens.toml", {"oa_requests": source})
    monkeypatch.setenv("PROCLENS_DB", str(db))
    monkeypatch.setenv("PROCLENS_CONFIG", str(config))

    at = open_page("data", log="x")
    assert_clean(at)
    button = next(b for b in at.button if b.label == "Pull now: oa_requests")
    button.click().run()
    assert_clean(at)
    assert [s.value for s in at.success] == ["oa_requests: 3 new events pulled."]
    with EventStore.open(db, read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM events WHERE log = 'oa'").fetchone() == (3,)
