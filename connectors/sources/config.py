"""Sources declared in `proclens.toml`: every key declared once (name, kinds, default, help).

    [sources.invoices]
    kind = "camunda7"
    url = "postgresql+psycopg://camunda:${CAMUNDA_DB_PASSWORD}@db.example/camunda"
    variables = ["amount", "creditor"]

Secrets are written as `${ENV_VAR}` references and resolved only when a source is opened;
`Secrets.scrub` removes their values from any text that may reach the screen or the store.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proclens.errors import ConfigError

SQL_HISTORY = ("camunda7", "flowable", "activiti")
SQL_KINDS = (*SQL_HISTORY, "sql", "oa_approval")
REST_KINDS = ("camunda7_rest", "jira", "github")
KINDS = SQL_KINDS + REST_KINDS
ALL = KINDS


@dataclass(frozen=True)
class Key:
    name: str
    kinds: tuple[str, ...]
    default: Any
    help: str


#: Every key a source table may hold. The README's reference is checked against this list.
KEYS: tuple[Key, ...] = (
    Key("kind", ALL, None, "Source kind: " + ", ".join(KINDS) + "."),
    Key("url", ALL, None, "SQLAlchemy URL (SQL kinds) or base URL of the REST API."),
    Key("log", ALL, None, "Log name in the store (default: the source's name)."),
    Key("schedule", ALL, None, "Hint for schedulers, e.g. 'every 15 minutes'; shown, not run."),
    Key("reread", ALL, "1h", "Re-read window before the cursor, e.g. '30m', '2h', '1d'."),
    Key("tz", ALL, "UTC", "Time zone of timestamps that carry no offset."),
    Key("batch_size", ALL, 5000, "Rows fetched per round trip / page size for REST."),
    Key("timeout", ALL, 30.0, "Seconds to wait for the server before giving up."),
    Key("schema", SQL_KINDS, None, "Database schema (PostgreSQL) holding the tables."),
    Key("variables", (*SQL_HISTORY, "camunda7_rest"), [], "Process variables -> case attributes."),
    Key(
        "skip_types",
        (*SQL_HISTORY, "camunda7_rest"),
        ["exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway"],
        "Activity types (ACT_TYPE_) that are not events.",
    ),
    Key("query", ("sql", "oa_approval"), None, "SELECT statement returning one row per event."),
    Key("table", ("sql", "oa_approval"), None, "Table to read instead of a query."),
    Key("cursor", ("sql", "oa_approval"), None, "Column whose value only grows (change time)."),
    Key("mapping", ("sql", "oa_approval"), {}, "Column roles: case, activity, timestamp, ..."),
    Key("time_column", ("sql", "oa_approval"), None, "Time-of-day column joined to timestamp."),
    Key("user", ("jira",), None, "Jira user (e-mail) for basic authentication."),
    Key("token", REST_KINDS, None, "API token, always as ${ENV_VAR}."),
    Key("jql", ("jira",), "", "JQL filter selecting the issues (no ORDER BY)."),
    Key("repo", ("github",), None, "owner/name of the GitHub repository."),
    Key("retries", REST_KINDS, 5, "Retries after 429/5xx/timeouts, with exponential backoff."),
    Key("backoff", REST_KINDS, 1.0, "First backoff wait in seconds (doubles each retry)."),
    Key("max_wait", REST_KINDS, 300.0, "Longest wait for a rate limit before failing."),
)
KEYS_BY_NAME = {k.name: k for k in KEYS}
REQUIRED = {"kind", "url"}

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass
class Secrets:
    """Values resolved from ${ENV_VAR} references; never shown, stored or logged."""

    values: set[str] = field(default_factory=set)

    def resolve(self, text: str, where: str) -> str:
        def sub(m: re.Match[str]) -> str:
            value = os.environ.get(m.group(1))
            if value is None:
                raise ConfigError(
                    f"{where} uses ${{{m.group(1)}}} but the environment variable "
                    f"{m.group(1)} is not set; export it before pulling"
                )
            if value:
                self.values.add(value)
            return value

        return _ENV_REF.sub(sub, text)

    def scrub(self, text: str) -> str:
        for value in sorted(self.values, key=len, reverse=True):
            text = text.replace(value, "***")
        return text


@dataclass(frozen=True)
class SourceConfig:
    """One `[sources.NAME]` table, validated; values still hold ${ENV_VAR} references."""

    name: str
    values: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.values["kind"])

    @property
    def log(self) -> str:
        return str(self.get("log") or self.name)

    def get(self, key: str) -> Any:
        if key in self.values:
            return self.values[key]
        return KEYS_BY_NAME[key].default

    def resolved(self, key: str, secrets: Secrets) -> str | None:
        value = self.get(key)
        if value is None:
            return None
        return secrets.resolve(str(value), f"source '{self.name}' key '{key}'")

    def reread_seconds(self) -> float:
        return parse_duration(str(self.get("reread")), f"source '{self.name}' key 'reread'")

    def display_url(self) -> str:
        """The URL as written, its password (if written literally) replaced by ***."""
        return redact_url(str(self.values["url"]))


def parse_duration(text: str, where: str) -> float:
    m = _DURATION.match(text)
    if not m:
        raise ConfigError(f"{where}: '{text}' is not a duration; write e.g. '30m', '2h' or '1d'")
    return float(m.group(1)) * _UNIT_S[m.group(2)]


def redact_url(url: str) -> str:
    """scheme://user:secret@host -> scheme://user:***@host (env references stay as written)."""
    return re.sub(r"(://[^:/@]*:)([^@]*)(@)", _redact_password, url)


def _redact_password(m: re.Match[str]) -> str:
    password = m.group(2)
    if _ENV_REF.fullmatch(password):
        return m.group(0)
    return f"{m.group(1)}***{m.group(3)}"


def load_config(path: Path) -> dict[str, SourceConfig]:
    """Read and validate `proclens.toml`; one clear ConfigError for anything wrong."""
    if not path.exists():
        raise ConfigError(
            f"no sources file at {path}; create proclens.toml with a [sources.NAME] table "
            "(see the README section 'Workflow-system sources') or pass --config"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}; fix the file") from None
    sources = data.get("sources", {})
    if not isinstance(sources, dict) or not sources:
        raise ConfigError(f"{path} declares no sources; add a [sources.NAME] table")
    return {name: _check(name, table, path) for name, table in sources.items()}


def _check(name: str, table: Any, path: Path) -> SourceConfig:
    where = f"{path}: source '{name}'"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table ([sources.{name}])")
    missing = sorted(REQUIRED - set(table))
    if missing:
        raise ConfigError(f"{where} lacks {', '.join(missing)}; every source needs kind and url")
    kind = table["kind"]
    if kind not in KINDS:
        raise ConfigError(f"{where}: unknown kind '{kind}'; kinds are: {', '.join(KINDS)}")
    allowed = sorted(k.name for k in KEYS if kind in k.kinds)
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {', '.join(unknown)} for kind {kind}; keys are: "
            + ", ".join(allowed)
        )
    if table.get("token") and not _ENV_REF.search(str(table["token"])):
        raise ConfigError(f"{where}: write the token as ${{ENV_VAR}}, never the secret itself")
    if kind == "sql" and not (table.get("query") or table.get("table")):
        raise ConfigError(f"{where}: a sql source needs 'query' or 'table'")
    return SourceConfig(name, dict(table))
