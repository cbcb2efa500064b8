"""Flowable's history tables, wrong database credentials, and the missing-server failure."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from connectors.sources.config import load_config
from connectors.sources.pull import pull
from proclens.store import EventStore
from tests.sources.helpers import run, write_config
from tests.sources.servers import Database, _require, free_port, mariadb_database

pytestmark = pytest.mark.services

#: Flowable 6 history columns (flowable-engine .../db/create/flowable.*.create.history.sql).
FLOWABLE_DDL = [
    "create table ACT_HI_PROCINST (ID_ varchar(64) not null, REV_ integer, PROC_INST_ID_"
    " varchar(64) not null, BUSINESS_KEY_ varchar(255), PROC_DEF_ID_ varchar(64) not null,"
    " START_TIME_ {ts} not null, END_TIME_ {ts}, DURATION_ bigint, START_USER_ID_ varchar(255),"
    " START_ACT_ID_ varchar(255), END_ACT_ID_ varchar(255), SUPER_PROCESS_INSTANCE_ID_"
    " varchar(64), DELETE_REASON_ varchar(4000), TENANT_ID_ varchar(255), NAME_ varchar(255),"
    " primary key (ID_))",
    "create table ACT_HI_ACTINST (ID_ varchar(64) not null, REV_ integer, PROC_DEF_ID_"
    " varchar(64) not null, PROC_INST_ID_ varchar(64) not null, EXECUTION_ID_ varchar(64) not"
    " null, ACT_ID_ varchar(255) not null, TASK_ID_ varchar(64), CALL_PROC_INST_ID_ varchar(64),"
    " ACT_NAME_ varchar(255), ACT_TYPE_ varchar(255) not null, ASSIGNEE_ varchar(255),"
    " START_TIME_ {ts} not null, END_TIME_ {ts}, TRANSACTION_ORDER_ integer, DURATION_ bigint,"
    " DELETE_REASON_ varchar(4000), TENANT_ID_ varchar(255), primary key (ID_))",
    "create table ACT_HI_TASKINST (ID_ varchar(64) not null, REV_ integer, PROC_DEF_ID_"
    " varchar(64), TASK_DEF_KEY_ varchar(255), PROC_INST_ID_ varchar(64), EXECUTION_ID_"
    " varchar(64), NAME_ varchar(255), ASSIGNEE_ varchar(255), START_TIME_ {ts} not null,"
    " END_TIME_ {ts}, primary key (ID_))",
]
DEF = "vacationRequest:3:2504"


def acts() -> list[dict[str, object]]:
    t, same = datetime(2026, 5, 4, 9, 0), datetime(2026, 5, 4, 11, 0)
    names = ("id", "p", "act", "name", "type", "task", "s", "e", "o")
    rows = [  # id, process, act, name, type, task, start, end, transaction order
        ("a1", "p1", "start", "Start", "startEvent", None, t, t, 1),
        ("a2", "p1", "approve", "Handle vacation request", "userTask", "t1", t, same, 2),
        ("a3", "p1", "gw", None, "exclusiveGateway", None, same, same, 3),
        ("a4", "p1", "sendMail", "Send confirmation e-mail", "serviceTask", None, same, same, 4),
        ("a5", "p2", "approve", "Handle vacation request", "userTask", "t2", t, None, 2),
    ]
    return [dict(zip(names, r, strict=True)) for r in rows]


def fill_flowable(db: Database) -> None:
    ts = "timestamp" if db.dialect == "postgresql" else "datetime(3)"
    with db.engine.begin() as con:
        if db.schema:
            con.execute(sa.text(f"SET search_path TO {db.schema}"))
        for ddl in FLOWABLE_DDL:
            con.execute(sa.text(ddl.format(ts=ts)))
        for p, key in (("p1", "VR-1"), ("p2", "VR-2")):
            con.execute(
                sa.text(
                    "INSERT INTO ACT_HI_PROCINST (ID_, PROC_INST_ID_, BUSINESS_KEY_,"
                    " PROC_DEF_ID_, START_TIME_) VALUES (:p, :p, :k, :d, :s)"
                ),
                {"p": p, "k": key, "d": DEF, "s": datetime(2026, 5, 4, 9, 0)},
            )
        for a in acts():
            con.execute(
                sa.text(
                    "INSERT INTO ACT_HI_ACTINST (ID_, PROC_DEF_ID_, PROC_INST_ID_,"
                    " EXECUTION_ID_, ACT_ID_, TASK_ID_, ACT_NAME_, ACT_TYPE_, START_TIME_,"
                    " END_TIME_, TRANSACTION_ORDER_) VALUES (:id, :d, :p, :p, :act, :task,"
                    " :name, :type, :s, :e, :o)"
                ),
                {**a, "d": DEF},
            )
            if a["task"]:
                con.execute(
                    sa.text(
                        "INSERT INTO ACT_HI_TASKINST (ID_, PROC_INST_ID_, NAME_, ASSIGNEE_,"
                        " START_TIME_) VALUES (:t, :p, :n, 'kermit', :s)"
                    ),
                    {"t": a["task"], "p": a["p"], "n": a["name"], "s": a["s"]},
                )


def test_flowable_history_tables(database: Database, tmp_path: Path) -> None:
    fill_flowable(database)
    cfg = write_config(
        tmp_path / "proclens.toml",
        {"vacation": {"kind": "flowable", "url": database.url, "schema": database.schema}},
    )
    with EventStore.open(tmp_path / "s.duckdb") as store:
        report = pull(store, load_config(cfg)["vacation"])
        assert (report.read, report.loaded) == (3, 3)  # gateway skipped, p2's task still open
        got = store.con.execute(
            "SELECT activity, resource, start_ts, ts FROM activity_instances ORDER BY order_ts, ts,"
            " event_index"
        ).fetchall()
        assert [(g[0], g[1]) for g in got] == [
            ("Start", None),
            ("Handle vacation request", "kermit"),
            ("Send confirmation e-mail", None),
        ]
        assert got[1][3] == datetime(2026, 5, 4, 11, 0, tzinfo=UTC)
        [(attrs,)] = store.con.execute("SELECT attributes FROM cases").fetchall()
        assert json.loads(attrs) == {
            "process_definition_key": "vacationRequest",
            "process_definition_version": 3,
            "business_key": "VR-1",
        }


def test_wrong_database_password_is_named_without_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PL_TEST_MARIA_PW", "not-the-Root-pw-77")
    with mariadb_database() as db:
        url = db.url.replace("root@", "root:${PL_TEST_MARIA_PW}@")
        cfg = write_config(tmp_path / "proclens.toml", {"oa": {"kind": "oa_approval", "url": url}})
        code, out, err = run(
            capsys, "pull", "oa", "--config", str(cfg), "--db", str(tmp_path / "s.duckdb")
        )
    assert (code, out) == (2, "")
    assert err.startswith("error: source 'oa': error connecting to mysql+pymysql://root:***@")
    assert "Access denied for user 'root'" in err
    assert err.endswith("check the user and password in the url (and the variable it references)\n")
    assert "not-the-Root-pw-77" not in err


def test_a_server_that_does_not_answer_fails_the_test_naming_it() -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test"
    with pytest.raises(pytest.fail.Exception) as failed:
        _require(url, "PostgreSQL (test)")
    assert str(failed.value).startswith(f"PostgreSQL (test) is not answering at {url}: ")
    assert "see README section 'Workflow-system sources'" in str(failed.value)
