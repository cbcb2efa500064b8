"""Real CSV logs against pm4py: ../shared/data/logs/csv (skipped only when ../shared is absent)
and the Sepsis CSV trap (a case literally named NA), built from sample_logs/ in the test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analytics.stats import log_stats
from proclens.store import EventStore
from tests.conftest import SAMPLE_LOGS, SHARED
from tests.tabular_util import ingest

CSV_LOGS = SHARED / "logs" / "csv"


def pm4py_stats(df: pd.DataFrame) -> dict[str, Any]:
    """The figures of `proclens stats` as pm4py computes them, after format_dataframe."""
    import pm4py

    df = pm4py.format_dataframe(df)
    durations = pd.Series(pm4py.get_all_case_durations(df))
    return {
        "cases": int(df["case:concept:name"].nunique()),
        "events": len(df),
        "activities": int(df["concept:name"].nunique()),
        "variants": len(pm4py.get_variants(df)),
        "start_activities": dict(pm4py.get_start_activities(df)),
        "end_activities": dict(pm4py.get_end_activities(df)),
        "median": float(durations.median()),
        "mean": float(durations.mean()),
    }


def ours(store: EventStore, log: str) -> dict[str, Any]:
    s = log_stats(store, log)
    keys = ("cases", "events", "activities", "variants", "start_activities", "end_activities")
    d = s["case_duration_s"]
    return {**{k: s[k] for k in keys}, "median": d["median"], "mean": d["mean"]}


def assert_same(got: dict[str, Any], want: dict[str, Any]) -> None:
    for key in ("cases", "events", "activities", "variants", "start_activities", "end_activities"):
        assert got[key] == want[key], key
    assert got["median"] == pytest.approx(want["median"], abs=1.0)
    assert got["mean"] == pytest.approx(want["mean"], abs=1.0)


def read_oracle(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype={"case:concept:name": str}, keep_default_na=False)
    df["time:timestamp"] = pd.to_datetime(df["time:timestamp"], utc=True, format="ISO8601")
    return df


@pytest.mark.parametrize("name", ["receipt_wabo.csv", "running-example.csv"])
def test_shared_csv_logs_match_pm4py(store: EventStore, name: str) -> None:
    path = CSV_LOGS / name
    if not path.exists():
        pytest.skip(f"{CSV_LOGS} is absent (../shared is not on this machine)")
    report = ingest(store, path)
    assert report.rejected == 0
    assert report.details["mapping"]["suggested"]["case"] == "case:concept:name"
    assert_same(ours(store, "l"), pm4py_stats(read_oracle(path)))


def test_receipt_case_attributes_come_from_case_columns(store: EventStore) -> None:
    path = CSV_LOGS / "receipt_wabo.csv"
    if not path.exists():
        pytest.skip(f"{CSV_LOGS} is absent (../shared is not on this machine)")
    ingest(store, path)
    row = store.con.execute(
        "SELECT attributes->>'channel', attributes->>'responsible' FROM cases"
        " WHERE case_id = 'case-10011'"
    ).fetchone()
    assert row == ("Internet", "Resource21")
    keys = store.con.execute(
        "SELECT DISTINCT unnest(json_keys(attributes)) FROM events ORDER BY 1"
    ).fetchall()
    assert [k for (k,) in keys] == []  # concept:instance, org:group, ... are roles, not attributes


@pytest.fixture(scope="module")
def sepsis_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """The Sepsis log written as a pm4py flat CSV: case ids include the string 'NA'."""
    import pm4py

    df = pm4py.read_xes(str(SAMPLE_LOGS / "sepsis_cases.xes.gz"), return_legacy_log_object=False)
    path = tmp_path_factory.mktemp("sepsis") / "sepsis.csv"
    df.to_csv(path, index=False)
    return path, df


def test_sepsis_csv_trap_na_is_a_case_and_stats_match_pm4py(
    store: EventStore, sepsis_csv: tuple[Path, pd.DataFrame]
) -> None:
    path, df = sepsis_csv
    assert "NA" in set(df["case:concept:name"])
    naive = pd.read_csv(path, usecols=["case:concept:name"])  # what a default reader does
    assert naive["case:concept:name"].isna().any()
    report = ingest(store, path)
    # Sepsis holds one exact duplicate event (case ES, Leucocytes 2014-11-08 04:50, same value):
    # the loader sets it aside (case 17), so the oracle is pm4py after drop_duplicates.
    assert (report.rejected, report.duplicates) == (1, 1)
    assert store.con.execute("SELECT count(*) FROM cases WHERE case_id = 'NA'").fetchone() == (1,)
    na_events = store.con.execute("SELECT count(*) FROM events WHERE case_id = 'NA'").fetchone()
    assert na_events == ((df["case:concept:name"] == "NA").sum(),)
    assert_same(ours(store, "l"), pm4py_stats(df.drop_duplicates()))
