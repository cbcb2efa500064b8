"""Test logs for conformance: CSV cases and XES files loaded through test-only sources."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from connectors.arrow_tables import cases_table, events_table
from connectors.base import Batch
from proclens.loader import load
from proclens.store import EventStore
from tests.rows import RowSource


def load_csv(store: EventStore, path: Path, log: str = "l") -> str:
    with path.open(encoding="utf-8") as fh:
        rows = [
            {"case_id": r["case_id"], "activity": r["activity"], "ts": r["timestamp"]}
            for r in csv.DictReader(fh)
        ]
    load(store, RowSource(rows, batch_size=1000), log=log)
    return log


def load_traces(store: EventStore, traces: dict[str, list[str]], log: str = "l") -> str:
    """Cases as activity lists; events one minute apart from 2024-01-01, one day per case."""
    rows: list[dict[str, Any]] = []
    for day, (case, acts) in enumerate(traces.items()):
        for k, a in enumerate(acts):
            rows.append(
                {"case_id": case, "activity": a, "ts": f"2024-01-{day + 1:02d}T09:{k:02d}:00"}
            )
    empty = [(c, None) for c, acts in traces.items() if not acts]
    load(store, RowSource(rows, case_rows=empty, batch_size=1000), log=log)
    return log


@dataclass
class FrameSource:
    """A log read by pm4py (legacy EventLog, so empty traces survive) as a Source."""

    frame: pd.DataFrame
    case_ids: list[str]
    kind: str = "xes"
    location: str = "pm4py"
    position_unit: str = "event"

    def batches(self) -> Iterator[Batch]:
        yield Batch(cases=cases_table(self.case_ids, [None] * len(self.case_ids)))
        f = self.frame
        cols = {
            "case_id": f["case:concept:name"].astype(str).tolist(),
            "activity": f["concept:name"].astype(str).tolist(),
            "ts": pd.to_datetime(f["time:timestamp"], utc=True).tolist(),
            "lifecycle": _strings(f["lifecycle:transition"])
            if "lifecycle:transition" in f
            else None,
            "event_index": list(range(len(f))),
        }
        yield Batch(
            events=events_table({k: v for k, v in cols.items() if v is not None}), rows_read=len(f)
        )

    def mapping_json(self) -> dict[str, Any] | None:
        return None

    def details(self) -> dict[str, Any]:
        return {}

    def total_size(self) -> int | None:
        return None


def _strings(col: pd.Series) -> list[str | None]:
    return [None if pd.isna(v) else str(v) for v in col]


def load_xes(store: EventStore, path: Path, log: str = "l") -> str:
    import pm4py

    legacy = pm4py.read_xes(str(path), return_legacy_log_object=True, show_progress_bar=False)
    case_ids = [str(t.attributes["concept:name"]) for t in legacy]
    frame = pm4py.convert_to_dataframe(legacy)
    load(store, FrameSource(frame, case_ids), log=log)
    return log
