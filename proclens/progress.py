"""A progress bar on stderr, quiet when disabled (under --json or when not a terminal)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)


def progress_columns(unit: str = "bytes") -> tuple[ProgressColumn, ...]:
    """Bytes read (a file being loaded), or `done/total unit` for counted items (variants)."""
    counter: tuple[ProgressColumn, ...] = (
        (DownloadColumn(),) if unit == "bytes" else (MofNCompleteColumn(), TextColumn(unit))
    )
    return (TextColumn("{task.description}"), BarColumn(), *counter, TimeRemainingColumn())


@contextlib.contextmanager
def progress_bar(
    label: str, *, enabled: bool, unit: str = "bytes"
) -> Iterator[Callable[[int, int | None], None]]:
    if not enabled:
        yield lambda done, total: None
        return
    columns = progress_columns(unit)
    with Progress(*columns, transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield advance
