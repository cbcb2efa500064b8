"""An AppTest per page on the sample store: no exception, and the figures equal analytics'."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.engine import DuckDBEngine
from analytics.stats import log_stats
from analytics.variants import variant_counts
from dashboards.frame import PAGES
from dashboards.i18n import fmt_duration, fmt_int, fmt_pct
from proclens import history
from proclens.store import EventStore
from tests.dashboards.apptest import assert_clean, metrics, open_page

LOG = "sepsis_cases"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", [stem for stem, _ in PAGES])
def test_every_page_renders_without_error(sample_env: Path, page: str, lang: str) -> None:
    at = open_page(page, log=LOG, lang=lang)
    assert_clean(at)
    assert at.title, "every page has a title"
    assert at.query_params["lang"] == [lang] or at.query_params["lang"] == lang


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overview_figures_equal_log_stats(sample_env: Path, lang: str) -> None:
    with EventStore.open(sample_env, read_only=True) as store:
        stats = log_stats(store, LOG)
    at = open_page("overview", log=LOG, lang=lang)
    assert_clean(at)
    shown = list(metrics(at).values())
    durations = stats["case_duration_s"]
    assert shown[:7] == [
        fmt_int(stats["cases"], lang),
        fmt_int(stats["events"], lang),
        fmt_int(stats["activities"], lang),
        fmt_int(stats["variants"], lang),
        fmt_duration(durations["median"], lang),
        fmt_duration(durations["mean"], lang),
        fmt_duration(durations["p90"], lang),
    ]
    assert shown[0] == "1,050"


def test_variants_table_equals_variant_counts(sample_env: Path) -> None:
    with EventStore.open(sample_env, read_only=True) as store:
        counted = variant_counts(DuckDBEngine(store), LOG)
    at = open_page("variants", log=LOG, lang="en")
    assert_clean(at)
    table = at.dataframe[0].value
    total = sum(n for _, n in counted)
    assert table["Cases"].tolist()[:5] == [fmt_int(n, "en") for _, n in counted[:5]]
    assert table["Share"].iloc[0] == fmt_pct(counted[0][1] / total, "en")
    assert table["Variant"].iloc[0] == " → ".join(counted[0][0])
    assert len(table) == 25


def test_data_page_shows_the_load_history(sample_env: Path) -> None:
    with EventStore.open(sample_env, read_only=True) as store:
        runs = history.load_runs(store)
        logs = store.logs()
    at = open_page("data", log=LOG, lang="en")
    assert_clean(at)
    shown_logs = at.dataframe[0].value
    assert shown_logs["rows_read"].tolist() == [r["rows_read"] for r in logs]
    assert shown_logs["rows_loaded"].tolist() == [r["rows_loaded"] for r in logs]
    shown_runs = at.dataframe[1].value
    assert shown_runs["run_id"].tolist() == [r["run_id"] for r in runs]
    assert (
        shown_runs["rows_read"] == shown_runs["rows_loaded"] + shown_runs["rows_rejected"]
    ).all()


def test_the_view_in_the_link_is_restored(sample_env: Path) -> None:
    at = open_page("overview", log="RequestForPayment", lang="zh", f=["with:ER Triage"])
    assert_clean(at)
    assert at.selectbox(key="w_log").value == "RequestForPayment"
    assert at.radio(key="w_lang").value == "zh"
    assert "案例数" in metrics(at)
    chips = [b.label for b in at.button if b.key and b.key.startswith("chip:")]
    assert chips == ["✕ 包含活动: ER Triage"]


def test_removing_a_chip_updates_the_link(sample_env: Path) -> None:
    at = open_page("overview", log=LOG, lang="en", f=["with:ER Triage", "from:2014-01-01"])
    at.button(key="chip:with:ER Triage").click().run()
    assert_clean(at)
    assert at.query_params["f"] in (["from:2014-01-01"], "from:2014-01-01")


def test_missing_store_is_an_error_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROCLENS_DB", str(tmp_path / "none.duckdb"))
    at = open_page("overview")
    assert not at.exception
    assert "No event store" in at.error[0].value
