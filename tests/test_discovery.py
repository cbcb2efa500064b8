"""Discovery on the variant table: the shared cases' exact trees, and pm4py on a real log."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from analytics.discovery import (
    DiscoveryError,
    directly_follows,
    discover,
    heuristics_net,
    inductive_tree,
    log_variants,
)
from proclens.store import EventStore
from tests.cases import load_csv_case, load_xes_case
from tests.conftest import SAMPLE_LOGS
from tests.rows import RowSource

CSV = {"case_id": "case_id", "activity": "activity", "ts": "timestamp", "resource": "resource"}


def test_empty_trace_gives_the_skip(store: EventStore) -> None:
    """Case 08: the empty case is a variant, so the inductive miner must add tau."""
    load_xes_case(store, "08-empty-trace", "c08")
    variants = log_variants(store, "c08")
    assert variants == Counter({("a", "b"): 2, (): 1})
    assert str(inductive_tree(variants)) == "X( tau, ->( 'a', 'b' ) )"
    dfg = directly_follows(variants)
    assert dfg.edges == {("a", "b"): 2}
    assert (dfg.cases, dfg.empty_cases) == (3, 1)
    assert dfg.start_activities == {"a": 2}
    assert dfg.end_activities == {"b": 2}


def test_inductive_on_activity_instances(store: EventStore) -> None:
    """Case 04: start/complete rows are paired first, so no loops appear."""
    load_csv_case(
        store, "04-lifecycle-start-complete", "c04", columns={**CSV, "lifecycle": "lifecycle"}
    )
    model = discover(store, "c04", "inductive")
    assert str(model.tree) == "->( 'Register claim', +( 'Assess claim', 'Notify customer' ) )"
    assert model.dfg.edges == {
        ("Assess claim", "Notify customer"): 1,
        ("Notify customer", "Assess claim"): 1,
        ("Register claim", "Assess claim"): 1,
        ("Register claim", "Notify customer"): 1,
    }


def test_inductive_after_duplicate_rejection(store: EventStore) -> None:
    """Case 17: exact duplicates are set aside, real rework stays a loop on Approve."""
    load_csv_case(store, "17-duplicate-events", "c17", columns=CSV)
    model = discover(store, "c17", "inductive")
    assert str(model.tree) == "->( 'Submit invoice', *( 'Approve invoice', tau ), 'Pay invoice' )"
    assert model.dfg.edges == {
        ("Approve invoice", "Pay invoice"): 4,
        ("Submit invoice", "Approve invoice"): 4,
        ("Approve invoice", "Approve invoice"): 2,
    }
    assert model.dfg.activities == {"Approve invoice": 6, "Pay invoice": 4, "Submit invoice": 4}
    assert model.dfg.edge_cases[("Approve invoice", "Approve invoice")] == 2


def test_no_events_is_a_clear_error(store: EventStore) -> None:
    load(store, "empty", [], cases=[("x", None)])
    with pytest.raises(DiscoveryError, match="no events"):
        discover(store, "empty", "inductive")
    with pytest.raises(DiscoveryError, match=r"outside 0\.\.1"):
        inductive_tree(Counter({("a",): 1}), noise=1.5)


def load(store: EventStore, log: str, rows: list[dict[str, Any]], cases: Any = ()) -> None:
    from proclens.loader import load as load_source

    load_source(store, RowSource(rows, case_rows=cases), log=log)


# ---- the same answers as pm4py on a real log ------------------------------------------------


@pytest.fixture(scope="module")
def domestic() -> Any:
    """BPI 2020 Domestic Declarations as pm4py reads it, and a store holding the same rows."""
    import pm4py

    df = pm4py.read_xes(str(SAMPLE_LOGS / "DomesticDeclarations.xes.gz"))
    rows = [
        {"case_id": c, "activity": a, "ts": t.isoformat()}
        for c, a, t in zip(
            df["case:concept:name"], df["concept:name"], df["time:timestamp"], strict=True
        )
    ]
    store = EventStore.in_memory()
    from proclens.loader import load as load_source

    load_source(store, RowSource(rows, batch_size=20000), log="domestic")
    yield df, store
    store.close()


@pytest.mark.slow
def test_dfg_and_variants_equal_pm4py(domestic: Any) -> None:
    import pm4py

    df, store = domestic
    variants = log_variants(store, "domestic")
    assert dict(variants) == {tuple(k): n for k, n in pm4py.get_variants(df).items()}
    dfg, starts, ends = pm4py.discover_dfg(df)
    ours = directly_follows(variants)
    assert ours.edges == dict(dfg)
    assert ours.start_activities == dict(starts)
    assert ours.end_activities == dict(ends)


@pytest.mark.slow
@pytest.mark.parametrize("noise", [0.0, 0.2])
def test_inductive_equals_pm4py(domestic: Any, noise: float) -> None:
    import pm4py

    df, store = domestic
    expected = pm4py.discover_process_tree_inductive(df, noise_threshold=noise)
    assert str(inductive_tree(log_variants(store, "domestic"), noise)) == str(expected)


@pytest.mark.slow
def test_heuristics_equals_pm4py(domestic: Any) -> None:
    import pm4py

    df, store = domestic
    net, im, fm = heuristics_net(log_variants(store, "domestic"))
    enet, eim, efm = pm4py.discover_petri_net_heuristics(df)
    assert _shape(net) == _shape(enet)
    assert (len(im), len(fm)) == (len(eim), len(efm))


def _shape(
    net: Any,
) -> tuple[Counter[str | None], int, int, Counter[tuple[str | None, str | None]]]:
    """Labels, place and arc counts, and labelled transition pairs joined through a place."""
    labels = Counter(t.label for t in net.transitions)
    joined: Counter[tuple[str | None, str | None]] = Counter()
    for place in net.places:
        for a in place.in_arcs:
            for b in place.out_arcs:
                joined[(a.source.label, b.target.label)] += 1
    return labels, len(net.places), len(net.arcs), joined
