"""The dashboard reads the store read-only and stays usable while a load holds the file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboards.i18n import t
from proclens.store import EventStore
from tests.dashboards.apptest import assert_clean, metrics, open_page

HOLD = """
import sys, time
from proclens.store import EventStore
with EventStore.open(sys.argv[1]) as store:
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_running_load_neither_blocks_nor_breaks_the_pages(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "live.duckdb"
    shutil.copy(sample_db, db)
    monkeypatch.setenv("PROCLENS_DB", str(db))
    at = open_page("overview", log="sepsis_cases", lang="en")
    assert_clean(at)
    before = metrics(at)
    # the dashboard holds no connection: a writer can open the store right now
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), "30"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "locked"
        at.run()
        assert not at.exception
        assert t("msg.busy", "en") in [i.value for i in at.info]
        assert metrics(at) == before  # the last finished data, from the cache
    finally:
        writer.kill()
        writer.wait()
        if writer.stdout is not None:
            writer.stdout.close()
    at.run()
    assert_clean(at)
    assert t("msg.busy", "en") not in [i.value for i in at.info]


def test_a_finished_load_shows_up_without_a_restart(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "grow.duckdb"
    shutil.copy(sample_db, db)
    monkeypatch.setenv("PROCLENS_DB", str(db))
    at = open_page("data", log="sepsis_cases", lang="en")
    runs_before = len(at.dataframe[1].value)
    from proclens.loader import load
    from tests.rows import RowSource

    started = time.monotonic()
    with EventStore.open(db) as store:
        rows = [{"case_id": "x", "activity": "A", "ts": "2020-01-01T00:00:00"}]
        load(store, RowSource(rows), log="tiny")
    assert time.monotonic() - started < 30
    at.run()
    assert_clean(at)
    assert len(at.dataframe[1].value) == runs_before + 1
    assert "tiny" in at.dataframe[0].value["Log"].tolist()


def test_the_data_page_maps_and_loads_a_csv(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "load.duckdb"
    shutil.copy(sample_db, db)
    monkeypatch.setenv("PROCLENS_DB", str(db))
    csv = tmp_path / "oa.csv"
    csv.write_text(
        "流程编号,节点名称,操作时间,操作人\nA1,提交,2024-01-02 09:00,张三\n"
        "A1,审批,2024-01-03 10:00,李四\nA2,提交,2024-01-04 11:00,张三\n",
        encoding="utf-8",
    )
    at = open_page("data", log="sepsis_cases", lang="zh")
    at.text_input[0].set_value(str(csv)).run()
    assert_clean(at)
    assert at.selectbox(key="map_case").value == "流程编号"
    assert at.selectbox(key="map_activity").value == "节点名称"
    at.text_input[1].set_value("oa").run()
    next(b for b in at.button if b.label == t("data.load", "zh")).click().run()
    assert_clean(at)
    assert at.success[0].value == t(
        "data.loaded", "zh", log="oa", read="3", loaded="3", rejected="0"
    )
    with EventStore.open(db, read_only=True) as store:
        assert {r["log"]: r["cases"] for r in store.logs()}["oa"] == 2


def test_a_load_waits_for_a_dashboard_read_instead_of_failing(
    sample_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "read.duckdb"
    shutil.copy(sample_db, db)
    reader = subprocess.Popen(
        [sys.executable, "-c", HOLD.replace("EventStore.open(sys.argv[1])",
         "EventStore.open(sys.argv[1], read_only=True)"), str(db), "1.5"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert reader.stdout is not None
        assert reader.stdout.readline().strip() == "locked"
        with EventStore.open(db) as store:  # waits for the read to end, then writes
            assert store.has_log("sepsis_cases")
    finally:
        reader.wait()
        if reader.stdout is not None:
            reader.stdout.close()
