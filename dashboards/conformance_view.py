"""The Conformance page's logic, Streamlit-free: the designed models on offer, a content-addressed
copy of an uploaded model, the editable mapping table, and the two cached queries (mapping
suggestion, conformance result) that `dashboards.queries` registers.

A model enters a query as (path, sha256 of its bytes): the hash keys the cache, the path is
where the bytes are. The mapping enters as a tuple of (task, activity or None) pairs, so an edit
in the table is a new cache key.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from analytics.conformance.check import check_conformance
from analytics.conformance.mapping import LabelMapping, suggest_mapping
from analytics.conformance.model import load_model
from analytics.conformance.report import case_deviations, deviations_over_time
from analytics.conformance.rules import check_rules, load_rules
from analytics.engine import DuckDBEngine
from analytics.variants import variant_counts
from dashboards.view import Chip, to_filter
from proclens.store import EventStore

MODELS_DIR = Path(__file__).resolve().parent.parent / "sample_logs" / "models"
MODEL_SUFFIXES = (".bpmn", ".pnml")
#: The whole alignment phase stops searching after this long (the rest is approximated and
#: reported as such), so the page answers within a minute even on a large log.
TOTAL_BUDGET_S = 60.0

Pairs = tuple[tuple[str, str | None], ...]


def bundled_models(folder: Path | None = None) -> list[Path]:
    """The designed models shipped in sample_logs/models/ (or `folder`), by name."""
    folder = folder or MODELS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in MODEL_SUFFIXES)


def default_model(models: list[Path], log: str | None) -> int:
    """Index of the bundled model whose name starts like the log's (sepsis.bpmn for
    sepsis_cases), else 0."""
    name = (log or "").casefold()
    for k, path in enumerate(models):
        if name.startswith(path.stem.casefold().split("_")[0]):
            return k
    return 0


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stash_model(data: bytes, name: str, root: Path | None = None) -> tuple[Path, str]:
    """Write uploaded bytes (a model, a rules file) to <tmp>/proclens-models/<sha256>/<name>;
    (path, sha256)."""
    digest = file_hash(data)
    folder = (root or Path(tempfile.gettempdir()) / "proclens-models") / digest
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / Path(name).name
    if not path.exists():
        path.write_bytes(data)
    return path, digest


def mapping_frame(pairs: list[dict[str, Any]]) -> pd.DataFrame:
    """The editable table: one row per model task (task, log activity, suggestion score)."""
    return pd.DataFrame(pairs, columns=["task", "activity", "score"])


def pairs_from_frame(frame: pd.DataFrame) -> Pairs:
    """The (edited) table as a hashable mapping; a blank activity means 'not in the log'."""
    out: list[tuple[str, str | None]] = []
    for task, activity in zip(frame["task"], frame["activity"], strict=True):
        text = None if activity is None or pd.isna(activity) else str(activity).strip()
        out.append((str(task), text or None))
    return tuple(out)


def _activities(store: EventStore, log: str) -> list[str]:
    return sorted({a for v, _ in variant_counts(DuckDBEngine(store), log) for a in v})


def suggestion(
    store: EventStore, log: str, chips: tuple[Chip, ...], model_path: str, model_hash: str
) -> dict[str, Any]:
    """The model's summary, the log's activities and the suggested task -> activity mapping."""
    activities = _activities(store, log)
    model = load_model(model_path, activities=activities)
    suggested = suggest_mapping(model.tasks, activities)
    rows = [
        {"task": task, "activity": suggested.labels[task], "score": suggested.scores[task]}
        for task in model.tasks
    ]
    return {"model": model.info(), "activities": activities, "rows": rows}


def conformance(
    store: EventStore,
    log: str,
    chips: tuple[Chip, ...],
    model_path: str,
    model_hash: str,
    pairs: Pairs,
    method: str,
) -> dict[str, Any]:
    """Fitness, precision, deviations per activity and over time, and the deviating cases."""
    flt = to_filter(chips)
    model = load_model(model_path, activities=_activities(store, log))
    result = check_conformance(
        store,
        log,
        model,
        LabelMapping(dict(pairs)),
        method="alignments" if method == "alignments" else "token-replay",
        total_budget_s=TOTAL_BUDGET_S,
        flt=flt,
    )
    cases = case_deviations(store, log, result, flt)
    deviating = cases[~cases["fits"]].sort_values(["fitness", "case_id"]).reset_index(drop=True)
    return {
        "summary": result.to_json(),
        "deviations": pd.DataFrame(result.deviations, columns=["activity", "skipped", "inserted"]),
        "over_time": deviations_over_time(store, log, result, "month", flt),
        "cases": deviating,
    }


def rules(
    store: EventStore, log: str, chips: tuple[Chip, ...], rules_path: str, rules_hash: str
) -> list[dict[str, Any]]:
    """The results of the rules YAML (analytics.conformance.rules) on every case of the log."""
    checked = check_rules(DuckDBEngine(store), log, load_rules(Path(rules_path)))
    return [r.to_json() for r in checked]


QUERIES: dict[str, Callable[..., Any]] = {
    "rules": rules,
    "conformance_mapping": suggestion,
    "conformance": conformance,
}
