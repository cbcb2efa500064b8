"""The CLI contract: JSON keys, one-line errors, non-zero exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from proclens.cli import main
from proclens.loader import load
from proclens.store import EventStore
from tests.rows import RowSource


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def filled(db_path: Path) -> Path:
    rows = [
        {"case_id": "c1", "activity": "Submit", "ts": "2024-01-01T09:00:00"},
        {"case_id": "c1", "activity": "Approve", "ts": "2024-01-02T09:00:00"},
        {"case_id": "c2", "activity": "Submit", "ts": "2024-01-03T09:00:00"},
        {"case_id": "c2", "activity": "Reject", "ts": "2024-01-03T12:00:00"},
    ]
    with EventStore.open(db_path) as store:
        load(store, RowSource(rows), log="claims")
    return db_path


def test_stats_json_has_the_contract_keys(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "stats", "--log", "claims", "--db", str(filled), "--json")
    assert code == 0
    stats = json.loads(out)
    assert stats["cases"] == 2
    assert stats["events"] == 4
    assert stats["activities"] == 3
    assert stats["variants"] == 2
    assert stats["start_activities"] == {"Submit": 2}
    assert stats["end_activities"] == {"Approve": 1, "Reject": 1}
    assert stats["first_event"].startswith("2024-01-01T09:00:00")
    assert stats["case_duration_s"] == {
        "min": 10800.0, "median": 48600.0, "mean": 48600.0, "p90": 78840.0, "max": 86400.0,
    }  # fmt: skip


def test_plain_ingest_says_which_columns_came_from_flags_and_which_were_suggested(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "claims.csv"
    csv.write_text(
        "Case ID,Step,Timestamp,Resource\n"
        "c1,Submit,2024-01-01 09:00:00,ann\n"
        "c1,Approve,2024-01-02 09:00:00,bob\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "s.duckdb")
    code, out, _ = run(capsys, "ingest", str(csv), "--activity", "Step", "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "claims: read 2 rows, loaded 2, rejected 0; 1 case, 2 events"
    assert "  columns from flags: activity = 'Step'" in lines
    assert (
        "  columns suggested: case = 'Case ID', timestamp = 'Timestamp', resource = 'Resource'"
        in lines
    )


def test_logs_json_lists_counts(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "logs", "--db", str(filled), "--json")
    assert code == 0
    [row] = json.loads(out)
    assert (row["log"], row["cases"], row["events"], row["rows_read"]) == ("claims", 2, 4, 4)


def test_unknown_log_is_one_line_naming_the_logs(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "stats", "--log", "nope", "--db", str(filled), "--json")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "no log named 'nope'" in err
    assert "claims" in err


def test_missing_store_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "stats", "--db", str(tmp_path / "none.duckdb"))
    assert code == 2
    assert err.startswith("error: no event store at")
    assert not (tmp_path / "none.duckdb").exists()


def test_missing_file_is_a_clear_error_and_writes_nothing(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "ingest", str(db_path.parent / "absent.csv"), "--db", str(db_path))
    assert code == 2
    assert err.strip() == f"error: {db_path.parent / 'absent.csv'}: no such file"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["conform", "--log", "l", "--model", "/nope.bpmn"], "'/nope.bpmn' does not exist"),
        (["stats", "--no-such-flag"], "No such option '--no-such-flag'"),
        (["conform", "--log", "l"], "Missing option '--model'"),
    ],
)
def test_usage_errors_are_one_line_naming_the_help(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: ")
    assert says in err
    assert f"see 'proclens {args[0]} --help'" in err


def test_commands_map_names_every_command_of_every_module() -> None:
    """COMMANDS (what the lazy group loads) and the modules of proclens.commands agree both ways."""
    import pkgutil

    import proclens.commands
    from proclens.cli import COMMANDS, module_commands

    defined = {
        cmd.name: info.name
        for info in pkgutil.iter_modules(proclens.commands.__path__)
        for cmd in module_commands(info.name)
    }
    assert defined == COMMANDS


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    from proclens.cli import COMMANDS

    code, out, _ = run(capsys, "--help")
    assert code == 0
    listed = {line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == set(COMMANDS)


def test_xes_ingest_imports_no_dashboard_plotting_or_pandas_stack(tmp_path: Path) -> None:
    """`proclens ingest` of an XES file loads only what it uses (its peak memory, issue 2)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    probe = (
        "import sys\n"
        "from proclens.cli import main\n"
        "assert main(['ingest', sys.argv[1], '--db', sys.argv[2], '--json']) == 0\n"
        "heavy = {'dashboards', 'plotly', 'streamlit', 'pm4py', 'sqlglot', 'scipy', 'pandas'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
    )
    xes = ROOT / "sample_logs" / "sepsis_cases.xes.gz"
    args = [sys.executable, "-c", probe, str(xes), str(tmp_path / "s.duckdb")]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
