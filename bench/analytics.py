"""Benchmark: map + performance map + variants + case durations, ProcLens (DuckDB) vs pm4py.

    .venv/bin/python bench/analytics.py [--sizes 1000000 10000000] [--timeout 1800]

For each size it builds a log by replicating the cases of BPI 2020 Domestic Declarations
(sample_logs/) under new case ids until the size is reached, as a ProcLens store and as the
Parquet file pm4py reads into pandas. Each side then runs in its own subprocess, so its peak
memory (ru_maxrss) is its own, and pm4py gets a bounded time (the bench never hangs):

* ProcLens: process_map (frequencies and edge times = map + performance map), variants,
  case_durations, on the DuckDB store (opened read-only, as the CLI does).
* pm4py: pd.read_parquet, then discover_dfg, discover_performance_dfg, get_variants,
  get_all_case_durations.

Printed: seconds per side (load of the log apart from the computation), peak resident memory
(VmHWM of the child), ratios.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED_LOG = ROOT / "sample_logs" / "DomesticDeclarations.xes.gz"

PEAK = """
def peak_mb():  # VmHWM: this process image's peak resident memory (reset by exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""

PROCLENS_CHILD = (
    PEAK
    + """
import json, sys, time
t0 = time.perf_counter()
from analytics.cycle_times import case_durations
from analytics.maps import process_map
from analytics.variants import variants
from proclens.store import EventStore
store = EventStore.open(sys.argv[1], read_only=True)
store.con.execute("SET enable_progress_bar = false")
t1 = time.perf_counter()
m = process_map(store, "bench")
v = variants(store, "bench")
d = case_durations(store, "bench")
t2 = time.perf_counter()
print(json.dumps({"load_s": t1 - t0, "compute_s": t2 - t1, "edges": len(m.edges),
                  "variants": len(v), "cases": len(d),
                  "peak_mb": peak_mb()}))
"""
)

PM4PY_CHILD = (
    PEAK
    + """
import json, sys, time, warnings
warnings.filterwarnings("ignore")
t0 = time.perf_counter()
import pandas as pd, pm4py
df = pd.read_parquet(sys.argv[1])
t1 = time.perf_counter()
dfg, _, _ = pm4py.discover_dfg(df)
perf, _, _ = pm4py.discover_performance_dfg(df)
var = pm4py.get_variants(df)
dur = pm4py.get_all_case_durations(df)
t2 = time.perf_counter()
print(json.dumps({"load_s": t1 - t0, "compute_s": t2 - t1, "edges": len(dfg),
                  "variants": len(var), "cases": len(dur),
                  "peak_mb": peak_mb()}))
"""
)


def seed_store(path: Path) -> int:
    """A store holding the seed log as 'seed'; returns its number of events."""
    import pm4py

    from proclens.loader import load
    from proclens.store import EventStore
    from tests.rows import RowSource

    df = pm4py.read_xes(str(SEED_LOG))
    rows = [
        {"case_id": c, "activity": a, "ts": t.isoformat(), "resource": r}
        for c, a, t, r in zip(
            df["case:concept:name"], df["concept:name"], df["time:timestamp"],
            df["org:resource"], strict=True,
        )
    ]  # fmt: skip
    with EventStore.open(path) as store:
        load(store, RowSource(rows, batch_size=50_000), log="seed")
    return len(rows)


def build(seed: Path, target: Path, parquet: Path, events: int, seed_events: int) -> None:
    """Replicate the seed's cases (new ids, copy k shifted by k days) up to `events` events."""
    import shutil

    from proclens import order
    from proclens.store import EventStore

    shutil.copy(seed, target)
    copies = -(-events // seed_events)
    with EventStore.open(target) as store, store.transaction() as con:
        con.execute(
            f"""
            INSERT INTO events (log, case_id, activity, ts, resource, event_index, is_instance,
                                load_run)
            SELECT 'bench', case_id || '#' || k, activity, ts + to_days(k::INT), resource,
                   k * {seed_events} + event_index, true, load_run
            FROM events, range({copies}) r(k) WHERE log = 'seed'
            ORDER BY k, event_index LIMIT {events}
            """
        )
        con.execute(
            "INSERT INTO cases (log, case_id) SELECT DISTINCT 'bench', case_id FROM events"
            " WHERE log = 'bench'"
        )
        order.refresh(con, "bench")  # the stored case order, as a load computes it
        con.execute(
            "INSERT INTO logs SELECT 'bench', 'bench', 'bench', NULL, now(), 0, 0, 0, count(*), "
            "count(DISTINCT case_id), NULL FROM events WHERE log = 'bench'"
        )
        con.execute("DELETE FROM events WHERE log = 'seed'")
        con.execute("DELETE FROM cases WHERE log = 'seed'")
        con.execute(
            f"""COPY (SELECT case_id AS "case:concept:name", activity AS "concept:name",
                      ts AS "time:timestamp", resource AS "org:resource"
                  FROM events WHERE log = 'bench' ORDER BY event_index)
                TO '{parquet}' (FORMAT parquet)"""
        )
    with EventStore.open(target) as store:
        store.con.execute("CHECKPOINT")


def run(code: str, arg: Path, timeout: float) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, str(arg)],
            cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"error": f"no result within {timeout:.0f} s"}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"exit {done.returncode}: {tail}"}
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]  # skip progress bars
    result: dict[str, Any] = json.loads(lines[-1])
    result["wall_s"] = time.perf_counter() - started
    return result


def report(events: int, ours: dict[str, Any], theirs: dict[str, Any]) -> str:
    if "error" in ours or "error" in theirs:
        return f"| {events:,} | {ours.get('error', '')} | {theirs.get('error', '')} | | |"
    speed = theirs["compute_s"] / ours["compute_s"]
    memory = ours["peak_mb"] / theirs["peak_mb"]
    same = all(ours[k] == theirs[k] for k in ("edges", "variants", "cases"))
    return (
        f"| {events:,} | {ours['compute_s']:.2f} s | {theirs['compute_s']:.2f} s "
        f"(+{theirs['load_s']:.1f} s read) | **{speed:.1f}×** | {ours['peak_mb']:,.0f} MB | "
        f"{theirs['peak_mb']:,.0f} MB | **{memory:.0%}** | {'yes' if same else 'NO'} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per pm4py run")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    print(
        "| events | ProcLens (DuckDB) | pm4py (pandas) | speed-up | ProcLens peak RSS "
        "| pm4py peak RSS | memory ratio | same counts |\n|---|---|---|---|---|---|---|---|"
    )
    with tempfile.TemporaryDirectory(prefix="proclens-bench-") as tmp:
        seed = Path(tmp) / "seed.duckdb"
        seed_events = seed_store(seed)
        for events in args.sizes:
            store, parquet = Path(tmp) / f"{events}.duckdb", Path(tmp) / f"{events}.parquet"
            build(seed, store, parquet, events, seed_events)
            ours = run(PROCLENS_CHILD, store, args.timeout)
            theirs = run(PM4PY_CHILD, parquet, args.timeout)
            print(report(events, ours, theirs), flush=True)
            store.unlink()
            parquet.unlink()


if __name__ == "__main__":
    main()
