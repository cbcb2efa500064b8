"""proclens dashboard / proclens demo: open the Streamlit dashboard on a store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dashboards.server import build_demo_store, serve, server_env
from proclens.errors import StoreNeedsUpgradeError
from proclens.options import db_option
from proclens.settings import default_db_path
from proclens.store import EventStore


def ready_for_readers(db: Path) -> bool:
    """Make a store of an older ProcLens readable by the (read-only) dashboard by opening it
    once for writing, which upgrades it; True when it had to."""
    try:
        EventStore.open(db, read_only=True).close()
    except StoreNeedsUpgradeError:
        EventStore.open(db).close()
        return True
    return False


def _serve(db: Path, port: int) -> None:
    server_env(db)  # fails with a clear message before anything starts
    if ready_for_readers(db):
        click.echo(f"added the stored case order to the logs of {db}", err=True)
    click.echo(f"ProcLens dashboard on {db}: http://localhost:{port}  (Ctrl+C stops it)")
    sys.stdout.flush()
    serve(db, port)


@click.command("dashboard")
@db_option
@click.option("--port", default=8501, show_default=True, help="Port to serve on.")
def dashboard(db: str | None, port: int) -> None:
    """Start the dashboard on the store (opened read-only) and print its URL."""
    _serve(Path(db) if db else default_db_path(), port)


@click.command("demo")
@db_option
@click.option("--port", default=8501, show_default=True, help="Port to serve on.")
def demo(db: str | None, port: int) -> None:
    """Build the store from sample_logs/ if it does not exist, then start the dashboard."""
    path = Path(db) if db else default_db_path()
    if not path.exists():
        names = build_demo_store(path, say=lambda text: click.echo(text, err=True))
        click.echo(f"built {path} with {len(names)} logs: {', '.join(names)}", err=True)
    _serve(path, port)


commands = [dashboard, demo]
