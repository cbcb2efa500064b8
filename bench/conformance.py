"""Benchmark: variant-based alignments (ProcLens) vs pm4py.fitness_alignments, in one run.

BPI Challenge 2012 (complete events) against an Inductive Miner model (noise threshold 0.2,
discovered on the whole log). Two comparisons, each side in its own subprocess on the same PNML:

1. the first --cases cases of the log (by first event), where pm4py finishes: both fitness
   values, the time ratio and the peak-memory ratio;
2. the whole log, where pm4py gets --pm4py-timeout seconds (0 skips it).

Time is the conformance call alone (ProcLens: check_conformance from the store, including the
variants SQL, reachability graph, alignments and precision; pm4py: what fitness_alignments
runs, i.e. conformance_diagnostics_alignments and the alignment-based fitness evaluation, on
its DataFrame, read beforehand from a Parquet copy of the same events). pm4py's log_fitness
charges each silent move 1/10,000 of a deviation; the fitness compared is the standard one
(silent moves free) from the same pm4py alignments, printed next to pm4py's own figure.
Peak memory is each subprocess's high-water resident set (VmHWM), shown with its resident set
just before the call (imports and data loaded). Hard bounds: ProcLens' alignment phase stops
after --total-budget seconds per log (then the remaining variants get the approximate
alignment, reported as fell back), pm4py on the subset gets --subset-timeout, on the whole log
--pm4py-timeout; the printed total bound adds them.

    flock /work/wt/bench.lock .venv/bin/python bench/conformance.py [--cases 1000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = next(
    (p / "shared" / "data" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
    ROOT.parent / "shared" / "data",
)
DEFAULT_LOG = SHARED / "logs" / "xes" / "bpic2012_full.xes.gz"

MEMORY = r"""
def memory_mb(field):
    # From /proc of this process only: ru_maxrss would carry the parent's peak over fork + exec.
    with open("/proc/self/status") as status:
        return next(int(x.split()[1]) for x in status if x.startswith(field + ":")) / 1024
"""

PM4PY_CHILD = r"""
import json, sys, time
import pandas as pd
import pm4py
from pm4py.algo.evaluation.replay_fitness.variants.alignment_based import evaluate
from pm4py.objects.petri_net.utils.align_utils import STD_MODEL_LOG_MOVE_COST as UNIT
log = pd.read_parquet(sys.argv[1])
net, im, fm = pm4py.read_pnml(sys.argv[2])
base = memory_mb("VmRSS")
t = time.perf_counter()
# What pm4py.fitness_alignments runs (alignments, then evaluate), keeping the alignments.
aligned = pm4py.conformance_diagnostics_alignments(log, net, im, fm)
fit = evaluate(aligned)
secs = time.perf_counter() - t
rss = memory_mb("VmHWM")
# pm4py's log_fitness charges silent moves 1/UNIT each; the standard one (ours) does not.
standard = 1 - sum(a["cost"] // UNIT for a in aligned) / sum(a["bwc"] // UNIT for a in aligned)
print(json.dumps({"seconds": secs, "peak_mb": rss, "base_mb": base, "fitness": standard,
                  "log_fitness": fit["log_fitness"],
                  "fitting": fit["percentage_of_fitting_traces"] / 100,
                  "average": fit["average_trace_fitness"]}))
"""

OURS_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[5])
from analytics.conformance.check import check_conformance
from analytics.conformance.model import load_model
from proclens.store import EventStore
store = EventStore.open(sys.argv[1], read_only=True)
model = load_model(sys.argv[2])
budget, total = (float(x) for x in sys.argv[4].split(","))
base = memory_mb("VmRSS")
t = time.perf_counter()
r = check_conformance(store, sys.argv[3], model, budget_s=budget, total_budget_s=total)
secs = time.perf_counter() - t
rss = memory_mb("VmHWM")
print(json.dumps({"seconds": secs, "peak_mb": rss, "base_mb": base, "fitness": r.fitness,
                  "precision": r.precision, "fitting": r.fitting_cases_share,
                  "average": r.average_trace_fitness, "variants": len(r.variants),
                  "fell_back": len(r.fell_back),
                  "fell_back_cases": sum(v.cases for v in r.fell_back)}))
"""


def prepare(log_path: str, noise: float, first: int, folder: Path) -> tuple[Path, Path, str]:
    """Model from the whole log; the store holds both logs; Parquet copies for pm4py."""
    import pm4py

    from proclens.loader import load
    from proclens.store import EventStore
    from tests.conformance_logs import FrameSource

    frame = pm4py.read_xes(log_path, show_progress_bar=False)
    frame = frame[frame["lifecycle:transition"].str.lower() == "complete"]
    # Within a case: by time, ties in file order, the store's order; both sides see it.
    frame = frame.sort_values("time:timestamp", kind="stable").reset_index(drop=True)
    net, im, fm = pm4py.discover_petri_net_inductive(frame, noise_threshold=noise)
    pnml, db = folder / "model.pnml", folder / "store.duckdb"
    pm4py.write_pnml(net, im, fm, str(pnml))
    cases = [str(c) for c in frame["case:concept:name"].unique()]
    subset = frame[frame["case:concept:name"].astype(str).isin(set(cases[:first]))]
    subset_name = f"bpic2012_first{first}"
    with EventStore.open(db) as store:
        load(store, FrameSource(frame, cases), log="bpic2012")
        load(store, FrameSource(subset.reset_index(drop=True), cases[:first]), log=subset_name)
    frame.to_parquet(folder / "bpic2012.parquet")
    subset.to_parquet(folder / f"{subset_name}.parquet")
    silent = sum(t.label is None for t in net.transitions)
    print(
        f"log: {len(cases):,} cases, {len(frame):,} complete events; subset: the first "
        f"{first:,} cases, {len(subset):,} events; inductive miner (noise {noise}): "
        f"{len(net.transitions)} transitions ({silent} silent), {len(net.places)} places"
    )
    return pnml, db, subset_name


def _child(code: str, args: list[str], timeout: float | None = None) -> dict[str, Any]:
    """Run `code` (with memory_mb) in a fresh Python; its last stdout line is the JSON result."""
    done = subprocess.run(
        [sys.executable, "-c", MEMORY + code, *args],
        capture_output=True, text=True, check=True, timeout=timeout,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _ours(db: Path, pnml: Path, log: str, a: argparse.Namespace) -> dict[str, Any]:
    budgets = f"{a.budget},{a.total_budget}"
    r = _child(OURS_CHILD, [str(db), str(pnml), log, budgets, str(ROOT)])
    print(
        f"  ProcLens check_conformance: {r['seconds']:.1f} s, peak RSS {r['peak_mb']:.0f} MB "
        f"({r['base_mb']:.0f} MB before the call), "
        f"{r['variants']:,} variants, fitness {r['fitness']:.6f}, fitting cases "
        f"{r['fitting']:.2%}, average trace fitness {r['average']:.6f}, precision "
        f"{r['precision']:.4f}; {r['fell_back']} variants ({r['fell_back_cases']} cases) "
        "fell back"
    )
    return r


def _pm4py(parquet: Path, pnml: Path, timeout: float) -> dict[str, Any] | None:
    try:
        r = _child(PM4PY_CHILD, [str(parquet), str(pnml)], timeout)
    except subprocess.TimeoutExpired:
        print(f"  pm4py.fitness_alignments: did not finish within {timeout:.0f} s (stopped)")
        return None
    print(
        f"  pm4py.fitness_alignments: {r['seconds']:.1f} s, peak RSS {r['peak_mb']:.0f} MB "
        f"({r['base_mb']:.0f} MB before the call), "
        f"fitness {r['fitness']:.6f} (pm4py's log_fitness, silent moves charged: "
        f"{r['log_fitness']:.6f}), fitting cases {r['fitting']:.2%}, average trace "
        f"fitness {r['average']:.6f}"
    )
    return r


def compare(name: str, db: Path, pnml: Path, parquet: Path, timeout: float,
            a: argparse.Namespace) -> None:  # fmt: skip
    print(f"{name}:")
    ours = _ours(db, pnml, name, a)
    if timeout <= 0:
        print("  pm4py: skipped (timeout 0)")
        return
    theirs = _pm4py(parquet, pnml, timeout)
    if theirs is None:
        print(f"  speed-up at least {timeout / ours['seconds']:.1f}x")
        return
    print(
        f"  speed-up {theirs['seconds'] / ours['seconds']:.1f}x, peak memory ratio (pm4py / "
        f"ProcLens) {theirs['peak_mb'] / ours['peak_mb']:.2f}; fitness difference "
        f"{abs(ours['fitness'] - theirs['fitness']):.2e}, average trace fitness difference "
        f"{abs(ours['average'] - theirs['average']):.2e}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", default=str(DEFAULT_LOG))
    ap.add_argument("--noise", type=float, default=0.2)
    ap.add_argument("--cases", type=int, default=1000, help="first N cases for the subset")
    ap.add_argument("--budget", type=float, default=0.5, help="seconds per variant")
    ap.add_argument("--total-budget", type=float, default=300.0, help="seconds for all variants")
    ap.add_argument("--subset-timeout", type=float, default=1200.0)
    ap.add_argument("--pm4py-timeout", type=float, default=1500.0, help="whole log; 0 skips")
    a = ap.parse_args()
    bound = 2 * a.total_budget + a.subset_timeout + max(a.pm4py_timeout, 0)
    print(
        f"hard bound: ProcLens alignments {a.total_budget:.0f} s per log ({a.budget} s per "
        f"variant), pm4py {a.subset_timeout:.0f} s on the subset and {a.pm4py_timeout:.0f} s "
        f"on the whole log: {bound:.0f} s plus loading and precision"
    )
    folder = Path(tempfile.mkdtemp())
    pnml, db, subset = prepare(a.log, a.noise, a.cases, folder)
    compare(subset, db, pnml, folder / f"{subset}.parquet", a.subset_timeout, a)
    compare("bpic2012", db, pnml, folder / "bpic2012.parquet", a.pm4py_timeout, a)


if __name__ == "__main__":
    main()
