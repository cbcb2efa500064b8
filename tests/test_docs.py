"""The README is the front door: every setting and every CLI command is documented."""

from __future__ import annotations

import re

import click

from proclens.cli import cli
from proclens.settings import SETTINGS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme() -> None:
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in README]
    assert missing == []


def test_every_cli_command_is_in_the_readme() -> None:
    documented = set(re.findall(r"`proclens ([a-z][a-z-]*)", README))
    commands = cli.list_commands(click.Context(cli))
    assert len(commands) > 10
    assert set(commands) - documented == set()


def test_readme_names_the_two_commands_and_ci_runs_the_test_one() -> None:
    assert "make demo" in README
    assert "make test" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.MULTILINE)
