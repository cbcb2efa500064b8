"""What the pages ask of the store, as plain functions over an open store. Streamlit-free.

Each query takes (store, log, chips, *args) and returns something small and picklable (dicts,
aggregated DataFrames) that `dashboards.state` caches per (store, data version, log, filter).
Figures come from the analytics package; nothing here aggregates events itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd

from analytics import filters
from analytics.base import records
from analytics.bottlenecks import bottlenecks as bottleneck_figures
from analytics.bottlenecks import organisation as organisation_figures
from analytics.bottlenecks import ping_pong as ping_pong_pairs
from analytics.bottlenecks import top_waiting_activities, waiting_and_rework
from analytics.bottlenecks import workload as resource_workload
from analytics.calendar import default_calendar
from analytics.cycle_times import cycle_times
from analytics.engine import DuckDBEngine
from analytics.maps import map_params, nodes_sql
from analytics.opportunities import opportunities as ranked_opportunities
from analytics.periods import period_summary
from analytics.simplify import simplify
from analytics.stats import log_stats
from analytics.variants import variants as ranked_variants
from dashboards import conformance_view, exports, report
from dashboards.view import Chip, to_filter
from proclens import history
from proclens.store import EventStore

Query = Callable[..., Any]


def logs(store: EventStore, log: str | None, chips: tuple[Chip, ...]) -> list[dict[str, Any]]:
    return store.logs()


def overview(store: EventStore, log: str, chips: tuple[Chip, ...]) -> dict[str, Any]:
    return log_stats(store, log, to_filter(chips))


def periods(
    store: EventStore,
    log: str,
    chips: tuple[Chip, ...],
    threshold_s: float,
    weeks: int,
    end: str | None = None,
) -> dict[str, Any]:
    """analytics.periods.period_summary: "flow", "sla" and "change"; `end` an ISO day or None."""
    day = date.fromisoformat(end) if end else None
    return period_summary(store, log, to_filter(chips), threshold_s, weeks, day)


def report_data(
    store: EventStore,
    log: str,
    chips: tuple[Chip, ...],
    threshold_s: float,
    weeks: int,
    end: str | None = None,
) -> dict[str, Any]:
    """Every figure of the executive report (dashboards.report.gather) for the view."""
    day = date.fromisoformat(end) if end else None
    flt = to_filter(chips)
    return report.gather(store, log, flt, threshold_s=threshold_s, weeks=weeks, end=day)


def activity_names(store: EventStore, log: str, chips: tuple[Chip, ...]) -> list[str]:
    """Every activity of the log (unfiltered), for the filter pickers: the map's node query."""
    nodes = records(DuckDBEngine(store).frame(nodes_sql(), map_params(log, None)))
    return sorted(str(n["activity"]) for n in nodes)


def case_attribute_values(
    store: EventStore, log: str, chips: tuple[Chip, ...]
) -> list[tuple[str, str, int]]:
    """The case attributes' values the filter can select (unfiltered), with their cases."""
    return filters.case_attribute_values(store.con, log)


def process_map(
    store: EventStore,
    log: str,
    chips: tuple[Chip, ...],
    activities_pct: float,
    paths_pct: float,
    times: bool = True,
) -> dict[str, Any]:
    """The simplified map; without `times` frequencies only (from the stored variants)."""
    pmap = simplify(
        store, log, to_filter(chips), activities_pct=activities_pct, paths_pct=paths_pct,
        times=times,
    )  # fmt: skip
    return pmap.to_json()


def variants(store: EventStore, log: str, chips: tuple[Chip, ...], top: int) -> pd.DataFrame:
    """Ranked variants with cases, share, coverage and durations (the top `top`)."""
    rows = [v.to_json() for v in ranked_variants(store, log, to_filter(chips), top=top)]
    frame = pd.DataFrame(
        rows,
        columns=["rank", "variant", "cases", "share", "cumulative_share", "median_duration_s",
                 "mean_duration_s", "min_duration_s", "max_duration_s"],
    )  # fmt: skip
    frame["steps"] = frame["variant"].map(len)
    return frame.rename(columns={"cumulative_share": "coverage"})


def cycle(
    store: EventStore,
    log: str,
    chips: tuple[Chip, ...],
    period: str,
    between: tuple[str, str] | None,
    working: bool,
) -> dict[str, Any]:
    cal = default_calendar() if working else None
    return cycle_times(
        store,
        log,
        to_filter(chips),
        cal=cal,
        period="week" if period == "week" else "month",
        between=between,
    )


def bottlenecks(store: EventStore, log: str, chips: tuple[Chip, ...]) -> dict[str, Any]:
    return bottleneck_figures(store, log, to_filter(chips))


def waiting(store: EventStore, log: str, chips: tuple[Chip, ...]) -> dict[str, Any]:
    """The waiting and rework figures of bottlenecks() alone (Bottlenecks page, KPI tables)."""
    return waiting_and_rework(store, log, to_filter(chips))


def ping_pong(store: EventStore, log: str, chips: tuple[Chip, ...], column: str) -> list[Any]:
    return ping_pong_pairs(
        store, log, to_filter(chips), "department" if column == "department" else "resource"
    )


def workload(store: EventStore, log: str, chips: tuple[Chip, ...]) -> list[dict[str, Any]]:
    return resource_workload(store, log, to_filter(chips))


def organisation(store: EventStore, log: str, chips: tuple[Chip, ...]) -> dict[str, Any]:
    """The handovers and workload of bottlenecks() alone (the Organisation page)."""
    return organisation_figures(store, log, to_filter(chips))


def top_waits(store: EventStore, log: str, chips: tuple[Chip, ...], top: int) -> list[Any]:
    return top_waiting_activities(store, log, to_filter(chips), top)


def opportunities(store: EventStore, log: str, chips: tuple[Chip, ...]) -> list[dict[str, Any]]:
    return [o.to_json() for o in ranked_opportunities(store, log, to_filter(chips))]


def load_history(store: EventStore, log: str | None, chips: tuple[Chip, ...]) -> pd.DataFrame:
    return pd.DataFrame(history.load_runs(store))


def rejected(store: EventStore, log: str | None, chips: tuple[Chip, ...], run: int) -> pd.DataFrame:
    return pd.DataFrame(history.rejected_rows(store, run), columns=["position", "reason", "raw"])


QUERIES: dict[str, Query] = {
    "logs": logs,
    "overview": overview,
    "periods": periods,
    "report_data": report_data,
    "activity_names": activity_names,
    "case_attribute_values": case_attribute_values,
    "process_map": process_map,
    "variants": variants,
    "cycle": cycle,
    "bottlenecks": bottlenecks,
    "organisation": organisation,
    "waiting": waiting,
    "ping_pong": ping_pong,
    "workload": workload,
    "top_waits": top_waits,
    "opportunities": opportunities,
    "load_history": load_history,
    "rejected": rejected,
    **conformance_view.QUERIES,
    **exports.QUERIES,
}
