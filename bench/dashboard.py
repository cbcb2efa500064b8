"""Dashboard speed on a store of about 1 million events: first render of every page and a
filter change, measured through Streamlit's AppTest (the page scripts run as in the server).

The store is the Sepsis log replicated with new case ids (68 copies, ~1.03 M events), written
as CSV and loaded with `proclens ingest` (the product's own tabular connector). Goal: first
render < 2 s, filter change < 1 s. Run: .venv/bin/python bench/dashboard.py [--keep DIR]
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


def measure(db: Path) -> list[tuple[str, float, float]]:
    os.environ["PROCLENS_DB"] = str(db)
    sys.path.insert(0, str(ROOT))
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboards.frame import PAGES

    rows = []
    for stem, _ in PAGES:
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboards" / "app.py"), default_timeout=600)
        at.query_params.update({"log": "sepsis_x68", "lang": "en"})
        at.run()  # registers the pages (and warms Python imports, not the data cache)
        st.cache_data.clear()
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
        rows.append((stem, first, change))
        print(f"{stem:<14} first render {first:6.2f} s   filter change {change:6.2f} s", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the 1M store in")
    args = parser.parse_args()
    print(f"load average (1, 5, 15 min) at the start "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)  # fmt: skip
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        rows = measure(build_store(args.keep))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            rows = measure(build_store(Path(tmp)))
    slow = [r for r in rows if r[1] >= 2 or r[2] >= 1]
    print(f"machine: {os.cpu_count()} cores, load average (1, 5, 15 min) at the end "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")  # fmt: skip
    print(f"max first render {max(r[1] for r in rows):.2f} s (goal < 2 s); "
          f"max filter change {max(r[2] for r in rows):.2f} s (goal < 1 s); "
          f"pages over a goal: {', '.join(r[0] for r in slow) or 'none'}")  # fmt: skip


if __name__ == "__main__":
    main()
