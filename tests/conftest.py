from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from proclens.store import EventStore

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLE_LOGS = ROOT / "sample_logs"
SHARED = ROOT.parent / "shared" / "data"


@pytest.fixture
def store() -> Iterator[EventStore]:
    s = EventStore.in_memory()
    yield s
    s.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.duckdb"
