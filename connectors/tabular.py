"""Tabular event logs: CSV/TSV, Excel (.xlsx), Parquet and JSON lines, one mapping model.

Each factory takes (path, FileOptions) and returns a Source. The mapping (flags, then names
suggested by `connectors.suggest`) is resolved when the source is opened, so a wrong column
fails before anything is written. `preview_file` shows the first rows and the suggestion.

>>> from connectors.registry import FileOptions
>>> src = csv_source(Path("tests/data/15-gbk-csv-chinese-activities/input.csv"), FileOptions())
>>> src.mapping.case, src.details()["encoding"]
('单号', 'gb18030')
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from connectors.base import Batch, Mapping
from connectors.batching import BatchBuilder, Column, RawChunk
from connectors.csv_reader import CsvReader
from connectors.readers import ExcelReader, JsonlReader, ParquetReader
from connectors.registry import FileOptions
from connectors.suggest import build_mapping, suggest_mapping, suggestion_report
from proclens.errors import MappingError


class Reader(Protocol):
    columns: list[str]
    text_values: bool

    def chunks(self) -> Iterator[RawChunk]: ...

    def details(self) -> dict[str, Any]: ...

    def total_size(self) -> int | None: ...


class TabularSource:
    """A tabular file read in chunks of `options.batch_size` rows."""

    def __init__(self, kind: str, path: Path, options: FileOptions, reader: Reader) -> None:
        self.kind = kind
        self.location = str(path)
        self.position_unit = "line" if kind == "jsonl" else "row"
        self.options = options
        self.reader = reader
        self.mapping: Mapping = build_mapping(reader.columns, options, str(path))
        self.builder = BatchBuilder(
            self.mapping,
            self.position_unit,
            text_values=reader.text_values,
            other_columns=options.attributes is None,
        )

    def batches(self) -> Iterator[Batch]:
        for chunk in self.reader.chunks():
            yield self.builder.build(chunk)

    def mapping_json(self) -> dict[str, Any]:
        return self.mapping.to_json()

    def details(self) -> dict[str, Any]:
        details = {
            **self.reader.details(),
            "mapping": suggestion_report(self.mapping, self.options),
        }
        formats = self.builder.formats()
        if formats:
            details["timestamp_formats"] = formats
        return details

    def total_size(self) -> int | None:
        return self.reader.total_size()


def csv_source(path: Path, options: FileOptions) -> TabularSource:
    return TabularSource("csv", path, options, CsvReader(path, options))


def excel_source(path: Path, options: FileOptions) -> TabularSource:
    return TabularSource("excel", path, options, ExcelReader(path, options))


def parquet_source(path: Path, options: FileOptions) -> TabularSource:
    return TabularSource("parquet", path, options, ParquetReader(path, options))


def jsonl_source(path: Path, options: FileOptions) -> TabularSource:
    return TabularSource("jsonl", path, options, JsonlReader(path, options))


_READERS: dict[str, Callable[[Path, FileOptions], Reader]] = {
    "csv": CsvReader,
    "excel": ExcelReader,
    "parquet": ParquetReader,
    "jsonl": JsonlReader,
}
_KINDS = {".xlsx": "excel", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass
class Preview:
    """What the Data page shows before a load."""

    columns: list[str]
    suggested: dict[str, str]  # role -> column, from the names alone
    rows: list[dict[str, Any]]  # the first rows, values as read
    details: dict[str, Any]  # encoding, separator, sheet...
    mapping: dict[str, Any] | None  # the mapping a load with these options would use
    problem: str | None  # why that mapping is not complete (which flag to pass)


def preview_file(path: Path, options: FileOptions | None = None, rows: int = 20) -> Preview:
    """Columns, suggested mapping and the first `rows` rows of a tabular file."""
    options = replace(options or FileOptions(), batch_size=rows)
    name = path.name.lower()
    kind = next((k for end, k in _KINDS.items() if name.endswith(end)), "csv")
    reader = _READERS[kind](path, options)
    chunk = next(iter(reader.chunks()), None)
    sample = []
    if chunk is not None:
        count = min(rows, len(chunk.positions))
        columns = {c: _values(v)[:count] for c, v in chunk.columns.items()}
        sample = [{c: values[i] for c, values in columns.items()} for i in range(count)]
    mapping, problem = None, None
    try:
        mapping = build_mapping(reader.columns, options, str(path)).to_json()
    except MappingError as exc:
        problem = str(exc)
    return Preview(
        columns=list(reader.columns),
        suggested=suggest_mapping(reader.columns),
        rows=sample,
        details=reader.details(),
        mapping=mapping,
        problem=problem,
    )


def _values(column: Column) -> list[Any]:
    return column.to_pylist() if isinstance(column, pa.Array) else list(column)
