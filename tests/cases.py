"""Load the copied failure cases (tests/data/NN-*/input.*) into a store through RowSource."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from proclens.loader import load
from proclens.store import EventStore
from tests.conftest import DATA
from tests.rows import RowSource

#: csv column -> RowSource key, per case folder
_COLUMNS: dict[str, dict[str, str]] = {
    "03-same-timestamp-ties": {"date": "ts"},
    "04-lifecycle-start-complete": {"timestamp": "ts"},
    "05-overlapping-activities-idle-time": {"start_time": "start_ts", "end_time": "ts"},
    "06-performance-dfg-aggregation": {"timestamp": "ts"},
    "07-business-hours-calendar": {"timestamp": "ts"},
}


def case_rows(folder: str) -> list[dict[str, Any]]:
    rename = _COLUMNS[folder]
    with (DATA / folder / "input.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        item = {rename.get(k, k): v for k, v in row.items()}
        for key in ("ts", "start_ts"):
            if key in item:
                item[key] = item[key].replace("Z", "+00:00")
        out.append(item)
    return out


def load_case(store: EventStore, folder: str, log: str = "l") -> str:
    load(store, RowSource(case_rows(folder)), log=log)
    return log


XES = "{http://www.xes-standard.org/}"


def load_csv_case(
    store: EventStore, folder: str, log: str, *, file: str = "input.csv", columns: dict[str, str]
) -> None:
    """Load a case CSV; `columns` maps RowSource keys (case_id, activity, ts, ...) to headers."""
    path = DATA / folder / file
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = [{key: row[col] for key, col in columns.items()} for row in csv.DictReader(fh)]
    load(store, RowSource(rows, batch_size=5), log=log)


def load_xes_case(store: EventStore, folder: str, log: str) -> None:
    """Load a flat XES file (string and date attributes), keeping traces without events."""
    root = ET.parse(Path(DATA / folder / "input.xes")).getroot()
    rows: list[dict[str, Any]] = []
    cases: list[tuple[str, dict[str, Any] | None]] = []
    for trace in root.iter(f"{XES}trace"):
        attrs = {a.get("key"): a.get("value") for a in trace if a.tag != f"{XES}event"}
        case_id = str(attrs.pop("concept:name"))
        cases.append((case_id, attrs))
        for event in trace.iter(f"{XES}event"):
            values = {a.get("key"): a.get("value") for a in event}
            rows.append(
                {
                    "case_id": case_id,
                    "activity": values["concept:name"],
                    "ts": str(values["time:timestamp"]).replace("Z", "+00:00"),
                }
            )
    load(store, RowSource(rows, case_rows=cases), log=log)
