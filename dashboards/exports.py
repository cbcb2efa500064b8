"""Files the Export page offers. Streamlit-free: the log through the product's own writers
(the same as `proclens export-log`), KPI tables as CSV."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from dashboards.access import read_store

#: format -> file ending
LOG_FORMATS: dict[str, str] = {"XES": ".xes.gz", "CSV": ".csv", "Parquet": ".parquet"}


def log_file(db: Path, log: str, fmt: str) -> tuple[str, bytes]:
    """(file name, bytes) of the whole log in `fmt` (XES, CSV or Parquet)."""
    from connectors.flat_writer import write_flat
    from connectors.xes_writer import write_xes

    name = f"{log}{LOG_FORMATS[fmt]}"
    with tempfile.TemporaryDirectory() as tmp, read_store(db, wait_s=5.0) as store:
        out = Path(tmp) / name
        if fmt == "XES":
            write_xes(store.con, log, out)
        else:
            write_flat(store.con, log, out, fmt.lower())
        return name, out.read_bytes()


def frame_of(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so Excel opens Chinese text correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")
