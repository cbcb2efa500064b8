"""The Conformance page's logic, Streamlit-free: the designed models on offer, a content-addressed
copy of an uploaded model, the editable mapping table, and the cached queries (mapping
suggestion, conformance result, the designed model marked with its deviations beside the
discovered one) that `dashboards.queries` registers.

A model enters a query as (path, sha256 of its bytes): the hash keys the cache, the path is
where the bytes are. The mapping enters as a tuple of (task, activity or None) pairs, so an edit
in the table is a new cache key.
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from analytics.conformance.check import (
    Method,
    Prepared,
    VariantResult,
    check_conformance,
    prepare,
    results_by_variant,
)
from analytics.conformance.mapping import LabelMapping, suggest_mapping
from analytics.conformance.memo import memo_key, save_results, stored_results
from analytics.conformance.model import ProcessModel, load_model
from analytics.conformance.report import case_deviations, deviations_over_time
from analytics.conformance.rules import check_rules, load_rules
from analytics.discovery import discover
from analytics.engine import DuckDBEngine
from analytics.export.bpmn_writer import graph_from_pm4py_bpmn
from analytics.export.graph import Graph
from analytics.export.svg import svg_text
from analytics.export.writers import bpmn_graph
from analytics.variants import variant_counts
from dashboards.i18n import Lang, t
from dashboards.view import Chip, to_filter
from proclens.store import EventStore

MODELS_DIR = Path(__file__).resolve().parent.parent / "sample_logs" / "models"
MODEL_SUFFIXES = (".bpmn", ".pnml")
#: The whole alignment phase stops searching after this long (the rest is approximated and
#: reported as such), so the page answers within a minute even on a large log.
TOTAL_BUDGET_S = 60.0

Pairs = tuple[tuple[str, str | None], ...]
Known = dict[tuple[str, ...], VariantResult]

#: Per-variant results of the whole log, per (store, data version, log, model, mapping,
#: method): a variant's result does not depend on which cases show it, so a filter change
#: only counts the filtered cases' variants and sums their results (no replay or alignment).
#: The few newest are kept, for every session of the server.
_KNOWN: OrderedDict[tuple[Any, ...], Known] = OrderedDict()
_KNOWN_KEPT = 4
_KNOWN_LOCK = threading.Lock()
_ACTIVITIES: dict[tuple[str, int, str], tuple[str, ...]] = {}


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


def mapping_warning(
    pairs: Pairs, unmapped_activities: list[str]
) -> tuple[str, dict[str, int]] | None:
    """The warning above the figures, as (i18n key, its values), when they say little: fewer
    than half of the model's tasks have a log activity, or more of the log's activities lie
    outside the model than inside (e.g. the OA log's three processes against one's model)."""
    mapped = sum(activity is not None for _, activity in pairs)
    inside = len({activity for _, activity in pairs if activity is not None})
    if 2 * mapped < len(pairs):
        return "conf.weak_mapping", {"mapped": mapped, "tasks": len(pairs)}
    if len(unmapped_activities) > inside:
        return "conf.other_processes", {"outside": len(unmapped_activities), "inside": inside}
    return None


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


def keep_check(store: EventStore, log: str, model_path: Path) -> int:
    """Check `log` against `model_path` as the page first does (the suggested mapping, token
    replay) and keep the per-variant results in the (writable) store, so the page opens at
    once; returns how many variants were kept. The demo store does this for each log's
    bundled model."""
    activities = _activities(store, log)
    model = _model(str(model_path), file_hash(model_path.read_bytes()), tuple(activities))
    mapping = LabelMapping(dict(suggest_mapping(model.tasks, activities).labels))
    result = check_conformance(store, log, model, mapping, "token-replay")
    return save_results(store, memo_key(model, mapping, "token-replay"), result.variants)


def forget() -> None:
    """Drop the per-variant results, models and aligners kept in this process (benchmarks
    measure a cold page)."""
    with _KNOWN_LOCK:
        _KNOWN.clear()
    _ACTIVITIES.clear()
    _model.cache_clear()
    _prepared.cache_clear()


def _activities(store: EventStore, log: str) -> list[str]:
    """The log's activities, read once per store, data version and log: the mapping, the
    check and the drawing of one render all need them (each read groups every case)."""
    key = (str(store.path), store.data_version(), log)
    found = _ACTIVITIES.get(key)
    if found is None:
        found = tuple(sorted({a for v, _ in variant_counts(DuckDBEngine(store), log) for a in v}))
        if len(_ACTIVITIES) >= _KNOWN_KEPT * 4:
            _ACTIVITIES.clear()
        _ACTIVITIES[key] = found
    return list(found)


@lru_cache(maxsize=8)
def _model(model_path: str, model_hash: str, activities: tuple[str, ...]) -> ProcessModel:
    """The model read once per content (`model_hash`) and log activities: reading checks its
    soundness, which takes a while for a large model. Callers only read it."""
    return load_model(model_path, activities=list(activities))


@lru_cache(maxsize=8)
def _prepared(
    model_path: str, model_hash: str, activities: tuple[str, ...], pairs: Pairs
) -> Prepared:
    """The model relabelled by the mapping, with its aligner, once per model, log activities
    and mapping: every filter change and both methods reuse it (~0.7 s at each on Sepsis)."""
    return prepare(_model(model_path, model_hash, activities), LabelMapping(dict(pairs)))


def suggestion(
    store: EventStore, log: str, chips: tuple[Chip, ...], model_path: str, model_hash: str
) -> dict[str, Any]:
    """The model's summary, the log's activities and the suggested task -> activity mapping."""
    activities = _activities(store, log)
    model = _model(model_path, model_hash, tuple(activities))
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
    activities = tuple(_activities(store, log))
    model = _model(model_path, model_hash, activities)
    checked_method: Method = "alignments" if method == "alignments" else "token-replay"
    prepared = _prepared(model_path, model_hash, activities, pairs)
    mapping = prepared.mapping
    key = (str(store.path), store.data_version(), log, model_hash, pairs, checked_method)
    whole = None
    with _KNOWN_LOCK:  # one check per key, also when several sessions ask at once
        known = _KNOWN.get(key)
        if known is None:  # the results `proclens conform` kept, and the variants it did not see
            stored = stored_results(store, memo_key(model, mapping, checked_method))
            whole = check_conformance(
                store, log, model, mapping, checked_method, total_budget_s=TOTAL_BUDGET_S,
                known=stored, prepared=prepared,
            )  # fmt: skip
            known = _KNOWN[key] = results_by_variant(whole)
            while len(_KNOWN) > _KNOWN_KEPT:
                _KNOWN.popitem(last=False)
    result = (
        whole
        if whole is not None and flt.is_empty()
        else check_conformance(
            store, log, model, mapping, checked_method, total_budget_s=TOTAL_BUDGET_S,
            flt=flt, known=known, prepared=prepared,
        )
    )  # fmt: skip
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


def designed_graph(model: ProcessModel) -> Graph:
    """The designed model as a BPMN drawing graph with the model's own task labels (pm4py
    converts its Petri net, as `proclens discover` does for a mined net)."""
    from pm4py.objects.conversion.wf_net.variants import to_bpmn

    return graph_from_pm4py_bpmn(to_bpmn.apply(model.net, model.im, model.fm))


def mark_deviations(
    graph: Graph, deviations: pd.DataFrame, pairs: Pairs, cases: int, words: tuple[str, str]
) -> dict[str, tuple[int, int]]:
    """Mark each task with the skipped / inserted counts of the log activity it is mapped to:
    two lines under the label, `words` ("skipped", "inserted") with the counts, and a fill
    from pale orange to red by those deviations per case (token replay only ever inserts, so
    both count). Returns task label -> (skipped, inserted)."""
    counts = {
        str(a): (int(s), int(i))
        for a, s, i in zip(
            deviations["activity"], deviations["skipped"], deviations["inserted"], strict=True
        )
    }
    mapped = dict(pairs)
    marks: dict[str, tuple[int, int]] = {}
    for node in graph.nodes.values():
        if node.kind != "task":
            continue
        skipped, inserted = counts.get(mapped.get(node.label) or node.label, (0, 0))
        marks[node.label] = (skipped, inserted)
        node.detail = f"{words[0]} {skipped:,}\n{words[1]} {inserted:,}"
        if skipped or inserted:
            node.fill = _heat((skipped + inserted) / cases if cases else 1.0)
    return marks


def outside_model(deviations: pd.DataFrame, pairs: Pairs) -> pd.DataFrame:
    """The inserted activities no task is mapped to (they never fit), with their counts."""
    mapped = {activity for _, activity in pairs if activity} | {task for task, _ in pairs}
    rows = deviations[~deviations["activity"].isin(mapped) & (deviations["inserted"] > 0)]
    return rows[["activity", "inserted"]].reset_index(drop=True)


def _heat(share: float) -> str:
    """Pale orange (a few cases) to red (every case), as #rrggbb."""
    low, high = (0xFD, 0xDB, 0xC7), (0xD6, 0x60, 0x4D)
    k = min(max(share, 0.0), 1.0) ** 0.5
    return "#" + "".join(f"{round(a + (b - a) * k):02x}" for a, b in zip(low, high, strict=True))


def figures(
    store: EventStore,
    log: str,
    chips: tuple[Chip, ...],
    model_path: str,
    model_hash: str,
    pairs: Pairs,
    method: str,
    words: tuple[str, str],
    found: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The designed model marked with the deviations of the conformance result (SVG, the marks
    per task, the inserted activities outside the model). `found`: that conformance() result
    (its "summary" and "deviations" suffice) when already at hand: the page passes its
    cached one, as checking the log again costs as much as the first time."""
    if found is None:
        found = conformance(store, log, chips, model_path, model_hash, pairs, method)
    designed = designed_graph(_model(model_path, model_hash, tuple(_activities(store, log))))
    marks = mark_deviations(
        designed, found["deviations"], pairs, int(found["summary"]["cases"]), words
    )
    return {
        "svg": svg_text(designed),
        "marks": marks,
        "outside": outside_model(found["deviations"], pairs),
    }


def discovered_svg(store: EventStore, log: str, chips: tuple[Chip, ...]) -> str:
    """The model the inductive miner discovers from the cases of the view, as a BPMN drawing:
    shown beside the designed one when asked for (it takes ~0.5 s on 1M events)."""
    return svg_text(bpmn_graph(discover(store, log, "inductive", noise=0.2, flt=to_filter(chips))))


def svg_image(svg: str, fit: bool = True) -> str:
    """A drawing as an <img> for st.html (which strips inline SVG): at most as wide as the page
    when `fit` (a wide model shrinks to fit), else at full size, scrolling sideways."""
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    style = "max-width:100%;height:auto" if fit else "max-width:none"
    return (
        f'<div style="overflow-x:auto"><img style="{style}" '
        f'src="data:image/svg+xml;base64,{data}"></div>'
    )


QUERIES: dict[str, Callable[..., Any]] = {
    "conformance_figures": figures,
    "conformance_discovered": discovered_svg,
    "rules": rules,
    "conformance_mapping": suggestion,
    "conformance": conformance,
}


def deviations_text(text: str, lang: Lang) -> str:
    """A case's deviations ("skipped A; inserted B", as analytics.conformance.report writes
    them) in the reader's language."""
    words = {"skipped": t("conf.skipped_short", lang), "inserted": t("conf.inserted_short", lang)}
    parts = []
    for part in text.split("; ") if text else []:
        kind, _, activity = part.partition(" ")
        parts.append(f"{words[kind]} {activity}" if kind in words else part)
    return ("；" if lang == "zh" else "; ").join(parts)
