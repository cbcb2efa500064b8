"""Files the Export page offers. Streamlit-free: the log through the product's own writers
(the same as `proclens export-log`), the model discovered from the current view through the
writers of `proclens discover`, KPI tables as CSV."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from analytics.discovery import Miner, discover
from analytics.export.writers import model_bytes
from dashboards.access import read_store
from dashboards.view import Chip, to_filter
from proclens.store import EventStore

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


#: model format -> file ending (the extension picks the writer, as in `proclens discover`)
MODEL_FORMATS: dict[str, str] = {
    "BPMN": ".bpmn", "PNML": ".pnml", "PTML": ".ptml", "SVG": ".svg", "PNG": ".png",
}  # fmt: skip


def model_formats(miner: Miner) -> list[str]:
    """The formats a miner's model can be written in: a process tree (PTML) only from the
    inductive miner."""
    return [f for f in MODEL_FORMATS if f != "PTML" or miner == "inductive"]


def model_files(
    store: EventStore, log: str, chips: tuple[Chip, ...], miner: Miner, noise: float
) -> dict[str, Any]:
    """The model `miner` discovers from the cases of the view, as {"files": {format: bytes},
    "activities": [...], "cases": n}. `noise` is the inductive miner's IMf threshold."""
    model = discover(store, log, miner, noise=noise, flt=to_filter(chips))
    files = {fmt: model_bytes(model, MODEL_FORMATS[fmt]) for fmt in model_formats(miner)}
    return {"files": files, "activities": sorted(model.dfg.activities), "cases": model.dfg.cases}


QUERIES = {"discovered_model": model_files}


def frame_of(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so Excel opens Chinese text correctly."""
    return frame.to_csv(index=False).encode("utf-8-sig")
