"""Benchmark: variant-based alignments (ProcLens) vs pm4py.fitness_alignments, in one run.

BPI Challenge 2012 (complete events) against an Inductive Miner model (noise threshold 0.2).
ProcLens runs in this process; pm4py runs in a subprocess with a wall-clock bound, so the
benchmark itself has a hard upper bound. Peak memory: tracemalloc for ProcLens (Python heap),
ru_maxrss of the subprocess for pm4py.

    .venv/bin/python bench/conformance.py [--log PATH] [--pm4py-timeout 1200] [--budget 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", default=str(DEFAULT_LOG))
    ap.add_argument("--noise", type=float, default=0.2)
    ap.add_argument("--budget", type=float, default=0.5, help="seconds per variant")
    ap.add_argument("--total-budget", type=float, default=120.0, help="seconds for all variants")
    ap.add_argument("--pm4py-timeout", type=float, default=1200.0)
    args = ap.parse_args()

    import pm4py

    from analytics.conformance.check import check_conformance
    from analytics.conformance.model import ProcessModel
    from proclens.loader import load
    from proclens.store import EventStore
    from tests.conformance_logs import FrameSource

    frame = pm4py.read_xes(args.log, show_progress_bar=False)
    frame = frame[frame["lifecycle:transition"].str.lower() == "complete"].reset_index(drop=True)
    net, im, fm = pm4py.discover_petri_net_inductive(frame, noise_threshold=args.noise)
    pnml = Path(tempfile.mkdtemp()) / "model.pnml"
    pm4py.write_pnml(net, im, fm, str(pnml))
    store = EventStore.in_memory()
    cases = [str(c) for c in frame["case:concept:name"].unique()]
    load(store, FrameSource(frame, cases), log="bpic2012")
    model = ProcessModel(str(pnml), "pnml", net, im, fm)
    print(
        f"log: {len(cases):,} cases, {len(frame):,} complete events; model: "
        f"{len(net.transitions)} transitions ({sum(t.label is None for t in net.transitions)} "
        f"silent), {len(net.places)} places, {len(model.graph.markings)} reachable markings"
    )

    tracemalloc.start()
    began = time.perf_counter()
    ours = check_conformance(
        store, "bpic2012", model, budget_s=args.budget, total_budget_s=args.total_budget
    )
    ours_s = time.perf_counter() - began
    ours_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    n_var = len(ours.variants)
    print(
        f"ProcLens: {ours_s:.1f} s, peak {ours_mb:.0f} MB (Python heap), {n_var:,} variants, "
        f"fitness {ours.fitness:.6f}, fitting cases {ours.fitting_cases_share:.2%}, "
        f"average trace fitness {ours.average_trace_fitness:.6f}, "
        f"fell back {len(ours.fell_back)} variants ({sum(v.cases for v in ours.fell_back)} cases); "
        f"alignment time bound {args.total_budget:.0f} s (per variant {args.budget} s)"
    )

    try:
        done = subprocess.run(
            [sys.executable, "-c", PM4PY_CHILD, args.log, str(pnml)],
            capture_output=True, text=True, timeout=args.pm4py_timeout, check=True,
        )  # fmt: skip
        theirs = json.loads(done.stdout.strip().splitlines()[-1])
        fit = theirs["fitness"]
        print(
            f"pm4py.fitness_alignments: {theirs['seconds']:.1f} s, peak {theirs['peak_mb']:.0f} "
            f"MB (process RSS), log_fitness {fit['log_fitness']:.6f}, fitting "
            f"{fit['percentage_of_fitting_traces']:.2f} %, average trace fitness "
            f"{fit['average_trace_fitness']:.6f}"
        )
        print(f"speed-up: {theirs['seconds'] / ours_s:.1f}x")
    except subprocess.TimeoutExpired:
        print(
            f"pm4py.fitness_alignments: did not finish within {args.pm4py_timeout:.0f} s "
            f"(stopped); speed-up at least {args.pm4py_timeout / ours_s:.1f}x"
        )


if __name__ == "__main__":
    main()
