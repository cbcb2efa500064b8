"""A connector built from Python rows, for tests of the store and analytics."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connectors.arrow_tables import cases_table, events_table
from connectors.base import Batch, RejectedRow, to_json


def ts(text: str) -> datetime:
    """ISO text -> aware datetime (naive text is UTC)."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    return value


@dataclass
class RowSource:
    """Events as dicts with keys case_id, activity, ts (ISO text) and optional others."""

    rows: Sequence[dict[str, Any]]
    case_rows: Sequence[tuple[str, dict[str, Any] | None]] = ()
    rejected: Sequence[RejectedRow] = ()
    batch_size: int = 3
    fail_after: int | None = None  # raise after this many batches (a broken file)
    kind: str = "rows"
    location: str = "test rows"
    position_unit: str = "row"
    log_attributes: dict[str, Any] = field(default_factory=dict)

    def batches(self) -> Iterator[Batch]:
        if self.case_rows:
            ids, attrs = zip(*self.case_rows, strict=True)
            yield Batch(cases=cases_table(ids, attrs))
        for n, start in enumerate(range(0, len(self.rows), self.batch_size)):
            if self.fail_after is not None and n >= self.fail_after:
                raise OSError("file truncated")
            chunk = self.rows[start : start + self.batch_size]
            cols: dict[str, list[Any]] = {
                "case_id": [r["case_id"] for r in chunk],
                "activity": [r["activity"] for r in chunk],
                "ts": [ts(r["ts"]) for r in chunk],
                "start_ts": [ts(r["start_ts"]) if r.get("start_ts") else None for r in chunk],
                "resource": [r.get("resource") for r in chunk],
                "department": [r.get("department") for r in chunk],
                "lifecycle": [r.get("lifecycle") for r in chunk],
                "event_key": [r.get("event_key") for r in chunk],
                "event_index": list(range(start, start + len(chunk))),
                "attributes": [
                    to_json(r["attributes"]) if r.get("attributes") else None for r in chunk
                ],
            }
            yield Batch(events=events_table(cols), rows_read=len(chunk), progress=start)
        if self.rejected:
            yield Batch(rejected=list(self.rejected), rows_read=len(self.rejected))

    def mapping_json(self) -> dict[str, Any] | None:
        return None

    def details(self) -> dict[str, Any]:
        return {}

    def total_size(self) -> int | None:
        return len(self.rows)
