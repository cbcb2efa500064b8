"""Options shared by several commands, declared once."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

from proclens.settings import setting

F = TypeVar("F", bound=Callable[..., Any])


def db_option(f: F) -> F:
    return click.option(
        "--db",
        type=click.Path(dir_okay=False),
        default=None,
        help=f"Event store file (default: $PROCLENS_DB or {setting('db')}).",
    )(f)


def log_option(f: F) -> F:
    return click.option(
        "--log", "log", default=None, help="Log name in the store (optional if there is one)."
    )(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")(f)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
