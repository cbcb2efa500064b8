"""Load the copied failure cases (tests/data/NN-*/input.csv) into a store through RowSource."""

from __future__ import annotations

import csv
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
