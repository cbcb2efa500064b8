"""Streaming readers for Excel (.xlsx), Parquet and JSON lines; each yields RawChunks.

Excel is read with openpyxl in read-only mode (row by row, the header is the first row;
positions are the sheet's row numbers). Parquet is read record batch by record batch. JSON
lines are read line by line (positions are line numbers; a line that is not a JSON object is
rejected; the columns are the keys of the first objects, later keys become attributes).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from connectors.base import RejectedRow
from connectors.batching import RawChunk
from connectors.csv_reader import unique_names
from connectors.encoding import open_binary
from connectors.registry import FileOptions
from proclens.errors import SourceError

JSONL_SCAN = 1000  # lines read to learn the columns


class ExcelReader:
    text_values = False

    def __init__(self, path: Path, options: FileOptions) -> None:
        self.path, self.batch_size, self.sheet_name = path, options.batch_size, options.sheet
        with self._rows() as (rows, _):
            header = next(rows, None)
        if header is None:
            raise SourceError(f"{path}: the sheet is empty; expected a header row and event rows")
        self.columns = unique_names(["" if v is None else str(v) for v in header])

    def _rows(self) -> Any:
        import contextlib

        import openpyxl

        @contextlib.contextmanager
        def opened() -> Iterator[tuple[Iterator[tuple[Any, ...]], str]]:
            try:
                book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
            except Exception as exc:  # openpyxl raises many types for a broken file
                raise SourceError(f"{self.path}: not a readable .xlsx workbook ({exc})") from exc
            try:
                if self.sheet_name is not None and self.sheet_name not in book.sheetnames:
                    raise SourceError(
                        f"{self.path}: no sheet named '{self.sheet_name}'; sheets are: "
                        + ", ".join(book.sheetnames)
                    )
                sheet = book[self.sheet_name] if self.sheet_name else book.worksheets[0]
                yield sheet.iter_rows(values_only=True), sheet.title
            finally:
                book.close()

        return opened()

    def details(self) -> dict[str, Any]:
        return {"sheet": self.sheet_name or "(first)"}

    def total_size(self) -> int | None:
        return None

    def chunks(self) -> Iterator[RawChunk]:
        with self._rows() as (rows, _):
            next(rows, None)
            number = 1
            while True:
                block = list(itertools.islice(rows, self.batch_size))
                if not block:
                    return
                width = len(self.columns)
                block = [tuple(r[:width]) + (None,) * (width - len(r)) for r in block]
                filled = [(i, r) for i, r in enumerate(block) if any(v is not None for v in r)]
                yield RawChunk(
                    columns={c: [r[k] for _, r in filled] for k, c in enumerate(self.columns)},
                    positions=[number + 1 + i for i, _ in filled],
                )
                number += len(block)


class ParquetReader:
    text_values = False

    def __init__(self, path: Path, options: FileOptions) -> None:
        import pyarrow.parquet as pq

        self.path, self.batch_size = path, options.batch_size
        try:
            self.file = pq.ParquetFile(path)
        except Exception as exc:  # pyarrow raises ArrowInvalid / OSError for broken files
            raise SourceError(f"{path}: not a readable Parquet file ({exc})") from exc
        self.columns = list(self.file.schema_arrow.names)

    def details(self) -> dict[str, Any]:
        return {"row_groups": self.file.num_row_groups}

    def total_size(self) -> int | None:
        return int(self.file.metadata.num_rows)

    def chunks(self) -> Iterator[RawChunk]:
        done = 0
        try:
            for batch in self.file.iter_batches(batch_size=self.batch_size):
                yield RawChunk(
                    columns={c: batch.column(i).to_pylist() for i, c in enumerate(self.columns)},
                    positions=list(range(done + 1, done + batch.num_rows + 1)),
                    progress=done + batch.num_rows,
                )
                done += batch.num_rows
        except OSError as exc:
            raise SourceError(f"{self.path}: cannot read the Parquet file: {exc}") from exc


class JsonlReader:
    text_values = False

    def __init__(self, path: Path, options: FileOptions) -> None:
        from connectors.encoding import resolve_encoding

        self.path, self.batch_size = path, options.batch_size
        self.encoding = resolve_encoding(path, options.encoding)
        keys: dict[str, None] = {}
        for _, _, obj in itertools.islice(self._objects(), JSONL_SCAN):
            if isinstance(obj, dict):
                keys.update(dict.fromkeys(obj))
        if not keys:
            raise SourceError(f"{path}: no JSON objects found; expected one event object a line")
        self.columns = list(keys)

    def details(self) -> dict[str, Any]:
        return self.encoding.to_json()

    def total_size(self) -> int | None:
        return self.path.stat().st_size

    def _objects(self) -> Iterator[tuple[int, str, Any]]:
        """(line number, line, parsed object or the error text) for every non-blank line."""
        import io

        with open_binary(self.path) as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding.name, newline=None)
            for number, line in enumerate(text, start=1):
                if not line.strip():
                    continue
                try:
                    obj: Any = json.loads(line)
                except json.JSONDecodeError as exc:
                    obj = f"invalid JSON: {exc.msg} at column {exc.colno}"
                yield number, line.rstrip("\r\n"), obj

    def chunks(self) -> Iterator[RawChunk]:
        objects = self._objects()
        while True:
            block = list(itertools.islice(objects, self.batch_size))
            if not block:
                return
            good = [(n, obj) for n, _, obj in block if isinstance(obj, dict)]
            rejected = [
                RejectedRow(
                    f"line {n}",
                    line,
                    obj if isinstance(obj, str) else "not a JSON object (expected {...} a line)",
                )
                for n, line, obj in block
                if not isinstance(obj, dict)
            ]
            names = dict.fromkeys(self.columns)
            for _, obj in good:
                names.update(dict.fromkeys(obj))
            yield RawChunk(
                columns={c: [obj.get(c) for _, obj in good] for c in names},
                positions=[n for n, _ in good],
                rejected=rejected,
                raw=_raw_json([obj for _, obj in good]),
                progress=None,
            )


def _raw_json(objects: list[dict[str, Any]]) -> Callable[[int], str]:
    def raw(i: int) -> str:
        return json.dumps(objects[i], ensure_ascii=False, default=str)

    return raw
