"""CSV/TSV connector: encodings, separators, rejected rows, mapping, timestamps, streaming."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.registry import FileOptions, open_file
from connectors.suggest import suggest_mapping
from connectors.tabular import preview_file
from proclens.errors import MappingError, SourceError
from proclens.store import EventStore
from tests.tabular_util import counts, ingest, rejected

HEADER = "case_id,activity,timestamp,resource\n"


def write(tmp_path: Path, text: str, name: str = "log.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_case_literally_named_na_is_a_case(store: EventStore, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER + "NA,a,2024-01-01 10:00,NA\nNA,b,2024-01-01 11:00,\n"
        "NULL,a,2024-01-02 10:00,x\nN/A,a,2024-01-03 10:00,x\n,a,2024-01-04 10:00,x\n",
    )
    report = ingest(store, path)
    assert (report.read, report.loaded, report.rejected) == (5, 4, 1)
    cases = store.con.execute("SELECT case_id, count(*) FROM events GROUP BY 1 ORDER BY 1")
    assert cases.fetchall() == [("N/A", 1), ("NA", 2), ("NULL", 1)]
    resources = store.con.execute("SELECT resource FROM events WHERE case_id = 'NA' ORDER BY ts")
    assert resources.fetchall() == [("NA",), (None,)]
    assert rejected(store) == [("row 6", "empty case id in column 'case_id'")]


def test_bad_rows_are_rejected_with_position_and_reason(store: EventStore, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEADER
        + "c1,a,2024-01-01 10:00,r\n"  # row 2 ok
        + "c1,,2024-01-01 11:00,r\n"  # row 3 empty activity
        + "c1,b,yesterday,r\n"  # row 4 unparsable
        + "c1,b,2024-01-01 12:00,r,extra\n"  # row 5 too many fields
        + "c1,c\n"  # row 6 too few fields
        + "c2,a,,r\n"  # row 7 empty timestamp
        + '"c2","b, with comma","2024-01-02 10:00","r"\n',  # row 8 ok
    )
    report = ingest(store, path, batch_size=2)
    assert (report.read, report.loaded, report.rejected) == (7, 2, 5)
    got = rejected(store)
    assert [p for p, _ in got] == ["row 3", "row 4", "row 5", "row 6", "row 7"]
    reasons = dict(got)
    assert reasons["row 3"] == "empty activity in column 'activity'"
    assert "unparsable timestamp 'yesterday'" in reasons["row 4"]
    assert "--format" in reasons["row 4"]
    assert reasons["row 5"] == "expected 4 fields, found 5"
    assert reasons["row 6"] == "expected 4 fields, found 2"
    assert reasons["row 7"] == "empty timestamp in column 'timestamp'"
    raw = store.con.execute("SELECT raw FROM rejected_rows WHERE position = 'row 5'").fetchone()
    assert raw == ("c1,b,2024-01-01 12:00,r,extra",)
    acts = store.con.execute("SELECT activity FROM events ORDER BY ts").fetchall()
    assert acts == [("a",), ("b, with comma",)]


@pytest.mark.parametrize(
    ("name", "sep"), [("log.csv", ";"), ("log.tsv", "\t"), ("log.txt", "|"), ("log.csv", ",")]
)
def test_separator_is_detected(store: EventStore, tmp_path: Path, name: str, sep: str) -> None:
    rows = [["Case ID", "Activity", "Timestamp"], ["c1", "a; b, c", "2024-01-01 10:00"],
            ["c1", "d", "2024-01-01 11:00"]]  # fmt: skip
    text = "\n".join(sep.join(f'"{v}"' if sep in v else v for v in r) for r in rows)
    report = ingest(store, write(tmp_path, text + "\n", name))
    assert report.loaded == 2
    assert report.details["separator"] in ("comma", "semicolon", "tab", "pipe")
    acts = store.con.execute("SELECT activity FROM events ORDER BY ts").fetchall()
    assert acts == [("a; b, c",), ("d",)]


def test_quoted_values_may_span_lines(store: EventStore, tmp_path: Path) -> None:
    text = HEADER + 'c1,"first\nline",2024-01-01 10:00,r\nc1,b,2024-01-01 11:00,r\nc1,,x,r\n'
    ingest(store, write(tmp_path, text))
    assert store.con.execute("SELECT activity FROM events ORDER BY ts").fetchall() == [
        ("first\nline",),
        ("b",),
    ]
    assert rejected(store)[0][0] == "row 4"  # records, not lines


def test_latin1_is_used_but_never_silently(store: EventStore, tmp_path: Path) -> None:
    text = HEADER + "c1,Prüfung,2024-01-01 10:00,Müller\nc1,Café,2024-01-01 11:00,Zoë\n"
    report = ingest(store, write(tmp_path, text, encoding="latin-1"))
    assert report.details["encoding"] in ("cp1252", "latin-1")
    assert "single-byte" in report.details["encoding_note"]
    rows = store.con.execute("SELECT activity, resource FROM events ORDER BY ts").fetchall()
    assert rows == [("Prüfung", "Müller"), ("Café", "Zoë")]


def test_gbk_is_detected_even_when_chinese_starts_late(store: EventStore, tmp_path: Path) -> None:
    lines = [f"c{i},step,2024-01-01 10:00:{i % 60:02d},r" for i in range(40_000)]
    lines.append("报销-1,提交申请,2024-01-02 10:00,员工")
    path = write(tmp_path, HEADER + "\n".join(lines) + "\n", encoding="gb18030")
    assert path.stat().st_size > 1 << 20
    report = ingest(store, path)
    assert report.details["encoding"] == "gb18030"
    got = store.con.execute("SELECT activity, resource FROM events WHERE case_id = '报销-1'")
    assert got.fetchall() == [("提交申请", "员工")]


def test_utf8_with_late_non_ascii_is_utf8(store: EventStore, tmp_path: Path) -> None:
    lines = [f"c{i},step,2024-01-01 10:00,r" for i in range(40_000)] + ["c,Prüfung,2024-01-02,é"]
    report = ingest(store, write(tmp_path, HEADER + "\n".join(lines) + "\n"))
    assert report.details["encoding"] == "utf-8"
    assert "encoding_note" not in report.details


def test_forced_wrong_encoding_names_the_offset(tmp_path: Path) -> None:
    text = HEADER + "c1,a,2024-01-01 10:00,r\nc1,付款,2024-01-01 11:00,r\n"
    path = write(tmp_path, text, encoding="gb18030")
    offset = len((HEADER + "c1,a,2024-01-01 10:00,r\nc1,").encode())
    with pytest.raises(SourceError, match=f"not valid utf-8 at byte offset {offset} "):
        open_file(path, FileOptions(encoding="utf-8"))
    with pytest.raises(SourceError, match="unknown encoding 'klingon'"):
        open_file(path, FileOptions(encoding="klingon"))


def test_unknown_mapped_column_lists_the_columns(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + "c1,a,2024-01-01 10:00,r\n")
    with pytest.raises(MappingError, match=r"'Case' not found .*columns are: 'case_id', 'act"):
        open_file(path, FileOptions(case="Case"))


def test_missing_role_says_which_flag_to_pass(tmp_path: Path) -> None:
    path = write(tmp_path, "id,what,when_done\nc1,a,2024-01-01 10:00\n")
    with pytest.raises(MappingError, match=r"no case column .*--case COLUMN.*--timestamp COLUMN"):
        open_file(path, FileOptions(activity="what"))
    src = open_file(path, FileOptions(case="id", activity="what", timestamp="when_done"))
    assert src.mapping_json()["attributes"] == []  # type: ignore[index]


def test_attributes_keep_their_types_and_case_columns_become_case_attributes(
    store: EventStore, tmp_path: Path
) -> None:
    text = (
        "case:concept:name,concept:name,time:timestamp,org:resource,Costs,Rate,Order,case:channel,Note\n"
        "7,a,2024-01-01T10:00:00+01:00,Pete,50,0.5,007,web,\n"
        "7,b,2024-01-01T11:00:00+01:00,Sue,1e3,-2,12,web,NA\n"
    )
    ingest(store, write(tmp_path, text))
    attrs = store.con.execute("SELECT attributes FROM events ORDER BY ts").fetchall()
    assert [json.loads(a) for (a,) in attrs] == [
        {"Costs": 50, "Rate": 0.5, "Order": "007"},
        {"Costs": 1000.0, "Rate": -2, "Order": 12, "Note": "NA"},
    ]
    case = store.con.execute("SELECT case_id, attributes FROM cases").fetchone()
    assert case is not None
    assert (case[0], json.loads(case[1])) == ("7", {"channel": "web"})


def test_attr_and_case_attr_flags(store: EventStore, tmp_path: Path) -> None:
    text = "Case ID,Activity,Timestamp,Amount,Region,Noise\nc1,a,2024-01-01,5,North,x\n"
    ingest(store, write(tmp_path, text), attributes=("Amount",), case_attributes=("Region",))
    row = store.con.execute(
        "SELECT e.attributes, c.attributes FROM events e JOIN cases c USING (case_id)"
    )
    ev, case = row.fetchone()  # type: ignore[misc]
    assert (json.loads(ev), json.loads(case)) == ({"Amount": 5}, {"Region": "North"})
    mapping = json.loads(store.con.execute("SELECT mapping FROM logs").fetchone()[0])  # type: ignore[index]
    assert mapping["attributes"] == ["Amount"]
    assert mapping["case_attributes"] == ["Region"]
    assert mapping["case"] == "Case ID"


def _times(store: EventStore) -> list[datetime]:
    return [
        r[0] for r in store.con.execute("SELECT ts FROM events ORDER BY event_index").fetchall()
    ]


def test_timestamps_offsets_tz_and_milliseconds(store: EventStore, tmp_path: Path) -> None:
    text = HEADER + (
        "c1,a,2024-01-01 10:00:00.123,r\n"
        "c1,b,2024-01-01T10:00:00+02:00,r\n"
        "c1,c,2024-01-01T10:00:00.5Z,r\n"
        "c1,d,2024-01-01T10:00:00-0400,r\n"
    )
    ingest(store, write(tmp_path, text), tz="Asia/Shanghai")
    assert _times(store) == [
        datetime(2024, 1, 1, 2, 0, 0, 123000, tzinfo=UTC),
        datetime(2024, 1, 1, 8, 0, tzinfo=UTC),
        datetime(2024, 1, 1, 10, 0, 0, 500000, tzinfo=UTC),
        datetime(2024, 1, 1, 14, 0, tzinfo=UTC),
    ]


def test_day_first_and_explicit_format(store: EventStore, tmp_path: Path) -> None:
    text = HEADER + "c1,a,02/03/2024 10:00,r\nc1,b,13/03/2024 10:00,r\n"
    ingest(store, write(tmp_path, text), log="l", dayfirst=True)
    assert _times(store) == [
        datetime(2024, 3, 2, 10, tzinfo=UTC),
        datetime(2024, 3, 13, 10, tzinfo=UTC),
    ]
    ingest(store, write(tmp_path, text, "m.csv"), log="m")
    # month first (inferred from the first row) is kept for the column: 13/03 is rejected
    assert rejected(store, "m")[0][0] == "row 3"
    assert "%m/%d/%Y %H:%M" in rejected(store, "m")[0][1]
    fmt = HEADER + "c1,a,2024.03.02 10h00,r\n"
    report = ingest(
        store, write(tmp_path, fmt, "f.csv"), log="f", timestamp_format="%Y.%m.%d %Hh%M"
    )
    assert report.loaded == 1
    assert report.details["timestamp_formats"] == {"timestamp": "%Y.%m.%d %Hh%M"}


def test_unknown_time_zone_is_a_mapping_error(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="unknown time zone 'Mars/Base'"):
        open_file(write(tmp_path, HEADER + "c1,a,2024-01-01,r\n"), FileOptions(tz="Mars/Base"))


def test_batches_never_exceed_batch_size(tmp_path: Path) -> None:
    lines = [f"c{i % 97},a{i % 5},2024-01-01 10:{i % 60:02d},r" for i in range(5000)]
    path = write(tmp_path, HEADER + "\n".join(lines) + "\n")
    source = open_file(path, FileOptions(batch_size=300))
    sizes = [b.rows_read for b in source.batches()]
    assert sum(sizes) == 5000
    assert max(sizes) <= 300


def test_small_batches_give_the_same_store(store: EventStore, tmp_path: Path) -> None:
    from tests.test_tabular_cases import C17

    ingest(store, C17, log="big")
    ingest(store, C17, log="small", batch_size=2)
    q = "SELECT case_id, activity, ts, resource, event_index FROM events WHERE log = ? ORDER BY ALL"
    assert store.con.execute(q, ["big"]).fetchall() == store.con.execute(q, ["small"]).fetchall()
    assert counts(store, "small") == (4, 14, 3)


def test_suggest_mapping_knows_common_and_chinese_oa_names() -> None:
    assert suggest_mapping(["流程编号", "节点名称", "操作时间", "操作人", "部门", "备注"]) == {
        "case": "流程编号", "activity": "节点名称", "timestamp": "操作时间",
        "resource": "操作人", "department": "部门",
    }  # fmt: skip
    english = ["Case ID", "Activity", "Start Timestamp", "Complete Timestamp", "Resource",
               "lifecycle:transition"]  # fmt: skip
    assert suggest_mapping(english) == {
        "case": "Case ID", "activity": "Activity", "timestamp": "Complete Timestamp",
        "start_timestamp": "Start Timestamp", "resource": "Resource",
        "lifecycle": "lifecycle:transition",
    }  # fmt: skip
    pm4py_cols = ["", "concept:name", "org:resource", "time:timestamp", "Activity", "Resource",
                  "case:concept:name"]  # fmt: skip
    assert suggest_mapping(pm4py_cols) == {
        "case": "case:concept:name", "activity": "concept:name", "timestamp": "time:timestamp",
        "resource": "org:resource",
    }  # fmt: skip
    assert (
        suggest_mapping(["申请单号", "环节", "处理时间", "处理人", "处理岗位"])["department"]
        == "处理岗位"
    )
    assert suggest_mapping(["CaseID", "case", "Timestamp"])["case"] == "CaseID"


def test_preview_shows_columns_suggestion_rows_and_problem(tmp_path: Path) -> None:
    from tests.test_tabular_cases import C15

    preview = preview_file(C15 / "input.csv", rows=2)
    assert preview.columns == ["单号", "活动", "时间", "处理岗位"]
    assert preview.suggested["case"] == "单号"
    assert preview.rows[0] == {"单号": "BX-001", "活动": "提交申请", "时间": "2025-03-03 09:00:00",
                               "处理岗位": "员工"}  # fmt: skip
    assert len(preview.rows) == 2
    assert preview.details["encoding"] == "gb18030"
    assert preview.problem is None
    bad = preview_file(write(tmp_path, "x,y\n1,2\n"))
    assert bad.mapping is None
    assert bad.problem is not None
    assert "--case COLUMN" in bad.problem


def test_text_attributes_are_valid_typed_json_also_for_empty_rows() -> None:
    import pyarrow as pa

    from connectors.batching import text_attributes

    got = text_attributes(
        {
            "a": pa.array(["1", "", "x,", 'q"\n\x01\\', None]),
            "b b": pa.array(["", " ", "007", "1e3", "-0.5"]),
        },
        5,
    ).to_pylist()
    assert got[1] is None  # all empty: no attributes (pyarrow's skip-join would drop the row)
    assert [json.loads(x) if x else None for x in got] == [
        {"a": 1},
        None,
        {"a": "x,", "b b": "007"},
        {"a": 'q"\n\x01\\', "b b": 1000.0},
        {"b b": -0.5},
    ]


def test_gzipped_csv_and_forced_separator(store: EventStore, tmp_path: Path) -> None:
    import gzip

    from tests.test_tabular_cases import C15

    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress((C15 / "input.csv").read_bytes()))
    report = ingest(store, path, log="gz")
    assert (report.loaded, report.details["encoding"]) == (11, "gb18030")
    semi = write(tmp_path, "Case ID;Activity;Timestamp,with comma\nc1;a;2024-01-01\n")
    report = ingest(store, semi, log="semi", separator=";", timestamp="Timestamp,with comma")
    assert report.loaded == 1
    assert report.details["separator"] == "semicolon"


def test_empty_truncated_and_binary_files_are_one_line_errors(tmp_path: Path) -> None:
    import gzip

    empty = write(tmp_path, "", "empty.csv")
    with pytest.raises(SourceError, match="the file is empty"):
        open_file(empty, FileOptions())
    truncated = tmp_path / "cut.csv.gz"
    truncated.write_bytes(gzip.compress((HEADER + "c1,a,2024-01-01,r\n" * 200).encode())[:60])
    with pytest.raises(SourceError, match=r"cut\.csv\.gz: cannot read the file: .*truncated"):
        open_file(truncated, FileOptions())
    binary = tmp_path / "packed.csv"
    binary.write_bytes(gzip.compress(HEADER.encode()) + b"\x00" * 10)
    with pytest.raises(SourceError, match="binary data, not a text file"):
        open_file(binary, FileOptions())
