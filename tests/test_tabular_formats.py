"""Excel, Parquet and JSON lines: written in code from the same rows as a CSV, loaded through
the same mapping model, they must give the same store as the CSV."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from connectors.registry import FileOptions, open_file
from proclens.errors import SourceError
from proclens.store import EventStore
from tests.tabular_util import ingest, rejected, variants

from .test_tabular_cases import C02, C04, C15, C17

CASES = {"02": C02, "04": C04, "15": C15 / "input_utf8_bom.csv", "17": C17}
TIME_COLUMNS = ("timestamp", "时间")


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    return header, rows


def write_excel(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "events"
    sheet.append(header)
    for row in rows:  # timestamps as real date cells, as Excel users have them
        sheet.append(
            [_as_datetime(v) if h in TIME_COLUMNS else v for h, v in zip(header, row, strict=True)]
        )
    book.save(path)
    return path


def write_parquet(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    columns: dict[str, Any] = {}
    for k, name in enumerate(header):
        values = [r[k] for r in rows]
        if name in TIME_COLUMNS:  # a typed timestamp column
            columns[name] = pa.array([_as_datetime(v) for v in values], type=pa.timestamp("ms"))
        else:
            columns[name] = pa.array(values, type=pa.string())
    pq.write_table(pa.table(columns), path, row_group_size=5)
    return path


def write_jsonl(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    lines = [json.dumps(dict(zip(header, r, strict=True)), ensure_ascii=False) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _as_datetime(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.replace(tzinfo=None) if value.tzinfo else value


WRITERS = {"xlsx": write_excel, "parquet": write_parquet, "jsonl": write_jsonl}

EVENTS = (
    "SELECT case_id, activity, ts, start_ts, resource, department, lifecycle, is_instance"
    " FROM events WHERE log = ? ORDER BY ALL"
)


@pytest.mark.parametrize("ending", sorted(WRITERS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_same_rows_give_the_same_store_as_csv(
    store: EventStore, tmp_path: Path, case: str, ending: str
) -> None:
    header, rows = read_rows(CASES[case])
    path = WRITERS[ending](tmp_path / f"log.{ending}", header, rows)
    csv_report = ingest(store, CASES[case], log="csv")
    report = ingest(store, path, log="other", batch_size=4)
    assert (report.read, report.loaded, report.rejected) == (
        csv_report.read, csv_report.loaded, csv_report.rejected,
    )  # fmt: skip
    assert (
        store.con.execute(EVENTS, ["other"]).fetchall()
        == store.con.execute(EVENTS, ["csv"]).fetchall()
    )
    assert variants(store, "other") == variants(store, "csv")
    assert store.con.execute("SELECT mapping FROM logs WHERE log = 'other'").fetchone() == (
        store.con.execute("SELECT mapping FROM logs WHERE log = 'csv'").fetchone()
    )


def test_duplicate_positions_use_each_format_s_unit(store: EventStore, tmp_path: Path) -> None:
    header, rows = read_rows(C17)
    ingest(store, write_excel(tmp_path / "d.xlsx", header, rows), log="x")
    ingest(store, write_jsonl(tmp_path / "d.jsonl", header, rows), log="j")
    assert rejected(store, "x")[0] == ("row 3", "exact duplicate of row 2")  # sheet row numbers
    assert rejected(store, "j")[0] == ("line 2", "exact duplicate of line 1")


def test_jsonl_bad_lines_are_rejected_and_types_kept(store: EventStore, tmp_path: Path) -> None:
    lines = [
        '{"case": "NA", "activity": "a", "timestamp": "2024-01-01T10:00:00Z", "cost": 12.5,'
        ' "tags": ["x", "y"], "ok": true}',
        "{not json",
        "",
        "[1, 2]",
        '{"case": "NA", "activity": "b", "timestamp": "2024-01-01T11:00:00Z", "late": 3}',
    ]
    path = tmp_path / "log.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest(store, path)
    assert (report.read, report.loaded, report.rejected) == (4, 2, 2)
    got = rejected(store)
    assert got[0][0] == "line 2"
    assert got[0][1].startswith("invalid JSON")
    assert got[1] == ("line 4", "not a JSON object (expected {...} a line)")
    attrs = store.con.execute("SELECT case_id, attributes FROM events ORDER BY ts").fetchall()
    assert [(c, json.loads(a)) for c, a in attrs] == [
        ("NA", {"cost": 12.5, "tags": ["x", "y"], "ok": True}),
        ("NA", {"late": 3}),
    ]


def test_excel_sheet_choice_and_errors(store: EventStore, tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.append(["notes"])
    second = book.create_sheet("log")
    second.append(["Case ID", "Activity", "Timestamp", "Amount"])
    second.append([1001, "Submit", datetime(2024, 1, 1, 9, 0), 12])
    second.append([None, None, None, None])
    second.append([1001, "Approve", "2024-01-01 10:30", 3.5])
    book.save(path)
    report = ingest(store, path, sheet="log")
    assert (report.read, report.loaded) == (2, 2)  # the empty row is not an event row
    rows = store.con.execute(
        "SELECT case_id, activity, attributes FROM events ORDER BY ts"
    ).fetchall()
    assert [(c, a, json.loads(x)) for c, a, x in rows] == [
        ("1001", "Submit", {"Amount": 12}),
        ("1001", "Approve", {"Amount": 3.5}),
    ]
    with pytest.raises(SourceError, match="no sheet named 'nope'; sheets are: Sheet, log"):
        open_file(path, FileOptions(sheet="nope"))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(SourceError, match=r"not a readable \.xlsx workbook"):
        open_file(broken, FileOptions())


def test_parquet_with_aware_timestamps_keeps_the_instant(store: EventStore, tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    stamps = [datetime.fromisoformat("2024-01-01T10:00:00.123456+02:00")]
    table = pa.table({
        "case:concept:name": ["c1"], "concept:name": ["a"],
        "time:timestamp": pa.array(stamps, type=pa.timestamp("us", tz="Europe/Amsterdam")),
    })  # fmt: skip
    pq.write_table(table, path)
    ingest(store, path, tz="Asia/Shanghai")  # --tz applies to naive values only
    row = store.con.execute("SELECT ts FROM events").fetchone()
    assert row is not None
    assert row[0].isoformat() == "2024-01-01T08:00:00.123456+00:00"
