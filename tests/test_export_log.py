"""proclens export-log: XES reads back in pm4py with equal counts; re-ingest gives equal stats."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from proclens.cli import main
from proclens.store import EventStore
from tests.conftest import DATA, SAMPLE_LOGS

LIFECYCLE = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
<trace><string key="concept:name" value="L1"/>
{events}
</trace></log>
"""


def _ev(name: str, t: str, life: str, extra: str = "") -> str:
    return (f'<event><string key="concept:name" value="{name}"/><date key="time:timestamp" '
            f'value="2024-01-01T{t}:00.000+01:00"/>'
            f'<string key="lifecycle:transition" value="{life}"/>{extra}</event>')  # fmt: skip


def lifecycle_log(tmp_path: Path) -> Path:
    events = [
        _ev("Register", "09:00", "start"),
        _ev("Register", "09:30", "complete", '<int key="cost" value="5"/>'),
        _ev("Assess", "09:40", "schedule"),
        _ev("Assess", "10:00", "start"),
        _ev("Notify", "10:10", "complete"),
        _ev("Assess", "11:00", "complete"),
    ]
    path = tmp_path / "lifecycle.xes"
    path.write_text(LIFECYCLE.format(events="\n".join(events)), encoding="utf-8")
    return path


def cli(*args: str) -> Any:
    code = main([*args])
    assert code == 0, args
    return code


def stats(db: Path, log: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    cli("stats", "--log", log, "--db", str(db), "--json")
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    data.pop("log")
    return data


SOURCES = {
    "case08": lambda tmp: DATA / "08-empty-trace" / "input.xes",
    "case14": lambda tmp: DATA / "14-xes-nested-list-attributes" / "input.xes",
    "lifecycle": lifecycle_log,
    "sepsis": lambda tmp: SAMPLE_LOGS / "sepsis_cases.xes.gz",
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_exported_xes_reads_back_in_pm4py_and_reingests_to_equal_stats(
    name: str, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import pm4py

    src = SOURCES[name](tmp_path)
    cli("ingest", str(src), "--log", "orig", "--db", str(db_path))
    out = tmp_path / "export.xes"
    cli("export-log", "--log", "orig", "--out", str(out), "--db", str(db_path))
    before = stats(db_path, "orig", capsys)

    with EventStore.open(db_path, read_only=True) as store:
        rows = store.con.execute(
            "SELECT count(*) + count(start_ts) FILTER (WHERE coalesce(lifecycle, '') <> 'start'),"
            " count(DISTINCT case_id) FROM events WHERE log = 'orig'"
        ).fetchall()[0]
    legacy = pm4py.read_xes(str(out), return_legacy_log_object=True)
    assert len(legacy) == before["cases"]  # empty traces included
    assert sum(len(t) for t in legacy) == rows[0]  # lifecycle rows: starts written back
    frame = pm4py.read_xes(str(out))
    assert (len(frame), frame["case:concept:name"].nunique()) == rows

    cli("ingest", str(out), "--log", "again", "--db", str(db_path))
    assert stats(db_path, "again", capsys) == before


def test_export_keeps_attribute_types(tmp_path: Path, db_path: Path) -> None:
    cli("ingest", str(DATA / "14-xes-nested-list-attributes" / "input.xes"), "--log", "o",
        "--db", str(db_path))  # fmt: skip
    out = tmp_path / "o.xes"
    cli("export-log", "--log", "o", "--out", str(out), "--db", str(db_path))
    text = out.read_text(encoding="utf-8")
    assert '<float key="amount" value="120.5"><string key="currency" value="EUR"/></float>' in text
    assert '<boolean key="express" value="true"/>' in text
    assert '<int key="qty" value="2"/>' in text
    assert 'value="2025-02-03T08:00:00.000+00:00"' in text
    cli("ingest", str(out), "--log", "o2", "--db", str(db_path))
    with EventStore.open(db_path, read_only=True) as store:
        pairs = store.con.execute(
            "SELECT a.attributes::VARCHAR IS NOT DISTINCT FROM b.attributes::VARCHAR"
            " FROM events a JOIN events b"
            " USING (case_id, activity) WHERE a.log = 'o' AND b.log = 'o2'"
        ).fetchall()
        cases = store.con.execute(
            "SELECT count(*) FROM cases a JOIN cases b USING (case_id)"
            " WHERE a.log = 'o' AND b.log = 'o2' AND a.attributes = b.attributes"
        ).fetchall()
    assert pairs == [(True,)] * 5
    assert cases == [(2,)]


def test_flat_export_columns_and_types(tmp_path: Path, db_path: Path) -> None:
    cli("ingest", str(lifecycle_log(tmp_path)), "--log", "l", "--db", str(db_path))
    cli("ingest", str(DATA / "14-xes-nested-list-attributes" / "input.xes"), "--log", "o",
        "--db", str(db_path))  # fmt: skip
    out = tmp_path / "o.parquet"
    cli("export-log", "--log", "o", "--out", str(out), "--db", str(db_path))
    table = pq.read_table(out)
    assert table.column_names == [
        "case:concept:name", "concept:name", "time:timestamp", "start_timestamp",
        "org:resource", "org:group", "lifecycle:transition", "concept:instance",
        "event_index", "is_instance", "case:region", "case:tags", "amount", "express", "items",
    ]  # fmt: skip
    assert table.num_rows == 5
    assert str(table.schema.field("amount").type) == "double"
    assert str(table.schema.field("express").type) == "bool"
    assert str(table.schema.field("time:timestamp").type) == "timestamp[us, tz=UTC]"
    assert table.column("amount").to_pylist() == [120.5, None, None, 80.0, None]
    assert json.loads(table.column("case:tags")[0].as_py()) == ["priority", "export"]

    flat = tmp_path / "l.parquet"
    cli("export-log", "--log", "l", "--out", str(flat), "--db", str(db_path))
    rows = pq.read_table(flat).to_pylist()
    assert [(r["concept:name"], r["lifecycle:transition"], r["is_instance"]) for r in rows] == [
        ("Register", "complete", True), ("Assess", "schedule", False),
        ("Assess", "complete", True), ("Notify", "complete", True),
    ]  # fmt: skip
    assert rows[0]["start_timestamp"].isoformat() == "2024-01-01T08:00:00+00:00"
    assert rows[0]["cost"] == 5


@pytest.mark.skipif(
    importlib.util.find_spec("connectors.tabular") is None,
    reason="the CSV connector (connectors.tabular) is not in this checkout yet",
)
@pytest.mark.parametrize("name", ["case08", "lifecycle", "sepsis"])
def test_exported_csv_reingests_to_equal_stats(
    name: str, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = SOURCES[name](tmp_path)
    cli("ingest", str(src), "--log", "orig", "--db", str(db_path))
    out = tmp_path / "export.csv"
    cli("export-log", "--log", "orig", "--out", str(out), "--db", str(db_path))
    cli("ingest", str(out), "--log", "again", "--db", str(db_path))
    before, after = stats(db_path, "orig", capsys), stats(db_path, "again", capsys)
    if name == "case08":  # a flat file has no row for the empty case
        before["cases"], before["variants"], before["cases_without_events"] = 2, 1, 0
    assert after == before


def test_unknown_export_format_is_one_line(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli("ingest", str(DATA / "08-empty-trace" / "input.xes"), "--log", "e", "--db", str(db_path))
    capsys.readouterr()
    code = main(["export-log", "--log", "e", "--out", str(tmp_path / "x.json"), "--db",
                 str(db_path)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert ".parquet" in err
