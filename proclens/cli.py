"""The `proclens` command. Each sub-command is a module in proclens.commands exposing `command`
(or a list `commands`), named in COMMANDS and imported only when it runs, so `proclens ingest`
loads what ingest needs and not the analytics, dashboards or pandas stacks of other commands.

Errors: every ProcLensError becomes one line on stderr and exit status 2; anything else one
line and exit status 1 (PROCLENS_DEBUG=1 shows the traceback). Ctrl+C (SIGINT) and SIGTERM
interrupt the command as an exception, so its cleanup runs (a load rolls back, a partly
written file is removed); they exit with 130 and 143.
"""

from __future__ import annotations

import contextlib
import importlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

import click

from proclens import __version__
from proclens.errors import ProcLensError, Terminated
from proclens.settings import setting

#: command name -> module in proclens.commands defining it (tests/test_cli.py checks both ways)
COMMANDS = {
    "bottlenecks": "bottlenecks",
    "conform": "conform",
    "cycle-times": "cycle_times",
    "dashboard": "dashboard",
    "demo": "dashboard",
    "discover": "discover",
    "export-log": "export_log",
    "generate": "generate",
    "ingest": "ingest",
    "logs": "logs",
    "map": "map",
    "model-info": "conform",
    "ocel-info": "ocel_info",
    "opportunities": "bottlenecks",
    "pull": "sources",
    "rejected": "rejected",
    "report": "report",
    "sources": "sources",
    "stats": "stats",
    "suggest-mapping": "conform",
    "variants": "variants",
}


def module_commands(module_name: str) -> list[click.Command]:
    """The click commands a module of proclens.commands defines (`command` or `commands`)."""
    module = importlib.import_module(f"proclens.commands.{module_name}")
    found: list[click.Command] = []
    for attr in ("command", "commands"):
        value = getattr(module, attr, None)
        for cmd in value if isinstance(value, list | tuple) else [value]:
            if isinstance(cmd, click.Command):
                found.append(cmd)
    return found


class LazyGroup(click.Group):
    """A group whose sub-commands are imported from COMMANDS when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            for cmd in module_commands(COMMANDS[cmd_name]):
                self.commands.setdefault(cmd.name or cmd_name, cmd)
        return self.commands.get(cmd_name)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="proclens")
def cli() -> None:
    """ProcLens: process mining over a DuckDB event store."""


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
    except click.UsageError as exc:  # a wrong flag or value: one line, like every other error
        where = exc.ctx.command_path if exc.ctx is not None else "proclens"
        what = one_line(exc.format_message()).rstrip(".")
        click.echo(f"error: {what}; see '{where} --help'", err=True)
        return exc.exit_code
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
