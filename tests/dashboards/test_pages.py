"""An AppTest per page on the sample store: no exception, and the figures equal analytics'."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.bottlenecks import bottlenecks, top_waiting_activities
from analytics.cycle_times import cycle_times
from analytics.engine import DuckDBEngine
from analytics.filters import Filter
from analytics.opportunities import opportunities
from analytics.simplify import simplify
from analytics.stats import log_stats
from analytics.variants import variant_counts
from dashboards.frame import PAGES, parse_instant
from dashboards.i18n import fmt_duration, fmt_int, fmt_pct, t
from dashboards.opportunity_text import describe
from dashboards.view import Chip, to_filter
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
        waits = top_waiting_activities(store, LOG, top=3)
    at = open_page("overview", log=LOG, lang=lang)
    assert_clean(at)
    by_label = metrics(at)
    shown = list(by_label.values())
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
    first, last = (parse_instant(stats[k]) for k in ("first_event", "last_event"))
    assert first is not None
    assert last is not None
    span = fmt_duration((last - first).total_seconds(), lang)
    assert by_label[t("kpi.span", lang)] == span
    for rank, item in enumerate(waits, start=1):  # the mean wait: the median is often 0 s
        assert by_label[f"{rank}. {item['activity']}"] == fmt_duration(item["mean_wait_s"], lang)


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


def test_cycle_times_equal_the_analytics(sample_env: Path) -> None:
    with EventStore.open(sample_env, read_only=True) as store:
        expected = cycle_times(store, LOG)["case_duration_s"]
    at = open_page("cycle_times", log=LOG, lang="zh")
    assert_clean(at)
    shown = metrics(at)
    assert shown[t("kpi.median", "zh")] == fmt_duration(expected["median"], "zh")
    assert shown[t("kpi.p90", "zh")] == fmt_duration(expected["p90"], "zh")


def test_bottleneck_page_lists_the_opportunities(sample_env: Path) -> None:
    with EventStore.open(sample_env, read_only=True) as store:
        found = opportunities(store, LOG)
        waits = bottlenecks(store, LOG)["activities_by_waiting"]
    at = open_page("bottlenecks", log=LOG, lang="en")
    assert_clean(at)
    titles = [m.value for m in at.markdown if m.value.startswith("**")]
    assert titles == [f"**{o.rank}. {o.title}**" for o in found]
    assert at.dataframe[0].value["Activity"].tolist() == [w["activity"] for w in waits]


def test_opportunities_read_in_chinese_with_formatted_figures(sample_env: Path) -> None:
    with EventStore.open(sample_env, read_only=True) as store:
        found = [o.to_json() for o in opportunities(store, LOG)]
    at = open_page("bottlenecks", log=LOG, lang="zh")
    assert_clean(at)
    titles = [m.value for m in at.markdown if m.value.startswith("**")]
    texts = [describe(o, "zh") for o in found]
    assert titles == [
        f"**{o['rank']}. {title}**" for o, (title, _) in zip(found, texts, strict=True)
    ]
    shown = [m.value for m in at.markdown]
    for o, (_, evidence) in zip(found, texts, strict=True):
        assert evidence in shown
        f = o["figures"]
        if o["kind"] == "waiting":  # the evidence carries the formatted figures of the analytics
            assert fmt_duration(f["median_s"], "zh") in evidence
            assert fmt_duration(f["p25_s"], "zh") in evidence
        elif o["kind"] == "rework":
            assert fmt_duration(f["mean_loop_s"], "zh") in evidence
    assert [describe(o, "en") for o in found] == [(o["title"], o["evidence"]) for o in found]


def test_process_map_shows_the_simplified_map(sample_env: Path) -> None:
    with EventStore.open(sample_env, read_only=True) as store:
        pmap = simplify(store, LOG, activities_pct=100.0, paths_pct=20.0)
    at = open_page("process_map", log=LOG, lang="en")
    assert_clean(at)
    kept = pmap.simplified
    assert f"{kept['paths_kept']} of {kept['paths_total']} paths" in at.caption[0].value


def test_data_page_shows_the_load_history(sample_env: Path) -> None:
    with EventStore.open(sample_env, read_only=True) as store:
        runs = history.load_runs(store)
        logs = store.logs()
    at = open_page("data", log=LOG, lang="en")
    assert_clean(at)
    shown_logs = at.dataframe[0].value
    assert shown_logs["Rows read"].tolist() == [fmt_int(r["rows_read"], "en") for r in logs]
    assert shown_logs["Rows loaded"].tolist() == [fmt_int(r["rows_loaded"], "en") for r in logs]
    shown_runs = at.dataframe[1].value
    assert shown_runs["Load run"].tolist() == [str(r["run_id"]) for r in runs]
    assert all(r["rows_read"] == r["rows_loaded"] + r["rows_rejected"] for r in runs)


def test_the_view_in_the_link_is_restored(sample_env: Path) -> None:
    at = open_page("overview", log="RequestForPayment", lang="zh", f=["with:ER Triage"])
    assert_clean(at)
    assert at.selectbox(key="w_log").value == "RequestForPayment"
    assert at.radio(key="w_lang").value == "zh"
    chips = [b.label for b in at.button if b.key and b.key.startswith("chip:")]
    assert chips == ["✕ 包含活动: ER Triage"]
    # no request for payment passes through a Sepsis activity: the page says so, draws nothing
    assert [i.value for i in at.info] == [t("msg.empty_filter", "zh")]
    assert not metrics(at)


@pytest.mark.parametrize("page", ["overview", "cycle_times", "variants"])
def test_a_filter_from_the_link_is_applied(sample_env: Path, page: str) -> None:
    chips = ["with:Admission IC", "from:2014-06-01", "to:2014-12-31"]
    flt = to_filter([c for c in (Chip.decode(x) for x in chips) if c])
    with EventStore.open(sample_env, read_only=True) as store:
        stats = log_stats(store, LOG, flt)
    assert 0 < stats["cases"] < 1050
    at = open_page(page, log=LOG, lang="en", f=chips)
    assert_clean(at)
    if page == "variants":
        shown = at.dataframe[0].value["Cases"].map(lambda s: int(s.replace(",", ""))).sum()
        assert shown <= stats["cases"]
    else:
        assert metrics(at)["Cases"] == fmt_int(stats["cases"], "en")
        assert metrics(at)["Median cycle time"] == fmt_duration(
            stats["case_duration_s"]["median"], "en"
        )


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


def test_compare_shows_both_segments_with_the_analytics_figures(sample_env: Path) -> None:
    at = open_page("compare", log=LOG, lang="en")
    assert_clean(at)
    next(r for r in at.radio if r.label == "Compare").set_value("activity").run()
    next(s for s in at.selectbox if s.label == "Activity").set_value("Admission IC").run()
    assert_clean(at)
    with EventStore.open(sample_env, read_only=True) as store:
        with_ic = log_stats(store, LOG, Filter(with_activity=("Admission IC",)))
        without = log_stats(store, LOG, Filter(without_activity=("Admission IC",)))
    cases = [m.value for m in at.metric if m.label == "Cases"]
    assert cases == [fmt_int(with_ic["cases"], "en"), fmt_int(without["cases"], "en")]
    assert with_ic["cases"] + without["cases"] == 1050


def test_picking_a_variant_filters_every_page_to_its_cases(sample_env: Path) -> None:
    with EventStore.open(sample_env, read_only=True) as store:
        top = variant_counts(DuckDBEngine(store), LOG)[0]
    at = open_page("variants", log=LOG, lang="en")
    at.multiselect[0].set_value([1]).run()
    next(b for b in at.button if b.label == "Apply" and not b.key).click().run()
    assert_clean(at)
    assert at.query_params["f"] in (
        ["variant:" + " → ".join(top[0])],
        "variant:" + " → ".join(top[0]),
    )
    assert at.dataframe[0].value["Cases"].tolist() == [fmt_int(top[1], "en")]
