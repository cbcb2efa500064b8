"""Ingest benchmark: `proclens ingest` against `pm4py.read_xes`, in one run.

    .venv/bin/python bench/ingest.py [--bpic PATH] [--sizes 1000000,5000000] [--keep DIR]

For BPIC 2012 and for generated XES files (BPIC 2012 traces replicated under new case ids,
written streaming into a temporary folder and deleted afterwards), each tool runs in its own
subprocess; wall time and the child's peak resident memory (os.wait4 rusage) are measured.
pm4py gets a time limit and an address-space cap so it fails clearly instead of hanging or
taking the machine down; a failure is printed as such. Prints events/second, peak RSS and
the ratios ProcLens / pm4py.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import gzip
import json
import multiprocessing as mp
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BPIC = ROOT.parent / "shared" / "data" / "logs" / "xes" / "bpic2012_full.xes.gz"
PROCLENS = str(Path(sys.executable).with_name("proclens"))
PM4PY = "import sys, pm4py\ndf = pm4py.read_xes(sys.argv[1])\nprint(len(df))\n"


@dataclass
class Run:
    ok: bool
    seconds: float
    peak_mb: float
    events: int
    note: str = ""


def measure(
    cmd: list[str], *, timeout: float, mem_cap_gb: float | None, env: dict[str, str]
) -> Run:
    """Run `cmd`; wall time, peak RSS of the child (wait4), its stdout's last line."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    out_chunks: list[bytes] = []
    err_chunks: list[bytes] = []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()))
               for s, b in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))]  # fmt: skip
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    timer.cancel()
    for r in readers:
        r.join()
    peak = usage.ru_maxrss / 1024
    out = b"".join(out_chunks).decode(errors="replace").strip()
    err = b"".join(err_chunks).decode(errors="replace").strip()
    if proc.returncode != 0:
        killed = seconds >= timeout
        why = f"killed after the {timeout:.0f} s limit" if killed else _reason(err, mem_cap_gb)
        return Run(False, seconds, peak, 0, why)
    return Run(True, seconds, peak, _events(out))


def _reason(err: str, cap: float | None) -> str:
    if "MemoryError" in err or "std::bad_alloc" in err or "Cannot allocate" in err:
        return f"out of memory (address space capped at {cap:g} GB)"
    lines = [line for line in err.splitlines() if line.strip()]
    return "failed: " + (lines[-1][:120] if lines else "no message")


def _events(out: str) -> int:
    try:
        return int(json.loads(out)["read"])
    except (ValueError, KeyError, TypeError):
        return int(out.splitlines()[-1])


# ---- generated logs -----------------------------------------------------------------------

_TRACE = re.compile(rb"<trace>.*?</trace>", re.S)
_NAME = re.compile(rb'(<string key="concept:name" value=")([^"]*)(")')


def generate(bpic: Path, events: int, out: Path) -> int:
    """Write an XES of at least `events` events: BPIC 2012 traces repeated with new case ids."""
    text = gzip.decompress(bpic.read_bytes())
    first = text.index(b"<trace>")
    head, traces = text[:first], _TRACE.findall(text)
    sizes = [t.count(b"<event>") for t in traces]
    written = n = 0
    with gzip.open(out, "wb", compresslevel=1) as fh:
        fh.write(head)
        while written < events:
            for trace, size in zip(traces, sizes, strict=True):
                n += 1
                fh.write(_NAME.sub(rb"\g<1>gen-%d\g<3>" % n, trace, count=1) + b"\n")
                written += size
                if written >= events:
                    break
        fh.write(b"</log>\n")
    return written


def generate_apart(bpic: Path, events: int, out: Path) -> int:
    """`generate` in a process of its own. A child's peak resident set (wait4) counts the
    pages it shared with this process when it was forked, so this one must stay small: with
    BPIC 2012 decompressed here, every measured peak grew by this process's size (~110 MB)."""
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(generate, bpic, events, out).result()


def _own_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# ---- report -------------------------------------------------------------------------------


def _fmt(run: Run) -> tuple[str, str, str]:
    if not run.ok:
        return "-", f"{run.peak_mb:,.0f}", run.note
    return f"{run.events / run.seconds:,.0f}", f"{run.peak_mb:,.0f}", f"{run.seconds:,.1f}"


def report(rows: list[tuple[str, int, Run, Run]]) -> None:
    head = ("log", "events", "tool", "events/s", "peak RSS MB", "seconds")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for name, events, ours, theirs in rows:
        for tool, run in (("proclens ingest", ours), ("pm4py.read_xes", theirs)):
            print(f"| {name} | {events:,} | {tool} | " + " | ".join(_fmt(run)) + " |")
    print()
    print("| log | speed proclens/pm4py | peak memory proclens/pm4py |")
    print("|---|---|---|")
    for name, _, ours, theirs in rows:
        if ours.ok and theirs.ok:
            speed = (ours.events / ours.seconds) / (theirs.events / theirs.seconds)
            print(f"| {name} | {speed:.2f}x | {ours.peak_mb / theirs.peak_mb:.0%} |")
        else:
            print(f"| {name} | pm4py: {theirs.note} | proclens {ours.peak_mb:,.0f} MB |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bpic", type=Path, default=BPIC, help="BPIC 2012 .xes.gz")
    ap.add_argument("--sizes", default="1000000,5000000", help="generated log sizes (events)")
    ap.add_argument("--pm4py-timeout", type=float, default=1800.0, help="seconds")
    ap.add_argument("--pm4py-mem-gb", type=float, default=12.0, help="address-space cap")
    ap.add_argument("--keep", type=Path, default=None, help="folder for generated logs")
    args = ap.parse_args()
    if not args.bpic.exists():
        sys.exit(f"{args.bpic} not found; pass --bpic PATH to bpic2012_full.xes.gz")
    env = {**os.environ, "PM4PY_SHOW_PROGRESS_BAR": "False", "PYTHONWARNINGS": "ignore"}
    rows: list[tuple[str, int, Run, Run]] = []
    with tempfile.TemporaryDirectory(dir=args.keep) as tmp:
        logs = [("BPIC 2012", args.bpic)]
        for size in (int(s) for s in args.sizes.split(",") if s):
            path = Path(tmp) / f"generated_{size}.xes.gz"
            n = generate_apart(args.bpic, size, path)
            print(f"generated {path.name}: {n:,} events, {path.stat().st_size / 1e6:,.0f} MB",
                  file=sys.stderr)  # fmt: skip
            logs.append((f"generated {n / 1e6:.1f}M", path))
        print(f"this process: {_own_rss_mb():.0f} MB resident (a floor of every child's peak)",
              file=sys.stderr)  # fmt: skip
        for name, path in logs:
            db = Path(tmp) / "bench.duckdb"
            for f in (db, db.with_name(db.name + ".wal")):
                f.unlink(missing_ok=True)
            ours = measure([PROCLENS, "ingest", str(path), "--db", str(db), "--log", "b",
                            "--json"], timeout=7200, mem_cap_gb=None, env=env)  # fmt: skip
            theirs = measure(
                [sys.executable, "-c", PM4PY, str(path)],
                timeout=args.pm4py_timeout,
                mem_cap_gb=args.pm4py_mem_gb,
                env=env,
            )
            print(f"{name}: proclens {ours}, pm4py {theirs}", file=sys.stderr)
            rows.append((name, ours.events or theirs.events, ours, theirs))
    report(rows)


if __name__ == "__main__":
    main()
