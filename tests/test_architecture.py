"""Layers point one way: dashboards -> analytics -> store; connectors -> store."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

#: package -> top-level packages it must never import
FORBIDDEN = {
    "connectors": {"analytics", "dashboards", "streamlit"},
    "analytics": {"dashboards", "streamlit"},
    "proclens": {"dashboards", "streamlit"},
}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layers_point_one_way(package: str) -> None:
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        # The CLI commands that start the dashboard may name it; nothing else in proclens may.
        if package == "proclens" and path.parent.name == "commands":
            continue
        bad = imported_roots(path) & FORBIDDEN[package]
        if bad:
            offenders.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert offenders == []


def test_the_walker_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("import streamlit as st\nfrom analytics.maps import x\nfrom . import y\n")
    assert imported_roots(sample) == {"streamlit", "analytics"}
