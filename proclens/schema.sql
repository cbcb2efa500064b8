-- ProcLens canonical event store (DuckDB). This file is the data contract: connectors write
-- these tables, analytics and dashboards read them. Column names map to pm4py's XES keys in
-- proclens/columns.py and nowhere else.
--
-- Units: every timestamp is TIMESTAMPTZ (microseconds, stored as UTC instants). Durations that
-- analytics compute are seconds (DOUBLE).

CREATE SEQUENCE IF NOT EXISTS load_run_seq START 1;

-- One row per log in the store.
CREATE TABLE IF NOT EXISTS logs (
    log            VARCHAR PRIMARY KEY,   -- the name every command takes as --log
    source         VARCHAR NOT NULL,      -- path or source name it came from (no secrets)
    source_kind    VARCHAR NOT NULL,      -- xes, csv, excel, parquet, jsonl, ocel, camunda, ...
    mapping        JSON,                  -- the column mapping used (connectors.base.Mapping)
    loaded_at      TIMESTAMPTZ NOT NULL,
    rows_read      BIGINT NOT NULL,       -- lifecycle rows read, over all loads of this log
    rows_loaded    BIGINT NOT NULL,
    rows_rejected  BIGINT NOT NULL,
    events         BIGINT NOT NULL,       -- activity instances (see events.is_instance)
    cases          BIGINT NOT NULL,
    attributes     JSON                   -- log-level attributes (XES <log> attributes, OCEL meta)
);

-- One row per event. Rows with lifecycle start/complete are paired at load time into one
-- activity instance: the complete row keeps its place and gains start_ts; the start row is
-- folded into it (counted in load_runs.paired_starts). Rows of other transitions (schedule,
-- assign, suspend, ...) are kept with is_instance = false: analytics skip them.
CREATE TABLE IF NOT EXISTS events (
    log          VARCHAR NOT NULL,
    case_id      VARCHAR NOT NULL,
    activity     VARCHAR NOT NULL,
    ts           TIMESTAMPTZ NOT NULL,    -- completion (end) time; the XES time:timestamp
    start_ts     TIMESTAMPTZ,             -- start time when known (paired start or a start column)
    resource     VARCHAR,
    department   VARCHAR,                 -- organisational unit / role / group
    lifecycle    VARCHAR,                 -- original transition of the row, lower case
    instance_id  VARCHAR,                 -- activity-instance id (XES concept:instance) if any
    event_index  BIGINT NOT NULL,         -- position in the source; the stable tie-break
    is_instance  BOOLEAN NOT NULL,
    event_key    VARCHAR,                 -- stable source key for incremental merges, if any
    load_run     BIGINT NOT NULL,
    attributes   JSON,                    -- every other event attribute, typed JSON
    seq          BIGINT,                  -- position of the instance in its case (1, 2, ...;
                                          -- NULL if not an instance); proclens/order.py
    next_activity VARCHAR,                -- activity of the next instance in the case (NULL:
    next_order_ts TIMESTAMPTZ             -- last) and its start (else end) time; order.py
);
-- Stores created before the stored case order gain it here (proclens/order.py fills it).
ALTER TABLE events ADD COLUMN IF NOT EXISTS seq BIGINT;
ALTER TABLE events ADD COLUMN IF NOT EXISTS next_activity VARCHAR;
ALTER TABLE events ADD COLUMN IF NOT EXISTS next_order_ts TIMESTAMPTZ;

-- Every case of every log, including cases with no events (empty XES traces).
CREATE TABLE IF NOT EXISTS cases (
    log        VARCHAR NOT NULL,
    case_id    VARCHAR NOT NULL,
    attributes JSON,
    -- derived from the events when a load commits (proclens/order.py); 0 / NULL without events
    instances  BIGINT,                    -- activity instances of the case
    first_ts   TIMESTAMPTZ,               -- first start (else end) time
    last_ts    TIMESTAMPTZ,               -- last end time
    variant    VARCHAR[],                 -- the activities in case order
    PRIMARY KEY (log, case_id)
);
ALTER TABLE cases ADD COLUMN IF NOT EXISTS instances BIGINT;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS first_ts TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS last_ts TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS variant VARCHAR[];

CREATE TABLE IF NOT EXISTS load_runs (
    run_id         BIGINT PRIMARY KEY,
    log            VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    source_kind    VARCHAR NOT NULL,
    fingerprint    VARCHAR,               -- sha256 of the file, or the cursor for pulls
    mode           VARCHAR NOT NULL,      -- new, replace, append, merge
    started_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ,
    status         VARCHAR NOT NULL,      -- ok, unchanged (merge: nothing new), failed
    rows_read      BIGINT NOT NULL DEFAULT 0,
    rows_loaded    BIGINT NOT NULL DEFAULT 0,
    rows_rejected  BIGINT NOT NULL DEFAULT 0,
    rows_updated   BIGINT NOT NULL DEFAULT 0,
    paired_starts  BIGINT NOT NULL DEFAULT 0,
    unpaired       BIGINT NOT NULL DEFAULT 0,
    cursor_value   VARCHAR,               -- incremental sources: last cursor value seen
    error          VARCHAR,
    details        JSON,                  -- connector-specific report (encoding used, warnings)
    rows_unchanged BIGINT NOT NULL DEFAULT 0  -- merge: re-read rows equal to the stored event
);
-- Stores created before rows_unchanged existed gain it here.
ALTER TABLE load_runs ADD COLUMN IF NOT EXISTS rows_unchanged BIGINT DEFAULT 0;

-- Rows that could not be loaded, kept with the reason. read = loaded + rejected, per run.
CREATE TABLE IF NOT EXISTS rejected_rows (
    run_id    BIGINT NOT NULL,
    log       VARCHAR NOT NULL,
    position  VARCHAR NOT NULL,           -- where in the source: "line 17", "trace 3 event 2"
    raw       VARCHAR,                    -- the raw row as text
    reason    VARCHAR NOT NULL
);

-- Object-centric logs (OCEL 2.0). A flattened view per object type is loaded as an ordinary
-- log named "<log>/<object type>" into the tables above.
CREATE TABLE IF NOT EXISTS ocel_logs (
    log           VARCHAR PRIMARY KEY,    -- the OCEL's name; flattened logs are "<log>/<type>"
    source        VARCHAR NOT NULL,
    source_format VARCHAR NOT NULL,       -- ocel2-json, ocel2-xml, ocel2-sqlite, ocel1-json
    loaded_at     TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    types         JSON                    -- declared event/object types and attribute types
);
CREATE TABLE IF NOT EXISTS ocel_events (
    log        VARCHAR NOT NULL,
    event_id   VARCHAR NOT NULL,
    event_type VARCHAR NOT NULL,
    ts         TIMESTAMPTZ NOT NULL,
    attributes JSON,
    PRIMARY KEY (log, event_id)
);
CREATE TABLE IF NOT EXISTS ocel_objects (
    log         VARCHAR NOT NULL,
    object_id   VARCHAR NOT NULL,
    object_type VARCHAR NOT NULL,
    attributes  JSON,                     -- first value of each attribute
    attribute_times JSON,                 -- attribute -> time of that first value, when given
    PRIMARY KEY (log, object_id)
);
-- Later values of object attributes (history = ocel_objects.attributes, then these by ts).
CREATE TABLE IF NOT EXISTS ocel_object_changes (
    log        VARCHAR NOT NULL,
    object_id  VARCHAR NOT NULL,
    attribute  VARCHAR NOT NULL,
    value      JSON,
    ts         TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS ocel_e2o (
    log       VARCHAR NOT NULL,
    event_id  VARCHAR NOT NULL,
    object_id VARCHAR NOT NULL,
    qualifier VARCHAR
);
CREATE TABLE IF NOT EXISTS ocel_o2o (
    log            VARCHAR NOT NULL,
    source_object  VARCHAR NOT NULL,
    target_object  VARCHAR NOT NULL,
    qualifier      VARCHAR
);

-- Conformance results per variant (analytics/conformance/memo.py): a variant's result depends
-- only on its activities, the designed model as relabelled by the mapping, and the method, all
-- in `memo_key`; `proclens conform` keeps the exact ones it computed, later checks reuse them.
CREATE TABLE IF NOT EXISTS conformance_memo (
    memo_key   VARCHAR NOT NULL,          -- sha256 of model bytes, process, method, mapping
    vkey       VARCHAR NOT NULL,          -- the variant's activities joined by U+001F
    variant    VARCHAR[] NOT NULL,
    fitness    DOUBLE NOT NULL,
    fits       BOOLEAN NOT NULL,
    cost       INTEGER,                   -- alignment cost (NULL for token replay)
    skipped    VARCHAR[] NOT NULL,        -- model moves
    inserted   VARCHAR[] NOT NULL,        -- log moves / events replayed with missing tokens
    tokens     INTEGER[],                 -- token replay: missing, consumed, remaining, produced
    PRIMARY KEY (memo_key, vkey)
);

-- The unit every analysis counts: one row per activity instance, in a defined order.
-- Order inside a case: order_ts (start if known, else end), then ts, then event_index; `seq`
-- is that position, stored at load time (proclens/order.py).
CREATE OR REPLACE VIEW activity_instances AS
SELECT log, case_id, activity, ts, start_ts, coalesce(start_ts, ts) AS order_ts,
       resource, department, lifecycle, event_index, attributes, seq, next_activity,
       next_order_ts
FROM events
WHERE is_instance;
