"""XES lists and repeated keys: every value is kept, and export-log writes them back as read.

The file is written by hand; its expected JSON is worked out from the XES by hand. pm4py's
XES reader keeps list items as (key, value) pairs, so it is the oracle for the written file:
pm4py must see the same lists in our export as in the original.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from proclens.cli import main
from proclens.store import EventStore

LISTS = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="2.0" xmlns="http://www.xes-standard.org/">
  <list key="owners"><values>
    <string key="owner" value="ann"/><string key="owner" value="bob"/>
  </values></list>
  <trace>
    <string key="concept:name" value="c1"/>
    <list key="tags"><values>
      <string key="tag" value="a"/><string key="tag" value="b"/><string key="tag" value="c"/>
    </values></list>
    <string key="note" value="first"/>
    <string key="note" value="second"/>
    <event>
      <string key="concept:name" value="A"/>
      <date key="time:timestamp" value="2024-01-01T10:00:00.000+00:00"/>
      <list key="mixed"><values>
        <int key="x" value="1"/><int key="x" value="2"/><int key="y" value="3"/>
      </values></list>
      <list key="boxes"><values>
        <container key="box"><string key="sku" value="X1"/></container>
        <container key="box"><string key="sku" value="X2"/></container>
      </values></list>
      <list key="rows"><values>
        <list key="row"><values><int key="v" value="1"/><int key="v" value="2"/></values></list>
        <list key="row"><values><int key="v" value="3"/></values></list>
      </values></list>
      <list key="marked"><values><string key="i" value="v1"/></values>
        <string key="m" value="m1"/><string key="m" value="m2"/>
      </list>
      <container key="bag"><string key="k" value="1"/><string key="k" value="2"/></container>
    </event>
  </trace>
</log>
"""


def cli(*args: str) -> None:
    assert main(list(args)) == 0, args


def stored(db: Path, log: str) -> tuple[Any, Any, Any]:
    with EventStore.open(db, read_only=True) as store:
        con = store.con
        event = con.execute("SELECT attributes FROM events WHERE log = ?", [log]).fetchall()
        case = con.execute("SELECT attributes FROM cases WHERE log = ?", [log]).fetchall()
        head = con.execute("SELECT attributes FROM logs WHERE log = ?", [log]).fetchall()
    return (json.loads(event[0][0]), json.loads(case[0][0]),
            json.loads(head[0][0])["attributes"])  # fmt: skip


def test_list_items_and_repeated_keys_are_all_kept(tmp_path: Path, db_path: Path) -> None:
    src = tmp_path / "lists.xes"
    src.write_text(LISTS, encoding="utf-8")
    cli("ingest", str(src), "--log", "l", "--db", str(db_path))
    event, case, head = stored(db_path, "l")
    assert head == {"owners": ["ann", "bob"], "@meta": {"owners": {"@item": "owner"}}}
    assert case == {
        "tags": ["a", "b", "c"], "note": ["first", "second"],
        "@meta": {"tags": {"@item": "tag"}, "note": {"@repeated": True}},
    }  # fmt: skip
    assert event["mixed"] == [{"x": 1}, {"x": 2}, {"y": 3}]
    assert event["boxes"] == [{"sku": "X1"}, {"sku": "X2"}]
    assert event["rows"] == [
        {"@value": [1, 2], "@meta": {"@item": "v"}}, {"@value": [3], "@meta": {"@item": "v"}}
    ]  # fmt: skip
    assert event["marked"] == ["v1"]
    assert event["bag"] == {"k": {"@value": ["1", "2"], "@meta": {"@repeated": True}}}
    assert event["@meta"] == {
        "boxes": {"@item": "box"}, "rows": {"@item": "row"},
        "marked": {"@item": "i", "m": {"@value": ["m1", "m2"], "@meta": {"@repeated": True}}},
    }  # fmt: skip


def test_export_writes_list_items_and_repeated_keys_back(tmp_path: Path, db_path: Path) -> None:
    import pm4py

    src = tmp_path / "lists.xes"
    src.write_text(LISTS, encoding="utf-8")
    cli("ingest", str(src), "--log", "l", "--db", str(db_path))
    out = tmp_path / "out.xes"
    cli("export-log", "--log", "l", "--out", str(out), "--db", str(db_path))
    text = out.read_text(encoding="utf-8")
    assert '<string key="note" value="first"/><string key="note" value="second"/>' in text
    assert '<container key="bag"><string key="k" value="1"/><string key="k" value="2"/>' in text

    theirs = pm4py.read_xes(str(src), return_legacy_log_object=True)
    ours = pm4py.read_xes(str(out), return_legacy_log_object=True)
    assert ours.attributes["owners"] == theirs.attributes["owners"]
    tags = ours[0].attributes["tags"]["children"]
    assert tags == [("tag", "a"), ("tag", "b"), ("tag", "c")]
    assert tags == theirs[0].attributes["tags"]["children"]
    for key in ("mixed", "boxes", "rows", "marked"):  # pm4py skips <container> in events
        assert ours[0][0][key] == theirs[0][0][key], key

    cli("ingest", str(out), "--log", "again", "--db", str(db_path))
    assert stored(db_path, "again") == stored(db_path, "l")
