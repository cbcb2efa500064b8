"""OCEL 2.0 connector (JSON, XML, SQLite; OCEL 1.0 JSON too): `ocel_source(path, options)`.

The whole object-centric log is read (relations need every object), then offered as a
`MultiLogSource`: rows for the store's `ocel_*` tables plus one flattened log per object type,
named "<log>/<object type>". `proclens ingest` writes all of it in one transaction.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from connectors.base import Source, to_json
from connectors.ocel_flatten import FlatSource, flatten
from connectors.ocel_json import is_ocel_json, read_ocel1_json, read_ocel2_json
from connectors.ocel_model import OcelLog
from connectors.ocel_sqlite import REQUIRED, read_ocel2_sqlite, sqlite_tables
from connectors.ocel_xml import iterparse, read_ocel2_xml, refuse_dtd
from connectors.registry import FileOptions
from proclens.errors import SourceError

FORMATS_HELP = (
    "ProcLens reads XES (.xes, .xes.gz), CSV/TSV (.csv, .tsv, .txt), Excel (.xlsx), Parquet "
    "(.parquet), JSON lines (.jsonl, .ndjson) and OCEL 2.0 (.jsonocel/.json, .xmlocel/.xml, "
    ".sqlite, also gzipped)"
)
OCEL_XML_CHILDREN = frozenset({"object-types", "event-types", "objects", "events"})


@dataclass
class OcelSource:
    """An object-centric log read from `path`, ready to be written to the store."""

    path: Path
    ocel: OcelLog
    kind: str = "ocel"
    position_unit: str = "event"
    _flat: dict[str, FlatSource] = field(default_factory=dict)

    @property
    def location(self) -> str:
        return str(self.path)

    def object_types(self) -> list[str]:
        """Declared types first (declaration order), then types only objects name."""
        seen = dict.fromkeys(self.ocel.object_types)
        seen.update(dict.fromkeys(self.ocel.object_type))
        present = set(self.ocel.object_type)
        return [t for t in seen if t in present]

    def sub_logs(self, log: str) -> list[tuple[str, Source]]:
        if not self._flat:
            self._flat = flatten(self.ocel.tables(), self.object_types(), self.location)
        return [(f"{log}/{otype}", src) for otype, src in self._flat.items()]

    def side_tables(self) -> dict[str, pa.Table]:
        tables = self.ocel.tables()
        tables["ocel_logs"] = pa.table(
            {
                "source": [self.location],
                "source_format": [self.ocel.source_format],
                "types": [to_json(self.ocel.type_declarations())],
            }
        )
        return tables

    def details(self) -> dict[str, Any]:
        return {"format": self.ocel.source_format, "warnings": list(self.ocel.warnings)}


def ocel_source(path: Path, options: FileOptions) -> OcelSource:
    """Read `path` as OCEL; a file of another format is a SourceError saying what it seems."""
    name = path.name.lower()
    try:
        if name.endswith(".sqlite"):
            ocel = _read_sqlite(path, options.tz)
        elif name.endswith((".json", ".json.gz", ".jsonocel")):
            ocel = _read_json(path, options.tz)
        else:
            ocel = _read_xml(path, options.tz)
    except (KeyError, TypeError, AttributeError) as exc:
        raise SourceError(
            f"{path}: malformed OCEL file ({type(exc).__name__}: {exc}); "
            "check it against the OCEL 2.0 schema"
        ) from exc
    return OcelSource(path, ocel)


def _open(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _read_json(path: Path, tz: str) -> OcelLog:
    try:
        with _open(path) as fh:
            text = fh.read().decode("utf-8-sig")
    except (OSError, EOFError) as exc:
        raise SourceError(f"{path}: cannot read the file ({exc}); is it truncated?") from exc
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not UTF-8 text ({exc}); OCEL JSON is UTF-8") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and _looks_like_json_lines(text):
            raise _not_ocel(path, "JSON lines (one record per line); rename it to .jsonl") from exc
        raise SourceError(f"{path}: not valid JSON ({exc}); is the file truncated?") from exc
    version = is_ocel_json(data)
    if version == "2.0":
        return read_ocel2_json(data, tz)
    if version == "1.0":
        return read_ocel1_json(data, tz)
    raise _not_ocel(path, _describe_json(data))


def _looks_like_json_lines(text: str) -> bool:
    lines = [ln for ln in text.splitlines()[:5] if ln.strip()]
    try:
        return len(lines) > 1 and all(isinstance(json.loads(ln), dict) for ln in lines)
    except json.JSONDecodeError:
        return False


def _describe_json(data: Any) -> str:
    if isinstance(data, list):
        return f"a JSON array of {len(data)} items (for event rows use JSON lines, .jsonl)"
    if isinstance(data, dict):
        keys = ", ".join(repr(k) for k in list(data)[:6])
        return f"a JSON object with keys {keys} (OCEL 2.0 has objectTypes, eventTypes, objects...)"
    return f"a single JSON {type(data).__name__}"


def _read_xml(path: Path, tz: str) -> OcelLog:
    _sniff_xml(path)
    try:
        with _open(path) as fh:
            return read_ocel2_xml(fh, tz, str(path))
    except (OSError, EOFError) as exc:
        raise SourceError(f"{path}: cannot read the file ({exc}); is it truncated?") from exc
    except SyntaxError as exc:  # lxml's XMLSyntaxError
        raise SourceError(f"{path}: broken XML ({exc}); is the file truncated?") from exc


def _sniff_xml(path: Path) -> None:
    """Look at the root and its first child only; refuse anything that is not OCEL 2.0 XML."""
    try:
        with _open(path) as fh:
            root, first = None, None
            for _, elem in iterparse(fh, ("start",)):
                if root is None:
                    refuse_dtd(elem, str(path))
                    root = elem
                    continue
                first = elem
                break
    except (OSError, EOFError) as exc:
        raise SourceError(f"{path}: cannot read the file ({exc}); is it truncated?") from exc
    except SyntaxError as exc:
        raise SourceError(f"{path}: not well-formed XML ({exc})") from exc
    if root is None:
        raise SourceError(f"{path}: empty XML document")
    tag = _local(root.tag)
    if tag == "log" and (first is None or _local(first.tag) in OCEL_XML_CHILDREN):
        return
    raise _not_ocel(path, _describe_xml(tag, root, first))


def _describe_xml(tag: str, root: Any, first: Any) -> str:
    if tag == "log" and ("xes" in str(root.tag) or root.get("xes.version") or first is not None):
        return "an XES event log; rename it to .xes"
    if tag == "definitions":
        return "a BPMN model (load models with the conformance commands, not ingest)"
    if tag == "pnml":
        return "a PNML Petri net (a model, not a log)"
    return f"an XML document with root <{tag}>"


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _read_sqlite(path: Path, tz: str) -> OcelLog:
    tables = sqlite_tables(path)
    missing = [t for t in REQUIRED if t not in tables]
    if missing:
        shown = ", ".join(tables[:8]) or "none"
        raise _not_ocel(
            path,
            f"a SQLite database without the OCEL 2.0 tables {', '.join(missing)} "
            f"(its tables: {shown})",
        )
    return read_ocel2_sqlite(path, tz)


def _not_ocel(path: Path, seems: str) -> SourceError:
    return SourceError(f"{path} is not an OCEL log: it seems to be {seems}. {FORMATS_HELP}")
