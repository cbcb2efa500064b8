"""The analytics commands: exact JSON shapes of the issue, filter options, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from proclens.cli import main
from proclens.loader import load
from proclens.store import EventStore
from tests.cases import case_rows
from tests.conftest import DATA
from tests.rows import RowSource


@pytest.fixture
def db(db_path: Path) -> str:
    with EventStore.open(db_path) as store:
        load(store, RowSource(case_rows("06-performance-dfg-aggregation")), log="inv")
    return str(db_path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    assert main([*args, "--json"]) == 0
    out = capsys.readouterr().out

    def no_nan(token: str) -> None:
        raise AssertionError(f"{token} in JSON output")

    return json.loads(out, parse_constant=no_nan)


def test_map_json_shape(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = run(capsys, "map", "--db", db, "--log", "inv")
    assert {"nodes", "edges", "start_activities", "end_activities"} <= set(data)
    assert {"activity", "events", "cases"} <= set(data["nodes"][0])
    edge_keys = {"source", "target", "count", "cases", "mean_s", "median_s", "p90_s"}
    assert all(edge_keys <= set(e) for e in data["edges"])
    assert data["start_activities"] == {"Receive invoice": 4}
    assert data["end_activities"] == {"Pay invoice": 3, "Reject invoice": 1}
    loop = next(e for e in data["edges"] if e["source"] == e["target"])
    assert loop["stdev_s"] is None


def test_variants_json_shape_and_top(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = run(capsys, "variants", "--db", db, "--log", "inv", "--top", "2")
    assert len(data) == 2
    assert data[0]["variant"] == ["Receive invoice", "Check invoice", "Pay invoice"]
    assert (data[0]["cases"], data[0]["share"], data[0]["median_duration_s"]) == (2, 0.5, 1290.0)
    assert data[1]["cumulative_share"] == 0.75


def test_filters_on_the_command_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = run(capsys, "variants", "--db", db, "--log", "inv", "--follows",
               "Check invoice", "Check invoice")  # fmt: skip
    assert [v["variant"] for v in data] == [
        ["Receive invoice", "Check invoice", "Check invoice", "Pay invoice"]
    ]
    data = run(capsys, "map", "--db", db, "--log", "inv", "--min-duration", "1h",
               "--without-activity", "Reject invoice")  # fmt: skip
    assert data["start_activities"] == {"Receive invoice": 1}  # p4 (7980 s) only
    data = run(capsys, "map", "--db", db, "--log", "inv", "--variant",
               '["Receive invoice", "Check invoice", "Reject invoice"]')  # fmt: skip
    assert data["end_activities"] == {"Reject invoice": 1}
    data = run(capsys, "cycle-times", "--db", db, "--log", "inv", "--from", "2024-07-02",
               "--to", "2024-07-04")  # fmt: skip
    assert data["case_duration_s"]["n"] == 2


def test_cycle_times_between_and_calendar(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    cal = DATA / "07-business-hours-calendar" / "calendar.json"
    data = run(capsys, "cycle-times", "--db", db, "--log", "inv", "--between", "Check invoice",
               "Pay invoice", "--calendar", str(cal))  # fmt: skip
    b = data["between"]
    assert (b["cases_without_from"], b["cases_without_to"], b["duration_s"]["n"]) == (0, 1, 3)
    assert b["duration_s"]["median"] == 1800.0  # 600, 1800, 7800 (first Check to Pay)
    assert data["calendar"]["working_day_s"] == 28800
    assert data["case_working_s"]["n"] == 4


def test_bottlenecks_and_opportunities_json(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = run(capsys, "bottlenecks", "--db", db, "--log", "inv")
    assert data["rework"][0]["activity"] == "Check invoice"
    assert data["transitions_by_waiting"][0]["source"] == "Check invoice"
    found = run(capsys, "opportunities", "--db", db, "--log", "inv")
    assert found[0]["kind"] == "rework"
    assert {"rank", "title", "evidence", "saving_hours_per_year"} <= set(found[0])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["map", "--min-duration", "soon"], "not a duration"),
        (["map", "--where", "region"], "KEY=VALUE"),
        (["map", "--from", "2024-02-01", "--to", "2024-01-01"], "time window is empty"),
        (["cycle-times", "--calendar", "/nonexistent/cal.json"], "cannot read calendar"),
        (["map", "--log", "nope"], "no log named 'nope'"),
    ],
)
def test_errors_are_one_line(
    db: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code = main([*args, "--db", db])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err
