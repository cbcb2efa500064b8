"""CLI contract, rules with hand-computed answers, label mapping suggestions and reuse."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from analytics.conformance.mapping import load_mapping, suggest_mapping
from analytics.conformance.rules import check_rules, load_rules
from analytics.engine import DuckDBEngine
from proclens.cli import cli, main
from proclens.errors import ConfigError
from proclens.loader import load
from proclens.store import EventStore
from tests.conformance_logs import load_csv
from tests.conftest import DATA
from tests.rows import RowSource

CASE10 = DATA / "10-bpmn-inclusive-gateway"

ROWS = [  # c1 fine; c2: same person approves and pays, pays late; c3 pays without approval
    {"case_id": "c1", "activity": "Approve", "ts": "2024-01-01T09:00", "resource": "ann"},
    {"case_id": "c1", "activity": "Pay", "ts": "2024-01-01T10:00", "resource": "bob"},
    {"case_id": "c1", "activity": "Archive", "ts": "2024-01-01T11:00", "resource": "bob"},
    {"case_id": "c2", "activity": "Approve", "ts": "2024-01-02T09:00", "resource": "ann"},
    {"case_id": "c2", "activity": "Rework", "ts": "2024-01-02T12:00", "resource": "ann"},
    {"case_id": "c2", "activity": "Pay", "ts": "2024-01-04T09:00", "resource": "ann"},
    {"case_id": "c3", "activity": "Pay", "ts": "2024-01-03T09:00", "resource": "cy"},
    {"case_id": "c3", "activity": "Approve", "ts": "2024-01-03T10:00", "resource": "dan"},
    {"case_id": "c3", "activity": "Archive", "ts": "2024-01-03T11:00", "resource": "dan"},
]
RULES = """rules:
  - {name: four eyes, type: four-eyes, first: Approve, second: Pay}
  - {name: approve first, type: precedes, first: Approve, second: Pay}
  - {name: pay within a day, type: max-time, first: Approve, second: Pay, hours: 24}
  - {name: no rework, type: never, activity: Rework}
  - {name: archived, type: must-occur, activity: Archive}
"""


def test_rules_per_rule_and_case(store: EventStore, tmp_path: Path) -> None:
    load(store, RowSource(ROWS), log="l")
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    results = check_rules(DuckDBEngine(store), "l", load_rules(path))
    got = {r.name: r.violating_cases for r in results}
    assert got == {
        "four eyes": ["c2"], "approve first": ["c3"], "pay within a day": ["c2"],
        "no rework": ["c2"], "archived": ["c2"],
    }  # fmt: skip
    assert all(r.cases == 3 for r in results)


def test_bad_rules_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n  - {type: sometimes, activity: A}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="types are four-eyes"):
        load_rules(path)


def test_suggestions_normalised_then_fuzzy() -> None:
    m = suggest_mapping(
        ["Declaration submitted (employee)", "Approve  purchase", "Fly to the moon"],
        ["Declaration SUBMITTED by EMPLOYEE", "approve purchase", "Payment Handled"],
    )
    assert m.labels["Approve  purchase"] == "approve purchase"
    assert m.scores["Approve  purchase"] == 100.0
    assert m.labels["Declaration submitted (employee)"] == "Declaration SUBMITTED by EMPLOYEE"
    assert m.labels["Fly to the moon"] is None


def test_a_suggestion_gives_each_activity_to_one_task_and_a_shared_word_is_no_match() -> None:
    """The BPI 2020 reimbursement model against its log: 'request' or 'payment' alone made
    four tasks all suggest 'Request Payment' (token-set ratio 64-73)."""
    tasks = ["submit travel request", "prove request", "reject request", "prepare payment"]
    activities = ["Request Payment", "Payment Handled", "Declaration SUBMITTED by EMPLOYEE"]
    assert suggest_mapping(tasks, activities).labels == {
        "submit travel request": None, "prove request": None, "reject request": None,
        "prepare payment": "Request Payment",
    }  # fmt: skip
    # an activity a task names exactly is not suggested to a second, similar task
    m = suggest_mapping(["Check invoice again", "Check invoice"], ["check invoice", "Pay"])
    assert m.labels == {"Check invoice again": None, "Check invoice": "check invoice"}
    # two tasks near two activities: each gets its closest
    m = suggest_mapping(
        ["approve order (manager)", "approve order (director)"],
        ["Director approves order", "Manager approves order"],
    )
    assert m.labels == {
        "approve order (manager)": "Manager approves order",
        "approve order (director)": "Director approves order",
    }


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "s.duckdb"
    with EventStore.open(path) as s:
        load_csv(s, CASE10 / "input_log.csv", log="or")
    return str(path)


def test_conform_json_contract(db: str) -> None:
    out = CliRunner().invoke(
        cli, ["conform", "--log", "or", "--model", str(CASE10 / "input.bpmn"), "--db", db, "--json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert {"fitness", "precision", "fitting_cases_share", "method", "deviations", "rules"} <= set(
        data
    )
    assert round(data["fitness"], 4) == 0.9677
    assert data["fitting_cases_share"] == 0.8
    assert data["method"] == "alignments"
    assert data["rules"] == []
    assert data["over_time"][0]["month"] == "2024-10"
    assert data["over_time"][0]["skipped"] == 1
    assert set(data["deviations"][0]) >= {"activity", "skipped", "inserted"}


def test_suggest_mapping_file_is_reused(db: str, tmp_path: Path) -> None:
    bpmn = tmp_path / "renamed.bpmn"
    bpmn.write_text(
        (CASE10 / "input.bpmn")
        .read_text(encoding="utf-8")
        .replace('name="Budget check"', 'name="Check the budget"'),
        encoding="utf-8",
    )
    out_file = tmp_path / "map.yaml"
    args = ["suggest-mapping", "--log", "or", "--model", str(bpmn), "--out", str(out_file)]
    out = CliRunner().invoke(cli, [*args, "--db", db, "--json"])
    assert out.exit_code == 0, out.output
    assert load_mapping(out_file).labels["Check the budget"] == "Budget check"
    conform = ["conform", "--log", "or", "--model", str(bpmn), "--db", db, "--json"]
    without = json.loads(CliRunner().invoke(cli, conform).output)
    assert "Check the budget" in without["unmapped_tasks"]
    with_map = json.loads(CliRunner().invoke(cli, [*conform, "--mapping", str(out_file)]).output)
    assert round(with_map["fitness"], 4) == 0.9677
    assert with_map["unmapped_tasks"] == []


def test_token_replay_method_and_rules_in_conform(db: str, tmp_path: Path) -> None:
    rules = tmp_path / "r.yaml"
    rules.write_text("rules:\n  - {type: must-occur, activity: Legal check}\n", encoding="utf-8")
    args = ["conform", "--log", "or", "--model", str(CASE10 / "input.bpmn"), "--db", db,
            "--method", "token-replay", "--rules", str(rules), "--json"]  # fmt: skip
    data = json.loads(CliRunner().invoke(cli, args).output)
    assert data["method"] == "token-replay"
    assert 0 < data["fitness"] <= 1
    assert data["rules"][0]["violating_cases"] == ["q1", "q5"]


def test_model_info_json_and_named_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model-info", str(DATA / "09-bpmn-collaboration-lanes-no-di" / "input.bpmn"),
                 "--json"]) == 0  # fmt: skip
    info = json.loads(capsys.readouterr().out)
    assert {"tasks", "gateways", "lanes", "places", "transitions", "sound"} <= set(info)
    assert info["sound"] is True
    assert info["gateways"] == 2
    assert len(info["tasks"]) == 4
    assert main(["model-info", str(DATA / "models" / "bpmn" / "miwg_C.9.0.bpmn"), "--json"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "subProcess 'Activity_1ke2ixr'" in err
