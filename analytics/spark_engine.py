"""Run the analytics SQL on Apache Spark, over a Parquet log written by `proclens export-log`.

The Parquet file has one row per stored event with pm4py/XES column names
(proclens.columns.XES_KEYS), plus `event_index`, `is_instance` and `case:<name>` case
attributes. SparkEngine maps those names back to the store's canonical ones and registers the
same relations the DuckDB store has — `events`, `activity_instances` (its definition is read
from proclens/schema.sql and translated, not rewritten) and `cases`, with the stored case order
(`events.seq`, the per-case facts) derived by proclens/order.py's SQL — so every query in
analytics/ runs unchanged after `analytics.spark_sql.to_spark`.

A Parquet export holds events only: cases without events are not in it, so on Spark they are
missing from case counts and from the empty variant.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from analytics.spark_sql import to_spark
from proclens import order
from proclens.columns import CASE_PREFIX, FROM_XES
from proclens.errors import ProcLensError
from proclens.store import schema_sql

#: canonical events columns and their Spark types when the Parquet file lacks them
EVENT_COLUMNS = {
    "case_id": "STRING", "activity": "STRING", "ts": "TIMESTAMP", "start_ts": "TIMESTAMP",
    "resource": "STRING", "department": "STRING", "lifecycle": "STRING",
    "instance_id": "STRING", "event_index": "BIGINT", "is_instance": "BOOLEAN",
}  # fmt: skip
REQUIRED = ("case_id", "activity", "ts")


class SparkEngineError(ProcLensError):
    """Spark is not usable here, or the Parquet file is not an export-log file."""


def local_session() -> Any:
    """A local-mode Spark session in UTC (pyspark and Java 17 are needed)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkEngineError(
            "--engine spark needs pyspark; install it with: pip install 'proclens[spark]'"
        ) from exc
    return (
        SparkSession.builder.master("local[2]")
        .appName("proclens")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )


class SparkEngine:
    """Engine over one exported log; `log` is the name queries pass as their `?` log."""

    name = "spark"

    def __init__(self, parquet: str | Path, log: str, session: Any = None) -> None:
        path = Path(parquet)
        if not path.exists():
            raise SparkEngineError(
                f"no Parquet file at {path}; write one with "
                f"'proclens export-log --log {log} --out {path}'"
            )
        self.spark = session or local_session()
        self.log = log
        self._register(self.spark.read.parquet(str(path)), str(path))

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        result = self.spark.sql(to_spark(sql), args=list(params)).collect()
        return [tuple(_value(v) for v in row) for row in result]

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        # collect() rather than toPandas(): results are small, and this keeps values as the
        # same Python types rows() gives, whatever pandas version pyspark supports
        result = self.spark.sql(to_spark(sql), args=list(params))
        rows = [tuple(_value(v) for v in row) for row in result.collect()]
        return pd.DataFrame.from_records(rows, columns=result.columns)

    def arrow(self, sql: str, params: Sequence[Any] = ()) -> Any:
        import pyarrow as pa

        return pa.Table.from_pandas(self.frame(sql, params), preserve_index=False)

    def _register(self, df: Any, source: str) -> None:
        from pyspark.sql import functions as F

        renamed = {c: FROM_XES.get(c, c) for c in df.columns}
        missing = [_xes_name(c) for c in REQUIRED if c not in renamed.values()]
        if missing:
            raise SparkEngineError(
                f"{source} is not a ProcLens export: column(s) {', '.join(missing)} missing; "
                f"columns are: {', '.join(df.columns)}"
            )
        case_attrs = [c for c in df.columns if c.startswith(CASE_PREFIX) and c not in FROM_XES]
        extra = [c for c in df.columns if c not in FROM_XES and c not in EVENT_COLUMNS]
        extra = [c for c in extra if c not in case_attrs]
        cols = [F.lit(self.log).alias("log")]
        for name, sql_type in EVENT_COLUMNS.items():
            present = [c for c, n in renamed.items() if n == name]
            cols.append(F.col(f"`{present[0]}`").alias(name) if present else _null(name, sql_type))
        cols.append(_json(extra).alias("attributes"))
        events = df.select(*cols)
        if "is_instance" not in renamed.values():
            events = events.withColumn("is_instance", F.lit(True))
        events.createOrReplaceTempView("exported_events")
        # the stored case order, derived here by the same SQL a load runs (proclens/order.py)
        self._view("events", f"SELECT *, {order.ORDER_COLUMNS} FROM exported_events")
        self._view("activity_instances", activity_instances_select())
        cases = df.select(
            F.lit(self.log).alias("log"),
            F.col(f"`{_source_of(renamed, 'case_id')}`").alias("case_id"),
            _json(case_attrs, strip=CASE_PREFIX).alias("attributes"),
        ).dropDuplicates(["case_id"])
        cases.createOrReplaceTempView("exported_cases")
        facts = order.CASE_FACTS.format(where="")
        self._view(
            "cases",
            "SELECT c.log, c.case_id, c.attributes, coalesce(f.instances, 0) AS instances, "
            "f.first_ts, f.last_ts, f.variant "
            f"FROM exported_cases c LEFT JOIN ({facts}) f ON f.case_id = c.case_id",
        )

    def _view(self, name: str, sql: str) -> None:
        """Register the DuckDB-dialect query `sql` as the cached relation `name`."""
        self.spark.sql(to_spark(sql)).cache().createOrReplaceTempView(name)


def activity_instances_select() -> str:
    """The SELECT of the activity_instances view, taken from proclens/schema.sql."""
    found = re.search(
        r"CREATE OR REPLACE VIEW activity_instances AS\s+(SELECT.*?);", schema_sql(), re.S
    )
    if not found:
        raise SparkEngineError("proclens/schema.sql has no activity_instances view")
    return found.group(1)


def _xes_name(column: str) -> str:
    """The Parquet (XES) name of a canonical column, for messages."""
    return next((k for k, v in FROM_XES.items() if v == column), column)


def _source_of(renamed: dict[str, str], name: str) -> str:
    return next(c for c, n in renamed.items() if n == name)


def _null(name: str, sql_type: str) -> Any:
    from pyspark.sql import functions as F

    return F.lit(None).cast(sql_type).alias(name)


def _json(columns: list[str], strip: str = "") -> Any:
    """The columns as one JSON object text (NULL when there are none)."""
    from pyspark.sql import functions as F

    if not columns:
        return F.lit(None).cast("STRING")
    fields = [F.col(f"`{c}`").alias(c.removeprefix(strip)) for c in columns]
    return F.to_json(F.struct(*fields))


def _value(value: Any) -> Any:
    """Spark returns naive local datetimes; make them aware UTC like DuckDB's."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.astimezone(UTC)
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value
