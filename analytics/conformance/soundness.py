"""Soundness of a workflow net, decided on its reachability graph.

A workflow net (one source place, one sink place, every node on a path between them) is sound
when it is bounded, the final marking can be reached from every reachable marking (option to
complete), no reachable marking holds the sink token plus other tokens (proper completion) and
every transition can fire in some run (no dead transitions).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from analytics.conformance.netgraph import (
    CompiledNet,
    ReachabilityGraph,
    reachability_graph,
    reverse_edges,
)


@dataclass(frozen=True)
class Soundness:
    sound: bool
    reason: str = ""
    culprit: str = ""  # transition or place name the reason is about

    def describe(self) -> str:
        return "sound" if self.sound else f"not sound: {self.reason}"


def check_soundness(cnet: CompiledNet, rg: ReachabilityGraph | None = None) -> Soundness:
    structure = _workflow_structure(cnet)
    if structure is not None:
        return structure
    rg = rg or reachability_graph(cnet)
    if rg.unbounded:
        return Soundness(False, "the net is unbounded (a place can collect tokens without limit)")
    if not rg.complete:
        return Soundness(False, f"more than {len(rg.markings):,} reachable markings; not decided")
    final = rg.final
    if final is None:
        return Soundness(False, "the final marking can never be reached")
    can_finish = _backward_reachable(rg, final)
    for s, m in enumerate(rg.markings):
        if s not in can_finish:
            return Soundness(
                False,
                f"from marking {cnet.marking_text(m)} the end can no longer be reached",
                _first_place(cnet, m),
            )
        if m != cnet.final and all(a >= b for a, b in zip(m, cnet.final, strict=True)):
            return Soundness(
                False,
                f"marking {cnet.marking_text(m)} reaches the end with tokens left over",
                _first_place(cnet, m),
            )
    fired = {t for out in rg.edges for t, _ in out}
    dead = [t for t in range(len(cnet.transitions)) if t not in fired]
    if dead:
        name = str(cnet.transitions[dead[0]].name)
        return Soundness(False, f"transition {name} can never fire", name)
    return Soundness(True)


def _workflow_structure(cnet: CompiledNet) -> Soundness | None:
    n_places = len(cnet.places)
    has_in = [False] * n_places
    has_out = [False] * n_places
    for arcs in cnet.post:
        for p, _ in arcs:
            has_in[p] = True
    for arcs in cnet.pre:
        for p, _ in arcs:
            has_out[p] = True
    sources = [p for p in range(n_places) if not has_in[p]]
    sinks = [p for p in range(n_places) if not has_out[p]]
    if len(sources) != 1 or len(sinks) != 1:
        return Soundness(
            False,
            f"not a workflow net: {len(sources)} source and {len(sinks)} sink places (need 1 each)",
        )
    if cnet.initial != tuple(int(p == sources[0]) for p in range(n_places)):
        return Soundness(False, "the initial marking is not one token on the source place")
    if cnet.final != tuple(int(p == sinks[0]) for p in range(n_places)):
        return Soundness(False, "the final marking is not one token on the sink place")
    return None


def _backward_reachable(rg: ReachabilityGraph, target: int) -> set[int]:
    rev = reverse_edges(rg)
    seen = {target}
    queue = deque([target])
    while queue:
        s = queue.popleft()
        for _, prev in rev[s]:
            if prev not in seen:
                seen.add(prev)
                queue.append(prev)
    return seen


def _first_place(cnet: CompiledNet, m: tuple[int, ...]) -> str:
    return next((str(cnet.places[i]) for i, n in enumerate(m) if n), "")
