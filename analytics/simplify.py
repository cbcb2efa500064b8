"""Disco-style map simplification: keep the top X% of activities and of paths by frequency
while every kept activity stays on a path from the start to the end of the process.

1. Activities are ranked by events (ties: by name); the top ceil(X% of them) are kept
   (at least one). The log is *projected* on them: the other activities' events are dropped
   from every case, so their neighbours become directly-follows (as Disco does), and the map
   is recomputed in SQL on that projection.
2. Paths, including the virtual ones from the process start into each start activity and from
   each end activity to the process end, are ranked by count (ties: by name); the top
   ceil(Y% of them) are kept. Then, while a kept activity cannot be reached from the start,
   the most frequent path from a reached node to an unreached one is added back; likewise,
   while an activity cannot reach the end, the most frequent path from it (or another node
   that cannot reach the end) to one that can is added back. The projected map connects
   every activity from start to end, so this always finishes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from analytics.calendar import Calendar
from analytics.engine import Engine
from analytics.filters import Filter
from analytics.maps import ProcessMap, frequency_map, process_map
from proclens.store import EventStore

START, END = "\u25b6start", "\u25a0end"  # virtual nodes; cannot clash with activity text use

Edge = tuple[str, str]


def simplify(
    store: EventStore | Engine,
    log: str,
    flt: Filter | None = None,
    *,
    activities_pct: float = 100.0,
    paths_pct: float = 100.0,
    cal: Calendar | None = None,
    times: bool = True,
) -> ProcessMap:
    """Without `times` only the frequencies are worked out (maps.frequency_map)."""
    full = process_map(store, log, flt, cal=cal) if times else frequency_map(store, log, flt)
    ranked = sorted(full.nodes, key=lambda n: (-n["events"], n["activity"]))
    n_keep = max(1, math.ceil(len(ranked) * activities_pct / 100)) if ranked else 0
    keep = tuple(n["activity"] for n in ranked[:n_keep])
    pmap = full
    if n_keep < len(ranked):
        if times:
            pmap = process_map(store, log, flt, keep=keep, cal=cal)
        else:
            pmap = frequency_map(store, log, flt, keep=keep)
    counts: dict[Edge, int] = {(e["source"], e["target"]): e["count"] for e in pmap.edges}
    counts.update({(START, a): c for a, c in pmap.start_activities.items()})
    counts.update({(a, END): c for a, c in pmap.end_activities.items()})
    order = sorted(counts, key=lambda e: (-counts[e], e))
    chosen = set(order[: math.ceil(len(order) * paths_pct / 100)])
    before = len(chosen)
    chosen = connect(set(keep), counts, chosen)
    pmap.edges = [e for e in pmap.edges if (e["source"], e["target"]) in chosen]
    pmap.start_activities = {a: c for a, c in pmap.start_activities.items() if (START, a) in chosen}
    pmap.end_activities = {a: c for a, c in pmap.end_activities.items() if (a, END) in chosen}
    pmap.simplified = {
        "activities_pct": activities_pct,
        "paths_pct": paths_pct,
        "activities_kept": len(keep),
        "activities_total": len(ranked),
        "paths_kept": len(chosen),
        "paths_total": len(order),
        "paths_added_for_connectivity": len(chosen) - before,
    }
    return pmap


def connect(nodes: set[str], counts: dict[Edge, int], chosen: set[Edge]) -> set[Edge]:
    """Add the fewest most-frequent edges so every node is reachable from START and reaches END."""
    chosen = set(chosen)
    ranked = sorted(counts, key=lambda e: (-counts[e], e))
    while True:
        reached = _reach(START, chosen, forward=True)
        missing = nodes - reached
        if not missing:
            break
        edge = next((e for e in ranked if e[0] in reached and e[1] in missing), None)
        if edge is None:
            break  # cannot happen on a projected map; never loop forever
        chosen.add(edge)
    while True:
        reaching = _reach(END, chosen, forward=False)
        stuck = nodes - reaching
        if not stuck:
            break
        edge = next((e for e in ranked if e[0] in stuck and e[1] in reaching), None)
        if edge is None:
            break
        chosen.add(edge)
    return chosen


def _reach(origin: str, edges: Iterable[Edge], *, forward: bool) -> set[str]:
    nxt: dict[str, list[str]] = {}
    for a, b in edges:
        src, dst = (a, b) if forward else (b, a)
        nxt.setdefault(src, []).append(dst)
    seen = {origin}
    todo = [origin]
    while todo:
        for dst in nxt.get(todo.pop(), []):
            if dst not in seen:
                seen.add(dst)
                todo.append(dst)
    return seen
