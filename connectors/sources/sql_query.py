"""Generic SQL sources: any query (or table) plus a column mapping; and the OA approval preset.

The OA preset reads the "request log" shape of collaboration/OA suites (one row per approval
step: request id, workflow type, node name, operator, department, operate date + time, action).
Its mapping is `OA_MAPPING`; any key of `[sources.X.mapping]` overrides it.

Incremental: with `cursor = "COLUMN"` the query is wrapped as
`SELECT * FROM (query) q WHERE q.COLUMN >= :since ORDER BY q.COLUMN`. The event key is the
`event_key` column if mapped, else a hash of the mapped values, so re-read rows are unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa

from connectors.arrow_tables import EVENT_SCHEMA, cases_table, events_table
from connectors.base import Batch, Mapping, RejectedRow, to_json
from connectors.sources.config import Secrets, SourceConfig
from connectors.sources.sqlconn import SqlConnection
from proclens.errors import MappingError, SourceError

OA_TABLE = "workflow_requestlog"
OA_MAPPING: dict[str, Any] = {
    "case": "requestid",
    "activity": "nodename",
    "timestamp": "operatedate",
    "resource": "operator",
    "department": "operatordept",
    "attributes": ["action", "workflowtype"],
    "case_attributes": ["workflowtype"],
}
OA_TIME_COLUMN = "operatetime"


class QuerySource:
    position_unit = "row"

    def __init__(self, config: SourceConfig, secrets: Secrets, since: datetime | None) -> None:
        self.config = config
        self.kind = config.kind
        self.sql = SqlConnection(config, secrets)
        self.location = self.sql.location
        self.since = since
        self.cursor_column: str | None = config.get("cursor")
        self.cursor_value: str | None = since.isoformat() if since else None
        self.rows_read = 0
        preset = config.kind == "oa_approval"
        self.time_column: str | None = config.get("time_column") or (
            OA_TIME_COLUMN if preset else None
        )
        self.mapping = Mapping.from_json(
            {**(OA_MAPPING if preset else {}), **config.get("mapping")}
        )

    def mapping_json(self) -> dict[str, Any]:
        return {**self.mapping.to_json(), "time_column": self.time_column}

    def details(self) -> dict[str, Any]:
        return {"source": self.config.name, "since": self.since.isoformat() if self.since else None}

    def total_size(self) -> int | None:
        return None

    def _query(self) -> tuple[sa.TextClause, dict[str, Any]]:
        base = self.config.get("query")
        if not base:
            table = self.config.get("table") or OA_TABLE
            base = f"SELECT * FROM {self.sql.table(table)}"
        if not self.cursor_column:
            return sa.text(base), {}
        where, params = "", {}
        if self.since is not None:
            where = f" WHERE q.{self.cursor_column} >= :since"
            params["since"] = self.sql.to_source_time(self.since)
        return sa.text(f"SELECT * FROM ({base}) q{where} ORDER BY q.{self.cursor_column}"), params

    def batches(self) -> Iterator[Batch]:
        text, params = self._query()
        checked = False
        with self.sql.connect() as con:
            for columns, chunk in self.sql.stream(con, text, params, "running the query of"):
                if not checked:
                    self._check(columns)
                    checked = True
                yield self._batch(columns, chunk)

    def _check(self, columns: list[str]) -> None:
        try:
            self.mapping.check_columns(columns, "the query's result")
            for extra in (self.time_column, self.cursor_column):
                if extra and extra not in columns:
                    raise MappingError(
                        f"column '{extra}' not found in the query's result; "
                        f"columns are: {', '.join(repr(c) for c in columns)}"
                    )
        except MappingError as exc:
            raise SourceError(
                f"source '{self.config.name}': {exc}; has the table changed? fix the mapping"
            ) from None

    def _batch(self, columns: list[str], chunk: Sequence[Any]) -> Batch:
        m, roles = self.mapping, self.mapping.roles()
        used = set(roles.values()) | {self.time_column}
        attr_cols = (
            m.attributes
            if m.attributes is not None
            else tuple(c for c in columns if c not in used and c not in m.case_attributes)
        )
        cols: dict[str, list[Any]] = {f.name: [] for f in EVENT_SCHEMA}
        cases: dict[str, dict[str, Any]] = {}
        rejected: list[RejectedRow] = []
        for row in chunk:
            self.rows_read += 1
            rec = dict(zip(columns, row, strict=True))
            try:
                event = self._event(rec, attr_cols)
            except ValueError as exc:
                raw = to_json({k: rec[k] for k in columns})
                rejected.append(RejectedRow(f"row {self.rows_read}", raw, str(exc)))
                continue
            for k, v in event.items():
                cols[k].append(v)
            if m.case_attributes:
                cases[event["case_id"]] = {c: rec[c] for c in m.case_attributes}
            if self.cursor_column and rec[self.cursor_column] is not None:
                self._advance(rec[self.cursor_column])
        events = events_table(cols) if cols["case_id"] else None
        case_rows = cases_table(list(cases), list(cases.values())) if cases else None
        return Batch(events=events, cases=case_rows, rejected=rejected, rows_read=len(chunk))

    def _event(self, rec: dict[str, Any], attr_cols: Sequence[str]) -> dict[str, Any]:
        m = self.mapping
        case, activity = rec[m.case], rec[m.activity]
        if case is None or str(case).strip() == "":
            raise ValueError(f"no case id in column '{m.case}'")
        if activity is None or str(activity).strip() == "":
            raise ValueError(f"no activity in column '{m.activity}'")
        ts = self._time(rec[m.timestamp], rec.get(self.time_column) if self.time_column else None)
        if ts is None:
            raise ValueError(f"no timestamp in column '{m.timestamp}'")
        start = self._time(rec[m.start_timestamp], None) if m.start_timestamp else None
        values = {
            "case_id": str(case),
            "activity": " ".join(str(activity).split()),
            "ts": ts,
            "start_ts": start,
            "resource": _text(rec.get(m.resource)) if m.resource else None,
            "department": _text(rec.get(m.department)) if m.department else None,
            "lifecycle": _text(rec.get(m.lifecycle)) if m.lifecycle else None,
            "instance_id": _text(rec.get(m.instance)) if m.instance else None,
            "attributes": to_json({c: rec[c] for c in attr_cols}) if attr_cols else None,
        }
        key = _text(rec.get(m.event_key)) if m.event_key else None
        values["event_key"] = key or _row_key(values)
        values["event_index"] = self.rows_read - 1
        return values

    def _time(self, value: Any, time_of_day: Any) -> datetime | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            if isinstance(value, date) and not isinstance(value, datetime):
                value = datetime.combine(value, time())
            if isinstance(value, str):
                value = datetime.fromisoformat(value.strip().replace("/", "-"))
            if time_of_day not in (None, ""):
                clock = time_of_day if isinstance(time_of_day, time) else _clock(time_of_day)
                value = datetime.combine(value.date(), clock)
            return self.sql.to_utc(value)
        except (TypeError, ValueError):
            raise ValueError(
                f"cannot read the time {value!r} {time_of_day or ''}".strip()
            ) from None

    def _advance(self, value: Any) -> None:
        text = (
            (self.sql.to_utc(value) or value).isoformat() if isinstance(value, datetime) else None
        )
        if text and (self.cursor_value is None or text > self.cursor_value):
            self.cursor_value = text


def _clock(value: Any) -> time:
    """'14:05', '14:05:09' or a timedelta (MySQL TIME columns)."""
    seconds = getattr(value, "total_seconds", None)
    if seconds is not None:
        s = int(seconds())
        return time(s // 3600, s % 3600 // 60, s % 60)
    return time.fromisoformat(str(value).strip())


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _row_key(values: dict[str, Any]) -> str:
    parts = [str(values[k]) for k in ("case_id", "activity", "ts", "resource", "attributes")]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
