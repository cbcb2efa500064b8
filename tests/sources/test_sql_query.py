"""Generic SQL and the OA approval-log preset on real PostgreSQL and MariaDB."""

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
from tests.sources.helpers import event_rows, run, write_config
from tests.sources.servers import Database

pytestmark = pytest.mark.services

NODES = [("提交申请", "submit"), ("部门经理审批", "approve"), ("财务审核", "approve")]
T0 = datetime(2026, 4, 1, 9, 0)


def oa_rows(first_request: int, n_requests: int, logid: int) -> list[dict[str, Any]]:
    rows = []
    for r in range(first_request, first_request + n_requests):
        for k, (node, action) in enumerate(NODES):
            when = T0 + timedelta(days=r, hours=2 * k, minutes=r)
            rows.append(
                {
                    "logid": logid,
                    "requestid": f"REQ-{r:03d}",
                    "workflowtype": "报销",
                    "nodename": node,
                    "operator": f"user{k}",
                    "operatordept": "财务部",
                    "operatedate": f"{when:%Y-%m-%d}",
                    "operatetime": f"{when:%H:%M:%S}",
                    "action": "reject" if r % 4 == 3 and k == 2 else action,
                    "changed_at": when,
                }
            )
            logid += 1
    return rows


def create_oa(db: Database, rows: list[dict[str, Any]]) -> str:
    table = f"{db.schema}.workflow_requestlog" if db.schema else "workflow_requestlog"
    ts = "timestamp" if db.dialect == "postgresql" else "datetime(3)"
    with db.engine.begin() as con:
        con.execute(
            sa.text(
                f"CREATE TABLE {table} (logid integer primary key, requestid varchar(20),"
                " workflowtype varchar(50), nodename varchar(100), operator varchar(50),"
                " operatordept varchar(50), operatedate char(10), operatetime char(8),"
                f" action varchar(20), changed_at {ts})"
            )
        )
    insert(db, table, rows)
    return table


def insert(db: Database, table: str, rows: list[dict[str, Any]]) -> None:
    cols = ", ".join(rows[0])
    values = ", ".join(f":{c}" for c in rows[0])
    with db.engine.begin() as con:
        con.execute(sa.text(f"INSERT INTO {table} ({cols}) VALUES ({values})"), rows)


def test_oa_request_log_preset_pulls_incrementally(database: Database, tmp_path: Path) -> None:
    bad = {**oa_rows(99, 1, 900)[0], "operatedate": "", "changed_at": T0 - timedelta(minutes=1)}
    table = create_oa(database, [*oa_rows(0, 10, 1), bad])
    cfg = write_config(
        tmp_path / "proclens.toml",
        {
            "oa": {
                "kind": "oa_approval",
                "url": database.url,
                "schema": database.schema,
                "cursor": "changed_at",
                "mapping": {"event_key": "logid"},
                "reread": "1d",
            }
        },
    )
    config = load_config(cfg)["oa"]
    with EventStore.open(tmp_path / "s.duckdb") as store:
        first = pull(store, config)
        assert (first.read, first.loaded, first.rejected) == (31, 30, 1)
        reason = store.con.execute("SELECT position, reason FROM rejected_rows").fetchone()
        assert reason == ("row 1", "no timestamp in column 'operatedate'")
        row = store.con.execute(
            "SELECT activity, ts, resource, department, attributes FROM events"
            " WHERE case_id = 'REQ-003' ORDER BY ts DESC LIMIT 1"
        ).fetchone()
        assert row is not None
        assert row[:4] == ("财务审核", datetime(2026, 4, 4, 13, 3, tzinfo=UTC), "user2", "财务部")
        assert json.loads(row[4]) == {"action": "reject", "workflowtype": "报销"}
        case = store.con.execute("SELECT attributes FROM cases WHERE case_id = 'REQ-000'")
        assert json.loads(case.fetchone()[0]) == {"workflowtype": "报销"}  # type: ignore[index]

        insert(database, table, oa_rows(10, 2, 100))
        second = pull(store, config)
        assert second.loaded - second.updated == 6
        assert second.updated == 0
        assert second.unchanged == second.read - 6  # the re-read day, nothing else
        assert len(event_rows(store, "oa")) == 36
        assert pull(store, config).status == "unchanged"


def test_generic_sql_query_with_mapping_and_a_changed_column(
    database: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = create_oa(database, oa_rows(0, 3, 1))
    query = (
        f"SELECT requestid AS case_no, nodename AS step, changed_at AS done_at, operator"
        f" FROM {table} WHERE action <> 'reject'"
    )
    source = {
        "kind": "sql",
        "url": database.url,
        "query": query,
        "mapping": {
            "case": "case_no",
            "activity": "step",
            "timestamp": "done_at",
            "resource": "operator",
        },
    }
    cfg = write_config(tmp_path / "proclens.toml", {"q": source})
    db = str(tmp_path / "s.duckdb")
    code, out, _ = run(capsys, "pull", "q", "--config", str(cfg), "--db", db, "--json")
    assert code == 0
    assert json.loads(out)["rows_new"] == 9
    code, out, _ = run(capsys, "pull", "q", "--config", str(cfg), "--db", db, "--json")
    assert json.loads(out)["rows_unchanged"] == 9  # no cursor: re-read all, keys stay stable
    source["mapping"]["resource"] = "operator_name"  # type: ignore[index]
    cfg = write_config(tmp_path / "proclens.toml", {"q": source})
    code, out, err = run(capsys, "pull", "q", "--config", str(cfg), "--db", db)
    assert (code, out) == (2, "")
    assert err == (
        "error: source 'q': column 'operator_name' not found in the query's result; columns are:"
        " 'case_no', 'step', 'done_at', 'operator'; has the table changed? fix the mapping\n"
    )
