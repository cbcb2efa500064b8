"""A Petri net compiled to integer indices, and its reachability graph.

Markings are tuples of token counts, one per place. The reachability graph is built once per
model (breadth first, bounded by `max_states`) and shared by soundness checking, alignments,
the alignment heuristic and precision.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

Marking = tuple[int, ...]
MAX_TOKENS = 20  # more tokens than this in one place: the net is treated as unbounded


@dataclass
class CompiledNet:
    places: list[Any]  # pm4py places, by index
    transitions: list[Any]  # pm4py transitions, by index
    labels: list[str | None]  # None: silent
    pre: list[tuple[tuple[int, int], ...]]  # (place index, weight)
    post: list[tuple[tuple[int, int], ...]]
    initial: Marking
    final: Marking
    consumers: list[list[int]] = field(default_factory=list)  # place -> transitions

    def enabled(self, m: Marking) -> list[int]:
        cands = {t for p, n in enumerate(m) if n for t in self.consumers[p]}
        cands.update(t for t, pre in enumerate(self.pre) if not pre)
        return sorted(t for t in cands if all(m[p] >= w for p, w in self.pre[t]))

    def fire(self, m: Marking, t: int) -> Marking:
        out = list(m)
        for p, w in self.pre[t]:
            out[p] -= w
        for p, w in self.post[t]:
            out[p] += w
        return tuple(out)

    def marking_text(self, m: Marking) -> str:
        return "{" + ", ".join(str(self.places[i]) for i, n in enumerate(m) for _ in range(n)) + "}"


def compile_net(net: Any, im: Any, fm: Any) -> CompiledNet:
    places = sorted(net.places, key=lambda p: str(p.name))
    index = {p: i for i, p in enumerate(places)}
    transitions = sorted(net.transitions, key=lambda t: str(t.name))
    pre = [tuple((index[a.source], int(a.weight)) for a in t.in_arcs) for t in transitions]
    post = [tuple((index[a.target], int(a.weight)) for a in t.out_arcs) for t in transitions]
    consumers: list[list[int]] = [[] for _ in places]
    for ti, arcs in enumerate(pre):
        for p, _ in arcs:
            consumers[p].append(ti)

    def vector(marking: Any) -> Marking:
        m = [0] * len(places)
        for p, n in marking.items():
            m[index[p]] = int(n)
        return tuple(m)

    return CompiledNet(
        places=places,
        transitions=transitions,
        labels=[t.label for t in transitions],
        pre=pre,
        post=post,
        initial=vector(im),
        final=vector(fm),
        consumers=consumers,
    )


@dataclass
class ReachabilityGraph:
    net: CompiledNet
    markings: list[Marking]
    index: dict[Marking, int]
    edges: list[list[tuple[int, int]]]  # state -> [(transition, next state)]
    complete: bool  # False: stopped at max_states
    unbounded: bool

    @property
    def initial(self) -> int:
        return 0

    @property
    def final(self) -> int | None:
        return self.index.get(self.net.final)


def reachability_graph(cnet: CompiledNet, max_states: int = 200_000) -> ReachabilityGraph:
    markings = [cnet.initial]
    index = {cnet.initial: 0}
    edges: list[list[tuple[int, int]]] = [[]]
    queue = deque([0])
    unbounded = False
    while queue:
        s = queue.popleft()
        m = markings[s]
        for t in cnet.enabled(m):
            m2 = cnet.fire(m, t)
            if max(m2, default=0) > MAX_TOKENS:
                unbounded = True
                continue
            s2 = index.get(m2)
            if s2 is None:
                if len(markings) >= max_states:
                    return ReachabilityGraph(cnet, markings, index, edges, False, unbounded)
                s2 = len(markings)
                markings.append(m2)
                index[m2] = s2
                edges.append([])
                queue.append(s2)
            edges[s].append((t, s2))
    return ReachabilityGraph(cnet, markings, index, edges, not unbounded, unbounded)


def reverse_edges(rg: ReachabilityGraph) -> list[list[tuple[int, int]]]:
    rev: list[list[tuple[int, int]]] = [[] for _ in rg.markings]
    for s, out in enumerate(rg.edges):
        for t, s2 in out:
            rev[s2].append((t, s))
    return rev


def distance_to_final(rg: ReachabilityGraph) -> list[int]:
    """Fewest visible transitions from each state to the final marking (0-1 BFS backwards).

    Unreachable: a large number (len(states) + 1).
    """
    inf = len(rg.markings) + 1
    dist = [inf] * len(rg.markings)
    final = rg.final
    if final is None:
        return dist
    rev = reverse_edges(rg)
    dist[final] = 0
    dq = deque([final])
    while dq:
        s2 = dq.popleft()
        for t, s in rev[s2]:
            w = 0 if rg.net.labels[t] is None else 1
            if dist[s2] + w < dist[s]:
                dist[s] = dist[s2] + w
                if w:
                    dq.append(s)
                else:
                    dq.appendleft(s)
    return dist


def reachable_labels(rg: ReachabilityGraph, label_bit: dict[str, int]) -> list[int]:
    """Bitmask per state of the visible labels that can still fire from it (fixpoint)."""
    own = [0] * len(rg.markings)
    for s, out in enumerate(rg.edges):
        for t, _ in out:
            lab = rg.net.labels[t]
            if lab is not None:
                own[s] |= label_bit[lab]
    reach = list(own)
    rev = reverse_edges(rg)
    work = deque(range(len(rg.markings)))
    queued = [True] * len(rg.markings)
    while work:
        s2 = work.popleft()
        queued[s2] = False
        for _, s in rev[s2]:
            merged = reach[s] | reach[s2]
            if merged != reach[s]:
                reach[s] = merged
                if not queued[s]:
                    queued[s] = True
                    work.append(s)
    return reach
