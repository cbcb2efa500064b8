"""check_conformance: the log of the store against a designed model, once per variant.

Variants come from SQL (analytics.variants.variant_counts); each is aligned (or token-replayed)
once and weighted by its number of cases. Fitness follows the standard definition:
trace fitness = 1 - cost / (trace length + length of the shortest model run), log fitness =
1 - sum(cases * cost) / sum(cases * (trace length + shortest run)); silent moves cost nothing,
so a log whose every case fits has fitness exactly 1.0, and an empty case fits when the model
can finish with silent moves only.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from analytics.conformance.align import Aligner, Alignment
from analytics.conformance.mapping import LabelMapping, exact_mapping, relabel
from analytics.conformance.model import ProcessModel
from analytics.conformance.precision import precision
from analytics.conformance.replay import log_fitness, token_replay
from analytics.engine import Engine, engine_for
from analytics.filters import Filter
from analytics.variants import variant_counts
from proclens.errors import ProcLensError
from proclens.store import EventStore

Method = Literal["alignments", "token-replay"]
METHODS: tuple[str, ...] = ("alignments", "token-replay")
DEFAULT_BUDGET_S = 5.0


@dataclass
class VariantResult:
    variant: tuple[str, ...]
    cases: int
    fitness: float
    fits: bool
    cost: int | None  # alignment cost (None for token replay)
    skipped: list[str] = field(default_factory=list)  # model moves
    inserted: list[str] = field(default_factory=list)  # log moves
    fell_back: bool = False  # budget ran out: approximate alignment (fitness is a lower bound)
    tokens: tuple[int, int, int, int] | None = None  # token replay: missing, consumed, remaining,
    # produced (None for alignments)


@dataclass
class ConformanceResult:
    log: str
    model: str
    process: str
    method: str
    fitness: float
    precision: float
    fitting_cases_share: float  # 0..1
    average_trace_fitness: float
    cases: int
    variants: list[VariantResult]
    deviations: list[dict[str, Any]]  # [{"activity", "skipped", "inserted"}]
    unmapped_tasks: list[str]
    unmapped_activities: list[str]
    roles: dict[str, str]
    seconds: float
    budget_s: float

    @property
    def fell_back(self) -> list[VariantResult]:
        return [v for v in self.variants if v.fell_back]

    def to_json(self) -> dict[str, Any]:
        return {
            "log": self.log,
            "model": self.model,
            "process": self.process,
            "method": self.method,
            "fitness": self.fitness,
            "precision": self.precision,
            "fitting_cases_share": self.fitting_cases_share,
            "average_trace_fitness": self.average_trace_fitness,
            "cases": self.cases,
            "variants": len(self.variants),
            "deviations": self.deviations,
            "unmapped_tasks": self.unmapped_tasks,
            "unmapped_activities": self.unmapped_activities,
            "fell_back_variants": [
                {"variant": list(v.variant), "cases": v.cases, "fitness": v.fitness}
                for v in self.fell_back
            ],
            "budget_s_per_variant": self.budget_s,
            "seconds": round(self.seconds, 3),
        }

    def variant_table(self) -> list[dict[str, Any]]:
        return [asdict(v) for v in self.variants]


@dataclass(frozen=True)
class Prepared:
    """The model relabelled by a mapping, and its aligner (reachability graph and tables): what
    a check needs besides the variants, the same for every filter, so a caller can keep it."""

    mapping: LabelMapping
    model: ProcessModel
    aligner: Aligner


def prepare(model: ProcessModel, mapping: LabelMapping) -> Prepared:
    mapped = relabel(model, mapping)
    return Prepared(mapping, mapped, Aligner(mapped.graph))


def check_conformance(
    store: EventStore | Engine,
    log: str,
    model: ProcessModel,
    mapping: LabelMapping | None = None,
    method: Method = "alignments",
    budget_s: float = DEFAULT_BUDGET_S,
    progress: Callable[[int, int | None], None] | None = None,
    total_budget_s: float | None = None,
    flt: Filter | None = None,
    known: Mapping[tuple[str, ...], VariantResult] | None = None,
    prepared: Prepared | None = None,
) -> ConformanceResult:
    """Fitness, precision, fitting share and deviations of `log` against `model`.

    `budget_s` bounds the search per variant, `total_budget_s` the whole alignment phase:
    once it is spent, the remaining variants get the approximate alignment at once.
    `flt` narrows the cases (the dashboard's global filter). `known`: results of an earlier
    check with the same model, mapping and method, by variant (`results_by_variant`): a
    variant's result does not depend on which cases show it, so those variants are not
    aligned or replayed again (the dashboard's filter changes). `prepared`: prepare(model,
    mapping) kept from an earlier check (then its mapping is the one used).
    """
    if method not in METHODS:
        raise ProcLensError(f"unknown method '{method}'; choose one of {', '.join(METHODS)}")
    began = time.monotonic()
    engine = engine_for(store)
    variants = variant_counts(engine, log, flt)
    activities = sorted({a for v, _ in variants for a in v})
    if prepared is None:
        prepared = prepare(model, mapping or exact_mapping(model.tasks, activities))
    mapping, mapped, aligner = prepared.mapping, prepared.model, prepared.aligner
    known = known or {}
    todo = [(v, n) for v, n in variants if v not in known]
    if method == "alignments":
        done = _align_all(aligner, todo, budget_s, progress, total_budget_s)
    else:
        done = _replay_all(mapped, todo)
    fresh = {r.variant: r for r in done}
    results = [fresh[v] if v in fresh else replace(known[v], cases=n) for v, n in variants]
    if method == "alignments":
        fitness = _alignment_log_fitness(results, aligner.min_length)
    else:
        fitness = log_fitness(
            [r.tokens or (0, 0, 0, 0) for r in results], [r.cases for r in results]
        )
    cases = sum(n for _, n in variants)
    return ConformanceResult(
        log=log,
        model=model.path,
        process=model.process_id,
        method=method,
        fitness=fitness,
        precision=precision(aligner, variants),
        fitting_cases_share=sum(r.cases for r in results if r.fits) / cases if cases else 1.0,
        average_trace_fitness=sum(r.fitness * r.cases for r in results) / cases if cases else 1.0,
        cases=cases,
        variants=results,
        deviations=_deviation_counts(results),
        unmapped_tasks=mapping.unmapped_tasks(model.tasks, activities),
        unmapped_activities=mapping.unmapped_activities(model.tasks, activities),
        roles=mapped.roles,
        seconds=time.monotonic() - began,
        budget_s=budget_s,
    )


def _align_all(
    aligner: Aligner,
    variants: list[tuple[tuple[str, ...], int]],
    budget_s: float,
    progress: Callable[[int, int | None], None] | None,
    total_budget_s: float | None = None,
) -> list[VariantResult]:
    out = []
    end = None if total_budget_s is None else time.monotonic() + total_budget_s
    for k, (variant, cases) in enumerate(variants):
        budget = budget_s if end is None else max(0.0, min(budget_s, end - time.monotonic()))
        a: Alignment = aligner.align(variant, budget)
        out.append(
            VariantResult(
                variant, cases, a.fitness, a.fits, a.cost, a.skipped, a.inserted, not a.optimal
            )
        )
        if progress is not None:
            progress(k + 1, len(variants))
    return out


def _alignment_log_fitness(results: list[VariantResult], min_length: int) -> float:
    cost = sum((r.cost or 0) * r.cases for r in results)
    worst = sum((len(r.variant) + min_length) * r.cases for r in results)
    return 1.0 if worst == 0 else 1.0 - cost / worst


def _replay_all(
    model: ProcessModel, variants: list[tuple[tuple[str, ...], int]]
) -> list[VariantResult]:
    if not variants:
        return []
    replayed = token_replay(model, [v for v, _ in variants])
    return [
        VariantResult(
            v, n, r.fitness, r.fits, None, [], list(r.inserted),
            tokens=(r.missing, r.consumed, r.remaining, r.produced),
        )
        for (v, n), r in zip(variants, replayed, strict=True)
    ]  # fmt: skip


def results_by_variant(result: ConformanceResult) -> dict[tuple[str, ...], VariantResult]:
    """The per-variant results of a check, to pass as `known` to a later one."""
    return {r.variant: r for r in result.variants}


def _deviation_counts(results: list[VariantResult]) -> list[dict[str, Any]]:
    skipped: Counter[str] = Counter()
    inserted: Counter[str] = Counter()
    for r in results:
        for a in r.skipped:
            skipped[a] += r.cases
        for a in r.inserted:
            inserted[a] += r.cases
    names = sorted(set(skipped) | set(inserted), key=lambda a: (-skipped[a] - inserted[a], a))
    return [{"activity": a, "skipped": skipped[a], "inserted": inserted[a]} for a in names]
