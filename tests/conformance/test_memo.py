"""Per-variant results kept in the store: `proclens conform` saves them, a later check reuses
them and gives the same answer, and a different mapping or method does not pick them up."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from analytics.conformance.check import check_conformance
from analytics.conformance.mapping import LabelMapping, exact_mapping
from analytics.conformance.memo import memo_key, save_results, stored_results
from analytics.conformance.model import load_model
from proclens.cli import cli
from proclens.store import EventStore
from tests.conformance_logs import load_xes
from tests.conftest import SAMPLE_LOGS

MODEL = SAMPLE_LOGS / "models" / "oa_expense_reimbursement.bpmn"


def _result(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "seconds"}


def test_stored_results_read_back_and_give_the_same_check(tmp_path: Path) -> None:
    with EventStore.open(tmp_path / "s.duckdb") as store:
        log = load_xes(store, SAMPLE_LOGS / "oa_approval.xes.gz")
        model = load_model(MODEL)
        activities = sorted(
            {a for (a,) in store.con.execute("SELECT activity FROM events").fetchall()}
        )
        mapping = exact_mapping(model.tasks, activities)
        for method in ("token-replay", "alignments"):
            fresh = check_conformance(store, log, model, mapping, method)  # type: ignore[arg-type]
            key = memo_key(model, mapping, method)  # type: ignore[arg-type]
            assert save_results(store, key, fresh.variants) == len(fresh.variants)
            back = stored_results(store, key)
            assert {v: asdict(r) | {"cases": 0} for v, r in back.items()} == {
                r.variant: asdict(r) | {"cases": 0} for r in fresh.variants
            }
            reused = check_conformance(
                store,
                log,
                model,
                mapping,
                method,
                known=back,  # type: ignore[arg-type]
            )
            assert _result(reused.to_json()) == _result(fresh.to_json())
            assert fresh.fitness < 1.0
        # another mapping or method is another key; a task mapped to nothing keeps its label
        # (analytics.conformance.mapping.relabel), the same model as mapped to itself
        moved = LabelMapping(dict(mapping.labels) | {model.tasks[0]: "Legal review"})
        unmapped = LabelMapping(dict(mapping.labels) | {model.tasks[0]: None})
        assert memo_key(model, unmapped, "alignments") == memo_key(model, mapping, "alignments")
        keys = {
            memo_key(model, mapping, "alignments"),
            memo_key(model, mapping, "token-replay"),
            memo_key(model, moved, "alignments"),
        }
        assert len(keys) == 3


def test_conform_saves_and_reuses_its_results(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with EventStore.open(db) as store:
        load_xes(store, SAMPLE_LOGS / "oa_approval.xes.gz", log="oa")
    args = ["conform", "--log", "oa", "--model", str(MODEL), "--db", str(db), "--json"]
    first = CliRunner().invoke(cli, [*args, "--method", "token-replay"])
    assert first.exit_code == 0, first.output
    with EventStore.open(db, read_only=True) as store:
        (stored,) = store.con.execute("SELECT count(*) FROM conformance_memo").fetchone() or (0,)
    assert stored == json.loads(first.output)["variants"] > 1
    again = CliRunner().invoke(cli, [*args, "--method", "token-replay"])
    assert _result(json.loads(again.output)) == _result(json.loads(first.output))
    skipped = CliRunner().invoke(cli, [*args, "--method", "alignments", "--no-save"])
    assert skipped.exit_code == 0, skipped.output
    with EventStore.open(db, read_only=True) as store:
        (after,) = store.con.execute("SELECT count(*) FROM conformance_memo").fetchone() or (0,)
    assert after == stored
