"""Real database servers for the workflow-source tests, and a TCP proxy the tests can cut.

PostgreSQL on 127.0.0.1:5432 (trust, user postgres, db test) and MariaDB on 127.0.0.1:3306
(root, no password, db test). Each test gets its own schema / database, dropped at the end.
Where a server does not answer the test FAILS naming what is missing (README: "Workflow-system
sources" says how to get one); it never skips.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MARIA_ADMIN = "mysql+pymysql://root@127.0.0.1:3306/test"
HOW = "see README section 'Workflow-system sources' for how to start a local server"


@dataclass
class Database:
    """One throw-away schema (PostgreSQL) or database (MariaDB)."""

    dialect: str
    url: str  # URL the source uses (without a schema for PostgreSQL)
    schema: str | None
    engine: sa.Engine
    port: int

    def url_via(self, port: int) -> str:
        return self.url.replace(f":{self.port}/", f":{port}/")


def _require(admin_url: str, what: str) -> sa.Engine:
    engine = sa.create_engine(admin_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as con:
            con.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        pytest.fail(
            f"{what} is not answering at {admin_url}: {str(exc.orig).splitlines()[0]}; "
            f"these integration tests need it ({HOW})",
            pytrace=False,
        )
    return engine


@contextlib.contextmanager
def postgresql_schema() -> Iterator[Database]:
    name = f"pl_test_{uuid.uuid4().hex[:10]}"
    admin = _require(PG_ADMIN, "PostgreSQL (127.0.0.1:5432, user postgres, db test)")
    with admin.begin() as con:
        con.execute(sa.text(f"CREATE SCHEMA {name}"))
    try:
        yield Database("postgresql", PG_ADMIN, name, admin, 5432)
    finally:
        with admin.begin() as con:
            con.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))


@contextlib.contextmanager
def mariadb_database() -> Iterator[Database]:
    name = f"pl_test_{uuid.uuid4().hex[:10]}"
    admin = _require(MARIA_ADMIN, "MariaDB (127.0.0.1:3306, user root, empty password)")
    with admin.begin() as con:
        con.execute(sa.text(f"CREATE DATABASE {name}"))
    url = MARIA_ADMIN.replace("/test", f"/{name}")
    try:
        yield Database(
            "mariadb", url, None, sa.create_engine(url, poolclass=sa.pool.NullPool), 3306
        )
    finally:
        with admin.begin() as con:
            con.execute(sa.text(f"DROP DATABASE {name}"))


@pytest.fixture(params=["postgresql", "mariadb"])
def database(request: pytest.FixtureRequest) -> Iterator[Database]:
    """The same test on both servers, each in a throw-away schema / database."""
    opened = postgresql_schema() if request.param == "postgresql" else mariadb_database()
    with opened as db:
        yield db


@pytest.fixture
def pg_database() -> Iterator[Database]:
    with postgresql_schema() as db:
        yield db


class TcpProxy:
    """Forwards 127.0.0.1:port to a server; `cut_after` drops every connection after N bytes
    came back from the server, as a server crash or a network failure would."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.from_server = 0
        self.limit: int | None = None
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self._socks += [client, server]
            threading.Thread(target=self._pipe, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, True), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, counted: bool) -> None:
        try:
            while data := src.recv(65536):
                if counted:
                    with self._lock:
                        allowed = len(data)
                        if self.limit is not None:
                            allowed = max(0, min(allowed, self.limit - self.from_server))
                        self.from_server += allowed
                    if allowed < len(data):
                        dst.sendall(data[:allowed])
                        self.cut()
                        return
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            _close(s)

    def cut_after(self, n_bytes: int) -> None:
        with self._lock:
            self.from_server, self.limit = 0, n_bytes

    def cut(self) -> None:
        for s in list(self._socks):
            _close(s)

    def close(self) -> None:
        _close(self.listener)
        self.cut()


def _close(s: socket.socket) -> None:
    with contextlib.suppress(OSError):
        s.shutdown(socket.SHUT_RDWR)
    s.close()


def free_port() -> int:
    """A local port with nothing listening (for 'server unreachable')."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
