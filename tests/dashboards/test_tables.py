"""The dashboard's tables in both languages: translated headers, and cells that are the
language's formatter applied to the analytics value of the same row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analytics.bottlenecks import bottlenecks
from analytics.engine import DuckDBEngine
from analytics.filters import Filter
from analytics.variants import variant_counts
from analytics.variants import variants as ranked_variants
from dashboards import tables
from dashboards.i18n import STRINGS, Lang, fmt_duration, fmt_pct, t
from proclens import history
from proclens.store import EventStore
from tests.dashboards.apptest import assert_clean, open_page

LOG = "sepsis_cases"
Rows = Callable[[EventStore], Sequence[dict[str, Any]]]


RFP = "RequestForPayment"  # records resources; the Sepsis log records departments only


def _found(key: str, log: str = LOG) -> Rows:
    return lambda store: bottlenecks(store, log)[key]


def _rejected(store: EventStore) -> list[dict[str, Any]]:
    run = next(r["run_id"] for r in history.load_runs(store) if r["rows_rejected"])
    return history.rejected_rows(store, run)


def _variants(store: EventStore) -> list[dict[str, Any]]:
    """analytics.variants' records with the two fields the page derives (steps, the arrow)."""
    rows = [v.to_json() for v in ranked_variants(store, LOG, top=25)]
    return [
        {**r, "coverage": r["cumulative_share"], "steps": len(r["variant"]),
         "variant": " → ".join(r["variant"])}
        for r in rows
    ]  # fmt: skip


def _top_variants(store: EventStore, flt: Filter) -> list[dict[str, Any]]:
    counted = variant_counts(DuckDBEngine(store), LOG, flt)[:5]
    return [{"cases": n, "variant": " → ".join(v)} for v, n in counted]


#: (page, log, position of the table on the page, its columns, analytics records it shows)
TABLES: list[tuple[str, str, int, tuple[tables.Column, ...], Rows]] = [
    ("organisation", RFP, 0, tables.WORKLOAD, _found("workload", RFP)),
    ("organisation", LOG, 0, tables.HANDOVERS, _found("handovers_departments")),
    ("organisation", RFP, 2, tables.HANDOVERS, _found("handovers_resources", RFP)),
    ("bottlenecks", LOG, 1, tables.REWORK, _found("rework")),
    ("bottlenecks", RFP, 3, tables.PING_PONG, _found("ping_pong_resources", RFP)),
    ("variants", LOG, 0, tables.VARIANTS, _variants),
    ("data", LOG, 0, tables.LOGS, lambda store: store.logs()),
    ("data", LOG, 1, tables.LOAD_RUNS, history.load_runs),
    ("data", LOG, 2, tables.REJECTED, _rejected),
]


def _check(
    shown: pd.DataFrame, columns: Sequence[tables.Column], rows: Sequence[Any], lang: Lang
) -> None:
    headers = [t(name, lang) if "." in name else name for _, name, _ in columns]
    assert list(shown.columns) == headers
    assert not {key for key, _, _ in columns} & set(shown.columns), "no code names"
    assert len(shown) == len(rows) > 0
    for key, name, kind in columns:
        for i in (0, len(rows) - 1):
            assert shown[t(name, lang)].iloc[i] == tables.FORMATS[kind](rows[i].get(key), lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("page", "log", "position", "columns", "rows"), TABLES)
def test_table_is_translated_and_formatted(
    sample_env: Path, lang: Lang, page: str, log: str, position: int, columns: Any, rows: Rows
) -> None:
    with EventStore.open(sample_env, read_only=True) as store:
        expected = rows(store)
    at = open_page(page, log=log, lang=lang)
    assert_clean(at)
    _check(at.dataframe[position].value, columns, expected, lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_compare_variant_tables_are_translated(sample_env: Path, lang: Lang) -> None:
    at = open_page("compare", log=LOG, lang=lang)
    assert_clean(at)
    next(r for r in at.radio if r.label == t("cmp.by", lang)).set_value("activity").run()
    picker = next(s for s in at.selectbox if s.label == t("col.activity", lang))
    picker.set_value("Admission IC").run()
    assert_clean(at)
    with EventStore.open(sample_env, read_only=True) as store:
        segments = [
            _top_variants(store, Filter(with_activity=("Admission IC",))),
            _top_variants(store, Filter(without_activity=("Admission IC",))),
        ]
    for position, rows in enumerate(segments):
        _check(at.dataframe[position].value, tables.TOP_VARIANTS, rows, lang)


def test_durations_and_shares_read_as_words_and_percent(sample_env: Path) -> None:
    with EventStore.open(sample_env, read_only=True) as store:
        rework = bottlenecks(store, LOG)["rework"][0]
    at = open_page("bottlenecks", log=LOG, lang="zh")
    shown = at.dataframe[1].value.iloc[0]  # left column: waits, rework
    assert shown[t("tbl.total_loop", "zh")] == fmt_duration(rework["total_loop_s"], "zh")
    assert "天" in shown[t("tbl.total_loop", "zh")]
    assert shown[t("bn.share", "zh")] == fmt_pct(rework["share_of_cycle_time"], "zh")
    assert shown[t("bn.share", "zh")].endswith("%")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_log_without_resources_says_so_instead_of_empty_grids(
    sample_env: Path, lang: Lang
) -> None:
    with EventStore.open(sample_env, read_only=True) as store:
        found = bottlenecks(store, LOG)
    assert not found["workload"]
    assert not found["handovers_resources"]
    at = open_page("organisation", log=LOG, lang=lang)
    assert_clean(at)
    assert len(at.dataframe) == 1  # the department handovers only
    notes = [c.value for c in at.caption]
    assert notes.count(t("org.no_resources", lang)) == 2
    assert any("?" in (r["source"], r["target"]) for r in found["handovers_departments"])
    assert t("org.unknown_department", lang) in notes
    at = open_page("bottlenecks", log=LOG, lang=lang)
    assert len(at.dataframe) == 3
    assert t("org.no_resources", lang) in [c.value for c in at.caption]


def test_missing_values_and_days() -> None:
    assert tables.FORMATS["duration"](None, "en") == "–"
    assert tables.FORMATS["duration"](float("nan"), "zh") == "–"
    assert tables.FORMATS["text"](None, "zh") == "–"
    assert tables.FORMATS["date"]("2024-01-01", "en") == "1 Jan 2024"
    assert tables.FORMATS["date"]("2024-01-01", "zh") == "2024年1月1日"
    assert tables.FORMATS["month"]("2024-11-01", "en") == "Nov 2024"
    assert tables.FORMATS["month"]("2024-11-01", "zh") == "2024年11月"
    assert tables.FORMATS["datetime"]("2024-01-01T09:05:00+00:00", "en") == "1 Jan 2024 09:05"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_select_boxes_ask_in_the_language(sample_env: Path, lang: Lang) -> None:
    at = open_page("cycle_times", log=LOG, lang=lang)
    boxes = [s for s in at.selectbox if s.label in (t("cycle.from", lang), t("cycle.to", lang))]
    assert [s.proto.placeholder for s in boxes] == [t("tbl.choose", lang)] * 2
    at = open_page("variants", log=LOG, lang=lang)
    assert at.multiselect[0].proto.placeholder == t("tbl.choose_ranks", lang)


def test_table_headers_exist_in_both_languages() -> None:
    every = (tables.WORKLOAD, tables.HANDOVERS, tables.REWORK, tables.PING_PONG, tables.LOGS,
             tables.LOAD_RUNS, tables.REJECTED, tables.TOP_VARIANTS)  # fmt: skip
    for columns in every:
        for _, name, _ in columns:
            en, zh = STRINGS[name]
            assert en != zh
