"""A check that reuses an earlier check's per-variant results (the dashboard's filter changes)
gives exactly what a fresh check of the same cases gives."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import pytest

from analytics.conformance.check import (
    ConformanceResult,
    Method,
    check_conformance,
    results_by_variant,
)
from analytics.conformance.model import load_model
from analytics.filters import Filter
from proclens.store import EventStore
from tests.conformance_logs import load_xes
from tests.conftest import SAMPLE_LOGS


def _same(result: ConformanceResult) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    summary = {k: v for k, v in result.to_json().items() if k != "seconds"}
    return summary, [asdict(v) for v in result.variants]


@pytest.mark.parametrize(
    ("logfile", "model", "method", "flt"),
    [
        ("sepsis_cases.xes.gz", "sepsis.bpmn", "token-replay",
         Filter(start=datetime(2014, 3, 1, tzinfo=UTC), end=datetime(2014, 9, 1, tzinfo=UTC))),
        ("oa_approval.xes.gz", "oa_expense_reimbursement.bpmn", "alignments",
         Filter(start=datetime(2024, 2, 1, tzinfo=UTC), end=datetime(2024, 3, 1, tzinfo=UTC))),
    ],
)  # fmt: skip
def test_filtered_check_from_known_results_equals_fresh_check(
    logfile: str, model: str, method: Method, flt: Filter
) -> None:
    store = EventStore.in_memory()
    try:
        log = load_xes(store, SAMPLE_LOGS / logfile)
        designed = load_model(SAMPLE_LOGS / "models" / model)
        whole = check_conformance(store, log, designed, method=method)
        fresh = check_conformance(store, log, designed, method=method, flt=flt)
        reused = check_conformance(
            store, log, designed, method=method, flt=flt, known=results_by_variant(whole)
        )
    finally:
        store.close()
    assert 0 < fresh.cases < whole.cases
    # the window splits variants: some keep only part of their cases
    counts = {r.variant: r.cases for r in whole.variants}
    assert any(r.cases < counts[r.variant] for r in fresh.variants)
    assert fresh.fitness < 1.0
    assert _same(reused) == _same(fresh)
