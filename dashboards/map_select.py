"""The process map's click: figures of the clicked activity or path, and the filter chip for it.

Streamlit-free: takes the selection event's points and the map, returns what to show.
"""

from __future__ import annotations

from typing import Any

from dashboards.view import ARROW, Chip


def clicked(points: list[dict[str, Any]]) -> list[str] | None:
    """The customdata of the first clicked node or path label, if any."""
    for point in points:
        data = point.get("customdata")
        if isinstance(data, list | tuple) and data and data[0] in ("node", "edge"):
            return [str(x) for x in data]
    return None


def figures(pmap: dict[str, Any], target: list[str]) -> dict[str, Any] | None:
    """The map's row for the clicked activity or path (None for the start/end markers)."""
    if target[0] == "node":
        return next((n for n in pmap["nodes"] if n["activity"] == target[1]), None)
    return next(
        (e for e in pmap["edges"] if [e["source"], e["target"]] == target[1:]),
        None,
    )


def chip_for(target: list[str]) -> Chip:
    if target[0] == "node":
        return Chip("with", target[1])
    return Chip("follows", f"{target[1]}{ARROW}{target[2]}")
