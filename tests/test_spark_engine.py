"""The same analytics SQL on Spark (local mode, over an export-log Parquet file) and DuckDB."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analytics.engine import DuckDBEngine
from analytics.spark_sql import TranslationError, to_spark
from analytics.stats import log_stats
from analytics.variants import variant_counts
from proclens.columns import XES_KEYS
from proclens.store import EventStore
from tests.cases import load_csv_case
from tests.conftest import SAMPLE_LOGS

CSV = {"case_id": "case_id", "activity": "activity", "ts": "timestamp", "resource": "resource"}


def export_parquet(store: EventStore, log: str, path: Path) -> Path:
    """The export-log contract: one row per stored event, XES names, case:<name> attributes."""
    renames = ", ".join(f'e.{col} AS "{key}"' for col, key in XES_KEYS.items())
    store.con.execute(
        f"""COPY (SELECT {renames}, e.event_index, e.is_instance,
                  json_extract_string(c.attributes, '$.channel') AS "case:channel"
              FROM events e JOIN cases c USING (log, case_id)
              WHERE e.log = ? ORDER BY e.case_id, e.event_index)
            TO '{path}' (FORMAT parquet)""",
        [log],
    )
    return path


def test_ordered_list_translation() -> None:
    """Snapshot of the one transform sqlglot does not do itself: list(... ORDER BY ...)."""
    ordered = (
        "SELECT case_id, list(activity ORDER BY order_ts, ts, event_index) AS v FROM t GROUP BY 1"
    )
    assert to_spark(ordered) == (
        "SELECT case_id, TRANSFORM(SORT_ARRAY(COLLECT_LIST(STRUCT(order_ts AS __k0, ts AS __k1, "
        "event_index AS __k2, activity AS __v))), __x -> __x.__v) AS v FROM t GROUP BY 1"
    )
    assert to_spark("SELECT epoch_us(ts), median(x), quantile_cont(x, 0.9) FROM t") == (
        "SELECT UNIX_MICROS(ts), PERCENTILE(x, 0.5), PERCENTILE(x, 0.9) FROM t"
    )
    assert to_spark("SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY epoch_us(x)) FROM t") == (
        "SELECT PERCENTILE(UNIX_MICROS(x), 0.9) FROM t"
    )
    with pytest.raises(TranslationError, match="DESC"):
        to_spark("SELECT list(a ORDER BY b DESC) FROM t")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    from analytics.spark_engine import local_session

    session = local_session()
    yield session
    session.stop()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("folder", "extra"),
    [("04-lifecycle-start-complete", {"lifecycle": "lifecycle"}), ("17-duplicate-events", {})],
)
def test_spark_answers_equal_duckdb(
    spark: Any, store: EventStore, tmp_path: Path, folder: str, extra: dict[str, str]
) -> None:
    from analytics.spark_engine import SparkEngine

    load_csv_case(store, folder, "log", columns={**CSV, **extra})
    engine = SparkEngine(export_parquet(store, "log", tmp_path / "log.parquet"), "log", spark)
    duck = DuckDBEngine(store)
    assert_same_answers(engine, duck, "log")
    ours = log_stats(engine, "log")
    if folder.startswith("04"):  # start times drive the order and the durations (case 04)
        assert ours["case_duration_s"]["max"] == 9900.0
        assert variant_counts(engine, "log") == [
            (("Register claim", "Assess claim", "Notify customer"), 1),
            (("Register claim", "Notify customer", "Assess claim"), 1),
        ]


@pytest.mark.slow
def test_spark_equals_duckdb_on_a_real_log(spark: Any, store: EventStore, tmp_path: Path) -> None:
    """BPI 2020 Domestic Declarations (56,437 events): map, variants, durations, stats."""
    import pm4py

    from analytics.spark_engine import SparkEngine
    from proclens.loader import load
    from tests.rows import RowSource

    df = pm4py.read_xes(str(SAMPLE_LOGS / "DomesticDeclarations.xes.gz"))
    cols = ["case:concept:name", "concept:name", "time:timestamp", "org:resource"]
    rows = [
        {"case_id": c, "activity": a, "ts": t.isoformat(), "resource": r}
        for c, a, t, r in zip(*(df[k] for k in cols), strict=True)
    ]
    load(store, RowSource(rows, batch_size=20_000), log="domestic")
    parquet = export_parquet(store, "domestic", tmp_path / "d.parquet")
    assert_same_answers(SparkEngine(parquet, "domestic", spark), DuckDBEngine(store), "domestic")


def assert_same_answers(spark_engine: Any, duck: DuckDBEngine, log: str) -> None:
    """Map (frequencies and times), variants, case durations and stats agree."""
    from analytics.cycle_times import case_durations
    from analytics.maps import process_map
    from analytics.variants import variants

    assert variant_counts(spark_engine, log) == variant_counts(duck, log)
    ours, theirs = process_map(spark_engine, log).to_json(), process_map(duck, log).to_json()
    assert same(ours, theirs)
    assert same(
        [v.to_json() for v in variants(spark_engine, log)],
        [v.to_json() for v in variants(duck, log)],
    )
    ours_d, theirs_d = case_durations(spark_engine, log), case_durations(duck, log)
    assert same(dict(sorted(ours_d.items())), dict(sorted(theirs_d.items())))  # a mapping, no order
    assert same(log_stats(spark_engine, log), log_stats(duck, log))


def same(a: Any, b: Any) -> bool:
    """Equal, floats to 1e-9 relative (sums in another order); says where they differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert list(a) == list(b)
        return all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        assert len(a) == len(b)
        return all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-6)
        return True
    assert a == b
    return True


@pytest.mark.slow
def test_spark_reports_a_missing_file(spark: Any, tmp_path: Path) -> None:
    from analytics.spark_engine import SparkEngine, SparkEngineError

    with pytest.raises(SparkEngineError, match="export-log"):
        SparkEngine(tmp_path / "none.parquet", "x", spark)


@pytest.mark.slow
def test_cli_engine_spark(
    spark: Any, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`proclens stats --engine spark --parquet FILE` prints what the DuckDB run prints."""
    import json

    from proclens.cli import main

    with EventStore.open(db_path) as store:
        load_csv_case(store, "17-duplicate-events", "c17", columns=CSV)
        parquet = export_parquet(store, "c17", tmp_path / "c17.parquet")
    assert main(["stats", "--db", str(db_path), "--log", "c17", "--json"]) == 0
    duck = json.loads(capsys.readouterr().out)
    assert main(["stats", "--engine", "spark", "--parquet", str(parquet), "--json"]) == 0
    on_spark = json.loads(capsys.readouterr().out)
    assert on_spark == {**duck, "log": "c17"}
    assert on_spark["events"] == 14
    assert main(["stats", "--engine", "spark"]) == 2
    assert "--parquet" in capsys.readouterr().err
