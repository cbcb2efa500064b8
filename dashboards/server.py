"""Start the Streamlit server on a store, and build the demo store. Streamlit-free.

`proclens dashboard` and `proclens demo` call these; the browser test and the benchmark too.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from connectors.base import Source
from connectors.registry import FileOptions, default_log_name, open_file
from proclens.errors import SourceError, StoreError
from proclens.loader import file_fingerprint, load
from proclens.store import EventStore

APP = Path(__file__).resolve().parent / "app.py"
SAMPLE_LOGS = Path(__file__).resolve().parent.parent / "sample_logs"
LOG_ENDINGS = (".xes.gz", ".xes", ".csv", ".parquet", ".jsonl")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def streamlit_command(port: int) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--client.toolbarMode", "minimal",
    ]  # fmt: skip


def server_env(db: Path) -> dict[str, str]:
    """The environment the server runs in: the store path, checked to exist."""
    if not db.exists():
        raise StoreError(
            f"no event store at {db}; load a log with 'proclens ingest FILE --db {db}' "
            "or run 'proclens demo'"
        )
    return {**os.environ, "PROCLENS_DB": str(db.resolve())}


def start(db: Path, port: int) -> subprocess.Popen[bytes]:
    """Start the dashboard on `db` as a child process (tests, benchmark)."""
    return subprocess.Popen(streamlit_command(port), env=server_env(db))


def serve(db: Path, port: int) -> None:
    """Become the dashboard server (exec): signals and Ctrl+C reach Streamlit directly."""
    command = streamlit_command(port)
    os.execve(command[0], command, server_env(db))


def sample_files(folder: Path = SAMPLE_LOGS) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.lower().endswith(LOG_ENDINGS))


def build_demo_store(
    db: Path, folder: Path = SAMPLE_LOGS, say: Callable[[str], None] = print
) -> list[str]:
    """Load every log of `folder` into a new store at `db` through the normal ingest.

    The store is built beside `db` and renamed into place only when every log has loaded, so an
    interrupted build leaves nothing half-made behind. Returns the log names.
    """
    files = sample_files(folder)
    if not files:
        raise StoreError(f"no event logs in {folder}; restore sample_logs/ from the repository")
    partial = db.with_name(db.name + ".building")
    partial.unlink(missing_ok=True)
    names: list[str] = []
    try:
        with EventStore.open(partial) as store:
            for path in files:
                say(f"loading {path.name} ...")
                report = load(
                    store,
                    _open(path),
                    log=default_log_name(path),
                    fingerprint=file_fingerprint(path),
                )
                names.append(report.log)
            _keep_checks(store, names, say)
        partial.rename(db)
    finally:
        partial.unlink(missing_ok=True)
    return names


def _keep_checks(store: EventStore, logs: list[str], say: Callable[[str], None]) -> None:
    """Check each log against the bundled model the Conformance page offers it first, and
    keep the results (the page then opens at once)."""
    from dashboards.conformance_view import bundled_models, default_model, keep_check

    models = bundled_models()
    for log in logs:
        k = default_model(models, log)
        if models and models[k].stem.casefold().split("_")[0] in log.casefold():
            say(f"checking {log} against {models[k].name} ...")
            keep_check(store, log, models[k])


def _open(path: Path) -> Source:
    try:
        return open_file(path, FileOptions())
    except ModuleNotFoundError as exc:
        raise SourceError(
            f"{path.name}: this build has no connector for it (module {exc.name} is missing); "
            "update ProcLens or load another file with 'proclens ingest'"
        ) from exc
