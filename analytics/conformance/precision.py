"""Escaping-edges precision (ETC, Muñoz-Gama & Carmona), as pm4py computes it, on our graph.

For every prefix of every trace (lengths 1 .. n-1, weighted by the cases that share it) the
prefix is replayed on the reachability graph, silent moves included; the activities the model
then allows are compared with the activities the log shows next. The initial marking counts
once per case against the start activities. Prefixes the model cannot replay are left out.
precision = 1 - sum(count * escaping) / sum(count * allowed).

The sets of reachability-graph states a prefix can be in repeat across prefixes (loops,
shared beginnings), so each set's step by an activity and its allowed activities are worked
out once; a state's silent closure is worked out once per state.
"""

from __future__ import annotations

from collections import defaultdict

from analytics.conformance.align import Aligner

States = frozenset[int]


def precision(aligner: Aligner, variants: list[tuple[tuple[str, ...], int]]) -> float:
    prefix_count: dict[tuple[str, ...], int] = defaultdict(int)
    next_seen: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for variant, cases in variants:
        for i in range(1, len(variant)):
            prefix_count[variant[:i]] += cases
            next_seen[variant[:i]].add(variant[i])
    cases_total = sum(c for _, c in variants)
    starts = {v[0] for v, _ in variants if v}
    walk = _Walk(aligner)
    initial = walk.closure({aligner.rg.initial})
    allowed0 = walk.allowed(initial)
    escaping = cases_total * len(allowed0 - starts)
    allowed = cases_total * len(allowed0)
    states: dict[tuple[str, ...], States] = {(): initial}
    for prefix in sorted(prefix_count, key=len):
        here = states.get(prefix[:-1], frozenset())
        reached = walk.step(here, prefix[-1]) if here else frozenset()
        states[prefix] = reached
        if not reached:
            continue
        can = walk.allowed(reached)
        escaping += prefix_count[prefix] * len(can - next_seen[prefix])
        allowed += prefix_count[prefix] * len(can)
    return 1.0 - escaping / allowed if allowed else 1.0


class _Walk:
    """Steps on the reachability graph between silent-closed sets of states, remembered."""

    def __init__(self, aligner: Aligner) -> None:
        self.aligner = aligner
        self.closed: dict[int, States] = {}
        self.steps: dict[tuple[States, str], States] = {}
        self.allowed_by: dict[States, frozenset[str]] = {}

    def state_closure(self, state: int) -> States:
        found = self.closed.get(state)
        if found is None:
            seen, stack = {state}, [state]
            while stack:
                s = stack.pop()
                for label, s2 in self.aligner.succ[s]:
                    if label is None and s2 not in seen:
                        seen.add(s2)
                        stack.append(s2)
            found = self.closed[state] = frozenset(seen)
        return found

    def closure(self, states: set[int]) -> States:
        out: set[int] = set()
        for s in states:
            out |= self.state_closure(s)
        return frozenset(out)

    def step(self, states: States, activity: str) -> States:
        key = (states, activity)
        found = self.steps.get(key)
        if found is None:
            succ = self.aligner.succ
            moved = {s2 for s in states for label, s2 in succ[s] if label == activity}
            found = self.steps[key] = self.closure(moved)
        return found

    def allowed(self, states: States) -> frozenset[str]:
        found = self.allowed_by.get(states)
        if found is None:
            succ = self.aligner.succ
            found = frozenset(label for s in states for label, _ in succ[s] if label is not None)
            self.allowed_by[states] = found
        return found
