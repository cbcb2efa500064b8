"""`proclens demo` builds its store through the normal ingest, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboards.server import build_demo_store, server_env
from proclens.errors import ProcLensError, StoreError
from proclens.store import EventStore

CSV = "case,activity,time\nc1,A,2024-01-01 08:00\nc1,B,2024-01-02 09:00\nc2,A,2024-01-03 10:00\n"


def test_demo_store_holds_every_log_of_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "one.csv").write_text(CSV, encoding="utf-8")
    (folder / "two.csv").write_text(CSV.replace("c1", "c9"), encoding="utf-8")
    (folder / "README.md").write_text("not a log", encoding="utf-8")
    db = tmp_path / "demo.duckdb"
    assert build_demo_store(db, folder, say=lambda _t: None) == ["one", "two"]
    with EventStore.open(db, read_only=True) as store:
        counts = {r["log"]: (r["cases"], r["events"], r["rows_read"]) for r in store.logs()}
    assert counts == {"one": (2, 3, 3), "two": (2, 3, 3)}
    assert not (tmp_path / "demo.duckdb.building").exists()
    assert server_env(db)["PROCLENS_DB"] == str(db.resolve())


def test_a_broken_log_leaves_no_store_behind(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "a.csv").write_text(CSV, encoding="utf-8")
    (folder / "b.parquet").write_bytes(b"this is not parquet")
    db = tmp_path / "demo.duckdb"
    with pytest.raises(ProcLensError):
        build_demo_store(db, folder, say=lambda _t: None)
    assert not db.exists()
    assert not (tmp_path / "demo.duckdb.building").exists()


def test_the_dashboard_refuses_a_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="proclens demo"):
        server_env(tmp_path / "none.duckdb")
