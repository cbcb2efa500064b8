"""A Source built from a pandas DataFrame, for tests that load real logs before the file
connectors exist. Columns: case_id, activity, ts (aware or naive-UTC datetimes) and optional
start_ts, resource, department, lifecycle; the row order is the source order (event_index)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from connectors.arrow_tables import events_table
from connectors.base import Batch, to_json

_ROLES = ("case_id", "activity", "ts", "start_ts", "resource", "department", "lifecycle")


@dataclass
class FrameSource:
    frame: pd.DataFrame
    batch_size: int = 50_000
    kind: str = "frame"
    location: str = "test frame"
    position_unit: str = "row"

    def batches(self) -> Iterator[Batch]:
        n = len(self.frame)
        for start in range(0, n, self.batch_size):
            chunk = self.frame.iloc[start : start + self.batch_size]
            cols: dict[str, Any] = {}
            for role in _ROLES:
                if role in chunk.columns:
                    values = chunk[role]
                    if role in ("ts", "start_ts"):
                        values = pd.to_datetime(values, utc=True)
                        cols[role] = [None if pd.isna(v) else v.to_pydatetime() for v in values]
                    else:
                        cols[role] = [None if pd.isna(v) else str(v) for v in values]
            cols["event_index"] = list(range(start, start + len(chunk)))
            extra = [c for c in chunk.columns if c not in _ROLES]
            if extra:
                records = chunk[extra].astype(str).to_dict(orient="records")
                cols["attributes"] = [to_json(r) for r in records]
            yield Batch(events=events_table(cols), rows_read=len(chunk), progress=start)

    def mapping_json(self) -> dict[str, Any] | None:
        return None

    def details(self) -> dict[str, Any]:
        return {}

    def total_size(self) -> int | None:
        return len(self.frame)


def read_xes_frame(path: Path) -> pd.DataFrame:
    """A sample log read by pm4py, in file order, with store column names."""
    import pm4py

    df = pm4py.read_xes(str(path), return_legacy_log_object=False)
    rename = {
        "case:concept:name": "case_id",
        "concept:name": "activity",
        "time:timestamp": "ts",
        "org:resource": "resource",
        "org:role": "department",
        "lifecycle:transition": "lifecycle",
    }
    return df.rename(columns=rename)
