"""OCEL loading through the CLI: wrong formats, XXE, reloads, one transaction."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from connectors.ocel import ocel_source
from connectors.registry import FileOptions
from proclens.cli import main
from proclens.errors import SourceError
from proclens.loader import LOG_TABLES, OCEL_TABLES, delete_log
from proclens.store import EventStore
from tests.conftest import DATA

CASE_JSON = DATA / "16-ocel2-json-relations-unicode" / "input.json"

XXE = """<?xml version="1.0"?>
<!DOCTYPE log [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<log><object-types/><event-types><event-type name="a"><attributes/></event-type></event-types>
<objects><object id="o1" type="t"><attributes/></object></objects>
<events><event id="e1" type="&secret;" time="2024-01-01T00:00:00Z"><attributes/>
<objects><relationship object-id="o1" qualifier="q"/></objects></event></events></log>
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_ingest_json_reports_every_flattened_log(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    code, out, _ = run(
        capsys, "ingest", str(CASE_JSON), "--db", str(db_path), "--log", "c", "--json"
    )
    assert code == 0
    report = json.loads(out)
    assert {k: report[k] for k in ("log", "read", "loaded", "rejected", "cases")} == {
        "log": "c", "read": 17, "loaded": 17, "rejected": 0, "cases": 7}  # fmt: skip
    subs = {s["log"]: (s["cases"], s["events"], s["convergence"]) for s in report["logs"]}
    assert subs == {"c/customer": (2, 3, 0), "c/order": (2, 8, 0), "c/item": (3, 6, 1)}
    code, out, _ = run(capsys, "ocel-info", "--db", str(db_path), "--log", "c/item", "--json")
    assert code == 0
    assert json.loads(out)["relations"]["e2o"] == 17
    code, out, _ = run(capsys, "stats", "--db", str(db_path), "--log", "c/order", "--json")
    assert json.loads(out)["variants"] == 2


def test_same_file_twice_is_unchanged_and_replace_reloads(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    args = ("ingest", str(CASE_JSON), "--db", str(db_path), "--log", "c")
    assert run(capsys, *args)[0] == 0
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert "unchanged" in out
    code, _, _ = run(capsys, *args, "--replace")
    assert code == 0
    with EventStore.open(db_path, read_only=True) as store:
        counts = store.con.execute(
            "SELECT (SELECT count(*) FROM ocel_e2o), (SELECT count(*) FROM events),"
            " (SELECT count(*) FROM ocel_logs)"
        ).fetchone()
    assert counts == (17, 17, 1)
    code, _, err = run(capsys, *args, "--append")
    assert code == 2
    assert "--append is not supported" in err


def test_a_broken_sqlite_leaves_the_store_unchanged(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.sqlite"
    shutil.copy(DATA / "16-ocel2-json-relations-unicode" / "input.sqlite", broken)
    broken.chmod(0o644)
    with sqlite3.connect(broken) as con:
        con.execute("INSERT INTO event VALUES ('e9', 'unknown type')")
    assert run(capsys, "ingest", str(CASE_JSON), "--db", str(db_path), "--log", "keep")[0] == 0
    code, _, err = run(capsys, "ingest", str(broken), "--db", str(db_path), "--log", "bad")
    assert code == 2
    assert "'unknown type'" in err
    assert "event_map_type" in err
    with EventStore.open(db_path, read_only=True) as store:
        assert store.log_names() == ["keep/customer", "keep/item", "keep/order"]


@pytest.mark.parametrize(
    ("name", "content", "seems"),
    [
        ("rows.json", '[{"case": "a", "activity": "x"}]', "JSON array of 1 items"),
        ("lines.json", '{"case": "a"}\n{"case": "b"}\n', "JSON lines"),
        ("other.json", '{"traces": [], "name": "x"}', "keys 'traces', 'name'"),
        ("log.xml", '<log xes.version="1.0"><trace/></log>', "an XES event log"),
        ("model.xml", "<definitions><process/></definitions>", "a BPMN model"),
    ],
)
def test_a_file_that_is_not_ocel_says_what_it_seems(
    tmp_path: Path, name: str, content: str, seems: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match="is not an OCEL log") as err:
        ocel_source(path, FileOptions())
    assert seems in str(err.value)
    assert "XES (.xes, .xes.gz)" in str(err.value)


def test_a_sqlite_that_is_not_ocel_lists_its_tables(tmp_path: Path) -> None:
    path = tmp_path / "app.sqlite"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE users (id INTEGER)")
    with pytest.raises(SourceError, match=r"without the OCEL 2.0 tables .*its tables: users"):
        ocel_source(path, FileOptions())


@pytest.mark.parametrize("place", ["attribute", "text"])
def test_xml_with_an_external_entity_is_refused(tmp_path: Path, place: str) -> None:
    payload = XXE
    if place == "text":
        payload = payload.replace('type="&secret;"', 'type="a"').replace(
            "<attributes/>\n<objects>",
            '<attributes><attribute name="x">&secret;</attribute></attributes>\n<objects>',
        )
    path = tmp_path / "xxe.xmlocel"
    path.write_text(payload, encoding="utf-8")
    with pytest.raises(SourceError, match=r"DTD|external entity") as err:
        ocel_source(path, FileOptions())
    assert "root:" not in str(err.value)


def test_naive_times_take_the_tz_option(tmp_path: Path) -> None:
    text = CASE_JSON.read_text(encoding="utf-8").replace(
        '"2025-04-01T08:00:00Z"', '"2025-04-01T10:00:00"'
    )
    path = tmp_path / "naive.json"
    path.write_text(text, encoding="utf-8")
    source = ocel_source(path, FileOptions(tz="Europe/Berlin"))
    first = source.ocel.event_time[0]
    assert first.isoformat() == "2025-04-01T08:00:00+00:00"


def test_relations_to_unknown_objects_are_kept_and_reported(tmp_path: Path) -> None:
    data = json.loads(CASE_JSON.read_text(encoding="utf-8"))
    data["events"][0]["relationships"].append({"objectId": "ghost", "qualifier": "item"})
    path = tmp_path / "ghost.jsonocel"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    source = ocel_source(path, FileOptions())
    assert source.details()["warnings"] == ["1 event-to-object relations name unknown ids"]
    store = EventStore.in_memory()
    from proclens.multiload import load_multi

    report = load_multi(store, source, log="g")
    assert report.rows["ocel_e2o"] == 18
    assert {s.log: s.events for s in report.logs} == {"g/customer": 3, "g/order": 8, "g/item": 6}
    store.close()


def test_a_duplicate_event_id_is_a_clear_error(tmp_path: Path) -> None:
    data = json.loads(CASE_JSON.read_text(encoding="utf-8"))
    data["events"][1]["id"] = "e1"
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SourceError, match="event id 'e1' occurs twice"):
        ocel_source(path, FileOptions())


def _rows_of(db_path: Path, log: str) -> dict[str, int]:
    """Rows stored under `log` and its flattened logs, per table."""
    with EventStore.open(db_path, read_only=True) as store:
        return {
            t: int(store.con.execute(
                f"SELECT count(*) FROM {t} WHERE log = ? OR starts_with(log, ?)", [log, log + "/"]
            ).fetchall()[0][0])
            for t in (*OCEL_TABLES, *LOG_TABLES)
        }  # fmt: skip


def test_replacing_an_ocel_log_by_a_flat_file_removes_its_ocel_rows(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    flat = tmp_path / "flat.csv"
    flat.write_text("case,activity,time\nk1,a,2024-01-01T10:00:00Z\n", encoding="utf-8")
    assert run(capsys, "ingest", str(CASE_JSON), "--db", str(db_path), "--log", "c")[0] == 0
    assert run(capsys, "ingest", str(CASE_JSON), "--db", str(db_path), "--log", "d")[0] == 0
    other = _rows_of(db_path, "d")
    assert other["ocel_e2o"] == 17
    assert _rows_of(db_path, "c") == other
    code, _, err = run(capsys, "ingest", str(flat), "--db", str(db_path), "--log", "c")
    assert code == 2
    assert "already exists" in err
    assert run(capsys, "ingest", str(flat), "--db", str(db_path), "--log", "c", "--replace")[0] == 0
    left = _rows_of(db_path, "c")
    assert {t: n for t, n in left.items() if n} == {"events": 1, "cases": 1, "logs": 1}
    with EventStore.open(db_path, read_only=True) as store:
        assert store.log_names() == ["c", "d/customer", "d/item", "d/order"]
    assert _rows_of(db_path, "d") == other


def test_delete_log_removes_an_ocel_log_and_its_flattened_logs_only(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    for name in ("c", "d"):
        assert run(capsys, "ingest", str(CASE_JSON), "--db", str(db_path), "--log", name)[0] == 0
    other = _rows_of(db_path, "d")
    with EventStore.open(db_path) as store, store.transaction() as con:
        delete_log(con, "c")
    assert not any(_rows_of(db_path, "c").values())
    assert _rows_of(db_path, "d") == other
    code, _, _ = run(capsys, "ingest", str(CASE_JSON), "--db", str(db_path), "--log", "d",
                     "--replace")  # fmt: skip
    assert code == 0
    assert _rows_of(db_path, "d") == other


def test_an_ocel_load_commits_under_the_commit_budget(
    capsys: pytest.CaptureFixture[str], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its flattened logs' cases merge into the key index at the commit, as a log's do
    (proclens.loader.commit_budget): the limit is set once, inside the load's transaction."""
    import duckdb

    import proclens.multiload

    seen: list[tuple[bool, str]] = []
    real = proclens.multiload.commit_budget

    def record(con: duckdb.DuckDBPyConnection) -> str:
        budget = real(con)
        written = con.execute("SELECT count(*) FROM logs").fetchone() == (3,)
        seen.append((written, budget))
        return budget

    monkeypatch.setattr(proclens.multiload, "commit_budget", record)
    assert run(capsys, "ingest", str(CASE_JSON), "--db", str(db_path), "--log", "c")[0] == 0
    assert [s[0] for s in seen] == [True]  # once, when every flattened log is written
    with EventStore.open(db_path, read_only=True) as store:
        assert store.log_names() == ["c/customer", "c/item", "c/order"]
