"""Sepsis log against its designed BPMN: our variant alignments agree with pm4py's on our net."""

from __future__ import annotations

from collections import Counter

import pytest

from analytics.conformance.check import check_conformance
from analytics.conformance.model import load_model
from proclens.store import EventStore
from tests.conformance_logs import load_xes
from tests.conftest import SAMPLE_LOGS


@pytest.mark.slow
def test_sepsis_alignments_agree_with_pm4py(store: EventStore) -> None:
    import pm4py

    log = load_xes(store, SAMPLE_LOGS / "sepsis_cases.xes.gz")
    model = load_model(SAMPLE_LOGS / "models" / "sepsis.bpmn")
    ours = check_conformance(store, log, model, budget_s=60.0)
    assert not ours.fell_back

    # pm4py aligns the very sequences of the store (case order: time, then file position).
    from pm4py.objects.log.obj import Event, EventLog, Trace

    variants = [(v.variant, v.cases) for v in ours.variants]
    log_obj = EventLog([Trace([Event({"concept:name": a}) for a in v]) for v, _ in variants])
    aligned = pm4py.conformance_diagnostics_alignments(log_obj, model.net, model.im, model.fm)
    theirs = [a for a, (_, n) in zip(aligned, variants, strict=True) for _ in range(n)]
    assert len(theirs) == 1050
    fitting = sum(1 for a in theirs if a["fitness"] == 1.0) / len(theirs)
    assert ours.fitting_cases_share == pytest.approx(fitting)
    trace_fit = sum(a["fitness"] for a in theirs) / len(theirs)
    assert ours.average_trace_fitness == pytest.approx(trace_fit, abs=1e-9)
    ours_fit = {v.variant: v.fitness for v in ours.variants}
    for (v, _), a in zip(variants, aligned, strict=True):
        assert ours_fit[v] == pytest.approx(a["fitness"], abs=1e-9), v
    skipped: Counter[str] = Counter()
    inserted: Counter[str] = Counter()
    for a in theirs:
        for log_move, model_move in a["alignment"]:
            if log_move == ">>" and model_move is not None and model_move != ">>":
                skipped[model_move] += 1
            elif model_move == ">>":
                inserted[log_move] += 1
    ours_skipped = {d["activity"]: d["skipped"] for d in ours.deviations if d["skipped"]}
    ours_inserted = {d["activity"]: d["inserted"] for d in ours.deviations if d["inserted"]}
    # Totals agree: as many log moves and as many model moves as pm4py. Which activity a
    # deviation is charged to is not unique: a swap is "log move A + model move A" or "model
    # move B + log move B", and a missing step of a choice can be any of its branches, all at
    # the same cost. pm4py breaks such ties its own way, so per-activity counts are not
    # compared one to one (the per-variant costs above are).
    assert sum(ours_skipped.values()) == sum(skipped.values())
    assert sum(ours_inserted.values()) == sum(inserted.values())
