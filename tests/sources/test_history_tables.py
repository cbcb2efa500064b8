"""Camunda 7 history tables on real PostgreSQL and MariaDB: incremental pulls against the
simulated truth, open instances picked up once finished, interrupted pulls, clear errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from connectors.sources.config import load_config
from connectors.sources.pull import pull
from proclens.store import EventStore
from tests.sources.camunda_sim import GATEWAYS, HistoryDb, Instance, Model, simulate, truth
from tests.sources.helpers import event_rows, run, snapshot, write_config
from tests.sources.servers import Database, TcpProxy, free_port

pytestmark = pytest.mark.services

FIRST = datetime(2026, 1, 5, 8, 0)
T1 = FIRST + timedelta(days=24)
T2 = FIRST + timedelta(days=40)


@pytest.fixture(scope="module")
def instances() -> list[Instance]:
    return simulate(150, FIRST, days=35, seed=11, model=Model())


def source_table(db: Database, url: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "camunda7",
        "url": url or db.url,
        "schema": db.schema,
        "log": "invoice",
        "variables": ["amount", "creditor", "approved"],
        "batch_size": 40,
        **extra,
    }


def expected(instances: list[Instance], at: datetime) -> dict[str, tuple[Any, ...]]:
    return {
        k: (
            a.proc_inst,
            " ".join(a.name.split()),
            a.start.replace(tzinfo=UTC),
            a.end.replace(tzinfo=UTC),
            a.assignee,
        )
        for k, a in truth(instances, at).items()
    }


def test_simulation_has_open_instances_that_finish_later(instances: list[Instance]) -> None:
    open_at_t1 = [a for i in instances for a in i.acts if a.start <= T1 < a.end]
    assert len(open_at_t1) > 5
    assert any(a.end <= T2 for a in open_at_t1)
    assert any(i.end > T2 for i in instances)  # still running at the end
    assert {a.type for i in instances for a in i.acts} >= {
        "userTask",
        "serviceTask",
        "businessRuleTask",
        "startEvent",
        "noneEndEvent",
        "exclusiveGateway",
        "callActivity",
    }


def test_pull_again_after_new_and_finished_instances_matches_the_truth(
    database: Database, instances: list[Instance], tmp_path: Path
) -> None:
    history = HistoryDb(database.engine, database.schema)
    history.create()
    history.sync(instances, T1)
    config = load_config(
        write_config(tmp_path / "proclens.toml", {"invoices": source_table(database)})
    )["invoices"]
    with EventStore.open(tmp_path / "s.duckdb") as store:
        first = pull(store, config)
        want1 = expected(instances, T1)
        assert event_rows(store, "invoice") == want1
        assert (first.read, first.loaded, first.updated, first.unchanged) == (
            len(want1),
            len(want1),
            0,
            0,
        )

        again = pull(store, config)
        assert again.status == "unchanged"
        assert (again.loaded, again.updated, again.rejected) == (0, 0, 0)
        assert again.read == again.unchanged  # the re-read window, nothing else
        assert event_rows(store, "invoice") == want1

        history.sync(instances, T2)
        second = pull(store, config)
        want2 = expected(instances, T2)
        assert event_rows(store, "invoice") == want2
        finished_late = {k for k in want2 if k not in want1}
        assert second.loaded - second.updated == len(finished_late)
        assert second.updated == 0
        was_open = [
            a.id
            for i in instances
            for a in i.acts
            if a.start <= T1 < a.end <= T2 and a.type not in GATEWAYS
        ]
        assert was_open
        assert set(was_open) <= set(event_rows(store, "invoice"))

        full = pull(store, config, full=True)
        assert (full.read, full.unchanged, full.loaded) == (len(want2), len(want2), 0)
        _check_cases(store, instances, T2)
        runs = store.con.execute(
            "SELECT status, rows_read, rows_loaded, rows_unchanged FROM load_runs ORDER BY run_id"
        ).fetchall()
        assert [r[0] for r in runs] == ["ok", "unchanged", "ok", "unchanged"]


def _check_cases(store: EventStore, instances: list[Instance], at: datetime) -> None:
    cases = dict(store.con.execute("SELECT case_id, attributes FROM cases").fetchall())
    started = [i for i in instances if any(a.end <= at for a in i.acts)]
    assert len(cases) == len(started)
    for inst in started[:10]:
        got = json.loads(cases[inst.id])
        assert got == {
            "process_definition_key": "invoice",
            "process_definition_version": 2,
            "business_key": inst.business_key,
            **inst.variables,
        }


def test_a_pull_cut_midway_leaves_the_store_as_it_was(
    database: Database,
    instances: list[Instance],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    history = HistoryDb(database.engine, database.schema)
    history.create()
    history.sync(instances, T1)
    proxy = TcpProxy(database.port)
    try:
        cfg = write_config(
            tmp_path / "proclens.toml",
            {"invoices": source_table(database, database.url_via(proxy.port))},
        )
        db = str(tmp_path / "s.duckdb")
        assert run(capsys, "pull", "invoices", "--config", str(cfg), "--db", db)[0] == 0
        bytes_first_pull = proxy.from_server
        before = snapshot(tmp_path / "s.duckdb")
        history.sync(instances, T2)
        proxy.cut_after(bytes_first_pull // 2)
        code, out, err = run(
            capsys, "pull", "invoices", "--full", "--config", str(cfg), "--db", db, "--json"
        )
        assert code == 2
        assert out == ""
        assert err.count("\n") == 1
        assert err.startswith("error: source 'invoices': error reading ACT_HI_ACTINST from")
        assert "the connection was lost while reading; nothing was written, pull again" in err
        assert snapshot(tmp_path / "s.duckdb") == before
        with EventStore.open(db, read_only=True) as store:
            failed = store.query_dicts("SELECT * FROM load_runs WHERE status = 'failed'")
        assert len(failed) == 1
        assert 0 < failed[0]["rows_read"] < len(truth(instances, T2))  # it was midway
        assert failed[0]["error"] == err.removeprefix("error: ").strip()

        proxy.cut_after(10**12)
        assert run(capsys, "pull", "invoices", "--config", str(cfg), "--db", db)[0] == 0
        with EventStore.open(db, read_only=True) as store:
            assert event_rows(store, "invoice") == expected(instances, T2)
    finally:
        proxy.close()


def _failing_pull(tmp_path: Path, capsys: pytest.CaptureFixture[str], table: dict[str, Any]) -> str:
    cfg = write_config(tmp_path / "proclens.toml", {"invoices": table})
    db = tmp_path / "s.duckdb"
    code, out, err = run(capsys, "pull", "invoices", "--config", str(cfg), "--db", str(db))
    assert (code, out, err.count("\n")) == (2, "", 1)
    assert err.startswith("error: source 'invoices': ")
    with EventStore.open(db, read_only=True) as store:
        assert store.log_names() == []
        assert store.con.execute("SELECT count(*) FROM events").fetchone() == (0,)
        statuses = store.con.execute("SELECT status, error FROM load_runs").fetchall()
    assert statuses == [("failed", err.removeprefix("error: ").strip())]
    return err


def test_unreachable_server_is_one_clear_line(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _failing_pull(tmp_path, capsys, source_table(database, database.url_via(free_port())))
    assert "check that the server is running and the host and port in the url" in err


def test_missing_tables_and_changed_schema_name_what_to_check(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _failing_pull(tmp_path, capsys, source_table(database))
    assert "table ACT_HI_ACTINST not found" in err
    assert "check the url and 'schema'" in err
    HistoryDb(database.engine, database.schema).create()
    with database.engine.begin() as con:
        table = f"{database.schema}.ACT_HI_ACTINST" if database.schema else "ACT_HI_ACTINST"
        con.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN ACT_TYPE_"))
    (tmp_path / "s.duckdb").unlink()
    err = _failing_pull(tmp_path, capsys, source_table(database))
    assert "ACT_HI_ACTINST has no column ACT_TYPE_ (has: ID_, PARENT_ACT_INST_ID_" in err
    assert "is kind 'camunda7' the right engine" in err
