"""Two segments of the current view, for the Compare page. Streamlit-free.

A segment is the current filter plus one more chip: before / after a date, or with / without
an activity. The figures of both come from the same analytics calls as the other pages.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dashboards.view import Chip, View


def period_segments(view: View, split: date) -> tuple[tuple[Chip, ...], tuple[Chip, ...]]:
    """Cases before `split` (until the day before) and from `split` on."""
    before = view.with_chip(Chip("to", (split - timedelta(days=1)).isoformat()))
    after = view.with_chip(Chip("from", split.isoformat()))
    return before.chips, after.chips


def activity_segments(view: View, activity: str) -> tuple[tuple[Chip, ...], tuple[Chip, ...]]:
    """Cases that contain `activity` and cases that do not."""
    return view.with_chip(Chip("with", activity)).chips, view.with_chip(
        Chip("without", activity)
    ).chips


def change(a: float | None, b: float | None) -> float | None:
    """Relative change from a to b (None when a is zero or missing)."""
    if a in (None, 0) or b is None:
        return None
    return (b - a) / a


KEY_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("cases", "kpi.cases", "int"),
    ("events", "kpi.events", "int"),
    ("variants", "kpi.variants", "int"),
    ("median", "kpi.median", "duration"),
    ("mean", "kpi.mean", "duration"),
    ("p90", "kpi.p90", "duration"),
)


def figures(stats: dict[str, Any]) -> dict[str, float | None]:
    durations = stats["case_duration_s"]
    return {
        "cases": stats["cases"],
        "events": stats["events"],
        "variants": stats["variants"],
        "median": durations["median"],
        "mean": durations["mean"],
        "p90": durations["p90"],
    }
