from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from proclens.loader import load
from proclens.store import EventStore
from tests.conftest import SAMPLE_LOGS
from tests.frames import FrameSource, read_xes_frame

#: The logs of the dashboard's sample store (small enough for a quick session fixture).
SAMPLE_FILES = ("sepsis_cases.xes.gz", "RequestForPayment.xes.gz")


def build_sample_store(db: Path) -> None:
    """Through the product's ingest when the XES connector exists, else via pm4py.read_xes."""
    if importlib.util.find_spec("connectors.xes") is not None:
        from dashboards.server import build_demo_store

        folder = db.parent / "logs"
        folder.mkdir()
        for name in SAMPLE_FILES:
            (folder / name).symlink_to(SAMPLE_LOGS / name)
        build_demo_store(db, folder, say=lambda _text: None)
        return
    with EventStore.open(db) as store:
        for name in SAMPLE_FILES:
            frame = read_xes_frame(SAMPLE_LOGS / name)
            load(store, FrameSource(frame), log=name.removesuffix(".xes.gz"))


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    build_sample_store(db)
    return db


@pytest.fixture
def sample_env(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PROCLENS_DB", str(sample_db))
    return sample_db
