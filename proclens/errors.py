"""One exception base for ProcLens. Every message says what was wrong and what to do next."""

from __future__ import annotations


class ProcLensError(Exception):
    """Base of every error ProcLens raises on purpose; the CLI prints it as one line."""


class StoreError(ProcLensError):
    """The event store cannot be opened, read or written."""


class StoreNeedsUpgradeError(StoreError):
    """A store written by an older ProcLens, opened read-only: it must be opened once for
    writing (which upgrades it) before it can be read."""


class LogNotFoundError(StoreError):
    """A --log name that is not in the store."""


class MappingError(ProcLensError):
    """A column mapping that does not fit the source (unknown column, missing required role)."""


class SourceError(ProcLensError):
    """A file or system that cannot be read: unreadable, truncated, wrong encoding, unreachable."""


class RejectedRowsError(ProcLensError):
    """Raised under --strict when any row would be rejected."""


class ModelError(ProcLensError):
    """A process model (BPMN, PNML) that cannot be imported or translated faithfully."""


class ConfigError(ProcLensError):
    """A configuration file (sources, rules, calendar, mapping) that is invalid."""


class Terminated(BaseException):
    """SIGTERM arrived. Raised in the main thread (like KeyboardInterrupt for Ctrl+C) so the
    command's cleanup runs: transactions roll back, partly written files are removed."""


class ReportError(ProcLensError):
    """A report that cannot be written, e.g. a PDF without a headless Chromium to print it."""
