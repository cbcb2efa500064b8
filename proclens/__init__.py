"""ProcLens: a process-mining cockpit over a DuckDB event store."""

__version__ = "0.1.0"
