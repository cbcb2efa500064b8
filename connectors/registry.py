"""Which connector reads which file, by file name ending. Factories are imported lazily."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from connectors.base import Source
from proclens.errors import SourceError


@dataclass(frozen=True)
class FileOptions:
    """Everything the CLI or the dashboard can say about how to read a file."""

    case: str | None = None
    activity: str | None = None
    timestamp: str | None = None
    start_timestamp: str | None = None
    resource: str | None = None
    department: str | None = None
    lifecycle: str | None = None
    instance: str | None = None
    attributes: tuple[str, ...] | None = None
    case_attributes: tuple[str, ...] = ()
    timestamp_format: str | None = None
    dayfirst: bool = False
    tz: str = "UTC"
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None
    batch_size: int = 50_000


#: file ending -> "module:factory"; the factory takes (path, FileOptions) and returns a Source.
FILE_CONNECTORS: dict[str, str] = {
    ".xes": "connectors.xes:XesSource",
    ".xes.gz": "connectors.xes:XesSource",
    ".csv": "connectors.tabular:csv_source",
    ".csv.gz": "connectors.tabular:csv_source",
    ".tsv": "connectors.tabular:csv_source",
    ".txt": "connectors.tabular:csv_source",
    ".xlsx": "connectors.tabular:excel_source",
    ".parquet": "connectors.tabular:parquet_source",
    ".jsonl": "connectors.tabular:jsonl_source",
    ".ndjson": "connectors.tabular:jsonl_source",
    ".jsonocel": "connectors.ocel:ocel_source",
    ".xmlocel": "connectors.ocel:ocel_source",
    ".sqlite": "connectors.ocel:ocel_source",
    ".json": "connectors.ocel:ocel_source",
    ".json.gz": "connectors.ocel:ocel_source",
    ".xml": "connectors.ocel:ocel_source",
    ".xml.gz": "connectors.ocel:ocel_source",
}


def file_kind(path: Path) -> str:
    name = path.name.lower()
    for ending in sorted(FILE_CONNECTORS, key=len, reverse=True):
        if name.endswith(ending):
            return ending
    known = ", ".join(sorted(FILE_CONNECTORS))
    raise SourceError(f"{path}: unknown file type; ProcLens reads files ending in {known}")


def open_file(path: Path, options: FileOptions) -> Source:
    """The connector for `path`, chosen by its ending; a missing file is a SourceError."""
    if not path.exists():
        raise SourceError(f"{path}: no such file")
    if path.is_dir():
        raise SourceError(f"{path} is a folder; give the path of a log file")
    target = FILE_CONNECTORS[file_kind(path)]
    module_name, factory_name = target.split(":")
    factory = getattr(importlib.import_module(module_name), factory_name)
    source: Source = factory(path, options)
    return source


def default_log_name(path: Path) -> str:
    name = path.name
    for ending in sorted(FILE_CONNECTORS, key=len, reverse=True):
        if name.lower().endswith(ending):
            return name[: -len(ending)]
    return path.stem
