"""Streaming CSV/TSV reading with pyarrow: encoding, separator and header, row positions.

Every value is read as text (no type or missing-value guessing, so `NA` stays `NA`); the
batch builder types attributes afterwards. Rows with the wrong number of fields are not
fatal: they are rejected with their position and raw text. Positions are record numbers
counting the header as row 1 (the row number a spreadsheet shows; equal to the line number
unless a quoted value spans lines or blank lines are skipped).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from connectors.base import RejectedRow
from connectors.batching import RawChunk
from connectors.encoding import EncodingInfo, open_binary, resolve_encoding
from connectors.registry import FileOptions
from proclens.errors import SourceError

SEPARATORS = (",", ";", "\t", "|")
SAMPLE = 1 << 16


class CsvReader:
    text_values = True

    def __init__(self, path: Path, options: FileOptions) -> None:
        self.path = path
        self.batch_size = options.batch_size
        self.encoding: EncodingInfo = resolve_encoding(path, options.encoding)
        sample = self._sample()
        self.separator = options.separator or detect_separator(sample, path)
        self.separator = {"\\t": "\t", "tab": "\t"}.get(self.separator, self.separator)
        header, self.row_bytes = _header(sample, self.separator)
        if not header:
            raise SourceError(f"{path}: the file is empty; expected a header row and event rows")
        self.columns = unique_names(header)

    def details(self) -> dict[str, Any]:
        sep = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}
        return {**self.encoding.to_json(), "separator": sep.get(self.separator, self.separator)}

    def total_size(self) -> int:
        return self.path.stat().st_size

    def chunks(self) -> Iterator[RawChunk]:
        bad: list[tuple[int, str, str]] = []

        def on_bad_row(row: Any) -> str:
            reason = f"expected {row.expected_columns} fields, found {row.actual_columns}"
            bad.append((int(row.number) if row.number is not None else -1, row.text, reason))
            return "skip"

        with open_binary(self.path) as raw_fh:
            reader = self._open(raw_fh, on_bad_row)
            last = 1  # the header is row 1
            taken = 0
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
                    raise SourceError(f"{self.path}: cannot read the file: {exc}") from exc
                for start in range(0, max(batch.num_rows, 1), self.batch_size):
                    part = batch.slice(start, self.batch_size)
                    positions, last = _positions(last, part.num_rows, [b[0] for b in bad])
                    rejected, taken = _bad_rows(bad, taken, last)
                    yield RawChunk(
                        columns={c: part.column(i) for i, c in enumerate(self.columns)},
                        positions=positions,
                        rejected=rejected,
                        progress=_tell(raw_fh),
                        raw=_raw_text(part, self.separator),
                    )
            rejected, taken = _bad_rows(bad, taken, None)
            if rejected:
                yield RawChunk(columns={c: [] for c in self.columns}, positions=[],
                               rejected=rejected)  # fmt: skip

    def _open(self, fh: BinaryIO, on_bad_row: Any) -> pacsv.CSVStreamingReader:
        encoding = "utf8" if self.encoding.name in ("utf-8", "utf-8-sig") else self.encoding.name
        block = int(min(max(self.row_bytes * self.batch_size, 1 << 16), 1 << 26))
        try:
            return pacsv.open_csv(
                fh,
                read_options=pacsv.ReadOptions(
                    column_names=self.columns, skip_rows=1, use_threads=False,
                    block_size=block, encoding=encoding,
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=self.separator, newlines_in_values=True,
                    invalid_row_handler=on_bad_row,
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={c: pa.string() for c in self.columns},
                    strings_can_be_null=False, quoted_strings_can_be_null=False,
                ),
            )  # fmt: skip
        except (pa.ArrowInvalid, OSError) as exc:
            raise SourceError(f"{self.path}: cannot read the file: {exc}") from exc

    def _sample(self) -> str:
        with open_binary(self.path) as fh:
            try:
                data = fh.read(SAMPLE)
            except (OSError, EOFError) as exc:
                raise SourceError(f"{self.path}: cannot read the file: {exc}") from exc
        return data.decode(self.encoding.name, errors="ignore").lstrip("\ufeff")


def detect_separator(sample: str, path: Path) -> str:
    """The candidate that splits the first lines into the same number (>1) of fields."""
    lines = sample.splitlines()[:50]
    if len(sample) >= SAMPLE and len(lines) > 1:
        lines = lines[:-1]  # the last line of a cut sample may be partial
    best, best_score = "\t" if path.name.lower().endswith(".tsv") else ",", 0.0
    for sep in SEPARATORS:
        rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=sep))
        widths = [len(r) for r in rows if r]
        if not widths or widths[0] < 2:
            continue
        score = sum(1 for w in widths if w == widths[0]) / len(widths) + widths[0] / 1000
        if score > best_score:
            best, best_score = sep, score
    return best


def unique_names(header: list[str]) -> list[str]:
    """Header names with blanks named `column N` and repeats suffixed `.1`, `.2`."""
    seen: dict[str, int] = {}
    out = []
    for n, given in enumerate(header, start=1):
        name = given.replace("\ufeff", "").strip() or f"column {n}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _header(sample: str, sep: str) -> tuple[list[str], int]:
    rows = csv.reader(io.StringIO(sample), delimiter=sep)
    header = next(rows, [])
    lines = sample.count("\n") or 1
    return header, max(len(sample.encode("utf-8")) // lines, 16)


def _positions(last: int, count: int, bad: list[int]) -> tuple[list[int], int]:
    """Record numbers of `count` good rows after record `last`, skipping rejected records."""
    if count == 0:
        return [], last
    skip = np.array(sorted(b for b in bad if b > last), dtype=np.int64)
    end = last + count
    while True:
        extra = int(np.searchsorted(skip, end, side="right"))
        if last + count + extra == end:
            break
        end = last + count + extra
    numbers = np.setdiff1d(np.arange(last + 1, end + 1, dtype=np.int64), skip)
    return numbers.tolist(), end


def _bad_rows(
    bad: list[tuple[int, str, str]], taken: int, upto: int | None
) -> tuple[list[RejectedRow], int]:
    """Rejected rows recorded so far up to record `upto` (all when None), once each."""
    out = []
    while taken < len(bad) and (upto is None or bad[taken][0] <= upto):
        number, text, reason = bad[taken]
        out.append(RejectedRow(f"row {number}", text, reason))
        taken += 1
    return out, taken


def _raw_text(batch: pa.RecordBatch, sep: str) -> Callable[[int], str]:
    def raw(i: int) -> str:
        return sep.join(str(batch.column(k)[i].as_py()) for k in range(batch.num_columns))

    return raw


def _tell(fh: BinaryIO) -> int | None:
    inner = getattr(fh, "fileobj", None)  # gzip: progress in compressed bytes
    try:
        return int((inner or fh).tell())
    except (OSError, ValueError):
        return None
