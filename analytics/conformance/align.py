"""Optimal alignments of one trace (a variant) against a model, by A* on the reachability graph.

Costs are the standard ones: a log move or a visible model move costs 1; synchronous moves and
silent (tau) moves cost 0, so they never count as deviations and a fitting trace has cost 0.

Ties: which activity a deviation is charged to is often not unique (a swap is "log move A +
model move A" or "log move B + model move B"; a missing choice can be any branch), and pm4py
breaks such ties by the iteration order of sets of transitions hashed by memory address, so its
per-activity counts change from one process to the next. Ours are canonical instead: below the
unit cost, every move carries a small tie weight (`Aligner.tie_weights`: a model move of the
k-th label in name order weighs TIE * (k + 1), a log move TIE * (labels + k + 1), a silent
move 1), and the search returns an alignment with the fewest deviations and, among those, the
least total weight. pm4py given the same weights as its cost function finds the same optimum
(tests/conformance/test_sepsis_vs_pm4py.py).

The search runs on the product of the model's reachability graph (built once per model) and the
trace. Its heuristic is a lower bound worked out per state from two precomputed tables: the
labels still reachable from a marking (a trace event whose label can no longer fire must be a
log move) and the fewest visible steps to the final marking (those not matched by a remaining
event must be model moves). It is consistent, so the first goal popped is optimal.

Budget: when a variant's time budget runs out, the search stops and an approximate alignment
is completed from the deepest state reached (the rest of the trace as log moves, then the
shortest way to the final marking as model moves). Its cost is an upper bound, so the fitness
reported for that variant is a lower bound; `Alignment.optimal` is False.
"""

from __future__ import annotations

import heapq
import time
from collections import deque
from dataclasses import dataclass

from analytics.conformance.netgraph import (
    ReachabilityGraph,
    distance_to_final,
    reachable_labels,
)
from proclens.errors import ModelError

SYNC, MODEL, LOG, TAU = 0, 1, 2, 3
SCALE = 1 << 40  # a deviation outweighs any total of tie weights and silent moves
TIE = 64  # tie weight unit: one label's weight step outweighs the silent moves of a run
GOAL = -1  # the search's goal node: the final marking reached after the whole trace
Move = tuple[str | None, str | None]  # (log activity or None, model activity or None)


@dataclass(frozen=True)
class Alignment:
    moves: tuple[Move, ...]  # synchronous (a, a), log move (a, None), model move (None, a)
    cost: int
    trace_length: int
    min_model_length: int  # visible steps of the shortest complete model run
    optimal: bool = True

    @property
    def fitness(self) -> float:
        """1 - cost / (cost of the worst alignment); 1.0 when both are 0 (empty trace)."""
        worst = self.trace_length + self.min_model_length
        return 1.0 if worst == 0 else 1.0 - self.cost / worst

    @property
    def fits(self) -> bool:
        return self.cost == 0

    @property
    def skipped(self) -> list[str]:
        return [m for lg, m in self.moves if lg is None and m is not None]

    @property
    def inserted(self) -> list[str]:
        return [lg for lg, m in self.moves if m is None and lg is not None]


class Aligner:
    """Aligns traces against one model; the tables are built once and shared by all variants."""

    def __init__(self, rg: ReachabilityGraph) -> None:
        if not rg.complete or rg.final is None:
            raise ModelError(
                "alignments need a bounded model whose final marking is reachable; "
                "use --method token-replay for this model"
            )
        self.rg = rg
        labels = sorted({lab for lab in rg.net.labels if lab is not None})
        self.bit = {lab: 1 << i for i, lab in enumerate(labels)}
        self.model_weight, self.log_weight, self.unknown_log_weight = tie_weights(labels)
        self.dist = distance_to_final(rg)
        self.reach = reachable_labels(rg, self.bit)
        self.succ: list[list[tuple[str | None, int]]] = [
            sorted({(rg.net.labels[t], s2) for t, s2 in out}, key=lambda e: (e[0] or "", e[1]))
            for out in rg.edges
        ]
        self.final = rg.final
        self.min_length = self.dist[rg.initial]
        # Silent moves cost nothing, so the search jumps over them: from each state, the
        # visible steps possible after any silent moves, and whether it can finish silently.
        # A silent move weighs 1 (as in pm4py, 1 against 10000), so among steps to the same
        # state the one after the fewest silent moves is kept.
        closures = [self._silent_closure(st) for st in range(len(self.succ))]
        self.vsucc: list[list[tuple[str, int, int]]] = [
            _visible_steps(self.succ, cl) for cl in closures
        ]
        self.finish_taus: list[int | None] = [cl.get(self.final) for cl in closures]
        self._closure: list[frozenset[str] | None] = [None] * len(self.succ)

    def _silent_closure(self, state: int) -> dict[int, int]:
        """States reachable by silent moves only -> fewest silent moves needed (BFS)."""
        seen, queue = {state: 0}, deque([state])
        while queue:
            st = queue.popleft()
            for lab, s2 in self.succ[st]:
                if lab is None and s2 not in seen:
                    seen[s2] = seen[st] + 1
                    queue.append(s2)
        return seen

    def shortest_run(self, state: int) -> list[str]:
        """Visible labels of a run from `state` to the final marking with the fewest of them."""
        prev: dict[int, tuple[int, str | None]] = {}
        cost = {state: 0}
        dq = deque([state])
        while dq:
            s = dq.popleft()
            if s == self.final:
                break
            for lab, s2 in self.succ[s]:
                c = cost[s] + (0 if lab is None else 1)
                if c < cost.get(s2, c + 1):
                    cost[s2], prev[s2] = c, (s, lab)
                    dq.appendleft(s2) if lab is None else dq.append(s2)
        labels, s = [], self.final
        while s != state:
            s, lab = prev[s]
            if lab is not None:
                labels.append(lab)
        labels.reverse()
        return labels

    def enabled_labels(self, state: int) -> frozenset[str]:
        """Visible labels that can fire from `state` after silent moves only."""
        cached = self._closure[state]
        if cached is not None:
            return cached
        seen, stack, found = {state}, [state], set()
        while stack:
            s = stack.pop()
            for lab, s2 in self.succ[s]:
                if lab is not None:
                    found.add(lab)
                elif s2 not in seen:
                    seen.add(s2)
                    stack.append(s2)
        result = frozenset(found)
        self._closure[state] = result
        return result

    def align(self, trace: tuple[str, ...], budget_s: float | None = None) -> Alignment:
        search = _Search(self, trace, None if budget_s is None else time.monotonic() + budget_s)
        return search.run()


def tie_weights(labels: list[str]) -> tuple[dict[str, int], dict[str, int], int]:
    """Tie weights of model moves and log moves per label, and of log moves of other labels."""
    n = len(labels)
    model = {lab: TIE * (k + 1) for k, lab in enumerate(labels)}
    log = {lab: TIE * (n + k + 1) for k, lab in enumerate(labels)}
    return model, log, TIE * (2 * n + 1)


def _visible_steps(
    succ: list[list[tuple[str | None, int]]], closure: dict[int, int]
) -> list[tuple[str, int, int]]:
    """(label, next state, silent moves before it), the fewest silent moves per step."""
    steps: dict[tuple[str, int], int] = {}
    for c, taus in closure.items():
        for lab, s2 in succ[c]:
            if lab is not None and taus < steps.get((lab, s2), taus + 1):
                steps[(lab, s2)] = taus
    return sorted((lab, s2, taus) for (lab, s2), taus in steps.items())


class _Search:
    def __init__(self, aligner: Aligner, trace: tuple[str, ...], deadline: float | None) -> None:
        self.a = aligner
        self.trace = trace
        self.n = len(trace)
        self.deadline = deadline
        self.bits = [aligner.bit.get(x, 0) for x in trace]
        self.log_cost = [
            SCALE + aligner.log_weight.get(x, aligner.unknown_log_weight) for x in trace
        ]
        self._blocked: dict[int, list[int]] = {}

    def blocked(self, mask: int) -> list[int]:
        """For each position i: events at i.. whose label cannot fire under `mask`."""
        table = self._blocked.get(mask)
        if table is None:
            table = [0] * (self.n + 1)
            for i in range(self.n - 1, -1, -1):
                table[i] = table[i + 1] + (0 if self.bits[i] & mask else 1)
            self._blocked[mask] = table
        return table

    def h(self, s: int, i: int) -> int:
        forced = self.blocked(self.a.reach[s])[i]
        matchable = self.n - i - forced
        return forced + max(0, self.a.dist[s] - matchable)

    def run(self) -> Alignment:
        a, n, width, trace = self.a, self.n, self.n + 1, self.trace
        vsucc, finish, dist, reach = a.vsucc, a.finish_taus, a.dist, a.reach
        weight = a.model_weight
        start = a.rg.initial * width
        best = {start: 0}
        parent: dict[int, tuple[int, int, str | None]] = {}
        heap = [(self.h(a.rg.initial, 0) * SCALE, 0, 0, start)]
        deepest, pops = start, 0
        push, pop = heapq.heappush, heapq.heappop
        while heap:
            _, _, g, key = pop(heap)
            if g > best[key]:
                continue
            if key == GOAL:
                return self._result(parent, parent[GOAL][0], g // SCALE, optimal=True)
            s, i = divmod(key, width)
            pops += 1
            if i > deepest % width:
                deepest = key
            if self.deadline is not None and pops % 512 == 0 and time.monotonic() > self.deadline:
                return self._complete(parent, deepest, best[deepest] // SCALE)
            taus_to_end = finish[s]
            if i == n and taus_to_end is not None:
                ng = g + taus_to_end
                if ng < best.get(GOAL, ng + 1):
                    best[GOAL], parent[GOAL] = ng, (key, TAU, None)
                    push(heap, (ng, 0, ng, GOAL))
            event = trace[i] if i < n else None
            moves: list[tuple[int, int, str | None]] = [
                (s2, (0 if lab == event else SCALE + weight[lab]) + taus, lab)
                for lab, s2, taus in vsucc[s]
            ]
            if event is not None:
                moves.append((s, self.log_cost[i], None))
            for s2, cost, lab in moves:
                if lab is None:  # log move
                    ni, kind, label = i + 1, LOG, event
                elif lab == event:
                    ni, kind, label = i + 1, SYNC, lab
                else:
                    ni, kind, label = i, MODEL, lab
                nkey = s2 * width + ni
                ng = g + cost
                if ng < best.get(nkey, ng + 1):
                    best[nkey] = ng
                    parent[nkey] = (key, kind, label)
                    forced = self.blocked(reach[s2])[ni]
                    h = forced + max(0, dist[s2] - (n - ni - forced))
                    push(heap, (ng + h * SCALE, -ni, ng, nkey))
        raise ModelError("the final marking cannot be reached; the model is not sound")

    def _path(self, parent: dict[int, tuple[int, int, str | None]], key: int) -> list[Move]:
        moves: list[Move] = []
        while key in parent:
            prev, kind, label = parent[key]
            if kind == SYNC:
                moves.append((label, label))
            elif kind == MODEL:
                moves.append((None, label))
            elif kind == LOG:
                moves.append((label, None))
            key = prev
        moves.reverse()
        return moves

    def _result(
        self, parent: dict[int, tuple[int, int, str | None]], key: int, g: int, optimal: bool
    ) -> Alignment:
        return Alignment(tuple(self._path(parent, key)), g, self.n, self.a.min_length, optimal)

    def _complete(
        self, parent: dict[int, tuple[int, int, str | None]], key: int, g: int
    ) -> Alignment:
        """Budget spent: finish from `key` with log moves, then the shortest run to the end."""
        width = self.n + 1
        s, i = divmod(key, width)
        moves = self._path(parent, key) + [(x, None) for x in self.trace[i:]]
        cost = g + (self.n - i)
        for label in self.a.shortest_run(s):
            moves.append((None, label))
            cost += 1
        return Alignment(tuple(moves), cost, self.n, self.a.min_length, optimal=False)
