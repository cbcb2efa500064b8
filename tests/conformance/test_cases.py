"""The conformance cases of ../shared/cases (09, 10, 12, 08), with the values of expected.md."""

from __future__ import annotations

import pytest

from analytics.conformance.align import Aligner
from analytics.conformance.check import check_conformance
from analytics.conformance.model import load_model
from proclens.store import EventStore
from tests.conformance_logs import load_csv, load_traces, load_xes
from tests.conftest import DATA

CASE09 = DATA / "09-bpmn-collaboration-lanes-no-di"
CASE10 = DATA / "10-bpmn-inclusive-gateway"
CASE12 = DATA / "12-alignment-silent-transition-fitness"
CASE08 = DATA / "08-empty-trace"


def _by_case(store: EventStore, result: object, log: str) -> dict[str, float]:
    rows = store.con.execute(
        "SELECT case_id, list(activity ORDER BY order_ts, ts, event_index) "
        "FROM activity_instances WHERE log = ? GROUP BY case_id",
        [log],
    ).fetchall()
    fit = {tuple(v.variant): v.fitness for v in result.variants}  # type: ignore[attr-defined]
    return {c: round(fit[tuple(seq)], 4) for c, seq in rows}


def test_case09_import_keeps_pools_apart_and_lanes() -> None:
    from analytics.conformance.bpmn import read_bpmn

    bpmn = read_bpmn(CASE09 / "input.bpmn")
    assert [p.id for p in bpmn.processes] == ["Proc_employee", "Proc_company"]
    assert bpmn.participants == 2
    assert bpmn.message_flows == 2
    assert [len(p.flows) for p in bpmn.processes] == [3, 8]
    assert [len(p.nodes) for p in bpmn.processes] == [4, 8]
    company = bpmn.process("Company")
    assert [g.name for g in company.gateways] == ["", ""]
    assert company.roles() == {
        "Review request": "Manager", "Reject request": "Manager",
        "Record leave": "HR office", "Inform employee": "HR office",
    }  # fmt: skip
    lanes = {lane: sorted(n for n, ln in company.lanes.items() if ln == lane)
             for lane in ("Manager", "HR office")}  # fmt: skip
    assert lanes["Manager"] == ["Gw_split", "Start_company", "Task_reject", "Task_review"]
    assert lanes["HR office"] == ["End_company", "Gw_join", "Task_inform", "Task_record"]


def test_case09_company_pool_conformance(store: EventStore) -> None:
    log = load_csv(store, CASE09 / "input_log.csv")
    model = load_model(CASE09 / "input.bpmn", activities=["Review request", "Inform employee"])
    assert model.process_id == "Proc_company"
    assert model.tasks == ["Inform employee", "Record leave", "Reject request", "Review request"]
    result = check_conformance(store, log, model)
    assert _by_case(store, result, log) == {"r1": 1.0, "r2": 1.0, "r3": 0.8}
    assert result.fitting_cases_share == pytest.approx(2 / 3)
    assert round(result.average_trace_fitness, 4) == 0.9333
    assert round(result.fitness, 4) == 0.9412
    assert result.fitness == pytest.approx(1 - 1 / 17)
    assert result.roles["Review request"] == "Manager"
    skipped = sum(d["skipped"] for d in result.deviations)
    assert skipped == 1
    assert all(d["inserted"] == 0 for d in result.deviations)


def test_case10_inclusive_gateway_or_language(store: EventStore) -> None:
    log = load_csv(store, CASE10 / "input_log.csv")
    model = load_model(CASE10 / "input.bpmn")
    assert model.soundness.sound
    result = check_conformance(store, log, model)
    assert _by_case(store, result, log) == {"q1": 1.0, "q2": 1.0, "q3": 1.0, "q4": 1.0, "q5": 0.8}
    assert result.fitting_cases_share == pytest.approx(0.8)
    assert result.average_trace_fitness == pytest.approx(0.96)
    assert round(result.fitness, 4) == 0.9677
    [dev] = result.deviations
    assert dev["activity"] in ("Budget check", "Legal check")
    assert dev["skipped"] == 1


def test_case10_or_language_is_exactly_the_non_empty_subsets() -> None:
    """Every visible run of the net, enumerated on its reachability graph."""
    model = load_model(CASE10 / "input.bpmn")
    aligner = Aligner(model.graph)
    runs: set[tuple[str, ...]] = set()
    stack: list[tuple[int, tuple[str, ...]]] = [(model.graph.initial, ())]
    while stack:
        s, seq = stack.pop()
        if s == aligner.final:
            runs.add(seq)
        for label, s2 in aligner.succ[s]:
            stack.append((s2, seq + ((label,) if label else ())))
    a, b, c, d = "Create purchase request", "Budget check", "Legal check", "Approve purchase"
    assert runs == {(a, b, d), (a, c, d), (a, b, c, d), (a, c, b, d)}


def test_case12_silent_moves_cost_nothing(store: EventStore) -> None:
    log = load_csv(store, CASE12 / "input.csv")
    model = load_model(CASE12 / "input.pnml")
    for method in ("alignments", "token-replay"):
        result = check_conformance(store, log, model, method=method)  # type: ignore[arg-type]
        assert result.fitness == 1.0
        assert result.fitting_cases_share == 1.0
        assert result.average_trace_fitness == 1.0
        assert result.deviations == []


def test_case08_empty_trace_fits_with_silent_moves_only(store: EventStore) -> None:
    import pm4py

    log = load_xes(store, CASE08 / "input.xes")
    legacy = pm4py.read_xes(str(CASE08 / "input.xes"), return_legacy_log_object=True,
                            show_progress_bar=False)  # fmt: skip
    net, im, fm = pm4py.discover_petri_net_inductive(legacy)
    from analytics.conformance.model import ProcessModel

    model = ProcessModel("im", "pnml", net, im, fm)
    for method in ("alignments", "token-replay"):
        result = check_conformance(store, log, model, method=method)  # type: ignore[arg-type]
        assert result.cases == 3
        assert result.fitness == 1.0
        assert result.fitting_cases_share == 1.0
        assert result.average_trace_fitness == 1.0
    empty = next(v for v in result.variants if v.variant == ())
    assert empty.cases == 1
    assert empty.fitness == 1.0


def test_tiny_log_one_skip_one_insertion_one_swap(store: EventStore) -> None:
    """Model a -> b -> c -> d (sequence, from case 12's style); costs worked out by hand."""
    from tests.conformance.nets import sequence_model

    model = sequence_model(["a", "b", "c", "d"])
    log = load_traces(store, {
        "ok": ["a", "b", "c", "d"],
        "skip": ["a", "c", "d"],          # b skipped: 1 model move, fitness 1 - 1/(3+4)
        "insert": ["a", "b", "x", "c", "d"],  # x inserted: 1 log move, 1 - 1/(5+4)
        "swap": ["a", "c", "b", "d"],     # b and c swapped: 1 log + 1 model move, 1 - 2/(4+4)
    })  # fmt: skip
    result = check_conformance(store, log, model)
    fit = {v.variant: v for v in result.variants}
    assert fit[("a", "b", "c", "d")].cost == 0
    assert fit[("a", "c", "d")].cost == 1
    assert fit[("a", "c", "d")].skipped == ["b"]
    assert fit[("a", "c", "d")].fitness == pytest.approx(1 - 1 / 7)
    ins = fit[("a", "b", "x", "c", "d")]
    assert ins.cost == 1
    assert ins.inserted == ["x"]
    assert ins.skipped == []
    assert ins.fitness == pytest.approx(1 - 1 / 9)
    swap = fit[("a", "c", "b", "d")]
    assert swap.cost == 2
    assert len(swap.inserted) == 1
    assert swap.inserted == swap.skipped
    assert swap.fitness == pytest.approx(0.75)
    assert result.fitness == pytest.approx(1 - 4 / (8 + 7 + 9 + 8))
    assert result.fitting_cases_share == 0.25
    assert {d["activity"]: (d["skipped"], d["inserted"]) for d in result.deviations} == {
        "b": (1, 0), "x": (0, 1), swap.inserted[0]: (1, 1),
    } | ({"b": (2, 1)} if swap.inserted == ["b"] else {})  # fmt: skip


def test_progress_counts_variants(store: EventStore) -> None:
    """check_conformance reports (done, total) per variant; the CLI bar shows them as such."""
    import io

    from rich.console import Console
    from rich.progress import Progress

    from proclens.progress import progress_columns
    from tests.conformance.nets import sequence_model

    log = load_traces(store, {"c1": ["a", "b"], "c2": ["a"], "c3": ["b", "a"], "c4": ["a"]})
    calls: list[tuple[int, int | None]] = []
    model = sequence_model(["a", "b"])
    result = check_conformance(store, log, model, progress=lambda k, n: calls.append((k, n)))
    assert len(result.variants) == 3
    assert calls == [(1, 3), (2, 3), (3, 3)]
    out = io.StringIO()
    console = Console(file=out, width=100, force_terminal=False)
    with Progress(*progress_columns("variants"), console=console, auto_refresh=False) as bar:
        bar.add_task("aligning", total=4336, completed=1200)
        console.print(bar.get_renderable())
    assert "1200/4336 variants" in out.getvalue()


def test_per_case_deviations_and_over_time(store: EventStore) -> None:
    from analytics.conformance.report import case_deviations, deviations_over_time

    log = load_csv(store, CASE10 / "input_log.csv")
    result = check_conformance(store, log, load_model(CASE10 / "input.bpmn"))
    cases = case_deviations(store, log, result).set_index("case_id")
    assert list(cases.index) == ["q1", "q2", "q3", "q4", "q5"]
    assert cases.loc["q5", "fitness"] == pytest.approx(0.8)
    assert cases.loc["q5", "skipped"] == 1
    assert cases.loc["q5", "deviations"] in ("skipped Budget check", "skipped Legal check")
    assert cases["fits"].tolist() == [True, True, True, True, False]
    monthly = deviations_over_time(store, log, result, "month")
    assert monthly["cases"].tolist() == [5]
    assert monthly["fitting_share"].tolist() == [pytest.approx(0.8)]
    weekly = deviations_over_time(store, log, result, "week")
    assert weekly["cases"].sum() == 5
    assert weekly["skipped"].sum() == 1


def test_budget_fallback_is_reported_and_an_upper_bound(store: EventStore) -> None:
    from tests.conformance.nets import sequence_model

    labels = [f"a{k:02d}" for k in range(40)]
    model = sequence_model(labels)
    aligner = Aligner(model.graph)
    trace = tuple(reversed(labels))
    exact = aligner.align(trace)
    approx = aligner.align(trace, budget_s=0.0)
    assert exact.optimal
    assert not approx.optimal
    assert approx.cost >= exact.cost
    assert approx.fitness <= exact.fitness
    # the approximate alignment is still a valid alignment: its log side is the trace
    assert tuple(lg for lg, _ in approx.moves if lg is not None) == trace
    assert tuple(m for _, m in approx.moves if m is not None) == tuple(labels)
    log = load_traces(store, {"r": list(trace), "ok": labels})
    result = check_conformance(store, log, model, budget_s=0.0)
    assert [v.variant for v in result.fell_back] == [trace]
    assert result.to_json()["fell_back_variants"][0]["cases"] == 1
