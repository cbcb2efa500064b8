"""Text encodings of exported files: detect, verify, and explain a wrong one.

Supported without asking: UTF-8 (with or without BOM), GB18030 (a superset of GBK and GB2312,
as written by Chinese OA systems and Excel on a Chinese Windows), and the single-byte Western
encodings Windows-1252 / Latin-1. A single-byte encoding is never chosen silently: the choice
and the reason are reported (`EncodingInfo.note`) in the connector's details and the ingest
report. A forced encoding that does not fit the bytes is an error naming the byte offset and
the encoding the file most likely has; it is raised before anything is loaded.
"""

from __future__ import annotations

import codecs
import gzip
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from proclens.errors import SourceError

CHUNK = 1 << 20
UTF8_BOM = codecs.BOM_UTF8

#: names a user may pass to --encoding -> the codec we use for it
ALIASES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf8-sig": "utf-8-sig",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "gb18030": "gb18030",
    "cp936": "gb18030",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
}


@dataclass(frozen=True)
class EncodingInfo:
    name: str  # Python codec name actually used
    how: str  # "bom", "detected", "forced"
    note: str = ""  # why, for single-byte guesses

    def to_json(self) -> dict[str, str]:
        data = {"encoding": self.name, "encoding_source": self.how}
        if self.note:
            data["encoding_note"] = self.note
        return data


def open_binary(path: Path) -> BinaryIO:
    """The file's bytes; `.gz` files are decompressed on the fly."""
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def resolve_encoding(path: Path, forced: str | None) -> EncodingInfo:
    """The encoding to read `path` with: the forced one (verified) or a detected one."""
    if forced:
        name = _codec_name(forced)
        error = first_decode_error(path, name)
        if error is not None:
            offset, byte = error
            likely = detect_encoding(path)
            raise SourceError(
                f"{path}: not valid {forced} at byte offset {offset} (byte 0x{byte:02x}); "
                f"the file looks like {describe(likely.name)}: pass --encoding {likely.name} "
                "or leave out --encoding to detect it; nothing was loaded"
            )
        return EncodingInfo(name, "forced")
    return detect_encoding(path)


def detect_encoding(path: Path) -> EncodingInfo:
    """BOM, then strict UTF-8, then GB18030 when the bytes look Chinese, else Western."""
    with open_binary(path) as fh:
        head = _read(fh, CHUNK, path)
    if head.startswith(UTF8_BOM):
        return EncodingInfo("utf-8-sig", "bom")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return EncodingInfo("utf-16", "bom")
    if b"\x00" in head:
        raise SourceError(
            f"{path}: binary data, not a text file (NUL bytes); is it compressed, an Excel "
            "workbook or another format? Give the file its real ending (.csv.gz, .xlsx, ...)"
        )
    if first_decode_error(path, "utf-8") is None:
        return EncodingInfo("utf-8", "detected")
    if first_decode_error(path, "gb18030") is None and _looks_chinese(path):
        return EncodingInfo(
            "gb18030",
            "detected",
            "not UTF-8; its non-ASCII bytes form GB2312/GBK Chinese characters",
        )
    if first_decode_error(path, "cp1252") is None:
        return EncodingInfo(
            "cp1252",
            "detected",
            "not UTF-8 nor GBK; read as the single-byte Windows-1252 (Western) encoding, "
            "pass --encoding if that is wrong",
        )
    return EncodingInfo(
        "latin-1",
        "detected",
        "not UTF-8 nor GBK; read as the single-byte Latin-1 encoding, "
        "pass --encoding if that is wrong",
    )


def describe(name: str) -> str:
    return {
        "gb18030": "GB18030 (GBK)",
        "utf-8": "UTF-8",
        "utf-8-sig": "UTF-8 with BOM",
        "cp1252": "Windows-1252 (Western)",
        "latin-1": "Latin-1",
    }.get(name, name)


def first_decode_error(path: Path, encoding: str) -> tuple[int, int] | None:
    """(byte offset, byte) of the first byte that does not decode, or None if all decode."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    with open_binary(path) as fh:
        while True:
            chunk = _read(fh, CHUNK, path)
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                where = offset - pending + exc.start
                data = exc.object
                byte = data[exc.start] if exc.start < len(data) else 0
                return max(where, 0), int(byte)
            if not chunk:
                return None
            offset += len(chunk)


def _looks_chinese(path: Path) -> bool:
    """Most two-byte sequences fall in the GB2312 core (both bytes >= 0xA1), as Chinese does.

    Western text read as GBK pairs an accented letter with a following ASCII letter, whose
    second byte is below 0xA1; that tells the two apart on real exports. The file is scanned
    until enough non-ASCII text was seen, however late it starts.
    """
    core = pairs = 0
    carry = b""
    with open_binary(path) as fh:
        while pairs < 4000:
            chunk = _read(fh, CHUNK, path)
            if not chunk:
                break
            data = carry + chunk
            i, carry = 0, b""
            while i < len(data):
                b = data[i]
                if b < 0x80:
                    i += 1
                    continue
                if i + 1 >= len(data):
                    carry = data[i:]
                    break
                pairs += 1
                core += b >= 0xA1 and data[i + 1] >= 0xA1
                i += 2
    return pairs > 0 and core / pairs >= 0.8


def _codec_name(name: str) -> str:
    key = name.strip().lower().replace("_", "-")
    if key in ALIASES:
        return ALIASES[key]
    try:
        return codecs.lookup(key).name
    except LookupError as exc:
        known = ", ".join(sorted(set(ALIASES)))
        raise SourceError(f"unknown encoding '{name}'; use one of {known}") from exc


def _read(fh: BinaryIO, size: int, path: Path) -> bytes:
    try:
        return fh.read(size)
    except (OSError, EOFError) as exc:
        raise SourceError(f"{path}: cannot read the file: {exc}; is it truncated?") from exc
