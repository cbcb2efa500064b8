"""XES (.xes, .xes.gz) -> canonical event batches, streamed.

lxml's iterparse reads the file (gzip decompressed on the fly) without resolving entities,
loading DTDs or touching the network; every processed event and trace is cleared, so memory is
bounded by the batch size plus one trace. Events are collected into column lists and their
timestamps converted per batch in one vectorised call.

Mapping (a constant: XES is a fixed standard): trace concept:name -> case_id, concept:name ->
activity, time:timestamp -> ts, org:resource -> resource, org:group (else org:role) ->
department, lifecycle:transition -> lifecycle, concept:instance -> instance_id; every other
attribute goes typed into `attributes` (see connectors.xes_values). Trace attributes become
case attributes; a trace without events is still a case. Extensions, globals, classifiers and
log attributes end up in `log_attributes`.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, cast

from lxml import etree

from connectors.base import Batch, ColumnLists, Mapping, RejectedRow, to_json
from connectors.registry import FileOptions
from connectors.xes_log import LogHeader
from connectors.xes_values import META, events_from_columns, local_name, put, typed_value
from proclens.errors import SourceError

MAPPING = Mapping(
    case="trace concept:name",
    activity="concept:name",
    timestamp="time:timestamp",
    resource="org:resource",
    department="org:group (else org:role)",
    lifecycle="lifecycle:transition",
    instance="concept:instance",
)

#: event keys that fill a canonical column instead of `attributes`
_ROLES = {
    "concept:name": "activity",
    "time:timestamp": "ts",
    "org:resource": "resource",
    "org:group": "group",
    "org:role": "role",
    "lifecycle:transition": "lifecycle",
    "concept:instance": "instance_id",
}
_COLUMNS = ("case_id", "activity", "ts", "resource", "department", "lifecycle", "instance_id",
            "event_index", "attributes", "trace_no", "event_no")  # fmt: skip


class _CountingReader:
    """File wrapper that counts the bytes read from disk (compressed bytes: the progress)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.consumed += len(data)
        return data


class XesSource:
    kind = "xes"
    position_unit = "event"

    def __init__(self, path: Path, options: FileOptions) -> None:
        self.path = path
        self.options = options
        self.location = str(path)
        self.log_attributes: dict[str, Any] = {}
        self._header = LogHeader()
        self._stats = {"traces": 0, "empty_traces": 0, "events": 0}

    def mapping_json(self) -> dict[str, Any] | None:
        return MAPPING.to_json()

    def details(self) -> dict[str, Any]:
        return {"format": "xes", **self._stats}

    def total_size(self) -> int | None:
        return self.path.stat().st_size

    def batches(self) -> Iterator[Batch]:
        try:
            with self.path.open("rb") as fh:
                counter = _CountingReader(fh)
                gz = fh.read(2) == b"\x1f\x8b"
                fh.seek(0)
                stream: Any = (
                    gzip.GzipFile(fileobj=cast(IO[bytes], counter), mode="rb") if gz else counter
                )
                yield from _Parser(self, stream, counter).run()
        except etree.XMLSyntaxError as exc:
            raise SourceError(
                f"{self.path} is not well-formed XML ({_first(exc)}); nothing was loaded: "
                "fix the file at that line or export it again"
            ) from exc
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise SourceError(
                f"{self.path} is a truncated or corrupt gzip file ({_first(exc)}); nothing was "
                "loaded: download or export it again (check it with 'gzip -t')"
            ) from exc
        except OSError as exc:
            raise SourceError(f"{self.path}: cannot be read ({_first(exc)})") from exc
        self.log_attributes = self._header.to_json()


def _first(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


#: events per batch at most: a batch is held as Python objects while it is parsed, so a smaller
#: one lowers the peak (BPIC 2012 ingest: 265 -> 240 MB from 50,000 to 10,000; about -4 MB
#: more from 10,000 to 5,000) and costs no measurable CPU time (1M generated events: 18.6 s
#: -> 15.9 s user from 50,000 to 10,000, on a busy machine; BPIC 2012 5.5-5.7 s at 5,000)
XES_BATCH = 5_000


class _Parser:
    """One pass over the XML; yields a batch whenever batch_size events are collected."""

    def __init__(self, source: XesSource, stream: Any, counter: _CountingReader) -> None:
        self.src = source
        self.stream = stream
        self.counter = counter
        self.size = max(1, min(source.options.batch_size, XES_BATCH))
        self.cols: dict[str, list[Any]] = {c: [] for c in _COLUMNS}
        self.rejected: list[RejectedRow] = []
        self.case_ids: list[str] = []
        self.case_attrs: list[dict[str, Any] | None] = []
        self.event_index = 0
        self.trace_no = 0
        self.trace_start = 0
        self.event_no = 0
        self.checked_root = False

    def run(self) -> Iterator[Batch]:
        ctx = etree.iterparse(
            self.stream, events=("end",), tag=("{*}event", "{*}trace"),
            resolve_entities=False, load_dtd=False, no_network=True,
            remove_comments=True, remove_pis=True,
        )  # fmt: skip
        for _, elem in ctx:
            if not self.checked_root:
                self._check_root(elem.getroottree().getroot())
            if local_name(elem.tag) == "event":
                if local_name(elem.getparent().tag) == "trace":
                    self._event(elem)
                else:
                    self.event_index += 1
                    where = f"event {self.event_index} of the file"
                    self._reject(elem, "event outside a <trace>, so it has no case", where)
                elem.clear()
            elif local_name(elem.getparent().tag) == "log":
                self._trace(elem)
                if len(self.cols["event_index"]) + len(self.rejected) >= self.size:
                    yield self._flush()
        root = ctx.root
        if root is None or not self.checked_root:
            self._check_root(root)
        for child in root:
            self.src._header.add(child)
        self.src.log_attributes = self.src._header.to_json()
        yield self._flush()

    def _check_root(self, root: Any) -> None:
        dtd = None if root is None else root.getroottree().docinfo.internalDTD
        if dtd is not None and any(True for _ in dtd.iterentities()):
            raise SourceError(
                f"{self.src.path} declares XML entities in a DOCTYPE, which XES never needs and "
                "ProcLens refuses to expand (XXE / entity-expansion protection); remove the "
                "DOCTYPE and load the file again"
            )
        if root is None or local_name(root.tag) != "log":
            tag = "nothing" if root is None else f"<{local_name(root.tag)}>"
            raise SourceError(
                f"{self.src.path} is not an XES event log (its root element is {tag}, "
                "expected <log>); give an XES file or use the connector for its real format"
            )
        self.src._header.add_root(root)
        self.checked_root = True

    def _event(self, elem: Any) -> None:
        self.event_no += 1
        self.event_index += 1
        found: dict[str, Any] = {}
        attrs: dict[str, Any] = {}
        for child in elem:
            key = child.get("key")
            if key is None:
                continue
            role = _ROLES.get(key)
            if role is None:
                put(attrs, key, child)
            else:
                found[role] = child.get("value")
                if len(child):  # a standard key carrying meta-attributes: keep them
                    attrs.setdefault(META, {})[key] = typed_value(child)[1]
        activity, ts = found.get("activity"), found.get("ts")
        if not activity or not ts:
            missing = "concept:name (activity)" if not activity else "time:timestamp"
            self._reject(elem, f"event has no {missing}")
            return
        cols = self.cols
        cols["activity"].append(activity)
        cols["ts"].append(ts)
        cols["resource"].append(found.get("resource"))
        cols["department"].append(found.get("group") or found.get("role"))
        cols["lifecycle"].append(found.get("lifecycle"))
        cols["instance_id"].append(found.get("instance_id"))
        cols["event_index"].append(self.event_index - 1)
        cols["attributes"].append(to_json(attrs) if attrs else None)
        cols["trace_no"].append(self.trace_no + 1)
        cols["event_no"].append(self.event_no)

    def _reject(self, elem: Any, reason: str, position: str | None = None) -> None:
        raw = etree.tostring(elem, encoding="unicode", with_tail=False)
        position = position or f"trace {self.trace_no + 1} event {self.event_no}"
        self.rejected.append(RejectedRow(position, " ".join(raw.split())[:2000], reason))

    def _trace(self, trace: Any) -> None:
        self.trace_no += 1
        case_id: str | None = None
        attrs: dict[str, Any] = {}
        n_events = 0
        for child in trace:
            if local_name(child.tag) == "event":
                n_events += 1
                continue
            key = child.get("key")
            if key == "concept:name" and not len(child):
                case_id = child.get("value")
            elif key is not None:
                put(attrs, key, child)
        self._stats(n_events)
        start = self.trace_start
        if case_id:
            self.cols["case_id"].extend([case_id] * (len(self.cols["activity"]) - start))
            self.case_ids.append(case_id)
            self.case_attrs.append(attrs or None)
        else:
            self._reject_trace(start)
        self.trace_start = len(self.cols["activity"])
        self.event_no = 0
        trace.clear()
        parent = trace.getparent()
        while trace.getprevious() is not None:
            first = parent[0]
            if local_name(first.tag) != "trace":
                self.src._header.add(first)
            del parent[0]

    def _stats(self, n_events: int) -> None:
        self.src._stats["traces"] += 1
        self.src._stats["events"] += n_events
        self.src._stats["empty_traces"] += n_events == 0

    def _reject_trace(self, start: int) -> None:
        """A trace without concept:name: its events have no case id."""
        cols = self.cols
        for i in range(start, len(cols["activity"])):
            self.rejected.append(
                RejectedRow(
                    f"trace {cols['trace_no'][i]} event {cols['event_no'][i]}",
                    f"{cols['activity'][i]} @ {cols['ts'][i]}",
                    "trace has no concept:name, so its events have no case id",
                )
            )
        for col in cols.values():
            del col[start:]

    def _flush(self) -> Batch:
        cols, rejected = self.cols, self.rejected
        read = len(cols["activity"]) + len(rejected)
        events = (
            events_from_columns(cols, self.src.options.tz, rejected) if cols["activity"] else None
        )
        batch = Batch(
            events=events,
            cases=_case_rows(self.case_ids, self.case_attrs) if self.case_ids else None,
            rejected=rejected,
            rows_read=read,
            progress=self.counter.consumed,
        )
        self.cols = {c: [] for c in _COLUMNS}
        self.rejected, self.case_ids, self.case_attrs = [], [], []
        self.trace_start = 0
        return batch


def _case_rows(case_ids: list[str], attributes: list[dict[str, Any] | None]) -> ColumnLists:
    return ColumnLists(
        {"case_id": case_ids, "attributes": [to_json(a) if a else None for a in attributes]}
    )
