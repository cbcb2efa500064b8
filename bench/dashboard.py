"""Dashboard speed on a store of about 1 million events: first render of every page and a
filter change, measured through Streamlit's AppTest (the page scripts run as in the server).

The store is the Sepsis log replicated with new case ids (68 copies, ~1.03 M events), written
as CSV and loaded with `proclens ingest` (the product's own tabular connector). Goal: first
render < 2 s, filter change < 1 s. The Conformance page is measured twice: with a model never
checked on the store (marked *: the check runs in the page), and after `proclens conform` kept
its per-variant results, as it does after a load. Run:
.venv/bin/python bench/dashboard.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIES = 68
FILTER = ["with:Admission IC"]
MODEL = ROOT / "sample_logs" / "models" / "sepsis.bpmn"


def build_store(folder: Path) -> Path:
    db = folder / "bench1m.duckdb"
    if db.exists():
        return db
    import pandas as pd
    import pm4py

    log = pm4py.read_xes(str(ROOT / "sample_logs" / "sepsis_cases.xes.gz"))
    base = log[["case:concept:name", "concept:name", "time:timestamp", "org:group"]]
    copies = []
    for k in range(COPIES):
        part = base.copy()
        part["case:concept:name"] = part["case:concept:name"].astype(str) + f"-{k}"
        copies.append(part)
    big = pd.concat(copies, ignore_index=True)
    csv = folder / "sepsis_x68.csv"
    big.to_csv(csv, index=False)
    print(f"generated {len(big):,} events in {csv}", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "proclens"), "ingest", str(csv), "--db", str(db),
         "--log", "sepsis_x68", "--case", "case:concept:name", "--activity", "concept:name",
         "--timestamp", "time:timestamp", "--department", "org:group", "--json"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    print(f"ingested in {time.perf_counter() - started:.1f} s", flush=True)
    return db


def keep_conformance(db: Path, folder: Path) -> None:
    """`proclens conform` once, as after a load: the Conformance page then reuses its
    per-variant results (the mapping is the suggested one, which the page starts from)."""
    proclens = str(ROOT / ".venv" / "bin" / "proclens")
    mapping = folder / "sepsis_mapping.yaml"
    common = ["--log", "sepsis_x68", "--model", str(MODEL), "--db", str(db)]
    subprocess.run([proclens, "suggest-mapping", *common, "--out", str(mapping)],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    started = time.perf_counter()
    subprocess.run([proclens, "conform", *common, "--mapping", str(mapping),
                    "--method", "token-replay", "--json"],
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    took = time.perf_counter() - started
    print(f"proclens conform (token replay, results kept) in {took:.1f} s", flush=True)


def measure(
    db: Path, pages: list[str] | None = None, label: str = ""
) -> list[tuple[str, float, float]]:
    os.environ["PROCLENS_DB"] = str(db)
    sys.path.insert(0, str(ROOT))
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboards import conformance_view
    from dashboards.frame import PAGES

    rows = []
    for stem in pages or [stem for stem, _ in PAGES]:
        st.cache_data.clear()
        conformance_view.forget()
        at = AppTest.from_file(str(ROOT / "dashboards" / "app.py"), default_timeout=600)
        at.query_params.update({"log": "sepsis_x68", "lang": "en"})
        at.run()  # registers the pages (and warms Python imports, not the data cache)
        st.cache_data.clear()
        conformance_view.forget()
        at.switch_page(f"app_pages/{stem}.py")
        started = time.perf_counter()
        at.run()
        first = time.perf_counter() - started
        assert not at.exception, [e.value for e in at.exception]
        at.query_params["f"] = FILTER
        started = time.perf_counter()
        at.run()
        change = time.perf_counter() - started
        assert not at.exception, [e.value for e in at.exception]
        rows.append((stem + label, first, change))
        print(f"{stem + label:<14} first render {first:6.2f} s   filter change {change:6.2f} s",
              flush=True)  # fmt: skip
    return rows


def run(folder: Path) -> list[tuple[str, float, float]]:
    """Every page; the Conformance page first with a model never checked on this store (its
    row is marked *), then with the results `proclens conform` kept."""
    db = build_store(folder)
    sys.path.insert(0, str(ROOT))
    from proclens.store import EventStore

    with EventStore.open(db) as store:  # a kept store: forget the results of an earlier run
        store.con.execute("DELETE FROM conformance_memo")
    rows = measure(db, ["conformance"], "*")
    keep_conformance(db, folder)
    return rows + measure(db)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the 1M store in")
    args = parser.parse_args()
    print(f"load average (1, 5, 15 min) at the start "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)  # fmt: skip
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        rows = run(args.keep)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            rows = run(Path(tmp))
    counted = [r for r in rows if not r[0].endswith("*")]
    slow = [r for r in counted if r[1] >= 2 or r[2] >= 1]
    print(f"machine: {os.cpu_count()} cores, load average (1, 5, 15 min) at the end "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
    print(f"max first render {max(r[1] for r in counted):.2f} s (goal < 2 s); "
          f"max filter change {max(r[2] for r in counted):.2f} s (goal < 1 s); "
          f"pages over a goal: {', '.join(r[0] for r in slow) or 'none'} "
          f"(* not counted: a model checked for the first time)")  # fmt: skip


if __name__ == "__main__":
    main()
