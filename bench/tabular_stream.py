"""CSV streaming: rows per second and peak memory of the tabular connector against pandas +
pm4py.format_dataframe, on a generated OA-style CSV at two sizes (peak memory should stay flat).

    .venv/bin/python bench/tabular_stream.py [ROWS]      # ROWS and 4 x ROWS (default 250,000)

Each measurement runs in a fresh process so peak RSS belongs to that reader alone.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ACTS = ("提交申请", "部门审批", "财务审核", "付款", "驳回")

OURS = """
import resource, sys, time
from pathlib import Path
from connectors.registry import FileOptions, open_file
import connectors.tabular
t = time.perf_counter(); n = 0
for batch in open_file(Path(sys.argv[1]), FileOptions()).batches():
    n += batch.rows_read
print(n, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""

PM4PY = """
import resource, sys, time
import pandas as pd, pm4py
t = time.perf_counter()
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
df["操作时间"] = pd.to_datetime(df["操作时间"], format="ISO8601")
df = pm4py.format_dataframe(
    df, case_id="流程编号", activity_key="节点名称", timestamp_key="操作时间"
)
print(len(df), time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def generate(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("流程编号,节点名称,操作时间,操作人,部门,金额\n")
        for i in range(rows):
            fh.write(
                f"BX-{i // 5},{ACTS[i % 5]},2024-0{1 + i % 9}-{1 + i % 28:02d} "
                f"{i % 24:02d}:{i % 60:02d}:{i % 60:02d}.{i % 1000:03d},u{i % 50},d{i % 7},"
                f"{i % 997}.5\n"
            )


def measure(script: str, path: Path) -> tuple[int, float, float]:
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True, text=True, check=True, cwd=root,
    ).stdout.split()  # fmt: skip
    return int(out[-3]), float(out[-2]), float(out[-1])


def main() -> None:
    base = int(sys.argv[1]) if len(sys.argv) > 1 else 250_000
    with tempfile.TemporaryDirectory() as tmp:
        for rows in (base, 4 * base):
            path = Path(tmp) / f"oa_{rows}.csv"
            generate(path, rows)
            n, secs, mem = measure(OURS, path)
            pn, psecs, pmem = measure(PM4PY, path)
            assert n == pn == rows
            print(
                f"{rows:>10,} rows: proclens {n / secs:>9,.0f} rows/s, peak {mem:>6,.0f} MB | "
                f"pandas+pm4py {pn / psecs:>9,.0f} rows/s, peak {pmem:>6,.0f} MB | "
                f"speed x{psecs / secs:.2f}, memory {mem / pmem:.0%} of pm4py's"
            )


if __name__ == "__main__":
    main()
