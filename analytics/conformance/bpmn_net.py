"""Translate a flattened BPMN process into a workflow net (pm4py PetriNet objects).

Every sequence flow is a place; a task is a visible transition; events are silent
transitions; an exclusive (or event-based) gateway is a place with one silent transition per
branch; a parallel gateway is one silent transition. An inclusive split is matched with the
inclusive join its branches meet at: the split has one silent transition per non-empty subset
of branches, which puts a token on the first place of every chosen branch and straight on the
join's input of every other branch; the join waits for all its inputs. That is exactly the OR
language (any non-empty subset, any interleaving). Nothing is approximated: an inclusive
gateway without such a partner raises ModelError naming it.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

from analytics.conformance.bpmn_flatten import FlatGraph, FlatNode
from proclens.errors import ModelError

Flow = tuple[str, str, str]
MAX_OR_BRANCHES = 8


class NetBuilder:
    def __init__(self, graph: FlatGraph, name: str) -> None:
        from pm4py.objects.petri_net.obj import Marking, PetriNet

        self.graph = graph
        self.net = PetriNet(name)
        self.ins = graph.incoming()
        self.outs = graph.outgoing()
        self.places: dict[str, Any] = {}
        self.source = self._place("source")
        self.sink = self._place("sink")
        self.im = Marking({self.source: 1})
        self.fm = Marking({self.sink: 1})
        self._n = 0
        self.or_pairs: dict[str, tuple[str, dict[str, str]]] = {}
        self.terminates: list[tuple[FlatNode, Any]] = []
        self.last: Any = None

    # ---- primitives ---------------------------------------------------------------------
    def _place(self, name: str) -> Any:
        from pm4py.objects.petri_net.obj import PetriNet

        if name not in self.places:
            place = PetriNet.Place(name)
            self.net.places.add(place)
            self.places[name] = place
        return self.places[name]

    def _transition(self, label: str | None, pre: list[Any], post: list[Any], hint: str) -> None:
        from pm4py.objects.petri_net.obj import PetriNet
        from pm4py.objects.petri_net.utils.petri_utils import add_arc_from_to

        self._n += 1
        name = f"t{self._n}_{hint}"
        trans = PetriNet.Transition(name, label)
        self.net.transitions.add(trans)
        for p in pre:
            add_arc_from_to(p, trans, self.net)
        for p in post:
            add_arc_from_to(trans, p, self.net)
        self.last = trans

    def flow_place(self, flow: Flow) -> Any:
        return self._place(f"p_{flow[0]}")

    # ---- nodes ------------------------------------------------------------------------------
    def build(self) -> tuple[Any, Any, Any]:
        self._wire_starts()
        self._wire_ends()
        for node in self.graph.nodes.values():
            if node.kind == "or":
                self._match_or(node)
        for node in self.graph.nodes.values():
            getattr(self, f"_node_{node.kind}")(node)
        return self.net, self.im, self.fm

    def _wire_starts(self) -> None:
        starts = [n for n in self.graph.nodes.values() if not self.ins.get(n.id)]
        if not starts:
            raise ModelError(
                f"process '{self.net.name}' has no start: every node has an incoming flow"
            )
        explicit = [n for n in starts if n.is_start]
        if explicit and len(explicit) != len(starts):
            odd = next(n for n in starts if not n.is_start)
            raise ModelError(
                f"{odd.describe()} has no incoming sequence flow although the process has start "
                "events, so it can never run; connect it or remove it"
            )
        if len(starts) == 1:
            self.ins[starts[0].id] = [("source", "", starts[0].id)]
            self.places["p_source"] = self.source
            return
        kind = "xor" if explicit else "and"
        hub = FlatNode("#start", kind)
        self.graph.nodes = {hub.id: hub, **self.graph.nodes}
        self.ins[hub.id] = [("source", "", hub.id)]
        self.places["p_source"] = self.source
        self.outs[hub.id] = [(f"start->{n.id}", hub.id, n.id) for n in starts]
        for flow in self.outs[hub.id]:
            self.ins[flow[2]] = [flow]

    def _wire_ends(self) -> None:
        ends = [n for n in self.graph.nodes.values() if not self.outs.get(n.id)]
        if not ends:
            raise ModelError(
                f"process '{self.net.name}' has no end: every node has an outgoing flow"
            )
        self.places["p_sink"] = self.sink
        if len(ends) == 1:
            self.outs[ends[0].id] = [("sink", ends[0].id, "")]
            return
        hub = FlatNode("#end", "xor")
        self.graph.nodes[hub.id] = hub
        self.outs[hub.id] = [("sink", hub.id, "")]
        self.ins[hub.id] = [(f"{n.id}->end", n.id, hub.id) for n in ends]
        for flow in self.ins[hub.id]:
            self.outs[flow[1]] = [flow]

    def _in_place(self, node: FlatNode) -> Any:
        """One input place: the flow's place, or an exclusive merge of several."""
        flows = self.ins[node.id]
        if len(flows) == 1:
            return self.flow_place(flows[0])
        merged = self._place(f"in_{node.id}")
        for f in flows:
            self._transition(None, [self.flow_place(f)], [merged], f"merge_{node.id}")
        return merged

    def _out_places(self, node: FlatNode) -> list[Any]:
        return [self.flow_place(f) for f in self.outs[node.id]]

    def _node_task(self, node: FlatNode) -> None:
        start = self._in_place(node)
        if not node.loop:
            self._transition(node.label, [start], self._out_places(node), node.id)
            return
        done = self._place(f"loop_{node.id}")
        self._transition(node.label, [start], [done], node.id)
        self._transition(None, [done], [start], f"redo_{node.id}")
        self._transition(None, [done], self._out_places(node), f"leave_{node.id}")

    def _node_silent(self, node: FlatNode) -> None:
        node.label = None
        self._node_task(node)
        if node.origin is not None and node.origin.event == "terminate":
            if node.origin.parent is not None:
                raise ModelError(
                    f"cannot translate {node.describe()} faithfully: a terminate end event "
                    "inside a sub-process ends only that sub-process"
                )
            self.terminates.append((node, self.last))

    def _node_xor(self, node: FlatNode) -> None:
        outs = self._out_places(node)
        if len(outs) == 1:
            for f in self.ins[node.id]:
                self._transition(None, [self.flow_place(f)], outs, f"xor_{node.id}")
            return
        center = self._in_place(node)
        for p in outs:
            self._transition(None, [center], [p], f"xor_{node.id}")

    def _node_and(self, node: FlatNode) -> None:
        pre = [self.flow_place(f) for f in self.ins[node.id]]
        self._transition(None, pre, self._out_places(node), f"and_{node.id}")

    def _node_or(self, node: FlatNode) -> None:
        ins, outs = self.ins[node.id], self.outs[node.id]
        if node.id in self.or_pairs:
            join, pairing = self.or_pairs[node.id]
            center = self._in_place(node)
            flows = list(outs)
            for size in range(1, len(flows) + 1):
                for chosen in combinations(flows, size):
                    post = [
                        self.flow_place(f) if f in chosen else self._join_input(join, pairing[f[0]])
                        for f in flows
                    ]
                    self._transition(None, [center], post, f"or_{node.id}")
        elif any(node.id == j for j, _ in self.or_pairs.values()):
            self._node_and(node)  # a matched join: its skipped inputs were filled by the split
        elif len(ins) == 1 and len(outs) == 1:
            self._node_and(node)
        else:
            raise ModelError(
                f"cannot translate {node.describe()} faithfully into a Petri net: it is an "
                "inclusive join without an inclusive split whose branches all meet here; "
                "restructure the OR block or use exclusive/parallel gateways"
            )

    def _join_input(self, join: str, flow_id: str) -> Any:
        return self.flow_place(next(f for f in self.ins[join] if f[0] == flow_id))

    def _match_or(self, node: FlatNode) -> None:
        outs = self.outs[node.id]
        if len(outs) < 2:
            return
        if len(outs) > MAX_OR_BRANCHES:
            raise ModelError(
                f"{node.describe()} has {len(outs)} branches; ProcLens translates inclusive "
                f"gateways with at most {MAX_OR_BRANCHES} branches (2^n - 1 combinations)"
            )
        self.or_pairs[node.id] = match_inclusive(self, node)


def match_inclusive(b: NetBuilder, split: FlatNode) -> tuple[str, dict[str, str]]:
    """The OR-join where the split's branches meet, and split out-flow -> join in-flow."""
    pairing: dict[str, str] = {}
    regions: list[set[str]] = []
    join: str | None = None
    for flow in b.outs[split.id]:
        seen: set[str] = set()
        reached = _walk_branch(b, split, flow, seen)
        if reached is None or (join is not None and reached[0] != join):
            _not_block(split, "its branches do not all meet in one inclusive join")
        assert reached is not None
        join = reached[0]
        pairing[flow[0]] = reached[1]
        regions.append(seen)
    assert join is not None
    if len(set(pairing.values())) != len(pairing) or len(b.ins[join]) != len(pairing):
        _not_block(split, f"the inclusive join '{join}' has inputs from outside its branches")
    inside = set().union(*regions)
    if sum(len(r) for r in regions) != len(inside):
        _not_block(split, "two of its branches share nodes")
    for node_id in inside:
        for f in b.ins[node_id]:
            if f[1] not in inside and f[1] != split.id:
                _not_block(split, f"node '{node_id}' inside a branch is entered from outside")
    return join, pairing


def _walk_branch(
    b: NetBuilder, split: FlatNode, flow: Flow, seen: set[str]
) -> tuple[str, str] | None:
    """Follow one branch; return (join id, the join's in-flow reached) or None."""
    found: set[tuple[str, str]] = set()
    stack = [flow]
    while stack:
        f = stack.pop()
        target = b.graph.nodes.get(f[2])
        if target is None or target.id == split.id:
            return None  # reaches the end of the process, or loops back around the split
        if target.kind == "or" and len(b.ins[target.id]) > 1:
            found.add((target.id, f[0]))
            continue
        if target.id in seen:
            continue
        seen.add(target.id)
        stack.extend(b.outs.get(target.id, []))
    joins = {j for j, _ in found}
    if len(found) != 1 or len(joins) != 1:
        return None
    return next(iter(found))


def _not_block(split: FlatNode, why: str) -> None:
    raise ModelError(
        f"cannot translate {split.describe()} faithfully into a Petri net: {why}; an inclusive "
        "split needs a matching inclusive join that all its branches, and only they, reach"
    )


def flat_to_net(graph: FlatGraph, name: str) -> tuple[Any, Any, Any]:
    builder = NetBuilder(graph, name)
    net, im, fm = builder.build()
    for node, trans in builder.terminates:
        _expand_terminate(builder, node, trans)
    return net, im, fm


def _expand_terminate(b: NetBuilder, node: FlatNode, trans: Any) -> None:
    """A terminate end event removes every token: one silent transition per reachable marking
    in which it can fire, consuming that whole marking (exact for bounded nets)."""
    from pm4py.objects.petri_net.utils.petri_utils import remove_transition

    from analytics.conformance.netgraph import compile_net, reachability_graph

    cnet = compile_net(b.net, b.im, b.fm)
    rg = reachability_graph(cnet, max_states=50_000)
    if not rg.complete:
        raise ModelError(
            f"cannot translate {node.describe()} faithfully: the process has too many states "
            "(or is unbounded) to enumerate what a terminate end event must cancel"
        )
    index = cnet.transitions.index(trans)
    post = [a.target for a in trans.out_arcs]
    markings = {rg.markings[s] for s, out in enumerate(rg.edges) for t, _ in out if t == index}
    remove_transition(b.net, trans)
    for m in sorted(markings):
        pre = [cnet.places[i] for i, n in enumerate(m) for _ in range(n)]
        b._transition(None, pre, post, f"terminate_{node.id}")
