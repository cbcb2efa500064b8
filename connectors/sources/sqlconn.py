"""Connections to SQL sources and the one place that turns database errors into clear ones.

Every message names the source and what to check, and passes through `Secrets.scrub` so a
password never reaches the screen, the run log or an exception.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from connectors.sources.config import Secrets, SourceConfig
from proclens.errors import ConfigError, SourceError

_UNREACHABLE = (
    "could not connect",
    "connection refused",
    "can't connect",
    "timeout",
    "timed out",
    "name or service not known",
    "could not translate host",
    "no route to host",
)
_CREDENTIALS = (
    "password authentication failed",
    "access denied",
    "authentication failed",
    "no password supplied",
    'role "',
)
_MISSING_TABLE = ("does not exist", "doesn't exist", "no such table", "unknown table")
_LOST = (
    "terminating connection",
    "server closed the connection",
    "lost connection",
    "connection already closed",
    "gone away",
    "consuming input failed",
    "administrator command",
)


class SqlConnection:
    """An SQLAlchemy engine for one configured source, with its secrets."""

    def __init__(self, config: SourceConfig, secrets: Secrets) -> None:
        self.config = config
        self.secrets = secrets
        url = config.resolved("url", secrets)
        assert url is not None
        try:
            parsed = sa.engine.make_url(url)
        except sa.exc.ArgumentError:
            raise ConfigError(
                f"source '{config.name}': url {config.display_url()} is not an SQLAlchemy URL; "
                "write e.g. postgresql+psycopg://user:${PASSWORD}@host:5432/db"
            ) from None
        if parsed.password:
            secrets.values.add(str(parsed.password))
        self.location = parsed.render_as_string(hide_password=True)
        self.dialect = parsed.get_backend_name()
        timeout = float(config.get("timeout"))
        # Each DBAPI names its connect timeout differently; SQLite's has none for connecting.
        args: dict[str, Any] = {}
        if self.dialect in ("postgresql", "mysql", "mariadb"):
            args["connect_timeout"] = int(max(timeout, 1))
        elif self.dialect == "sqlite":
            args["timeout"] = timeout
        self.engine = sa.create_engine(parsed, connect_args=args, poolclass=sa.pool.NullPool)
        self.tz = ZoneInfo(str(config.get("tz")))

    def table(self, name: str) -> str:
        schema = self.config.get("schema")
        return f"{schema}.{name}" if schema else name

    @contextlib.contextmanager
    def connect(self) -> Iterator[sa.Connection]:
        with self.errors("connecting to"):
            con = self.engine.connect()
        try:
            yield con
        finally:
            with contextlib.suppress(Exception):
                con.close()

    def stream(
        self, con: sa.Connection, text: sa.TextClause, params: dict[str, Any], doing: str
    ) -> Iterator[tuple[list[str], Sequence[Any]]]:
        """Run `text` with a server-side cursor, yielding (column names, chunk of rows)."""
        size = int(self.config.get("batch_size"))
        result = None
        try:
            with self.errors(doing):
                result = con.execution_options(stream_results=True, max_row_buffer=size).execute(
                    text, params
                )
                columns = list(result.keys())
                while chunk := result.fetchmany(size):
                    yield columns, chunk
        except BaseException:
            # A broken connection cannot close its server-side cursor: drop the connection
            # first so the cursor closes locally instead of complaining when collected.
            _abandon_unbuffered(result)
            with contextlib.suppress(Exception):
                con.invalidate()
            raise
        finally:
            if result is not None:
                with contextlib.suppress(Exception):
                    result.close()

    def columns(self, con: sa.Connection, table: str) -> list[str]:
        """Upper-case column names of `table`, or a clear error when the table is missing."""
        inspector = sa.inspect(con)
        schema = self.config.get("schema")
        with self.errors(f"reading the tables of {schema or 'the database'} in"):
            names = inspector.get_table_names(schema=schema)
        by_upper = {n.upper(): n for n in names}
        if table.upper() not in by_upper:
            raise SourceError(
                f"source '{self.config.name}': table {table} not found in "
                f"{schema or 'the database'} of {self.location}; check the url and 'schema' "
                "(is this the engine's history database?)"
            )
        with self.errors("reading the columns of " + table + " in"):
            cols = inspector.get_columns(by_upper[table.upper()], schema=schema)
        return [str(c["name"]).upper() for c in cols]

    def to_utc(self, value: Any) -> datetime | None:
        """Naive database times are in the source's `tz`; aware ones keep their offset."""
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if not isinstance(value, datetime):
            raise TypeError(f"not a date-time: {value!r}")
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.tz)
        utc: datetime = value.astimezone(UTC)
        return utc

    def to_source_time(self, value: datetime) -> datetime:
        """A UTC instant as the naive local time the source compares with."""
        return value.astimezone(self.tz).replace(tzinfo=None)

    @contextlib.contextmanager
    def errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except sa.exc.SQLAlchemyError as exc:
            raise SourceError(self.explain(exc, doing)) from None

    def explain(self, exc: BaseException, doing: str) -> str:
        orig = getattr(exc, "orig", None) or exc
        detail = self.secrets.scrub(" ".join(str(orig).split()))[:300]
        low = detail.lower()
        name, where = self.config.name, self.location
        if any(s in low for s in _CREDENTIALS):
            hint = "check the user and password in the url (and the variable it references)"
        elif any(s in low for s in _LOST):
            hint = "the connection was lost while reading; nothing was written, pull again"
        elif any(s in low for s in _UNREACHABLE):
            hint = "check that the server is running and the host and port in the url"
        elif any(s in low for s in _MISSING_TABLE):
            hint = "check the url, the 'schema' key and that the tables and columns exist"
        else:
            hint = "check the url, credentials and the tables the source reads"
        return f"source '{name}': error {doing} {where}: {detail}; {hint}"


def _abandon_unbuffered(result: Any) -> None:
    """PyMySQL's streaming result tries to drain the rest of the rows when it is collected,
    which fails loudly on a dead connection ("Exception ignored in ..." on stderr); after a
    failure there is nothing to drain, so mark it finished."""
    dbapi_cursor = getattr(result, "cursor", None)
    for holder in (dbapi_cursor, getattr(dbapi_cursor, "connection", None)):
        pending = getattr(holder, "_result", None)
        if pending is not None and getattr(pending, "unbuffered_active", False):
            pending.unbuffered_active = False
