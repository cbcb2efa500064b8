"""Process discovery on aggregated inputs: inductive miner, heuristics miner and the DFG.

Nothing here reads events. The one input is the variant table (`variant_counts`, computed in
SQL: each distinct activity sequence with its number of cases, the empty sequence of cases
without events included). From it come, exactly: the directly-follows graph with its
start/end activities and activity counts, the window-2 pairs and triples the heuristics miner
needs, and pm4py's own variant-compressed log (UVCL) that its inductive miner takes as input.
A log of ten million events with a thousand variants gives pm4py a thousand rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal, TypeVar

from analytics.engine import Engine, engine_for
from analytics.filters import Filter
from analytics.variants import variant_counts
from proclens.errors import ProcLensError
from proclens.store import EventStore

Miner = Literal["inductive", "heuristics", "dfg"]
MINERS: tuple[Miner, ...] = ("inductive", "heuristics", "dfg")
Variants = Counter[tuple[str, ...]]
K = TypeVar("K")


class DiscoveryError(ProcLensError):
    """Discovery cannot run on this input (empty log, bad threshold)."""


@dataclass
class DirectlyFollows:
    """The DFG of a log: activity and edge frequencies, start/end activities."""

    activities: dict[str, int] = field(default_factory=dict)
    edges: dict[tuple[str, str], int] = field(default_factory=dict)
    edge_cases: dict[tuple[str, str], int] = field(default_factory=dict)
    start_activities: dict[str, int] = field(default_factory=dict)
    end_activities: dict[str, int] = field(default_factory=dict)
    cases: int = 0
    empty_cases: int = 0

    def to_json(self) -> dict[str, Any]:
        """The DFG as JSON, shaped like `proclens map --json` (nodes, edges, start/end)."""
        return {
            "cases": self.cases,
            "cases_without_events": self.empty_cases,
            "nodes": [{"activity": a, "events": n} for a, n in self.activities.items()],
            "edges": [
                {"source": s, "target": t, "count": n, "cases": self.edge_cases[(s, t)]}
                for (s, t), n in self.edges.items()
            ],
            "start_activities": self.start_activities,
            "end_activities": self.end_activities,
        }


@dataclass
class Model:
    """What a miner found. `tree` for the inductive miner, `net` for every miner."""

    miner: Miner
    dfg: DirectlyFollows
    tree: Any = None  # pm4py ProcessTree
    net: Any = None  # (PetriNet, initial Marking, final Marking)


def log_variants(store: EventStore | Engine, log: str, flt: Filter | None = None) -> Variants:
    """The variant-compressed log of `log` (pm4py's UVCL), the cases `flt` keeps:
    sequence -> number of cases."""
    return Counter(dict(variant_counts(engine_for(store), log, flt)))


def directly_follows(variants: Variants) -> DirectlyFollows:
    """The exact DFG of the log whose variants are given."""
    dfg = DirectlyFollows()
    acts: Counter[str] = Counter()
    edges: Counter[tuple[str, str]] = Counter()
    edge_cases: Counter[tuple[str, str]] = Counter()
    starts: Counter[str] = Counter()
    ends: Counter[str] = Counter()
    for seq, n in variants.items():
        dfg.cases += n
        if not seq:
            dfg.empty_cases += n
            continue
        starts[seq[0]] += n
        ends[seq[-1]] += n
        for a in seq:
            acts[a] += n
        pairs = list(pairwise(seq))
        for p in pairs:
            edges[p] += n
        for p in set(pairs):
            edge_cases[p] += n
    dfg.activities = _ranked(acts)
    dfg.edges = _ranked(edges)
    dfg.edge_cases = dict(edge_cases)
    dfg.start_activities = _ranked(starts)
    dfg.end_activities = _ranked(ends)
    return dfg


def inductive_tree(variants: Variants, noise: float = 0.0) -> Any:
    """Inductive miner (IM; IMf when `noise` > 0) on the variant-compressed log."""
    _check(variants, noise)
    # pm4py's algorithm.apply() cannot recognise a variant Counter (it tests `type(obj) in
    # [UVCL]`, a typing alias), so this calls the miners it would call, then folds the same way.
    from pm4py.algo.discovery.inductive.dtypes.im_ds import IMDataStructureUVCL
    from pm4py.algo.discovery.inductive.variants.im import IMUVCL
    from pm4py.algo.discovery.inductive.variants.imf import IMFUVCL
    from pm4py.objects.process_tree.utils.generic import fold, tree_sort

    params = {"noise_threshold": noise, "multiprocessing": False}
    miner = IMFUVCL(params) if noise > 0 else IMUVCL(params)
    tree = fold(miner.apply(IMDataStructureUVCL(variants), params))
    tree_sort(tree)
    return tree


def heuristics_net(variants: Variants, dependency_threshold: float = 0.5) -> Any:
    """Heuristics miner (pm4py's classic one) fed with aggregates of the variants."""
    _check(variants, dependency_threshold)
    from pm4py.algo.discovery.heuristics.variants import classic
    from pm4py.objects.conversion.heuristics_net import converter

    dfg = directly_follows(variants)
    heu = classic.apply_heu_dfg(
        dfg.edges,
        activities=list(dfg.activities),
        activities_occurrences=dfg.activities,
        start_activities=dfg.start_activities,
        end_activities=dfg.end_activities,
        dfg_window_2=_window(variants, 2),
        freq_triples=_triples(variants),
        parameters={"dependency_thresh": dependency_threshold},
    )
    return converter.apply(heu)


def discover(
    store: EventStore | Engine,
    log: str,
    miner: Miner,
    *,
    noise: float = 0.0,
    dependency: float = 0.5,
    flt: Filter | None = None,
) -> Model:
    """Run `miner` on `log` (the cases `flt` keeps); the Petri net is always there (exports
    need it).

    `noise` is the inductive miner's threshold (IMf), `dependency` the heuristics miner's.
    """
    variants = log_variants(store, log, flt)
    dfg = directly_follows(variants)
    if miner == "inductive":
        from pm4py.objects.conversion.process_tree import converter as pt_converter

        tree = inductive_tree(variants, noise)
        return Model(miner, dfg, tree=tree, net=pt_converter.apply(tree))
    if miner == "heuristics":
        return Model(miner, dfg, net=heuristics_net(variants, dependency))
    _check(variants, 0.0)
    return Model(miner, dfg, net=dfg_petri_net(dfg))


def dfg_petri_net(dfg: DirectlyFollows) -> Any:
    """The DFG as a Petri net (one place per activity), for PNML/BPMN export of `--miner dfg`."""
    from pm4py.objects.conversion.dfg import converter

    params = {"start_activities": dfg.start_activities, "end_activities": dfg.end_activities}
    return converter.apply(dfg.edges, parameters=params)


def _check(variants: Variants, noise: float) -> None:
    if not 0.0 <= noise <= 1.0:
        raise DiscoveryError(f"threshold {noise} is outside 0..1; pass a value such as 0.2")
    if not any(seq for seq in variants):
        raise DiscoveryError(
            "the log has no events to discover a model from; check the log name and its filters"
        )


def _window(variants: Variants, window: int) -> dict[tuple[str, str], int]:
    out: Counter[tuple[str, str]] = Counter()
    for seq, n in variants.items():
        for i in range(window, len(seq)):
            out[(seq[i - window], seq[i])] += n
    return dict(out)


def _triples(variants: Variants) -> dict[tuple[str, str, str], int]:
    out: Counter[tuple[str, str, str]] = Counter()
    for seq, n in variants.items():
        for i in range(2, len(seq)):
            out[(seq[i - 2], seq[i - 1], seq[i])] += n
    return dict(out)


def _ranked(counter: Counter[K]) -> dict[K, int]:
    """Most frequent first; ties in the order of the key (stable, reproducible output)."""
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))))
