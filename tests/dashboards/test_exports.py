from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from analytics.stats import log_stats
from dashboards.exports import csv_bytes, log_file
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
