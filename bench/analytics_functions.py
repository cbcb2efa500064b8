"""Benchmark: seconds per analytics function on one store, with the current code.

    .venv/bin/python bench/analytics_functions.py --db /tmp/perf/s.duckdb [--log NAME]
    .venv/bin/python bench/analytics_functions.py --events 1000000   # generates a store first

Without --db it writes a synthetic log (`proclens generate`, seed 1) of --events events and
ingests it into a temporary store. Each function runs --repeat times on the store opened
read-only (as the CLI does); the best wall time and the best CPU time (all threads of the
process: less sensitive than wall time to other jobs on a shared machine) are printed. Run
it on two checkouts to compare; `--code DIR` imports the analytics of another checkout (e.g.
an extracted `git archive main`), so both sides run alternately on the same store and load:

    .venv/bin/python bench/analytics_functions.py --db S --code /tmp/base
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _functions() -> dict[str, Callable[[Any, str], Any]]:
    from analytics.bottlenecks import bottlenecks
    from analytics.cycle_times import case_durations, cycle_times
    from analytics.maps import process_map
    from analytics.opportunities import opportunities
    from analytics.stats import log_stats
    from analytics.variants import variants

    return {
        "log_stats": log_stats,
        "process_map": process_map,
        "variants": variants,
        "case_durations": case_durations,
        "cycle_times": cycle_times,
        "bottlenecks": bottlenecks,
        "opportunities": opportunities,
    }


def _build(events: int, work: Path) -> Path:
    exe = Path(sys.executable).parent / "proclens"
    csv = work / "log.csv.gz"
    db = work / "store.duckdb"
    subprocess.run(
        [exe, "generate", "--events", str(events), "--out", csv, "--seed", "1"], check=True
    )
    subprocess.run([exe, "ingest", csv, "--db", db, "--log", "bench"], check=True)
    return db


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, help="an existing store (else one is generated)")
    ap.add_argument("--log", help="log name (default: the only/first log in the store)")
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--only", nargs="*", help="function names to run")
    ap.add_argument("--code", type=Path, default=ROOT, help="checkout whose code is timed")
    args = ap.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or _build(args.events, Path(tmp))
        from proclens.store import EventStore

        store = EventStore.open(db, read_only=True)
        store.con.execute("SET enable_progress_bar = false")
        log = args.log or store.con.execute("SELECT min(log) FROM logs").fetchall()[0][0]
        n = store.con.execute("SELECT count(*) FROM events WHERE log = ?", [log]).fetchall()[0][0]
        print(f"code {args.code}, store {db}, log {log!r}, {n:,} events")
        for name, fn in _functions().items():
            if args.only and name not in args.only:
                continue
            best, cpu = float("inf"), float("inf")
            for _ in range(args.repeat):
                t0, c0 = time.perf_counter(), time.process_time()
                fn(store, log)
                best = min(best, time.perf_counter() - t0)
                cpu = min(cpu, time.process_time() - c0)
            print(f"{name:16s} {best:8.2f} s wall {cpu:8.2f} s CPU", flush=True)


if __name__ == "__main__":
    main()
