"""The key figures with their period-over-period change, formatted for the Overview and the
executive report. Streamlit-free: values come from analytics (log_stats, sla_share,
period_change), the words and number formats from i18n."""

from __future__ import annotations

from typing import Any, Literal

from dashboards.i18n import (
    Lang,
    fmt_change_count,
    fmt_change_duration,
    fmt_change_pp,
    fmt_duration,
    fmt_int,
    fmt_pct,
)

#: figure of analytics.periods -> i18n key of its label
LABELS: dict[str, str] = {
    "cases_started": "kpi.started",
    "cases_finished": "kpi.finished",
    "events": "kpi.events",
    "activities": "kpi.activities",
    "variants": "kpi.variants",
    "median_duration_s": "kpi.median",
    "mean_duration_s": "kpi.mean",
    "p90_duration_s": "kpi.p90",
    "sla_share": "kpi.over_sla",
}


def kind(figure: str) -> Literal["count", "duration", "share"]:
    if figure.endswith("_duration_s"):
        return "duration"
    return "share" if figure == "sla_share" else "count"


def fmt_figure(figure: str, value: float | None, lang: Lang) -> str:
    """A figure's value: a count, a duration or a percentage."""
    k = kind(figure)
    if k == "duration":
        return fmt_duration(value, lang)
    return fmt_pct(value, lang) if k == "share" else fmt_int(value, lang)


def fmt_delta(figure: str, change: dict[str, Any] | None, lang: Lang) -> str | None:
    """A figure's change: '+12 (+8.1%)', '+1 d 2 h' or '+2.3 pp'; None when undefined."""
    if not change or change["delta"] is None:
        return None
    if change["delta"] == 0:
        return "±0"
    k = kind(figure)
    if k == "duration":
        return fmt_change_duration(change["delta"], lang)
    if k == "share":
        return fmt_change_pp(change["delta"], lang)
    return fmt_change_count(change["delta"], change["relative"], lang)


def delta_color(figure: str, change: dict[str, Any] | None = None) -> Literal["off", "inverse"]:
    """Longer cycle times and more cases over the SLA are worse (red when up); counts are
    neither good nor bad, and no change is no change (grey)."""
    flat = change is not None and not change.get("delta")
    return "off" if flat or kind(figure) == "count" else "inverse"


def whole_view(stats: dict[str, Any], sla: dict[str, Any]) -> dict[str, Any]:
    """Each figure over the whole (filtered) view: every case with events started and finished
    in it; log_stats' counts and durations; sla_share's share."""
    durations = stats["case_duration_s"]
    with_events = stats["cases"] - stats["cases_without_events"]
    return {
        "cases_started": with_events,
        "cases_finished": with_events,
        "events": stats["events"],
        "activities": stats["activities"],
        "variants": stats["variants"],
        "median_duration_s": durations["median"],
        "mean_duration_s": durations["mean"],
        "p90_duration_s": durations["p90"],
        "sla_share": sla["share"],
    }


def table(
    stats: dict[str, Any], periods: dict[str, Any], lang: Lang
) -> list[tuple[str, str, str, str, str | None]]:
    """(label key, whole view, last period, period before, change) per figure, formatted."""
    whole = whole_view(stats, periods["sla"])
    change = periods["change"]
    rows = []
    for figure, label in LABELS.items():
        cur, prev = (change[p][figure] if change[p] else None for p in ("current", "previous"))
        rows.append((
            label,
            fmt_figure(figure, whole[figure], lang),
            fmt_figure(figure, cur, lang),
            fmt_figure(figure, prev, lang),
            fmt_delta(figure, change["change"].get(figure), lang),
        ))  # fmt: skip
    return rows
