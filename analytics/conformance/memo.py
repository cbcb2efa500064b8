"""Per-variant conformance results kept in the store, so a variant is checked once per model.

A variant's result depends only on its activities, the designed model as relabelled by the
mapping, and the method, not on which or how many cases show it. `proclens conform` stores
the exact results it computed (not the approximations of variants that ran out of budget)
under a key of those three (`memo_key`); a later check, from the CLI or from the dashboard's
Conformance page, passes them as `known` to check_conformance and computes only the variants
it has not seen. The dashboard reads them from its read-only store.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from analytics.conformance.check import Method, VariantResult
from analytics.conformance.mapping import LabelMapping
from analytics.conformance.model import ProcessModel
from proclens.store import EventStore

SEP = "\x1f"  # joins a variant's activities into one key (as analytics.conformance.report)


def memo_key(model: ProcessModel, mapping: LabelMapping, method: Method) -> str:
    """The key of results that hold for this model file, process, mapping and method."""
    labels = sorted((task, mapping.target(task) or task) for task in model.tasks)
    digest = hashlib.sha256(Path(model.path).read_bytes())
    digest.update(json.dumps([model.process_id, method, labels], ensure_ascii=False).encode())
    return digest.hexdigest()


def stored_results(store: EventStore, key: str) -> dict[tuple[str, ...], VariantResult]:
    """The results stored under `key`, by variant (none in a store written before the table
    existed, opened read-only)."""
    try:
        rows = store.con.execute(
            "SELECT variant, fitness, fits, cost, skipped, inserted, tokens "
            "FROM conformance_memo WHERE memo_key = ?",
            [key],
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    out = {}
    for variant, fitness, fits, cost, skipped, inserted, tokens in rows:
        v = tuple(variant)
        out[v] = VariantResult(
            v, 0, fitness, fits, cost, list(skipped), list(inserted),
            tokens=None if tokens is None else (tokens[0], tokens[1], tokens[2], tokens[3]),
        )  # fmt: skip
    return out


def save_results(store: EventStore, key: str, results: list[VariantResult]) -> int:
    """Store the exact results among `results` under `key` (replacing older ones of the same
    variants); returns how many were stored."""
    exact = [r for r in results if not r.fell_back]
    if not exact:
        return 0
    params = [
        [key] * len(exact),
        [SEP.join(r.variant) for r in exact],
        [list(r.variant) for r in exact],
        [r.fitness for r in exact],
        [r.fits for r in exact],
        [r.cost for r in exact],
        [r.skipped for r in exact],
        [r.inserted for r in exact],
        [None if r.tokens is None else list(r.tokens) for r in exact],
    ]
    store.con.execute(
        """
        INSERT OR REPLACE INTO conformance_memo
        SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[][]),
               unnest(?::DOUBLE[]), unnest(?::BOOLEAN[]), unnest(?::INTEGER[]),
               unnest(?::VARCHAR[][]), unnest(?::VARCHAR[][]), unnest(?::INTEGER[][])
        """,
        params,
    )
    return len(exact)
