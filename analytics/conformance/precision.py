"""Escaping-edges precision (ETC, Muñoz-Gama & Carmona), as pm4py computes it, on our graph.

For every prefix of every trace (lengths 1 .. n-1, weighted by the cases that share it) the
prefix is replayed on the reachability graph, silent moves included; the activities the model
then allows are compared with the activities the log shows next. The initial marking counts
once per case against the start activities. Prefixes the model cannot replay are left out.
precision = 1 - sum(count * escaping) / sum(count * allowed).
"""

from __future__ import annotations

from collections import defaultdict

from analytics.conformance.align import Aligner


def precision(aligner: Aligner, variants: list[tuple[tuple[str, ...], int]]) -> float:
    prefix_count: dict[tuple[str, ...], int] = defaultdict(int)
    next_seen: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for variant, cases in variants:
        for i in range(1, len(variant)):
            prefix_count[variant[:i]] += cases
            next_seen[variant[:i]].add(variant[i])
    cases_total = sum(c for _, c in variants)
    starts = {v[0] for v, _ in variants if v}
    initial = _closure(aligner, {aligner.rg.initial})
    allowed0 = _allowed(aligner, initial)
    escaping = cases_total * len(allowed0 - starts)
    allowed = cases_total * len(allowed0)
    states: dict[tuple[str, ...], frozenset[int]] = {(): initial}
    for prefix in sorted(prefix_count, key=len):
        here = states.get(prefix[:-1], frozenset())
        reached = _closure(aligner, _step(aligner, here, prefix[-1])) if here else frozenset()
        states[prefix] = reached
        if not reached:
            continue
        can = _allowed(aligner, reached)
        escaping += prefix_count[prefix] * len(can - next_seen[prefix])
        allowed += prefix_count[prefix] * len(can)
    return 1.0 - escaping / allowed if allowed else 1.0


def _closure(aligner: Aligner, states: set[int]) -> frozenset[int]:
    seen, stack = set(states), list(states)
    while stack:
        s = stack.pop()
        for label, s2 in aligner.succ[s]:
            if label is None and s2 not in seen:
                seen.add(s2)
                stack.append(s2)
    return frozenset(seen)


def _step(aligner: Aligner, states: frozenset[int], activity: str) -> set[int]:
    return {s2 for s in states for label, s2 in aligner.succ[s] if label == activity}


def _allowed(aligner: Aligner, states: frozenset[int]) -> set[str]:
    return {label for s in states for label, _ in aligner.succ[s] if label is not None}
