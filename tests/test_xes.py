"""The XES connector: attribute typing, timestamps, rejections, security and broken files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from connectors.registry import FileOptions
from connectors.xes import XesSource
from proclens.cli import main
from proclens.loader import load
from proclens.store import EventStore

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def xes(body: str, *, root: str = '<log xes.version="2.0" xmlns="http://www.xes-standard.org/">',
        doctype: str = "") -> str:  # fmt: skip
    return f"{HEAD}{doctype}{root}\n{body}\n</log>\n"


def event(name: str, ts: str, extra: str = "") -> str:
    return (
        f'<event><string key="concept:name" value="{name}"/>'
        f'<date key="time:timestamp" value="{ts}"/>{extra}</event>'
    )


def trace(case: str, *events: str, extra: str = "") -> str:
    return f'<trace><string key="concept:name" value="{case}"/>{extra}{"".join(events)}</trace>'


def write(tmp_path: Path, text: str, name: str = "log.xes") -> Path:
    path = tmp_path / name
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


def rows(store: EventStore, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return store.con.execute(sql, params or []).fetchall()


def test_every_attribute_type_is_typed_json(tmp_path: Path, store: EventStore) -> None:
    extra = (
        '<int key="n" value="7"/><float key="f" value="2.5"/><boolean key="ok" value="false"/>'
        '<id key="uid" value="a-1"/><date key="due" value="2024-02-01T00:00:00+01:00"/>'
        '<string key="org:role" value="Clerk"/><string key="concept:instance" value="i1"/>'
        '<string key="lifecycle:transition" value="complete"/>'
        '<string key="org:resource" value="Ann"/>'
        '<container key="addr"><string key="city" value="Graz"/><int key="zip" value="8010"/>'
        "</container>"
        '<int key="cost" value="3"><string key="unit" value="h"/></int>'
    )
    case_extra = '<float key="amount" value="1e3"/><boolean key="vip" value="true"/>'
    path = write(tmp_path, xes(trace("c1", event("a", "2024-01-01T10:00:00Z", extra),
                                     extra=case_extra)))  # fmt: skip
    load(store, XesSource(path, FileOptions()), log="l")
    ev = rows(store, "SELECT resource, department, lifecycle, instance_id, attributes FROM events")
    assert ev[0][:4] == ("Ann", "Clerk", "complete", "i1")
    assert json.loads(ev[0][4]) == {
        "n": 7, "f": 2.5, "ok": False, "uid": "a-1", "due": "2024-02-01T00:00:00+01:00",
        "addr": {"city": "Graz", "zip": 8010}, "cost": 3, "@meta": {"cost": {"unit": "h"}},
    }  # fmt: skip
    types = rows(store, "SELECT json_type(attributes->'n'), json_type(attributes->'cost') "
                        "FROM events")  # fmt: skip
    assert types == [("UBIGINT", "UBIGINT")]
    case = rows(store, "SELECT case_id, attributes FROM cases")
    assert case[0][0] == "c1"
    assert json.loads(case[0][1]) == {"amount": 1000.0, "vip": True}


def test_timestamp_offsets_fractions_and_naive_time_zone(tmp_path: Path, store: EventStore) -> None:
    stamps = [
        "2024-03-01T10:00:00.123+02:00",  # colon offset, ms
        "2024-03-01T10:00:00-0400",  # offset without colon, no fraction
        "2024-03-01T10:00:00Z",
        "2024-03-01T10:00:00.5",  # naive -> --tz
        "2024-03-01T10:00:00.123456+00:00",  # microseconds kept
    ]
    events = [event(f"a{i}", t) for i, t in enumerate(stamps)]
    path = write(tmp_path, xes(trace("c1", *events)))
    load(store, XesSource(path, FileOptions(tz="Europe/Vienna")), log="l")
    got = rows(store, "SELECT activity, strftime(ts, '%Y-%m-%dT%H:%M:%S.%f') FROM events "
                      "ORDER BY event_index")  # fmt: skip
    assert got == [
        ("a0", "2024-03-01T08:00:00.123000"),
        ("a1", "2024-03-01T14:00:00.000000"),
        ("a2", "2024-03-01T10:00:00.000000"),
        ("a3", "2024-03-01T09:00:00.500000"),
        ("a4", "2024-03-01T10:00:00.123456"),
    ]


def test_events_without_activity_or_time_are_rejected_with_position(
    tmp_path: Path, store: EventStore
) -> None:
    no_name = '<event><date key="time:timestamp" value="2024-01-01T10:00:00Z"/></event>'
    body = trace("c1", event("a", "2024-01-01T09:00:00Z"), no_name) + trace(
        "c2", event("a", "2024-01-01T09:00:00Z"), event("b", "yesterday"),
        '<event><string key="concept:name" value="c"/></event>',
    )  # fmt: skip
    report = load(store, XesSource(write(tmp_path, xes(body)), FileOptions()), log="l")
    assert (report.read, report.loaded, report.rejected, report.cases) == (5, 2, 3, 2)
    got = rows(store, "SELECT position, reason FROM rejected_rows ORDER BY position")
    assert [p for p, _ in got] == ["trace 1 event 2", "trace 2 event 2", "trace 2 event 3"]
    assert got[0][1] == "event has no concept:name (activity)"
    assert got[1][1].startswith("unparsable timestamp 'yesterday'")
    assert got[2][1] == "event has no time:timestamp"


def test_an_event_outside_a_trace_is_rejected(tmp_path: Path, store: EventStore) -> None:
    body = event("lost", "2024-01-01T09:00:00Z") + trace("c1", event("a", "2024-01-01T10:00:00Z"))
    report = load(store, XesSource(write(tmp_path, xes(body)), FileOptions()), log="l")
    assert (report.read, report.loaded, report.rejected, report.cases) == (2, 1, 1, 1)
    got = rows(store, "SELECT position, reason FROM rejected_rows")
    assert got == [("event 1 of the file", "event outside a <trace>, so it has no case")]


def test_batches_stay_small_and_progress_counts_compressed_bytes(tmp_path: Path) -> None:
    traces = [trace(f"c{i}", *(event("a", f"2024-01-01T10:0{j}:00Z") for j in range(3)))
              for i in range(40)]  # fmt: skip
    path = write(tmp_path, xes("".join(traces)), "log.xes.gz")
    source = XesSource(path, FileOptions(batch_size=10))
    batches = list(source.batches())
    assert max(b.rows_read for b in batches) <= 12  # batch size + one trace
    assert sum(b.rows_read for b in batches) == 120
    assert sum(b.cases.num_rows for b in batches if b.cases is not None) == 40
    progress = [b.progress or 0 for b in batches]
    assert progress == sorted(progress)
    assert progress[-1] == path.stat().st_size == source.total_size()


def test_log_header_goes_to_log_attributes(tmp_path: Path, store: EventStore) -> None:
    body = (
        '<extension name="Concept" prefix="concept" uri="http://x/concept.xesext"/>'
        '<global scope="trace"><string key="concept:name" value="?"/></global>'
        '<classifier name="Both" keys="concept:name \'my key\'"/>'
        '<string key="source" value="SAP"/>' + trace("c1", event("a", "2024-01-01T10:00:00Z"))
    )
    load(store, XesSource(write(tmp_path, xes(body)), FileOptions()), log="l")
    attrs = json.loads(rows(store, "SELECT attributes FROM logs")[0][0])
    assert attrs["attributes"] == {"source": "SAP"}
    assert attrs["extensions"][0]["prefix"] == "concept"
    assert attrs["globals"] == {"trace": {"concept:name": "?"}}
    assert attrs["classifiers"][0]["keys"] == ["concept:name", "my key"]


SECRET = "TOPSECRET-9f3a"


@pytest.mark.parametrize(
    "use",
    [
        '<string key="leak" value="&xxe;"/>',  # external entity in an attribute value
        '<string key="leak" value="v">&xxe;</string>',  # ... in element content
    ],
)
def test_external_entities_are_never_resolved(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str], use: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    doctype = f'<!DOCTYPE log [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
    body = trace("c1", event("a", "2024-01-01T10:00:00Z", use), extra=use)
    path = write(tmp_path, xes(body, doctype=doctype))
    code = main(["ingest", str(path), "--db", str(db_path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert SECRET not in out + err
    with EventStore.open(db_path, read_only=True) as store:
        for table in ("events", "cases", "logs", "rejected_rows", "load_runs"):
            dump = str(rows(store, f"SELECT * FROM {table}"))
            assert SECRET not in dump


def _assert_fails_cleanly(path: Path, db_path: Path, capsys: pytest.CaptureFixture[str],
                          words: str) -> None:  # fmt: skip
    good = write(path.parent, xes(trace("k", event("a", "2024-01-01T10:00:00Z"))), "good.xes")
    assert main(["ingest", str(good), "--db", str(db_path)]) == 0
    capsys.readouterr()
    with EventStore.open(db_path, read_only=True) as store:
        before = [rows(store, f"SELECT * FROM {t} ORDER BY ALL") for t in ("events", "logs")]
    code = main(["ingest", str(path), "--db", str(db_path), "--log", "broken"])
    _, err = capsys.readouterr()
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert str(path) in err
    assert words in err
    with EventStore.open(db_path, read_only=True) as store:
        after = [rows(store, f"SELECT * FROM {t} ORDER BY ALL") for t in ("events", "logs")]
        assert after == before
        assert rows(store, "SELECT count(*) FROM cases WHERE log = 'broken'") == [(0,)]


def test_truncated_gzip_is_one_line_and_writes_nothing(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    traces = "".join(trace(f"c{i}", event("a", "2024-01-01T10:00:00Z")) for i in range(3000))
    data = gzip.compress(xes(traces).encode())
    path = tmp_path / "cut.xes.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    _assert_fails_cleanly(path, db_path, capsys, "truncated or corrupt gzip")


def test_truncated_xml_is_one_line_and_writes_nothing(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    traces = "".join(trace(f"c{i}", event("a", "2024-01-01T10:00:00Z")) for i in range(3000))
    text = xes(traces)
    path = write(tmp_path, text[: len(text) - 500], "cut.xes")
    _assert_fails_cleanly(path, db_path, capsys, "not well-formed XML")


def test_a_non_xes_file_is_one_line_and_writes_nothing(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, HEAD + "<ocel><events><event id='1'/></events></ocel>", "other.xes")
    _assert_fails_cleanly(path, db_path, capsys, "is not an XES event log")


def test_naive_times_at_daylight_saving_changes_read_as_in_tabular_files(
    tmp_path: Path, store: EventStore
) -> None:
    """A local time repeated by the change is its first occurrence, one skipped is moved
    forward: the rule of the tabular connectors (connectors.timestamps), not a rejection."""
    from connectors.timestamps import TimestampParser

    stamps = ["2024-10-27T02:30:00", "2024-03-31T02:30:00", "2024-06-01T12:00:00"]
    path = write(tmp_path, xes(trace("c1", *(event(f"a{i}", t) for i, t in enumerate(stamps)))))
    report = load(store, XesSource(path, FileOptions(tz="Europe/Vienna")), log="l")
    assert (report.loaded, report.rejected) == (3, 0)
    got = rows(store, "SELECT ts FROM events ORDER BY event_index")
    tabular, reasons = TimestampParser("t", tz="Europe/Vienna").parse(stamps)
    assert reasons == [None, None, None]
    assert [t for (t,) in got] == tabular.to_pylist()
    assert [t.strftime("%H:%M") for (t,) in got] == ["00:30", "01:00", "10:00"]


def test_more_iso_forms_nanoseconds_lower_z_and_blanks(tmp_path: Path, store: EventStore) -> None:
    stamps = ["2024-03-01T10:00:00.123456789+02:00", " 2024-03-01T10:00:00z ", "2024-03-01"]
    path = write(tmp_path, xes(trace("c1", *(event(f"a{i}", t) for i, t in enumerate(stamps)))))
    load(store, XesSource(path, FileOptions()), log="l")
    got = rows(store, "SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S.%f') FROM events "
                      "ORDER BY event_index")  # fmt: skip
    assert got == [
        ("2024-03-01T08:00:00.123456",),  # digits beyond microseconds are cut
        ("2024-03-01T10:00:00.000000",),
        ("2024-03-01T00:00:00.000000",),
    ]


def test_an_unknown_time_zone_is_one_line_and_writes_nothing(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, xes(trace("c1", event("a", "2024-03-01T10:00:00"))))
    code = main(["ingest", str(path), "--db", str(db_path), "--tz", "Mars/Olympus"])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert len(err.splitlines()) == 1
    assert "unknown time zone 'Mars/Olympus'" in err
    with EventStore.open(db_path, read_only=True) as store:
        assert store.logs() == []
