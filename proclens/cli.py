"""The `proclens` command. Each sub-command is a module in proclens.commands exposing `command`.

Errors: every ProcLensError becomes one line on stderr and exit status 2; anything else one
line and exit status 1 (PROCLENS_DEBUG=1 shows the traceback). Ctrl+C (SIGINT) and SIGTERM
interrupt the command as an exception, so its cleanup runs (a load rolls back, a partly
written file is removed); they exit with 130 and 143.
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

import click

import proclens.commands
from proclens import __version__
from proclens.errors import ProcLensError, Terminated
from proclens.settings import setting


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="proclens")
def cli() -> None:
    """ProcLens: process mining over a DuckDB event store."""


def _register() -> None:
    for info in sorted(pkgutil.iter_modules(proclens.commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"proclens.commands.{info.name}")
        for name in ("command", "commands"):
            found = getattr(module, name, None)
            for cmd in found if isinstance(found, list | tuple) else [found]:
                if isinstance(cmd, click.Command):
                    cli.add_command(cmd)


_register()


def main(argv: list[str] | None = None) -> int:
    with _sigterm_raises():
        return _run(argv)


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While the command runs, SIGTERM raises Terminated in the main thread (once: a second
    SIGTERM during the cleanup is ignored so the cleanup can finish)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(argv: list[str] | None) -> int:
    try:
        cli.main(args=argv, prog_name="proclens", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("error: interrupted; nothing was changed by the unfinished command", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("error: interrupted; nothing was changed by the unfinished command", err=True)
        return 130
    except Terminated:
        click.echo("error: terminated; nothing was changed by the unfinished command", err=True)
        return 143
    except ProcLensError as exc:
        if setting("debug"):
            raise
        click.echo(f"error: {one_line(str(exc))}", err=True)
        return 2
    except Exception as exc:
        if setting("debug"):
            raise
        click.echo(
            f"error: internal error ({type(exc).__name__}: {one_line(str(exc))}); "
            "rerun with PROCLENS_DEBUG=1 for the traceback and report it",
            err=True,
        )
        return 1
    return 0


def one_line(text: str) -> str:
    return " ".join(text.split())


if __name__ == "__main__":
    sys.exit(main())
