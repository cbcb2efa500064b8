"""Camunda 7, Flowable and Activiti history tables (ACT_HI_*) over any SQLAlchemy URL.

One finished activity instance (ACT_HI_ACTINST row with END_TIME_) is one event: start_ts is
START_TIME_, ts is END_TIME_, the resource is the task's assignee (ACT_HI_TASKINST, falling back
to the activity instance's). Open instances are not events yet; the cursor runs on END_TIME_, so
they are picked up by the first pull after they finish. Process definition key and version
(from PROC_DEF_ID_ = key:version:id) and the selected process variables (ACT_HI_VARINST) become
case attributes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from connectors.arrow_tables import cases_table, events_table
from connectors.base import Batch, Mapping, to_json
from connectors.sources.config import Secrets, SourceConfig
from connectors.sources.sqlconn import SqlConnection
from proclens.errors import SourceError

#: The mapping these systems use, declared once (STYLE habit 2).
MAPPING = Mapping(
    case="ACT_HI_ACTINST.PROC_INST_ID_",
    activity="ACT_HI_ACTINST.ACT_NAME_ (else ACT_ID_)",
    timestamp="ACT_HI_ACTINST.END_TIME_",
    start_timestamp="ACT_HI_ACTINST.START_TIME_",
    resource="ACT_HI_TASKINST.ASSIGNEE_ (else ACT_HI_ACTINST.ASSIGNEE_)",
    instance="ACT_HI_ACTINST.ID_",
    event_key="ACT_HI_ACTINST.ID_",
    attributes=("ACT_ID_", "ACT_TYPE_"),
    case_attributes=("PROC_DEF_KEY_", "PROC_DEF_VERSION", "BUSINESS_KEY_"),
)

#: Columns every supported engine has; the check lists what exists when one is missing.
REQUIRED = {
    "ACT_HI_ACTINST": (
        "ID_",
        "PROC_INST_ID_",
        "ACT_ID_",
        "ACT_NAME_",
        "ACT_TYPE_",
        "TASK_ID_",
        "ASSIGNEE_",
        "START_TIME_",
        "END_TIME_",
    ),
    "ACT_HI_TASKINST": ("ID_", "ASSIGNEE_"),
    "ACT_HI_PROCINST": ("PROC_INST_ID_", "PROC_DEF_ID_", "BUSINESS_KEY_"),
    "ACT_HI_VARINST": (
        "PROC_INST_ID_",
        "EXECUTION_ID_",
        "NAME_",
        "VAR_TYPE_",
        "LONG_",
        "DOUBLE_",
        "TEXT_",
    ),
}
#: Tie-break for activity instances that end in the same millisecond, used where present.
ORDER_COLUMN = {"camunda7": "SEQUENCE_COUNTER_", "flowable": "TRANSACTION_ORDER_"}


class HistoryTableSource:
    """Finished activity instances with END_TIME_ >= since, oldest first."""

    position_unit = "activity instance"

    def __init__(self, config: SourceConfig, secrets: Secrets, since: datetime | None) -> None:
        self.config = config
        self.kind = config.kind
        self.sql = SqlConnection(config, secrets)
        self.location = self.sql.location
        self.since = since
        self.cursor_value: str | None = since.isoformat() if since else None
        self.rows_read = 0
        self.variables: tuple[str, ...] = tuple(config.get("variables"))
        self.order_column: str | None = None

    def mapping_json(self) -> dict[str, Any]:
        return MAPPING.to_json()

    def details(self) -> dict[str, Any]:
        return {
            "source": self.config.name,
            "since": self.since.isoformat() if self.since else None,
            "variables": list(self.variables),
        }

    def total_size(self) -> int | None:
        return None

    def batches(self) -> Iterator[Batch]:
        with self.sql.connect() as con:
            self._check_schema(con)
            cases: dict[str, None] = {}
            for chunk in self._read(con):
                yield self._events(chunk)
                cases.update(dict.fromkeys(str(r[1]) for r in chunk))
            for start in range(0, len(cases), 500):
                ids = list(cases)[start : start + 500]
                yield Batch(cases=self._case_rows(con, ids))

    # ---- reading ----------------------------------------------------------------------
    def _check_schema(self, con: sa.Connection) -> None:
        for table, needed in REQUIRED.items():
            if table == "ACT_HI_VARINST" and not self.variables:
                continue
            have = self.sql.columns(con, table)
            if table == "ACT_HI_ACTINST":
                order = ORDER_COLUMN.get(self.kind)
                self.order_column = order if order in have else None
            missing = [c for c in needed if c not in have]
            if missing:
                raise SourceError(
                    f"source '{self.config.name}': {table} has no column "
                    f"{', '.join(missing)} (has: {', '.join(have)}); is kind '{self.kind}' the "
                    "right engine, and is the schema of a supported version?"
                )

    def _query(self) -> tuple[sa.TextClause, dict[str, Any]]:
        seq = f"a.{self.order_column}, a.ID_" if self.order_column else "a.ID_"
        where = ["a.END_TIME_ IS NOT NULL"]
        params: dict[str, Any] = {}
        if self.since is not None:
            where.append("a.END_TIME_ >= :since")
            params["since"] = self.sql.to_source_time(self.since)
        skip = list(self.config.get("skip_types"))
        if skip:
            where.append("a.ACT_TYPE_ NOT IN :skip")
            params["skip"] = skip
        text = sa.text(
            "SELECT a.ID_, a.PROC_INST_ID_, a.ACT_ID_, a.ACT_NAME_, a.ACT_TYPE_,"
            " coalesce(t.ASSIGNEE_, a.ASSIGNEE_), a.START_TIME_, a.END_TIME_"
            f" FROM {self.sql.table('ACT_HI_ACTINST')} a"
            f" LEFT JOIN {self.sql.table('ACT_HI_TASKINST')} t ON t.ID_ = a.TASK_ID_"
            f" WHERE {' AND '.join(where)} ORDER BY a.END_TIME_, {seq}"
        )
        if skip:
            text = text.bindparams(sa.bindparam("skip", expanding=True))
        return text, params

    def _read(self, con: sa.Connection) -> Iterator[Sequence[Any]]:
        text, params = self._query()
        for _, chunk in self.sql.stream(con, text, params, "reading ACT_HI_ACTINST from"):
            yield chunk

    def _events(self, chunk: Sequence[Any]) -> Batch:
        start = self.rows_read
        ends = [self.sql.to_utc(r[7]) for r in chunk]
        cols: dict[str, list[Any]] = {
            "case_id": [str(r[1]) for r in chunk],
            "activity": [" ".join(str(r[3] or r[2]).split()) for r in chunk],
            "ts": ends,
            "start_ts": [self.sql.to_utc(r[6]) for r in chunk],
            "resource": [r[5] for r in chunk],
            "instance_id": [str(r[0]) for r in chunk],
            "event_key": [str(r[0]) for r in chunk],
            "event_index": list(range(start, start + len(chunk))),
            "attributes": [to_json({"activity_id": r[2], "activity_type": r[4]}) for r in chunk],
        }
        self.rows_read += len(chunk)
        latest = max(e for e in ends if e is not None).isoformat()
        if self.cursor_value is None or latest > self.cursor_value:
            self.cursor_value = latest
        return Batch(events=events_table(cols), rows_read=len(chunk), progress=self.rows_read)

    # ---- case attributes ----------------------------------------------------------------
    def _case_rows(self, con: sa.Connection, ids: list[str]) -> Any:
        attrs: dict[str, dict[str, Any]] = {i: {} for i in ids}
        text = sa.text(
            "SELECT PROC_INST_ID_, PROC_DEF_ID_, BUSINESS_KEY_"
            f" FROM {self.sql.table('ACT_HI_PROCINST')} WHERE PROC_INST_ID_ IN :ids"
        ).bindparams(sa.bindparam("ids", expanding=True))
        with self.sql.errors("reading ACT_HI_PROCINST from"):
            for pid, def_id, business_key in con.execute(text, {"ids": ids}):
                attrs[str(pid)].update(definition_attributes(def_id, business_key))
        if self.variables:
            self._variables(con, ids, attrs)
        return cases_table(list(attrs), [attrs[i] or None for i in attrs])

    def _variables(self, con: sa.Connection, ids: list[str], attrs: dict[str, Any]) -> None:
        text = sa.text(
            "SELECT PROC_INST_ID_, NAME_, VAR_TYPE_, LONG_, DOUBLE_, TEXT_"
            f" FROM {self.sql.table('ACT_HI_VARINST')}"
            " WHERE PROC_INST_ID_ IN :ids AND NAME_ IN :names AND EXECUTION_ID_ = PROC_INST_ID_"
            " ORDER BY PROC_INST_ID_, NAME_"
        ).bindparams(sa.bindparam("ids", expanding=True), sa.bindparam("names", expanding=True))
        with self.sql.errors("reading ACT_HI_VARINST from"):
            rows = con.execute(text, {"ids": ids, "names": list(self.variables)}).fetchall()
        for pid, name, var_type, long_, double_, text_ in rows:
            attrs[str(pid)][str(name)] = variable_value(var_type, long_, double_, text_)


def definition_attributes(def_id: Any, business_key: Any) -> dict[str, Any]:
    """PROC_DEF_ID_ is 'key:version:uuid' in Camunda 7, Flowable and Activiti."""
    out: dict[str, Any] = {}
    parts = str(def_id or "").split(":")
    if len(parts) >= 2:
        out["process_definition_key"] = parts[0]
        out["process_definition_version"] = int(parts[1]) if parts[1].isdigit() else parts[1]
    if business_key is not None:
        out["business_key"] = str(business_key)
    return out


def variable_value(var_type: Any, long_: Any, double_: Any, text: Any) -> Any:
    """The typed value of a history variable row (ACT_HI_VARINST's serialised columns)."""
    kind = str(var_type or "").lower()
    if kind in ("long", "integer", "short"):
        return None if long_ is None else int(long_)
    if kind == "double":
        return None if double_ is None else float(double_)
    if kind == "boolean":
        return None if long_ is None else bool(long_)
    if kind == "date":
        from datetime import UTC

        return None if long_ is None else datetime.fromtimestamp(long_ / 1000, UTC).isoformat()
    return text
