"""The log-level part of an XES file: extensions, globals, classifiers and log attributes."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any

from connectors.xes_values import local_name, put


@dataclass
class LogHeader:
    """Collected while streaming; `to_json()` is what the store keeps in `logs.attributes`."""

    root: dict[str, str] = field(default_factory=dict)
    extensions: list[dict[str, str]] = field(default_factory=list)
    globals: dict[str, dict[str, Any]] = field(default_factory=dict)
    classifiers: list[dict[str, Any]] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)

    def add_root(self, root: Any) -> None:
        self.root = {str(k): str(v) for k, v in root.attrib.items()}

    def add(self, elem: Any) -> None:
        """One direct child of <log> that is not a trace."""
        kind = local_name(elem.tag)
        if kind == "extension":
            self.extensions.append({k: str(v) for k, v in elem.attrib.items()})
        elif kind == "global":
            scope = elem.get("scope") or "event"
            target = self.globals.setdefault(scope, {})
            for child in elem:
                if child.get("key") is not None:
                    put(target, child.get("key"), child)
        elif kind == "classifier":
            keys = elem.get("keys") or ""
            self.classifiers.append(
                {"name": elem.get("name"), "keys": _keys(keys), "scope": elem.get("scope")}
            )
        elif elem.get("key") is not None and kind != "trace":
            put(self.attributes, elem.get("key"), elem)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"attributes": self.attributes}
        if self.root:
            out["xes"] = self.root
        if self.extensions:
            out["extensions"] = self.extensions
        if self.globals:
            out["globals"] = self.globals
        if self.classifiers:
            out["classifiers"] = self.classifiers
        return out


def _keys(text: str) -> list[str]:
    """Classifier keys: space separated, a key with spaces in single quotes."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()
