"""OCEL 2.0 XML -> OcelLog, parsed incrementally and safely.

The parser never loads a DTD, never resolves entities and never touches the network; a
document that declares a DTD at all is refused (an OCEL 2.0 file has none), so an XXE payload
cannot read local files or reach out.
"""

from __future__ import annotations

from typing import IO, Any

from lxml import etree

from connectors.ocel_model import OcelLog, parse_time, typed_value
from proclens.errors import SourceError


def iterparse(stream: IO[bytes], events: tuple[str, ...]) -> Any:
    return etree.iterparse(
        stream,
        events=events,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=True,
        remove_comments=True,
    )


def refuse_dtd(elem: Any, where: str) -> None:
    """Raise if the document declares a DTD (the XXE door)."""
    docinfo = elem.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise SourceError(
            f"{where}: the XML declares a DTD (<!DOCTYPE ...>), which ProcLens refuses to "
            "process for safety (external entities); remove the DOCTYPE and load it again"
        )


def read_ocel2_xml(stream: IO[bytes], tz: str, where: str) -> OcelLog:
    log = OcelLog("ocel2-xml")
    root = None
    for event, elem in iterparse(stream, ("start", "end")):
        if root is None:
            refuse_dtd(elem, where)
            root = elem
            if elem.tag != "log":
                raise SourceError(f"{where}: root element <{elem.tag}> is not an OCEL 2.0 <log>")
            continue
        if event != "end":
            continue
        parent = elem.getparent()
        if parent is None or parent.getparent() is not root:
            continue
        if elem.tag in ("object-type", "event-type"):
            _read_type(log, elem)
        elif elem.tag == "object":
            _read_object(log, elem, tz)
        elif elem.tag == "event":
            _read_event(log, elem, tz)
        else:
            continue
        elem.clear()
        while elem.getprevious() is not None:
            del parent[0]
    if root is None:
        raise SourceError(f"{where}: empty XML document")
    log.check_relations()
    return log


def _read_type(log: OcelLog, elem: Any) -> None:
    target = log.object_types if elem.tag == "object-type" else log.event_types
    attrs = {
        str(a.get("name")): str(a.get("type") or "string")
        for a in elem.iterfind("attributes/attribute")
    }
    target[str(elem.get("name"))] = attrs


def _read_object(log: OcelLog, elem: Any, tz: str) -> None:
    oid, otype = _required(elem, "id"), _required(elem, "type")
    declared = log.object_types.get(otype, {})
    where = f"object {oid!r}"
    values = []
    for a in elem.iterfind("attributes/attribute"):
        name = str(a.get("name"))
        time = a.get("time")
        when = parse_time(time, tz, where) if time else None
        values.append((name, when, typed_value(a.text, declared.get(name))))
    log.add_object(oid, otype, values)
    for rel in elem.iterfind("objects/relationship"):
        log.o2o.append((oid, _required(rel, "object-id"), rel.get("qualifier")))


def _read_event(log: OcelLog, elem: Any, tz: str) -> None:
    eid, etype = _required(elem, "id"), _required(elem, "type")
    declared = log.event_types.get(etype, {})
    attrs = {
        str(a.get("name")): typed_value(a.text, declared.get(str(a.get("name"))))
        for a in elem.iterfind("attributes/attribute")
    }
    time = parse_time(_required(elem, "time"), tz, f"event {eid!r}")
    log.add_event(eid, etype, time, attrs)
    for rel in elem.iterfind("objects/relationship"):
        log.e2o.append((eid, _required(rel, "object-id"), rel.get("qualifier")))


def _required(elem: Any, name: str) -> str:
    value = elem.get(name)
    if value is None:
        raise SourceError(
            f"OCEL 2.0 XML: <{elem.tag}> on line {elem.sourceline} has no '{name}' attribute"
        )
    return str(value)
