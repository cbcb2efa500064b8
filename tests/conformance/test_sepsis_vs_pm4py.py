"""Sepsis log against its designed BPMN: our variant alignments agree with pm4py's on our net."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from analytics.conformance.align import Aligner
from analytics.conformance.check import ConformanceResult, check_conformance
from analytics.conformance.model import ProcessModel, load_model
from proclens.store import EventStore
from tests.conformance_logs import load_xes
from tests.conftest import SAMPLE_LOGS


@pytest.fixture(scope="module")
def sepsis() -> tuple[ProcessModel, ConformanceResult]:
    store = EventStore.in_memory()
    try:
        log = load_xes(store, SAMPLE_LOGS / "sepsis_cases.xes.gz")
        model = load_model(SAMPLE_LOGS / "models" / "sepsis.bpmn")
        return model, check_conformance(store, log, model, budget_s=60.0)
    finally:
        store.close()


def _traces(result: ConformanceResult) -> list[Any]:
    from pm4py.objects.log.obj import Event, Trace

    return [Trace([Event({"concept:name": a}) for a in v.variant]) for v in result.variants]


@pytest.mark.slow
def test_sepsis_fitness_agrees_with_pm4py(sepsis: tuple[ProcessModel, ConformanceResult]) -> None:
    import pm4py
    from pm4py.objects.log.obj import EventLog

    model, ours = sepsis
    assert not ours.fell_back
    # pm4py aligns the very sequences of the store (case order: time, then file position).
    aligned = pm4py.conformance_diagnostics_alignments(
        EventLog(_traces(ours)), model.net, model.im, model.fm
    )
    theirs = [a for a, v in zip(aligned, ours.variants, strict=True) for _ in range(v.cases)]
    assert len(theirs) == 1050
    fitting = sum(1 for a in theirs if a["fitness"] == 1.0) / len(theirs)
    assert ours.fitting_cases_share == pytest.approx(fitting)
    trace_fit = sum(a["fitness"] for a in theirs) / len(theirs)
    assert ours.average_trace_fitness == pytest.approx(trace_fit, abs=1e-9)
    for v, a in zip(ours.variants, aligned, strict=True):
        assert v.fitness == pytest.approx(a["fitness"], abs=1e-9), v.variant


@pytest.mark.slow
def test_sepsis_deviations_per_activity_equal_pm4py(
    sepsis: tuple[ProcessModel, ConformanceResult],
) -> None:
    """Skipped and inserted counts per activity equal pm4py's, variant by variant.

    pm4py's default costs leave ties (equally cheap alignments charging different activities),
    which it breaks by set iteration order over transitions hashed by address, so its own counts
    differ between processes. Given our tie weights as its cost function (a deviation 10**6 plus
    the weight, a silent move 1, a synchronous move 0) its A* has the same optimum as ours.
    """
    from pm4py.algo.conformance.alignments.petri_net.variants import state_equation_a_star

    model, ours = sepsis
    aligner = Aligner(model.graph)
    unit = 10**6
    param = state_equation_a_star.Parameters
    model_cost = {
        t: 1 if t.label is None else unit + aligner.model_weight[t.label]
        for t in model.net.transitions
    }
    sync_cost = {t: 0 for t in model.net.transitions if t.label is not None}
    skipped: Counter[str] = Counter()
    inserted: Counter[str] = Counter()
    for v, trace in zip(ours.variants, _traces(ours), strict=True):
        log_cost = [unit + aligner.log_weight.get(a, aligner.unknown_log_weight) for a in v.variant]
        params = {
            param.PARAM_MODEL_COST_FUNCTION: model_cost,
            param.PARAM_SYNC_COST_FUNCTION: sync_cost,
            param.PARAM_TRACE_COST_FUNCTION: log_cost,
        }
        a = state_equation_a_star.apply(trace, model.net, model.im, model.fm, parameters=params)
        moves = a["alignment"]
        v_skipped = Counter(m for lg, m in moves if lg == ">>" and m not in (None, ">>"))
        v_inserted = Counter(lg for lg, m in moves if m == ">>")
        assert (Counter(v.skipped), Counter(v.inserted)) == (v_skipped, v_inserted), v.variant
        assert a["cost"] // unit == v.cost, v.variant
        for act, k in v_skipped.items():
            skipped[act] += k * v.cases
        for act, k in v_inserted.items():
            inserted[act] += k * v.cases
    ours_skipped = {d["activity"]: d["skipped"] for d in ours.deviations if d["skipped"]}
    ours_inserted = {d["activity"]: d["inserted"] for d in ours.deviations if d["inserted"]}
    assert ours_skipped == dict(skipped)
    assert ours_inserted == dict(inserted)
    assert sum(skipped.values()) > 0
    assert sum(inserted.values()) > 0


@pytest.mark.slow
def test_sepsis_precision_equals_pm4py(sepsis: tuple[ProcessModel, ConformanceResult]) -> None:
    """Escaping-edges precision equals pm4py's token-based ETC precision on the same cases."""
    import pm4py
    from pm4py.objects.log.obj import EventLog

    model, ours = sepsis
    traces = [
        tr for tr, v in zip(_traces(ours), ours.variants, strict=True) for _ in range(v.cases)
    ]
    assert len(traces) == 1050
    theirs = pm4py.precision_token_based_replay(EventLog(traces), model.net, model.im, model.fm)
    assert 0.0 < ours.precision < 1.0
    assert ours.precision == pytest.approx(theirs, abs=1e-12)
