"""The order of the activity instances inside a case, defined once, and what is derived from it.

Order inside a case: start time when known (else end time), then end time, then the position in
the source (`event_index`), so events with equal times keep the source order (see README).

The order is computed when a log is loaded and kept in the store, so analytics never sort the
events of a case again:

* `events.seq` — the 1-based position of an activity instance in its case (NULL for rows that
  are not activity instances), and `events.next_activity` / `events.next_order_ts` — the
  activity and order time of the next instance of the case (NULL for the last): the
  directly-follows pairs of the whole log are a scan, no join and no sort.
* per case in `cases`: `instances` (activity instances), `first_ts` (first start, else end),
  `last_ts` (last end) and `variant` (the activity sequence). Variants, case durations and the
  case-level filters read these instead of the events.

A load inserts its events with ORDER_COLUMNS computed over whole cases and, on a new log, each
slice's cases with their per-case columns (`facts_of`, proclens/loader.py);
on append/merge (whose new events join stored cases) `refresh(con, log, touched)` renumbers
the touched cases' events and recomputes their per-case columns. Filters
keep or drop whole cases, so the stored positions stay valid under any filter. The Spark
engine derives the same columns from the same SQL.
"""

from __future__ import annotations

import duckdb

from proclens.errors import StoreNeedsUpgradeError

#: ORDER BY keys that sequence the instances of one case, over a relation with an `order_ts`
#: column (start time if known, else end time), as analytics' activity_instances has.
CASE_ORDER = "order_ts, ts, event_index"

#: The window that sequences the activity instances of a case, over the events table.
ORDER_WINDOW = (
    "PARTITION BY log, case_id, is_instance ORDER BY coalesce(start_ts, ts), ts, event_index"
)

#: The position of an events row among the activity instances of its case (NULL for other rows).
SEQ_EXPR = f"CASE WHEN is_instance THEN row_number() OVER ({ORDER_WINDOW}) END"

#: The activity and order time (start, else end) of the next instance in the case (NULL for
#: the last instance and for other rows): the directly-follows pair without a join.
NEXT_ACTIVITY_EXPR = f"CASE WHEN is_instance THEN lead(activity) OVER ({ORDER_WINDOW}) END"
NEXT_ORDER_TS_EXPR = (
    f"CASE WHEN is_instance THEN lead(coalesce(start_ts, ts)) OVER ({ORDER_WINDOW}) END"
)

#: The stored order columns of an events row, as a select list over the events table.
ORDER_COLUMNS = (
    f"{SEQ_EXPR} AS seq, {NEXT_ACTIVITY_EXPR} AS next_activity, "
    f"{NEXT_ORDER_TS_EXPR} AS next_order_ts"
)

#: Per case with activity instances: the derived columns of `cases` (over activity_instances).
CASE_FACTS = (
    "SELECT log, case_id, count(*) AS instances, min(order_ts) AS first_ts, max(ts) AS last_ts, "
    "list(activity ORDER BY seq) AS variant FROM activity_instances {where} GROUP BY log, case_id"
)


def refresh(
    con: duckdb.DuckDBPyConnection, log: str, touched: str | None = None, *, events: bool = True
) -> None:
    """Recompute `events.seq` and the per-case columns for the cases of `log` selected by the
    query `touched` (one column of case ids, no parameters), or for every case when None.

    `events=False`: the events already carry their order, only the per-case columns are
    computed (a new load stores both slice by slice as it inserts, see `facts_of`).
    """
    where = "log = ?" + ("" if touched is None else f" AND case_id IN ({touched})")
    if events:
        _refresh_events(con, log, where)
    # The per-case lists (variants) are aggregate states DuckDB cannot spill, so the facts are
    # computed for slices of the cases (by hash of the case id) that fit the load's memory
    # budget: one UPDATE for up to SLICE_EVENTS events (a 5M-event log ran out of 256 MB in one).
    row = con.execute(f"SELECT count(*) FROM events WHERE {where}", [log]).fetchone()
    chosen = "TRUE" if touched is None else f"case_id IN ({touched})"
    for part in case_slices(int(row[0]) if row else 0):
        _update_facts(con, log, f"{chosen} AND {part}")


def _update_facts(con: duckdb.DuckDBPyConnection, log: str, cases: str) -> None:
    """Store the per-case columns of the cases of `log` that `cases` selects (a condition on
    case_id), from their activity instances."""
    con.execute(
        f"""
        UPDATE cases SET instances = coalesce(f.instances, 0), first_ts = f.first_ts,
                         last_ts = f.last_ts, variant = coalesce(f.variant, [])
        FROM (SELECT case_id, f.instances, f.first_ts, f.last_ts, f.variant
              FROM cases c LEFT JOIN ({facts_of(cases)}) f USING (case_id)
              WHERE c.log = $log AND {cases}) f
        WHERE cases.log = $log AND cases.case_id = f.case_id
        """,
        {"log": log},
    )


def facts_of(cases: str, near: str = "TRUE") -> str:
    """The per-case facts (CASE_FACTS) of the cases of log $log that `cases` selects (a
    condition on case_id). `near`: a further condition on the events that holds for all of
    theirs, such as an event_index range by which DuckDB skips other row groups."""
    return CASE_FACTS.format(where=f"WHERE log = $log AND {cases} AND {near}")


def _refresh_events(con: duckdb.DuckDBPyConnection, log: str, where: str) -> None:
    con.execute(
        f"""
        UPDATE events SET seq = o.seq, next_activity = o.next_activity,
                          next_order_ts = o.next_order_ts
        FROM (SELECT event_index, {ORDER_COLUMNS} FROM events WHERE {where}) o
        WHERE events.log = ? AND events.event_index = o.event_index
          AND (events.seq IS DISTINCT FROM o.seq
               OR events.next_activity IS DISTINCT FROM o.next_activity
               OR events.next_order_ts IS DISTINCT FROM o.next_order_ts)
        """,
        [log, log],
    )


#: events per slice of a load step that holds whole cases at once (per-case lists, windows
#: over a case, lifecycle pairing): each slice fits the 48 MB load budget with room to spare
#: (200,000 ran out of it on BPIC 2012, depending on the log's name)
SLICE_EVENTS = 50_000


def case_slices(events: int) -> list[str]:
    """Conditions that split the cases of `events` events into slices of about SLICE_EVENTS
    events by the hash of the case id, each slice holding whole cases; ['TRUE'] for one."""
    n = max(1, -(-events // SLICE_EVENTS))
    return ["TRUE"] if n == 1 else [f"hash(case_id) % {n} = {k}" for k in range(n)]


def has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
        [table, column],
    ).fetchone()
    return bool(row and row[0])


def upgrade(con: duckdb.DuckDBPyConnection, read_only: bool, everything: bool = False) -> None:
    """Fill the stored order of logs loaded before it existed (every log when `everything`:
    the store lacked some order column before its schema was brought up to date); a read-only
    store cannot be filled and is refused with what to do."""
    if everything or not has_column(con, "events", "next_order_ts"):
        every = "SELECT DISTINCT log FROM cases ORDER BY log"
        logs = [str(r[0]) for r in con.execute(every).fetchall()]
    elif not has_column(con, "cases", "instances"):
        logs = ["?"]
    else:
        unfilled = "SELECT DISTINCT log FROM cases WHERE instances IS NULL ORDER BY log"
        logs = [str(r[0]) for r in con.execute(unfilled).fetchall()]
    if not logs:
        return
    if read_only:
        raise StoreNeedsUpgradeError(
            "the store holds logs loaded by an older ProcLens, without the stored case order; "
            "open it once for writing to add it: any 'proclens ingest' into this store does, "
            "for every log in it"
        )
    con.execute("BEGIN TRANSACTION")
    try:
        for log in logs:
            refresh(con, log)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
