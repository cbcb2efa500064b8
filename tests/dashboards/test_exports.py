from __future__ import annotations

import io
import struct
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
import pm4py
import pytest
from pm4py.objects.bpmn.obj import BPMN
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import app_test

from analytics.bottlenecks import bottlenecks
from analytics.engine import DuckDBEngine
from analytics.export.svg import PNG_MAX_SIDE
from analytics.filters import Filter
from analytics.stats import log_stats
from analytics.variants import variant_counts
from dashboards.exports import csv_bytes, frame_of, log_file
from dashboards.i18n import t
from proclens.store import EventStore
from tests.dashboards.apptest import assert_clean, open_page


def test_log_export_has_every_event(sample_db: Path) -> None:
    with EventStore.open(sample_db, read_only=True) as store:
        stats = log_stats(store, "sepsis_cases")
    name, data = log_file(sample_db, "sepsis_cases", "CSV")
    assert name == "sepsis_cases.csv"
    frame = pd.read_csv(io.BytesIO(data), keep_default_na=False)  # a case is named "NA"
    assert len(frame) == stats["events"]
    assert frame["case:concept:name"].nunique() == stats["cases"]


def test_kpi_csv_keeps_chinese_text_for_excel() -> None:
    data = csv_bytes(pd.DataFrame({"活动": ["审批"]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["活动", "审批"]


def test_export_page_prepares_a_file(sample_env: Path) -> None:
    at = open_page("export", log="sepsis_cases", lang="en")
    assert_clean(at)
    next(b for b in at.button if b.label == "Prepare the file").click().run()
    assert_clean(at)


def test_export_page_does_not_call_the_report_missing(sample_env: Path) -> None:
    for lang in ("en", "zh"):
        at = open_page("export", log="sepsis_cases", lang=lang)
        assert_clean(at)
        notes = " ".join(str(i.value) for i in at.info)
        assert t("report.title", lang) not in notes  # the report is offered on this page


class _RecordingStorage(MemoryMediaFileStorage):
    """The media storage of an AppTest run, kept so a test can read what a download serves."""

    made: ClassVar[list[MemoryMediaFileStorage]] = []

    def __init__(self, media_endpoint: str) -> None:
        super().__init__(media_endpoint)
        self.made.append(self)


def _downloaded(button: Any) -> bytes:
    """The bytes behind an AppTest download button (its URL names a file of the run's storage)."""
    name = str(button.proto.url).rsplit("/", 1)[-1]
    return bytes(_RecordingStorage.made[-1].get_file(name).content)


class _RecordingManager(MediaFileManager):
    """The media file manager of an AppTest run: it holds the deferred downloads' callables."""

    made: ClassVar[list[MediaFileManager]] = []

    def __init__(self, storage: Any) -> None:
        super().__init__(storage)
        self.made.append(self)


def _clicked(button: Any) -> bytes:
    """The bytes a deferred download button serves, computed as a click computes them."""
    url = _RecordingManager.made[-1].execute_deferred(button.proto.deferred_file_id)
    return bytes(_RecordingStorage.made[-1].get_file(url.rsplit("/", 1)[-1]).content)


def test_kpi_tables_and_report_are_computed_on_click(
    sample_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", _RecordingStorage)
    monkeypatch.setattr(app_test, "MediaFileManager", _RecordingManager)
    at = open_page("export", log="sepsis_cases", lang="en", f="without:Release A")
    assert_clean(at)
    offered = {b.proto.label: b for b in at.get("download_button")}
    deferred = [b for b in offered.values() if b.proto.deferred_file_id]
    assert len(deferred) == 4  # three bottleneck tables and the report
    with EventStore.open(sample_env, read_only=True) as store:
        found = bottlenecks(store, "sepsis_cases", Filter(without_activity=("Release A",)))
    for key in ("activities_by_waiting", "transitions_by_waiting", "rework"):
        button = offered[t("export.download", "en", name=f"{key}.csv")]
        assert _clicked(button) == csv_bytes(frame_of(found[key]))
    html = _clicked(offered[t("report.download", "en")]).decode("utf-8")
    assert t("report.title", "en") in html
    assert "sepsis_cases" in html


@pytest.mark.parametrize("miner", ["inductive", "heuristics", "dfg"])
def test_export_page_offers_the_discovered_model(
    sample_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, miner: str
) -> None:
    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", _RecordingStorage)
    at = open_page("export", log="sepsis_cases", lang="en", f="without:Release A")
    assert_clean(at)
    at.radio[0].set_value(miner)
    at.slider[0].set_value(0.0).run()  # IM without noise filtering keeps every activity
    assert_clean(at)
    offered = {b.label: b for b in at.get("download_button")}
    wanted = ["BPMN", "PNML", "SVG", "PNG"] + (["PTML"] if miner == "inductive" else [])
    assert set(wanted) <= set(offered)
    assert ("PTML" in offered) == (miner == "inductive")
    # The BPMN file reads back in pm4py with the activities of the filtered view.
    path = tmp_path / "model.bpmn"
    path.write_bytes(_downloaded(offered["BPMN"]))
    nodes = pm4py.read_bpmn(str(path)).get_nodes()
    tasks = {n.get_name() for n in nodes if isinstance(n, BPMN.Task)}
    with EventStore.open(sample_env, read_only=True) as store:
        flt = Filter(without_activity=("Release A",))
        expected = {a for seq, _ in variant_counts(DuckDBEngine(store), "sepsis_cases", flt)
                    for a in seq}  # fmt: skip
    assert "Release A" not in expected
    if miner == "inductive":  # heuristics and dfg may drop rare ones
        assert tasks == expected
    else:
        assert tasks <= expected
        assert len(tasks) > 5
    net, _im, _fm = pm4py.read_pnml(_written(tmp_path / "m.pnml", _downloaded(offered["PNML"])))
    assert {tr.label for tr in net.transitions if tr.label} == tasks
    png = _downloaded(offered["PNG"])
    assert png.startswith(b"\x89PNG")
    assert max(_png_size(png)) <= PNG_MAX_SIDE


def _written(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def _png_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", data[16:24])
    return width, height
