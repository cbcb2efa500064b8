"""Fixtures of the workflow-source tests: a throw-away database on each real server."""

from tests.sources.servers import database, pg_database

__all__ = ["database", "pg_database"]
