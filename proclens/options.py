"""Options shared by several commands, declared once."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from proclens.settings import setting

if TYPE_CHECKING:  # imported where used: `proclens ingest` must not load the analytics stack
    from analytics.calendar import Calendar
    from analytics.filters import Filter

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


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """'1 case', '1,050 cases': a count with its noun, for plain-text output."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


# ---- the analytics filter (analytics.filters.Filter), shared by every analysis command -----

_FILTER_OPTIONS: list[Callable[[Any], Any]] = [
    click.option("--from", "from_", default=None, help="Time window start (ISO date/time)."),
    click.option("--to", "to", default=None, help="Time window end, exclusive (ISO date/time)."),
    click.option(
        "--time-mode",
        type=click.Choice(["intersecting", "started", "completed", "contained"]),
        default="intersecting",
        show_default=True,
        help="Which cases the time window keeps.",
    ),
    click.option("--where", multiple=True, metavar="KEY=VALUE", help="Case attribute equals."),
    click.option("--with-activity", multiple=True, help="Cases that contain this activity."),
    click.option("--without-activity", multiple=True, help="Cases without this activity."),
    click.option("--start-activity", multiple=True, help="Cases that start with it."),
    click.option("--end-activity", multiple=True, help="Cases that end with it."),
    click.option(
        "--variant", multiple=True, help="Cases of this variant: 'A -> B -> C' or a JSON list."
    ),
    click.option("--min-duration", default=None, help="Case duration at least (90s, 4h, 2d)."),
    click.option("--max-duration", default=None, help="Case duration at most (90s, 4h, 2d)."),
    click.option("--resource", multiple=True, help="Cases a resource worked on."),
    click.option("--department", multiple=True, help="Cases a department worked on."),
    click.option(
        "--follows",
        nargs=2,
        multiple=True,
        metavar="A B",
        help="Cases where A directly precedes B.",
    ),
]


def filter_options(f: F) -> F:
    """Add every filter option; the command receives them and calls filter_from_options()."""
    for option in reversed(_FILTER_OPTIONS):
        f = option(f)
    return f


def filter_from_options(kwargs: dict[str, Any]) -> Filter:
    """Pop the filter options out of a command's kwargs and build the Filter."""
    from analytics.filters import Filter

    return Filter(
        start=_instant(kwargs.pop("from_"), "--from"),
        end=_instant(kwargs.pop("to"), "--to"),
        time_mode=kwargs.pop("time_mode"),
        where=tuple(_key_value(w) for w in kwargs.pop("where")),
        with_activity=tuple(kwargs.pop("with_activity")),
        without_activity=tuple(kwargs.pop("without_activity")),
        start_activity=tuple(kwargs.pop("start_activity")),
        end_activity=tuple(kwargs.pop("end_activity")),
        variants=tuple(_variant(v) for v in kwargs.pop("variant")),
        min_duration_s=_duration(kwargs.pop("min_duration"), "--min-duration"),
        max_duration_s=_duration(kwargs.pop("max_duration"), "--max-duration"),
        resources=tuple(kwargs.pop("resource")),
        departments=tuple(kwargs.pop("department")),
        follows=tuple((a, b) for a, b in kwargs.pop("follows")),
    )


def _instant(text: str | None, flag: str) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise click.BadParameter(
            f"'{text}' is not an ISO date/time such as 2024-01-31 or 2024-01-31T08:00+08:00",
            param_hint=flag,
        ) from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise click.BadParameter(f"'{text}' is not KEY=VALUE", param_hint="--where")
    return key, value


def _variant(text: str) -> tuple[str, ...]:
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except ValueError as exc:
            raise click.BadParameter(
                f"'{text}' is not a JSON list", param_hint="--variant"
            ) from exc
        return tuple(str(i) for i in items)
    return tuple(part.strip() for part in stripped.replace("→", "->").split("->"))


_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def _duration(text: str | None, flag: str) -> float | None:
    """'3600', '90s', '30min', '4h', '2.5d', '1w' -> seconds."""
    if text is None:
        return None
    t = text.strip().lower()
    number, unit = t, "s"
    for suffix in sorted(_UNITS, key=len, reverse=True):
        if t.endswith(suffix):
            number, unit = t[: -len(suffix)], suffix
            break
    try:
        return float(number) * _UNITS[unit]
    except ValueError as exc:
        raise click.BadParameter(
            f"'{text}' is not a duration such as 3600, 90s, 30min, 4h, 2d or 1w", param_hint=flag
        ) from exc


def calendar_option(f: F) -> F:
    return click.option(
        "--calendar",
        "calendar_file",
        default=None,
        metavar="FILE",
        help="Working calendar (JSON/YAML) to show times in working time too; 'china' for the "
        "default Chinese mainland calendar.",
    )(f)


def calendar_from_option(value: str | None) -> Calendar | None:
    if value is None:
        return None
    from analytics.calendar import default_calendar, load_calendar

    return default_calendar() if value.lower() == "china" else load_calendar(value)


def engine_option(f: F) -> F:
    """`--engine duckdb|spark` and `--parquet FILE` (the export-log file Spark reads)."""
    f = click.option(
        "--parquet",
        type=click.Path(dir_okay=False),
        default=None,
        help="With --engine spark: the Parquet file written by 'proclens export-log'.",
    )(f)
    return click.option(
        "--engine",
        type=click.Choice(["duckdb", "spark"]),
        default="duckdb",
        show_default=True,
        help="Where the SQL runs: the DuckDB store, or Apache Spark (local mode) over --parquet.",
    )(f)


@contextlib.contextmanager
def open_engine(
    engine: str, db: str | None, log: str | None, parquet: str | None
) -> Iterator[tuple[Any, str]]:
    """(analytics engine, log name) for a command; the store is closed after."""
    if engine == "spark":
        from analytics.spark_engine import SparkEngine

        if not parquet:
            raise click.UsageError(
                "--engine spark reads a Parquet file: pass --parquet FILE "
                "(write one with 'proclens export-log --log NAME --out FILE.parquet')"
            )
        name = log or Path(parquet).stem
        yield SparkEngine(parquet, name), name  # the local session ends with the process
        return
    from analytics.engine import DuckDBEngine
    from proclens.store import EventStore

    with EventStore.open(db, read_only=True) as store:
        yield DuckDBEngine(store), store.require_log(log)
