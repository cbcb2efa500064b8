"""What the REST sources share: collecting events of a page into a Batch, times, the cursor."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from connectors.arrow_tables import cases_table, events_table
from connectors.base import Batch, RejectedRow, to_json
from connectors.sources.config import Secrets, SourceConfig

_COLUMNS = (
    "case_id",
    "activity",
    "ts",
    "start_ts",
    "resource",
    "instance_id",
    "event_key",
    "event_index",
    "attributes",
)


def parse_time(value: Any, tz: ZoneInfo) -> datetime | None:
    """ISO 8601 as the APIs write it ('...000+0200', '...Z'); naive text is in `tz`."""
    if value in (None, ""):
        return None
    text = str(value).strip().replace("Z", "+00:00")
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


class RestSource:
    """Base of the REST sources: subclasses fill `page` via `add` and yield `flush()`."""

    position_unit = "event"

    def __init__(self, config: SourceConfig, secrets: Secrets, since: datetime | None) -> None:
        self.config = config
        self.secrets = secrets
        self.kind = config.kind
        self.since = since
        self.tz = ZoneInfo(str(config.get("tz")))
        self.page_size = int(config.get("batch_size"))
        self.cursor_value: str | None = since.isoformat() if since else None
        self.rows_read = 0
        self._events: dict[str, list[Any]] = {c: [] for c in _COLUMNS}
        self._cases: dict[str, dict[str, Any] | None] = {}
        self._rejected: list[RejectedRow] = []
        self._page_rows = 0

    def total_size(self) -> int | None:
        return None

    def details(self) -> dict[str, Any]:
        return {"source": self.config.name, "since": self.since.isoformat() if self.since else None}

    def advance(self, changed: datetime | None) -> None:
        """Move the cursor to a record's change/end time if it is newer."""
        if changed is not None:
            text = changed.isoformat()
            if self.cursor_value is None or text > self.cursor_value:
                self.cursor_value = text

    def add(self, case_id: str, activity: str, ts: Any, key: str, **extra: Any) -> None:
        """One source record; without a time it is rejected with the reason."""
        self.rows_read += 1
        self._page_rows += 1
        when = parse_time(ts, self.tz)
        if when is None:
            raw = to_json({"case_id": case_id, "activity": activity, "key": key})
            self._rejected.append(RejectedRow(f"event {key}", raw, "the event has no time"))
            return
        row = {
            "case_id": case_id,
            "activity": " ".join(activity.split()),
            "ts": when,
            "start_ts": parse_time(extra.get("start"), self.tz),
            "resource": extra.get("resource"),
            "instance_id": extra.get("instance"),
            "event_key": key,
            "event_index": self.rows_read - 1,
            "attributes": to_json(extra["attributes"]) if extra.get("attributes") else None,
        }
        for c in _COLUMNS:
            self._events[c].append(row[c])

    def case(self, case_id: str, attributes: dict[str, Any] | None) -> None:
        self._cases[case_id] = attributes

    def flush(self) -> Batch:
        events = events_table(self._events) if self._events["case_id"] else None
        cases = cases_table(list(self._cases), list(self._cases.values())) if self._cases else None
        batch = Batch(
            events=events,
            cases=cases,
            rejected=self._rejected,
            rows_read=self._page_rows,
            progress=self.rows_read,
        )
        self._events = {c: [] for c in _COLUMNS}
        self._cases, self._rejected, self._page_rows = {}, [], 0
        return batch
