"""Token-based replay (the fast option), run by pm4py once per variant and weighted by cases.

Log fitness is pm4py's token-based definition, weighted by case counts:
0.5 * (1 - missing / consumed) + 0.5 * (1 - remaining / produced). Token replay cannot say which
activity was skipped, only which events fired without their input tokens (counted as inserted,
together with events whose activity the model does not know).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReplayResult:
    fitness: float
    fits: bool
    inserted: tuple[str, ...]
    missing: int
    consumed: int
    remaining: int
    produced: int


def token_replay(model: Any, variants: list[tuple[str, ...]]) -> list[ReplayResult]:
    from pm4py.algo.conformance.tokenreplay import algorithm as token_based
    from pm4py.objects.log.obj import Event, EventLog, Trace

    log = EventLog([Trace([Event({"concept:name": a}) for a in v]) for v in variants])
    params = {"show_progress_bar": False}
    known = set(model.tasks)
    replayed = token_based.apply(log, model.net, model.im, model.fm, parameters=params)
    out = []
    for variant, r in zip(variants, replayed, strict=True):
        problems = [t.label for t in r["transitions_with_problems"] if t.label is not None]
        unknown = [a for a in variant if a not in known]
        out.append(
            ReplayResult(
                fitness=float(r["trace_fitness"]),
                fits=bool(r["trace_is_fit"]),
                inserted=tuple(problems + unknown),
                missing=int(r["missing_tokens"]),
                consumed=int(r["consumed_tokens"]),
                remaining=int(r["remaining_tokens"]),
                produced=int(r["produced_tokens"]),
            )
        )
    return out


def log_fitness(tokens: list[tuple[int, int, int, int]], counts: list[int]) -> float:
    """Token-based log fitness from each variant's (missing, consumed, remaining, produced)
    tokens and its number of cases."""
    pairs = list(zip(tokens, counts, strict=True))
    missing = sum(t[0] * n for t, n in pairs)
    consumed = sum(t[1] * n for t, n in pairs)
    remaining = sum(t[2] * n for t, n in pairs)
    produced = sum(t[3] * n for t, n in pairs)
    left = 1.0 - missing / consumed if consumed else 1.0
    right = 1.0 - remaining / produced if produced else 1.0
    return 0.5 * left + 0.5 * right
