"""REST sources against a local server answering like Camunda 7 REST, Jira and GitHub:
paging, 429 with Retry-After, GitHub's rate-limit headers, timeouts, incremental pulls."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from connectors.sources.config import load_config
from connectors.sources.pull import pull
from proclens.store import EventStore
from tests.sources.camunda_sim import Instance, Model, simulate, truth
from tests.sources.fake_apis import CamundaState, JiraIssue, add_camunda, add_jira
from tests.sources.fake_github import (
    GhIssue,
    add_github,
    closed,
    commented,
    committed,
    labeled,
    reviewed,
)
from tests.sources.fake_http import FakeApi, Special
from tests.sources.helpers import event_rows, run, snapshot, store_text, write_config
from tests.test_order import recomputed, stored

FIRST = datetime(2026, 3, 2, 8, 0)
T1, T2 = FIRST + timedelta(days=10), FIRST + timedelta(days=30)
FAST = {"retries": 3, "backoff": 0.01, "timeout": 5}


@pytest.fixture
def api() -> Iterator[FakeApi]:
    server = FakeApi()
    yield server
    server.close()


def config_for(tmp_path: Path, name: str, table: dict[str, Any]) -> Any:
    return load_config(write_config(tmp_path / "proclens.toml", {name: table}))[name]


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


def test_camunda_rest_pages_retries_429_and_pulls_incrementally(
    api: FakeApi, tmp_path: Path
) -> None:
    instances = simulate(40, FIRST, days=20, seed=5, model=Model())
    state = CamundaState(instances, T1)
    add_camunda(api, state)
    path = "/engine-rest/history/activity-instance"
    api.once[path] = [Special(), Special(429, {"Retry-After": "1"})]
    table = {
        "kind": "camunda7_rest",
        "url": api.url + "/engine-rest",
        "log": "invoice",
        "batch_size": 25,
        "variables": ["amount", "creditor", "approved"],
        **FAST,
    }
    config = config_for(tmp_path, "engine", table)
    with EventStore.open(tmp_path / "s.duckdb") as store:
        began = time.monotonic()
        first = pull(store, config)
        assert time.monotonic() - began >= 1.0  # it honoured Retry-After: 1
        want1 = expected(instances, T1)
        assert event_rows(store, "invoice") == want1
        assert first.loaded == len(want1)
        pages = [r.query for r in api.paths(path)]
        assert [p["firstResult"] for p in pages[:3]] == ["0", "25", "25"]  # 429 then again
        assert "finishedAfter" not in pages[0]
        attrs = dict(store.con.execute("SELECT case_id, attributes FROM cases").fetchall())
        inst = next(i for i in instances if i.id in attrs)
        assert json.loads(attrs[inst.id]) == {
            "process_definition_key": "invoice",
            "process_definition_version": 2,
            "business_key": inst.business_key,
            **inst.variables,
        }

        api.requests.clear()
        state.now = T2
        second = pull(store, config)
        want2 = expected(instances, T2)
        assert event_rows(store, "invoice") == want2
        assert (second.loaded, second.updated) == (len(want2) - len(want1), 0)
        assert stored(store) == recomputed(store)  # the stored case order after the increment
        after = next(api.paths(path)).query["finishedAfter"]
        assert after.endswith("+0000")
        assert pull(store, config).status == "unchanged"


def test_a_timeout_is_retried_then_reported_clearly(
    api: FakeApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instances = simulate(5, FIRST, days=2, seed=2, model=Model())
    add_camunda(api, CamundaState(instances, T1))
    path = "/engine-rest/history/activity-instance"
    api.once[path] = [Special(delay=1.0)]
    table = {
        "kind": "camunda7_rest",
        "url": api.url + "/engine-rest",
        "timeout": 0.3,
        "retries": 2,
        "backoff": 0.01,
    }
    cfg = write_config(tmp_path / "proclens.toml", {"engine": table})
    db = str(tmp_path / "s.duckdb")
    code, out, _ = run(capsys, "pull", "engine", "--config", str(cfg), "--db", db, "--json")
    assert code == 0
    assert json.loads(out)["rows_new"] == len(truth(instances, T1))
    before = snapshot(Path(db))
    api.always_delay[path] = 1.0
    code, out, err = run(capsys, "pull", "engine", "--config", str(cfg), "--db", db, "--full")
    assert (code, out) == (2, "")
    assert err == (
        f"error: source 'engine': {api.url}/engine-rest/history/activity-instance did not "
        "answer within 0.3 s (2 retries); check that the server is up, or raise 'timeout'\n"
    )
    assert snapshot(Path(db)) == before


def jira_issues() -> list[JiraIssue]:
    t0 = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
    flow = ["In Progress", "In Review", "Done"]
    out = []
    for n in range(5):
        created = t0 + timedelta(hours=5 * n)
        steps = 4 if n == 0 else n % 3 + 1
        names = [*flow, "Reopened"][:steps] if n == 0 else flow[:steps]
        trans = [
            ("Open" if k == 0 else names[k - 1], name, created + timedelta(hours=k + 1), "bob")
            for k, name in enumerate(names)
        ]
        out.append(JiraIssue(f"PL-{n + 1}", created, trans))
    return out


def test_jira_changelog_paging_rate_limit_and_increment(
    api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PL_TEST_JIRA_TOKEN", "jira-T0ken-xyz")
    issues = jira_issues()
    add_jira(api, issues, embed=2)
    api.once["/rest/api/2/search"] = [Special(429, {"Retry-After": "0"})]
    table = {
        "kind": "jira",
        "url": api.url,
        "user": "bot@example.org",
        "token": "${PL_TEST_JIRA_TOKEN}",
        "jql": "project = PL",
        "batch_size": 2,
        "reread": "30m",
        **FAST,
    }
    config = config_for(tmp_path, "jira", table)
    db = tmp_path / "s.duckdb"
    with EventStore.open(db) as store:
        first = pull(store, config)
        want = sum(1 + len(i.transitions) for i in issues)
        assert (first.read, first.loaded) == (want, want)
        rows = store.con.execute(
            "SELECT activity, resource, ts FROM events WHERE case_id = 'PL-1' ORDER BY ts"
        ).fetchall()
        assert [r[0] for r in rows] == ["Created", "In Progress", "In Review", "Done", "Reopened"]
        assert rows[1][1] == "Bob"
        assert rows[4][2] == issues[0].transitions[3][2]  # the 4th came from /changelog
        assert any(r.path == "/rest/api/2/issue/PL-1/changelog" for r in api.requests)
        issues[1].transitions.append(
            ("In Progress", "Done", datetime(2026, 3, 1, tzinfo=UTC), "carol")
        )
        issues.append(JiraIssue("PL-9", datetime(2026, 3, 2, tzinfo=UTC)))
        api.requests.clear()
        second = pull(store, config)
        assert second.loaded - second.updated == 2
        assert second.updated == 0
        jql = next(api.paths("/rest/api/2/search")).query["jql"]
        assert jql.startswith('(project = PL) AND updated >= "2026/02/03 ')
        assert jql.endswith(" ORDER BY updated ASC")
    auth = next(api.paths("/rest/api/2/search")).headers["Authorization"]
    assert auth.startswith("Basic ")
    assert "jira-T0ken-xyz" not in store_text(db)


def github_issues() -> list[GhIssue]:
    t0 = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    h = timedelta(hours=1)
    return [
        GhIssue(
            1,
            t0,
            "ann",
            timeline=[
                labeled(11, "ann", t0 + h),
                commented(12, "bo", t0 + 2 * h),
                closed(13, "ann", t0 + 3 * h),
            ],
        ),
        GhIssue(
            2,
            t0 + h,
            "bo",
            pull=True,
            timeline=[
                committed("a1b2", "bo", t0 + 2 * h),
                reviewed(21, "ann", t0 + 3 * h, "APPROVED"),
                closed(22, "bo", t0 + 4 * h),
            ],
        ),
        GhIssue(3, t0 + 2 * h, "cy", timeline=[commented(31, "ann", t0 + 3 * h)]),
    ]


def test_github_timelines_link_paging_rate_limit_headers(
    api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PL_TEST_GH_TOKEN", "ghp_secretTOKEN123")
    issues = github_issues()
    add_github(api, "acme/flows", issues)
    reset = str(int(time.time()) + 1)
    api.once["/repos/acme/flows/issues"] = [
        Special(403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset})
    ]
    table = {
        "kind": "github",
        "url": api.url,
        "repo": "acme/flows",
        "token": "${PL_TEST_GH_TOKEN}",
        "batch_size": 2,
        **FAST,
    }
    config = config_for(tmp_path, "gh", table)
    db = tmp_path / "s.duckdb"
    with EventStore.open(db) as store:
        first = pull(store, config)
        assert first.loaded == 3 + 7
        got = store.con.execute(
            "SELECT activity, resource FROM events WHERE case_id = '2' ORDER BY ts"
        ).fetchall()
        assert got == [
            ("opened", "bo"),
            ("committed", "bo"),
            ("reviewed (approved)", "ann"),
            ("closed", "bo"),
        ]
        kinds = dict(store.con.execute("SELECT case_id, attributes->>'type' FROM cases").fetchall())
        assert kinds == {"1": "issue", "2": "pull_request", "3": "issue"}
        listing = [r for r in api.requests if r.path == "/repos/acme/flows/issues"]
        assert [r.query.get("page") for r in listing] == [None, None, "2"]  # 403, then 2 pages
        timelines = {r.path for r in api.requests if r.query.get("page") == "2"} - {listing[0].path}
        assert timelines == {
            "/repos/acme/flows/issues/1/timeline",
            "/repos/acme/flows/issues/2/timeline",
        }
        issues[2].timeline.append(closed(32, "cy", datetime(2026, 1, 20, tzinfo=UTC)))
        api.requests.clear()
        second = pull(store, config)
        assert (second.loaded, second.unchanged) == (1, 10)  # all 3 changed since cursor - 1h
        assert next(api.paths("/repos/acme/flows/issues")).query["since"] == "2026-01-10T15:00:00Z"
    assert next(api.paths("/repos")).headers["Authorization"] == "Bearer ghp_secretTOKEN123"
    assert "ghp_secretTOKEN123" not in store_text(db)


def test_rejected_credentials_are_one_clear_line(
    api: FakeApi, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: Any
) -> None:
    monkeypatch.setenv("PL_TEST_GH_TOKEN", "ghp_wrongTOKEN")
    api.route("/repos/acme/flows/issues", lambda m, q: (401, {}, {"message": "Bad credentials"}))
    table = {
        "kind": "github",
        "url": api.url,
        "repo": "acme/flows",
        "token": "${PL_TEST_GH_TOKEN}",
        **FAST,
    }
    cfg = write_config(tmp_path / "proclens.toml", {"gh": table})
    code, out, err = run(
        capsys, "pull", "gh", "--config", str(cfg), "--db", str(tmp_path / "s.duckdb")
    )
    assert (code, out) == (2, "")
    assert err == (
        f"error: source 'gh': {api.url}/repos/acme/flows/issues refused the credentials "
        "(HTTP 401); check 'user' and the token's environment variable, and the token's rights\n"
    )
