"""proclens.toml validation, ${ENV_VAR} secrets, redaction, and `proclens sources`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from connectors.sources.config import KEYS, load_config, redact_url
from connectors.sources.pull import pull
from proclens.errors import ConfigError, ProcLensError
from proclens.store import EventStore
from tests.conftest import ROOT
from tests.sources.camunda_sim import HistoryDb, Model, simulate
from tests.sources.helpers import run, store_text, write_config
from tests.sources.servers import Database, free_port

SECRET = "pg-S3cret-pw-991"


def test_redact_url_hides_literal_passwords_only() -> None:
    assert redact_url("postgresql://u:hunter2@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert redact_url("mysql+pymysql://u:${PW}@h/db") == "mysql+pymysql://u:${PW}@h/db"
    assert redact_url("https://api.github.com") == "https://api.github.com"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"kind": "camunda7"}, "lacks url; every source needs kind and url"),
        ({"kind": "bpm", "url": "x"}, "unknown kind 'bpm'; kinds are: camunda7, flowable"),
        ({"kind": "github", "url": "x", "query": "q"}, "unknown key query for kind github"),
        ({"kind": "jira", "url": "x", "token": "abc"}, "write the token as ${ENV_VAR}"),
        ({"kind": "sql", "url": "x"}, "a sql source needs 'query' or 'table'"),
    ],
)
def test_invalid_sources_are_config_errors(
    tmp_path: Path, table: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match="source 's'") as err:
        load_config(write_config(tmp_path / "p.toml", {"s": table}))
    assert message in str(err.value)


def test_a_missing_environment_variable_is_named(tmp_path: Path) -> None:
    cfg = write_config(
        tmp_path / "p.toml",
        {
            "s": {
                "kind": "camunda7",
                "url": "postgresql+psycopg://u:${PL_TEST_UNSET_VAR}@127.0.0.1/db",
            }
        },
    )
    with EventStore.in_memory() as store, pytest.raises(ProcLensError) as err:
        pull(store, load_config(cfg)["s"])
    assert str(err.value) == (
        "source 's' key 'url' uses ${PL_TEST_UNSET_VAR} but the environment "
        "variable PL_TEST_UNSET_VAR is not set; export it before pulling"
    )


def test_every_source_key_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: sources -->")[1].split("<!-- end section: sources -->")[0]
    assert [k.name for k in KEYS if f"| `{k.name}` |" not in section] == []
    from connectors.sources.config import KINDS

    assert [k for k in KINDS if f"`{k}`" not in section] == []


@pytest.mark.services
def test_the_password_never_reaches_store_screen_or_errors(
    pg_database: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PostgreSQL here runs with trust authentication, so any password is accepted."""
    database = pg_database
    monkeypatch.setenv("PL_TEST_PG_PASSWORD", SECRET)
    history = HistoryDb(database.engine, database.schema)
    history.create()
    history.sync(simulate(8, datetime(2026, 1, 1), 3, 1, Model()), datetime(2026, 2, 1))
    url = "postgresql+psycopg://postgres:${PL_TEST_PG_PASSWORD}@127.0.0.1:5432/test"
    port = free_port()
    down = url.replace(":5432/", f":{port}/")
    cfg = write_config(
        tmp_path / "proclens.toml",
        {
            "good": {"kind": "camunda7", "url": url, "schema": database.schema},
            "down": {"kind": "camunda7", "url": down, "schema": database.schema, "timeout": 2},
            "literal": {"kind": "camunda7", "url": f"postgresql://postgres:{SECRET}@h/db"},
        },
    )
    db = tmp_path / "s.duckdb"
    outputs = []
    for args in (
        ["pull", "good"],
        ["pull", "good", "--json"],
        ["pull", "down"],
        ["sources"],
        ["sources", "--json"],
    ):
        code, out, err = run(capsys, *args, "--config", str(cfg), "--db", str(db))
        outputs.append((code, out + err))
    assert [c for c, _ in outputs] == [0, 0, 2, 0, 0]
    assert all(SECRET not in text for _, text in outputs)
    assert (
        "error: source 'down': error connecting to postgresql+psycopg://postgres:***@"
        in (outputs[2][1])
    )
    listed = {s["name"]: s for s in json.loads(outputs[4][1])}
    assert listed["literal"]["url"] == "postgresql://postgres:***@h/db"
    assert listed["good"]["last_pull"]["status"] == "unchanged"
    assert listed["down"]["last_pull"]["status"] == "failed"
    assert listed["literal"]["last_pull"] is None
    assert SECRET not in store_text(db)
    with EventStore.open(db) as store:
        with pytest.raises(ProcLensError) as err:
            pull(store, load_config(cfg)["down"])
        assert SECRET not in str(err.value)
        sources = store.con.execute("SELECT DISTINCT source FROM load_runs").fetchall()
    assert {s[0] for s in sources} == {
        "postgresql+psycopg://postgres:***@127.0.0.1:5432/test",
        f"postgresql+psycopg://postgres:***@127.0.0.1:{port}/test",
    }
