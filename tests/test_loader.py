"""The loader: reconciliation, duplicates, lifecycle pairing, transactions."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from analytics.stats import log_stats
from connectors.arrow_tables import events_table
from connectors.base import Batch, RejectedRow
from proclens.errors import RejectedRowsError, StoreError
from proclens.loader import load
from proclens.store import EventStore
from tests.rows import RowSource, ts

ROOT = Path(__file__).resolve().parent.parent


def ev(case: str, act: str, t: str, **kw: object) -> dict[str, object]:
    return {"case_id": case, "activity": act, "ts": t, **kw}


def test_counts_reconcile_and_rejected_rows_are_kept(store: EventStore) -> None:
    src = RowSource(
        [ev("c1", "a", "2024-01-01T10:00"), ev("c1", "b", "2024-01-01T11:00")],
        rejected=[RejectedRow("row 3", "c2,,2024", "no activity")],
    )
    report = load(store, src, log="l")
    assert (report.read, report.loaded, report.rejected) == (3, 2, 1)
    assert report.read == report.loaded + report.rejected
    kept = store.con.execute("SELECT position, reason FROM rejected_rows WHERE log='l'").fetchall()
    assert kept == [("row 3", "no activity")]
    assert store.logs()[0]["rows_read"] == 3


def test_a_load_out_of_its_budget_runs_again_under_a_larger_one(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Work that cannot spill (the cases' key index) may exceed the load budget: the attempt is
    rolled back and the staged rows are loaded again under a larger budget, exactly once."""
    import duckdb

    store = EventStore.open(db_path)

    import proclens.loader

    real = proclens.loader.load_in_transaction
    budgets: list[str] = []

    def short_of_memory_once(con: duckdb.DuckDBPyConnection, *args: object, **kw: object) -> object:
        budgets.append(str(con.execute("SELECT current_setting('memory_limit')").fetchone()))
        report = real(con, *args, **kw)  # type: ignore[arg-type]
        if len(budgets) == 1:  # after writing every table, as a late out-of-memory would
            raise duckdb.OutOfMemoryException("failed to allocate (test)")
        return report

    monkeypatch.setattr(proclens.loader, "load_in_transaction", short_of_memory_once)
    src = RowSource(
        [ev("c1", "a", "2024-01-01T10:00"), ev("c1", "b", "2024-01-01T11:00"),
         ev("c2", "a", "2024-01-02T10:00")],
        rejected=[RejectedRow("row 4", "c3,,2024", "no activity")],
    )  # fmt: skip
    report = load(store, src, log="l")
    assert len(budgets) == 2
    assert budgets[0] != budgets[1]  # the second attempt ran under a larger limit
    assert (report.read, report.loaded, report.rejected) == (4, 3, 1)
    counts = [store.con.execute(f"SELECT count(*) FROM {table} WHERE log = 'l'").fetchone()
              for table in ("events", "cases", "rejected_rows", "logs")]  # fmt: skip
    assert counts == [(3,), (2,), (1,), (1,)]  # the rolled-back attempt left nothing
    runs = store.con.execute("SELECT count(*) FROM load_runs WHERE log = 'l'").fetchone()
    assert runs == (1,)
    store.close()


def test_a_store_in_memory_loads_under_its_own_limit(
    store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It cannot spill what it holds, so a load budget would only make it fail: staging and
    the transaction run under the store's memory limit, once."""
    import duckdb

    import proclens.loader

    monkeypatch.setenv("PROCLENS_MEMORY_LIMIT", "1GB")
    real_stage, real_load = proclens.loader._stage, proclens.loader.load_in_transaction
    limits: list[str] = []

    def limit(con: duckdb.DuckDBPyConnection) -> None:
        limits.append(str(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]))

    def stage(con: duckdb.DuckDBPyConnection, *args: object, **kw: object) -> None:
        limit(con)
        real_stage(con, *args, **kw)  # type: ignore[arg-type]

    def load_tx(con: duckdb.DuckDBPyConnection, *args: object, **kw: object) -> object:
        limit(con)
        return real_load(con, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(proclens.loader, "_stage", stage)
    monkeypatch.setattr(proclens.loader, "load_in_transaction", load_tx)
    load(store, RowSource([ev("c1", "a", "2024-01-01T10:00")]), log="l")
    probe = duckdb.connect()
    probe.execute("SET memory_limit = '1GB'")
    limit(probe)
    assert limits == [limits[-1]] * 3  # staging, transaction: the store's limit, as DuckDB says


def test_retry_budgets_grow_up_to_the_store_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from proclens.loader import budgets

    monkeypatch.setenv("PROCLENS_MEMORY_LIMIT", "2GB")
    monkeypatch.setenv("PROCLENS_LOAD_MEMORY_LIMIT", "64MB")
    assert budgets() == ["64MB", "128MB", "512MB", "2GB"]
    monkeypatch.setenv("PROCLENS_LOAD_MEMORY_LIMIT", "256 MiB")
    assert budgets() == ["256 MiB", "512MB", "2GB"]
    monkeypatch.setenv("PROCLENS_MEMORY_LIMIT", "100MB")
    assert budgets() == ["256 MiB", "100MB"]  # the store's limit is the last word
    monkeypatch.setenv("PROCLENS_LOAD_MEMORY_LIMIT", "lots")
    with pytest.raises(StoreError, match="not a size"):
        budgets()


def test_exact_duplicates_are_set_aside_but_rework_and_near_duplicates_stay(
    store: EventStore,
) -> None:
    rows = [
        ev("d1", "Submit", "2025-05-01T09:00", resource="r1"),
        ev("d1", "Submit", "2025-05-01T09:00", resource="r1"),  # exact duplicate
        ev("d3", "Approve", "2025-05-01T10:00", resource="r2"),
        ev("d3", "Approve", "2025-05-01T15:00", resource="r4"),  # rework
        ev("d4", "Approve", "2025-05-08T08:30", resource="r2"),
        ev("d4", "Approve", "2025-05-08T08:30", resource="r5"),  # near duplicate
    ]
    report = load(store, RowSource(rows), log="l")
    assert (report.read, report.loaded, report.rejected, report.duplicates) == (6, 5, 1, 1)
    assert report.near_duplicate_groups == 1
    reason = store.con.execute("SELECT reason, position FROM rejected_rows").fetchone()
    assert reason == ("exact duplicate of row 1", "row 2")


def test_start_complete_rows_pair_into_instances(store: EventStore) -> None:
    rows = [
        ev("L1", "Register", "2024-01-01T09:00", lifecycle="start"),
        ev("L1", "Register", "2024-01-01T09:30", lifecycle="complete"),
        ev("L1", "Assess", "2024-01-01T10:00", lifecycle="start"),
        ev("L1", "Assess", "2024-01-01T11:00", lifecycle="complete"),
        ev("L1", "Assess", "2024-01-01T12:00", lifecycle="schedule"),
    ]
    report = load(store, RowSource(rows), log="l")
    assert (report.read, report.loaded, report.paired_starts, report.unpaired) == (5, 5, 2, 0)
    got = store.con.execute(
        "SELECT activity, epoch(ts - start_ts) FROM activity_instances ORDER BY order_ts"
    ).fetchall()
    assert got == [("Register", 1800.0), ("Assess", 3600.0)]
    stats = log_stats(store, "l")
    assert stats["events"] == 2
    assert stats["case_duration_s"]["max"] == 7200.0


def test_events_paired_and_inserted_in_slices_equal_one_insert(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Events are paired and inserted one slice of the cases at a time; the stored rows, the
    pairs and the order equal one statement's, nothing is lost or doubled (slices forced here
    to about 2 events: every case in a slice of its own or shared with another)."""
    import proclens.order

    rows = [
        ev("L1", "Register", "2024-01-01T09:00", lifecycle="start"),
        ev("L2", "Register", "2024-01-01T09:10", lifecycle="start"),
        ev("L1", "Assess", "2024-01-01T10:00", lifecycle="complete"),
        ev("L2", "Register", "2024-01-01T09:40", lifecycle="complete"),
        ev("L1", "Register", "2024-01-01T09:30", lifecycle="complete"),
        ev("L3", "Check", "2024-01-01T12:00", lifecycle="complete"),
        ev("L3", "Check", "2024-01-01T11:00", lifecycle="start"),  # after its complete
        ev("L1", "Assess", "2024-01-01T12:00", lifecycle="schedule"),
    ]
    stored = (
        "SELECT case_id, activity, ts, start_ts, lifecycle, event_index, is_instance, seq"
        " FROM events ORDER BY event_index, ts"
    )
    whole = EventStore.in_memory()
    want = load(whole, RowSource(rows), log="l")
    monkeypatch.setattr(proclens.order, "SLICE_EVENTS", 2)
    sliced = EventStore.in_memory()
    got = load(sliced, RowSource(rows), log="l")
    assert (got.loaded, got.paired_starts, got.unpaired) == (want.loaded, 3, want.unpaired)
    assert sliced.con.execute(stored).fetchall() == whole.con.execute(stored).fetchall()
    assert sliced.con.execute("SELECT count(*) FROM events").fetchone() == (5,)


def test_the_log_row_counts_every_committed_run_and_a_replace_starts_over(
    store: EventStore,
) -> None:
    def counts() -> tuple[object, ...] | None:
        return store.con.execute(
            "SELECT rows_read, rows_loaded, rows_rejected, events, cases, attributes->>'$.k'"
            " FROM logs WHERE log = 'l'"
        ).fetchone()

    bad = [RejectedRow("row 9", "x", "no activity")]
    first = [ev("c1", "a", "2024-01-01T10:00"), ev("c1", "b", "2024-01-01T11:00")]
    load(store, RowSource(first, rejected=bad, log_attributes={"k": "v1"}), log="l")
    assert counts() == (3, 2, 1, 2, 1, "v1")
    more = [ev("c2", "a", "2024-01-02T10:00"), ev("c1", "a", "2024-01-01T10:00")]  # 1 dup
    load(store, RowSource(more, log_attributes={"k": "v2"}), log="l", mode="append")
    assert counts() == (5, 3, 2, 3, 2, "v2")
    load(store, RowSource(more, log_attributes={"k": "v3"}), log="l", mode="replace")
    assert counts() == (2, 2, 0, 2, 2, "v3")


def snapshot(db_path: Path) -> list[tuple[str, int]]:
    """Every table of the store file with its row count."""
    with EventStore.open(db_path, read_only=True) as store:
        names = store.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
            " ORDER BY 1"
        ).fetchall()
        counts = [store.con.execute(f'SELECT count(*) FROM "{n}"').fetchone() for (n,) in names]
        return [(n, c[0] if c else -1) for (n,), c in zip(names, counts, strict=True)]


def test_a_failing_source_leaves_every_table_as_it_was(db_path: Path) -> None:
    with EventStore.open(db_path) as store:
        load(store, RowSource([ev("c1", "a", "2024-01-01T10:00")]), log="keep")
    before = snapshot(db_path)
    with EventStore.open(db_path) as store:
        rows = [ev("c", "a", f"2024-01-01T10:0{i}") for i in range(9)]
        with pytest.raises(OSError, match="truncated"):
            load(store, RowSource(rows, fail_after=2), log="broken")
        with pytest.raises(RejectedRowsError):
            load(store, RowSource(rows, rejected=[RejectedRow("r", "", "x")]), log="s", strict=True)
    assert snapshot(db_path) == before


@dataclass
class Endless(RowSource):
    """A source that never ends: two events per batch, one case each."""

    marker: Path | None = None  # touched once 50 batches are staged

    def batches(self) -> Iterator[Batch]:
        for n in itertools.count():
            cols = {"case_id": [f"c{n}"] * 2, "activity": ["a", "b"],
                    "ts": [ts("2024-01-01T10:00"), ts("2024-01-01T11:00")],
                    "event_index": [2 * n, 2 * n + 1]}  # fmt: skip
            yield Batch(events=events_table(cols), rows_read=2)
            if n == 50 and self.marker is not None:
                self.marker.touch()


def endless_load(db: str, marker: str) -> None:
    with EventStore.open(db) as store:
        load(store, Endless([], marker=Path(marker)), log="endless")


def test_a_killed_load_leaves_the_store_file_exactly_as_it_was(db_path: Path) -> None:
    with EventStore.open(db_path) as store:
        load(store, RowSource([ev("c1", "a", "2024-01-01T10:00")]), log="keep")
    before = snapshot(db_path)
    marker = db_path.with_name("staging-started")
    call = f"endless_load({str(db_path)!r}, {str(marker)!r})"
    code = f"from tests.test_loader import endless_load; {call}"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300  # a bound for a very busy machine, not a timing
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the load never started staging"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(db_path) == before


def test_strict_refuses_any_rejection(store: EventStore) -> None:
    src = RowSource([ev("c1", "a", "2024-01-01T10:00")], rejected=[RejectedRow("row 2", "", "x")])
    with pytest.raises(RejectedRowsError, match="1 of 2 rows"):
        load(store, src, log="l", strict=True)
    assert store.log_names() == []


def test_loading_the_same_file_twice_changes_nothing(store: EventStore) -> None:
    src = RowSource([ev("c1", "a", "2024-01-01T10:00")])
    load(store, src, log="l", fingerprint="abc")
    again = load(store, src, log="l", fingerprint="abc")
    assert again.status == "unchanged"
    with pytest.raises(StoreError, match="--replace"):
        load(store, src, log="l", fingerprint="other")
    load(store, src, log="l", mode="replace", fingerprint="other")
    assert store.con.execute("SELECT count(*) FROM events").fetchone() == (1,)


def test_append_rejects_events_already_stored(store: EventStore) -> None:
    load(store, RowSource([ev("c1", "a", "2024-01-01T10:00")]), log="l")
    report = load(
        store,
        RowSource([ev("c1", "a", "2024-01-01T10:00"), ev("c1", "b", "2024-01-01T11:00")]),
        log="l",
        mode="append",
    )
    assert (report.read, report.loaded, report.rejected) == (2, 1, 1)
    assert store.con.execute("SELECT count(*) FROM events").fetchone() == (2,)


def test_empty_cases_count_as_cases_and_one_empty_variant(store: EventStore) -> None:
    src = RowSource(
        [ev("e1", "a", "2024-01-01T10:00"), ev("e1", "b", "2024-01-01T11:00")],
        case_rows=[("e1", {"channel": "web"}), ("e3", {"channel": "phone"})],
    )
    load(store, src, log="l")
    stats = log_stats(store, "l")
    assert (stats["cases"], stats["variants"], stats["cases_without_events"]) == (2, 2, 1)
    assert stats["case_duration_s"]["mean"] == 3600.0


def _budgets_of_attempts(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], str]:
    """The memory limit of each attempt at a load's transaction (filled as loads run), and
    the default load budget as DuckDB reports it."""
    import duckdb

    import proclens.loader

    monkeypatch.delenv("PROCLENS_LOAD_MEMORY_LIMIT", raising=False)
    real = proclens.loader._load_staged
    limits: list[str] = []

    def attempt(store: EventStore, *args: object) -> object:
        limits.append(str(store.con.execute("SELECT current_setting('memory_limit')").fetchall()))
        return real(store, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(proclens.loader, "_load_staged", attempt)
    probe = duckdb.connect()
    probe.execute(f"SET memory_limit = '{proclens.loader.budgets()[0]}'")
    return limits, str(probe.execute("SELECT current_setting('memory_limit')").fetchall())


def test_bpic_2012_loads_within_the_load_budget_at_the_first_attempt(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every step of a real log's load fits the default budget: a step that ran out of it would
    run again under 128 MB, and the load's peak would grow by half (BPIC 2012: 152 -> 221 MB).
    The per-case facts ran out of 48 MB in 200,000-event slices for one log name, not for the
    other, so both are loaded."""
    from connectors.registry import FileOptions
    from connectors.xes import XesSource
    from tests.conftest import SHARED

    path = SHARED / "logs" / "xes" / "bpic2012_full.xes.gz"
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared is not on this machine)")
    limits, budget = _budgets_of_attempts(monkeypatch)
    with EventStore.open(db_path) as store:
        for log in ("b", "bpic2012_full"):
            report = load(store, XesSource(path, FileOptions()), log=log)
            assert (report.read, report.loaded, report.cases) == (262_200, 262_200, 13_087)
    assert limits == [budget, budget]


def test_every_sample_log_loads_within_the_load_budget_at_the_first_attempt(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundled logs too: PermitLog (7,065 cases of 15 attributes) ran out of 48 MB when a
    slice's case attributes and per-case lists were aggregated in one statement."""
    from connectors.registry import FileOptions
    from connectors.xes import XesSource

    paths = sorted((Path(__file__).parents[1] / "sample_logs").glob("*.xes.gz"))
    assert len(paths) >= 5
    limits, budget = _budgets_of_attempts(monkeypatch)
    with EventStore.open(db_path) as store:
        for path in paths:
            report = load(store, XesSource(path, FileOptions()), log=path.name)
            assert report.read == report.loaded + report.rejected > 0
    assert limits == [budget] * len(paths)


def _commit_after_insert(
    path: Path, n: int, before_commit: Callable[[duckdb.DuckDBPyConnection], None]
) -> object:
    """In a fresh store at `path`: insert `n` new cases under 32 MB in one transaction, call
    `before_commit`, commit. The cases' count after, or the name of the commit's error."""
    from proclens.store import schema_sql

    con = duckdb.connect(str(path))
    con.execute(schema_sql())
    con.execute("SET threads = 1")
    con.execute("BEGIN")
    con.execute("SET memory_limit = '32MB'")
    con.execute(f"INSERT INTO cases (log, case_id) SELECT 'oa', 'case-' || i FROM range({n}) t(i)")
    before_commit(con)
    try:
        con.execute("COMMIT")
        return con.execute("SELECT count(*) FROM cases").fetchone()
    except duckdb.Error as exc:
        return type(exc).__name__
    finally:
        con.close()


def test_a_commit_gets_what_its_key_index_needs_where_the_inserts_budget_is_too_small(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB itself: 500,000 new keys of the cases' index are inserted under 32 MB, but their
    commit needs more: it fails under 32 MB (and a load's commit that fails so can invalidate
    the store) and succeeds under `commit_budget`, which is less than the store's limit."""
    from proclens.loader import _bytes, commit_budget

    monkeypatch.setenv("PROCLENS_MEMORY_LIMIT", "2GB")
    budgets: list[float] = []

    def raise_limit(con: duckdb.DuckDBPyConnection) -> None:
        budget = commit_budget(con)
        budgets.append(_bytes(budget))
        con.execute(f"SET memory_limit = '{budget}'")

    n = 500_000
    assert _commit_after_insert(tmp_path / "a.duckdb", n, lambda con: None) == (
        "TransactionException"
    )
    assert _commit_after_insert(tmp_path / "b.duckdb", n, raise_limit) == (n,)
    assert 32e6 < budgets[0] < 2e9
    monkeypatch.setenv("PROCLENS_MEMORY_LIMIT", "40MB")  # the store's limit is the last word
    _commit_after_insert(tmp_path / "c.duckdb", n, raise_limit)
    assert budgets[1] == pytest.approx(40e6, rel=0.05)


def test_a_commit_without_new_keys_stays_under_the_attempts_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from proclens.loader import _bytes, commit_budget

    monkeypatch.setenv("PROCLENS_MEMORY_LIMIT", "2GB")
    con = duckdb.connect()
    con.execute("SET memory_limit = '48MB'")
    assert _bytes(commit_budget(con)) == pytest.approx(48e6, rel=0.05)
