"""A redesign opportunity in the reader's language: title and evidence from its figures
(analytics.opportunities), with durations, counts and shares formatted by i18n. Streamlit-free;
the page and the executive report both use it."""

from __future__ import annotations

from typing import Any

from dashboards.i18n import Lang, fmt_duration, fmt_int, fmt_pct, t


def describe(item: dict[str, Any], lang: Lang) -> tuple[str, str]:
    """(title, evidence) of one `Opportunity.to_json()`; an unknown kind keeps its own text."""
    f, kind = item["figures"], item["kind"]
    if kind == "waiting":
        names = {"a": f["from"], "b": f["to"]}
        return t("opp.waiting.title", lang, **names), t(
            "opp.waiting.evidence", lang, **names,
            mean=fmt_duration(f["mean_s"], lang), median=fmt_duration(f["median_s"], lang),
            p25=fmt_duration(f["p25_s"], lang), cases=fmt_int(f["cases"], lang),
            per_year=fmt_int(f["cases_per_year"], lang),
        )  # fmt: skip
    if kind == "rework":
        act = {"activity": f["activity"]}
        return t("opp.rework.title", lang, **act), t(
            "opp.rework.evidence", lang, **act,
            share=fmt_pct(f["share_of_cases"], lang, digits=0),
            repeats=fmt_int(f["repeats"], lang), cases=fmt_int(f["cases"], lang),
            mean=fmt_duration(f["mean_loop_s"], lang),
        )  # fmt: skip
    if kind == "approval":
        act = {"activity": f["activity"]}
        return t("opp.approval.title", lang, **act), t(
            "opp.approval.evidence", lang, **act,
            rate=fmt_pct(f["reject_rate"], lang, digits=2), cases=fmt_int(f["cases"], lang),
            per_year=fmt_int(f["cases_per_year"], lang),
        )  # fmt: skip
    return str(item["title"]), str(item["evidence"])
