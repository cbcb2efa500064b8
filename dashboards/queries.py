"""What the pages ask of the store, as plain functions over an open store. Streamlit-free.

Each query takes (store, log, chips, *args) and returns something small and picklable (dicts,
aggregated DataFrames) that `dashboards.state` caches per (store, data version, log, filter).
Figures come from the analytics package; nothing here aggregates events itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from analytics.engine import DuckDBEngine
from analytics.stats import log_stats
from analytics.variants import variant_counts
from dashboards.view import Chip
from proclens import history
from proclens.store import EventStore

Query = Callable[..., Any]

#: True once the analytics filter is wired in: chips are then applied to every query.
FILTER_READY = False


def logs(store: EventStore, log: str | None, chips: tuple[Chip, ...]) -> list[dict[str, Any]]:
    return store.logs()


def overview(store: EventStore, log: str, chips: tuple[Chip, ...]) -> dict[str, Any]:
    return log_stats(store, log)


def activity_names(store: EventStore, log: str, chips: tuple[Chip, ...]) -> list[str]:
    """The log's activity names, for the filter pickers (a look-up, not an aggregate)."""
    rows = store.con.execute(
        "SELECT DISTINCT activity FROM activity_instances WHERE log = ? ORDER BY activity", [log]
    ).fetchall()
    return [str(r[0]) for r in rows]


def variants(store: EventStore, log: str, chips: tuple[Chip, ...], top: int) -> pd.DataFrame:
    """Ranked variants with cases, share and cumulative coverage (top `top` rows kept)."""
    counted = variant_counts(DuckDBEngine(store), log)
    total = sum(n for _, n in counted) or 1
    frame = pd.DataFrame(
        {
            "variant": [list(v) for v, _ in counted],
            "cases": [n for _, n in counted],
        }
    )
    frame["share"] = frame["cases"] / total
    frame["coverage"] = frame["share"].cumsum()
    frame["steps"] = frame["variant"].map(len)
    return frame.head(top)


def load_history(store: EventStore, log: str | None, chips: tuple[Chip, ...]) -> pd.DataFrame:
    return pd.DataFrame(history.load_runs(store))


def rejected(store: EventStore, log: str | None, chips: tuple[Chip, ...], run: int) -> pd.DataFrame:
    return pd.DataFrame(history.rejected_rows(store, run), columns=["position", "reason", "raw"])


QUERIES: dict[str, Query] = {
    "logs": logs,
    "overview": overview,
    "activity_names": activity_names,
    "variants": variants,
    "load_history": load_history,
    "rejected": rejected,
}
