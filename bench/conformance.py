"""Benchmark: variant-based alignments (ProcLens) vs pm4py.fitness_alignments, in one run.

BPI Challenge 2012 (complete events) against an Inductive Miner model (noise threshold 0.2).
Both sides run in their own subprocess on the same PNML; time is the conformance call alone
(ProcLens: check_conformance from the store, including variants SQL, reachability graph,
alignments and precision; pm4py: fitness_alignments on its DataFrame), peak memory is the
subprocess's maximum resident set size. pm4py gets a wall-clock bound, so the whole benchmark
has a hard upper bound; ProcLens' alignment phase is bounded by --total-budget.

    .venv/bin/python bench/conformance.py [--log PATH] [--pm4py-timeout 1800] [--budget 0.5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = next(
    (p / "shared" / "data" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
    ROOT.parent / "shared" / "data",
)
DEFAULT_LOG = SHARED / "logs" / "xes" / "bpic2012_full.xes.gz"

PM4PY_CHILD = r"""
import json, resource, sys, time
import pm4py
log = pm4py.read_xes(sys.argv[1], show_progress_bar=False)
log = log[log["lifecycle:transition"].str.lower() == "complete"]
net, im, fm = pm4py.read_pnml(sys.argv[2])
t = time.perf_counter()
fit = pm4py.fitness_alignments(log, net, im, fm)
secs = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": secs, "fitness": fit, "peak_mb": rss}))
"""

OURS_CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[4])
from analytics.conformance.check import check_conformance
from analytics.conformance.model import load_model
from proclens.store import EventStore
store = EventStore.open(sys.argv[1], read_only=True)
model = load_model(sys.argv[2])
budget, total = (float(x) for x in sys.argv[3].split(","))
t = time.perf_counter()
r = check_conformance(store, "bpic2012", model, budget_s=budget, total_budget_s=total)
secs = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": secs, "peak_mb": rss, "fitness": r.fitness,
                  "precision": r.precision, "fitting": r.fitting_cases_share,
                  "average": r.average_trace_fitness, "variants": len(r.variants),
                  "fell_back": len(r.fell_back),
                  "fell_back_cases": sum(v.cases for v in r.fell_back)}))
"""


def prepare(log_path: str, noise: float, folder: Path) -> tuple[Path, Path]:
    import pm4py

    from proclens.loader import load
    from proclens.store import EventStore
    from tests.conformance_logs import FrameSource

    frame = pm4py.read_xes(log_path, show_progress_bar=False)
    frame = frame[frame["lifecycle:transition"].str.lower() == "complete"].reset_index(drop=True)
    net, im, fm = pm4py.discover_petri_net_inductive(frame, noise_threshold=noise)
    pnml, db = folder / "model.pnml", folder / "store.duckdb"
    pm4py.write_pnml(net, im, fm, str(pnml))
    with EventStore.open(db) as store:
        cases = [str(c) for c in frame["case:concept:name"].unique()]
        load(store, FrameSource(frame, cases), log="bpic2012")
    silent = sum(t.label is None for t in net.transitions)
    print(
        f"log: {len(cases):,} cases, {len(frame):,} complete events; inductive miner "
        f"(noise {noise}): {len(net.transitions)} transitions ({silent} silent), "
        f"{len(net.places)} places"
    )
    return pnml, db


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", default=str(DEFAULT_LOG))
    ap.add_argument("--noise", type=float, default=0.2)
    ap.add_argument("--budget", type=float, default=0.5, help="seconds per variant")
    ap.add_argument("--total-budget", type=float, default=300.0, help="seconds for all variants")
    ap.add_argument("--pm4py-timeout", type=float, default=1800.0)
    args = ap.parse_args()
    pnml, db = prepare(args.log, args.noise, Path(tempfile.mkdtemp()))

    run = [sys.executable, "-c", OURS_CHILD, str(db), str(pnml),
           f"{args.budget},{args.total_budget}", str(ROOT)]  # fmt: skip
    ours = json.loads(subprocess.run(run, capture_output=True, text=True, check=True)
                      .stdout.strip().splitlines()[-1])  # fmt: skip
    print(
        f"ProcLens check_conformance: {ours['seconds']:.1f} s, peak RSS "
        f"{ours['peak_mb']:.0f} MB, {ours['variants']:,} variants, "
        f"fitness {ours['fitness']:.6f}, fitting cases "
        f"{ours['fitting']:.2%}, average trace fitness {ours['average']:.6f}, precision "
        f"{ours['precision']:.4f}; {ours['fell_back']} variants ({ours['fell_back_cases']} "
        f"cases) fell back; alignment bound {args.total_budget:.0f} s"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", PM4PY_CHILD, args.log, str(pnml)],
            capture_output=True, text=True, timeout=args.pm4py_timeout, check=True,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        print(
            f"pm4py.fitness_alignments: did not finish within {args.pm4py_timeout:.0f} s "
            f"(stopped); speed-up at least {args.pm4py_timeout / ours['seconds']:.1f}x"
        )
        return
    theirs = json.loads(done.stdout.strip().splitlines()[-1])
    fit = theirs["fitness"]
    print(
        f"pm4py.fitness_alignments: {theirs['seconds']:.1f} s, peak RSS {theirs['peak_mb']:.0f} "
        f"MB, log_fitness {fit['log_fitness']:.6f}, fitting "
        f"{fit['percentage_of_fitting_traces']:.2f} %, average trace fitness "
        f"{fit['average_trace_fitness']:.6f}"
    )
    print(
        f"speed-up: {theirs['seconds'] / ours['seconds']:.1f}x; average trace fitness "
        f"difference {abs(ours['average'] - fit['average_trace_fitness']):.2e}"
    )


if __name__ == "__main__":
    main()
