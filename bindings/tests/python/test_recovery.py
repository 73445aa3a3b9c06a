"""A damaged database through the Python bindings: the object still screens (failing open),
says why, refuses changes with a reason, and `recover` gives the database back. The faults
themselves are tested in Rust (bindings/tests/faults.rs, tests/tests/faults.rs); these tests
check what Python sees."""

import gc
import os
import sqlite3
import time

import pytest

import callguard_ffi as cg

BLOCKED = "+815012345678"
ALLOWED = "+81312345678"
REPORTED = "+815098765432"


def codes(assessment):
    return [reason.code for reason in assessment.reasons]


def close(path):
    """Waits until the database is closed and its log folded into the file, so the one file
    holds everything (a store's background reader may close after the object is freed)."""
    gc.collect()
    deadline = time.monotonic() + 10
    clear_since = None
    while True:
        if os.path.exists(path + "-wal") or os.path.exists(path + "-shm"):
            clear_since = None
            assert time.monotonic() < deadline, f"{path} stays open"
            conn = sqlite3.connect(path)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
        elif clear_since is None:
            clear_since = time.monotonic()
        elif time.monotonic() - clear_since > 0.3:
            return
        time.sleep(0.02)


def make_database(path, tmp_path, feed_rows=0):
    guard = cg.CallGuard(path, "JP", "balanced")
    guard.add_list_entry(cg.ListKind.BLOCK, BLOCKED, "偽の警察", None)
    guard.add_list_entry(cg.ListKind.ALLOW, ALLOWED, None, None)
    guard.report(REPORTED, cg.ReportCategory.SCAM, "総務省を名乗る")
    if feed_rows:
        feed = tmp_path / "police.csv"
        with open(feed, "w", encoding="utf-8") as out:
            out.write("# name: police\n# version: 3\nnumber,category\n")
            for i in range(feed_rows):
                out.write(f"+8190{i * 7:08d},scam\n")
        guard.import_feed(str(feed), cg.ImportOptions())
    del guard
    close(path)


def assert_fails_open(guard, why):
    for number in ["110", "119", "112"]:
        a = guard.screen(cg.IncomingCall(number=number), "en")
        assert a.verdict == cg.Verdict.ALLOW
        assert a.number.kind == cg.NumberKind.EMERGENCY
        assert codes(a) == ["emergency_number"]
    for number in [BLOCKED, "+1 202-555-0143"]:
        a = guard.screen(cg.IncomingCall(number=number), "en")
        assert a.verdict == cg.Verdict.ALLOW
        assert codes(a) == ["screening_unavailable"]
        assert why in a.reasons[0].message
        assert why in guard.screen(cg.IncomingCall(number=number), "ja").reasons[0].message


def damaged_files(folder):
    return sorted(name for name in os.listdir(folder) if ".damaged-" in name)


def test_a_file_that_is_not_a_database_gives_a_working_object(db_path, tmp_path):
    make_database(db_path, tmp_path)
    garbage = b"this is not SQLite at all " * 200
    with open(db_path, "wb") as out:
        out.write(garbage)

    guard = cg.CallGuard(db_path, "JP", "balanced")  # no exception: screening must go on
    status = guard.store_status()
    assert status.state == cg.StoreState.UNAVAILABLE
    assert status.path == db_path
    assert "callguard.db" in status.reason
    assert_fails_open(guard, "callguard.db")
    with pytest.raises(cg.CallGuardError.Database) as err:
        guard.add_list_entry(cg.ListKind.BLOCK, "+815099990000", None, None)
    assert "adding a list entry" in err.value.reason and "callguard.db" in err.value.reason
    with pytest.raises(cg.CallGuardError.Database):
        guard.record(guard.screen(cg.IncomingCall(number=BLOCKED), "en"))
    with open(db_path, "rb") as f:
        assert f.read() == garbage  # refusing changed nothing

    report = guard.recover()
    assert isinstance(report, cg.RecoveryReport)
    assert not report.healthy and not report.created
    assert "callguard.db" in report.damage
    with open(report.moved_to, "rb") as f:
        assert f.read() == garbage
    assert [t.table for t in report.tables] == [
        "list_entries",
        "user_reports",
        "reports",
        "trusted_keys",
        "call_log",
    ]
    assert all(t.kept == 0 and t.error for t in report.tables)
    assert guard.store_status().state == cg.StoreState.READY
    assert guard.list_entries() == []
    a = guard.screen(cg.IncomingCall(number="+1 202-555-0143"), "en")
    assert a.verdict == cg.Verdict.WARN and "screening_unavailable" not in codes(a)


def test_a_truncated_file_gives_back_the_lists_and_names_the_feed(db_path, tmp_path):
    make_database(db_path, tmp_path, feed_rows=20_000)
    with open(db_path, "r+b") as f:
        f.truncate(os.path.getsize(db_path) // 2)
    guard = cg.CallGuard(db_path, "JP", "balanced")
    assert guard.store_status().state == cg.StoreState.UNAVAILABLE

    report = guard.recover()
    kept = {t.table: t.kept for t in report.tables}
    assert kept["list_entries"] == 2 and kept["user_reports"] == 1, report
    assert [(f.name, f.version) for f in report.feeds_to_import] == [("police", 3)]
    assert report.feeds_error is None
    entries = guard.list_entries()
    assert [e.pattern for e in entries] == [BLOCKED, ALLOWED]
    assert entries[0].label == "偽の警察"
    assert guard.screen(cg.IncomingCall(number=BLOCKED), "en").verdict == cg.Verdict.BLOCK
    assert "reported" in codes(guard.screen(cg.IncomingCall(number=REPORTED), "en"))
    exported = guard.export_reports()
    assert "総務省を名乗る" in exported


def test_a_table_dropped_under_the_object(db_path, tmp_path):
    make_database(db_path, tmp_path, feed_rows=100)
    guard = cg.CallGuard(db_path, "JP", "balanced")
    assert guard.screen(cg.IncomingCall(number=BLOCKED), "en").verdict == cg.Verdict.BLOCK
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.executescript(
        "DROP TABLE reports; UPDATE meta SET value = value + 1 WHERE key = 'reports_gen';"
    )
    conn.close()
    time.sleep(0.15)  # the store's refresh interval
    assert_fails_open(guard, "no such table: reports")
    status = guard.store_status()
    assert status.state == cg.StoreState.UNAVAILABLE and "reports" in status.reason
    with pytest.raises(cg.CallGuardError.Database) as err:
        guard.report("+815011112222", cg.ReportCategory.SCAM, None)
    assert "recording a report" in err.value.reason

    report = guard.recover()
    assert "table reports is missing" in report.damage
    assert os.path.basename(report.moved_to).startswith("callguard.db.damaged-")
    reports = next(t for t in report.tables if t.table == "reports")
    assert reports.kept == 1 and "no such table" in reports.error
    assert guard.store_status().state == cg.StoreState.READY
    assert guard.screen(cg.IncomingCall(number=BLOCKED), "en").verdict == cg.Verdict.BLOCK
    assert guard.stats().user_reports == 1


def test_a_healthy_database_is_left_as_it_is(db_path, tmp_path):
    make_database(db_path, tmp_path)
    guard = cg.CallGuard(db_path, "JP", "balanced")
    report = guard.recover()
    assert report.healthy and report.damage is None and report.moved_to is None
    assert report.tables == [] and report.feeds_to_import == []
    assert damaged_files(tmp_path) == []
    assert [e.pattern for e in guard.list_entries()] == [BLOCKED, ALLOWED]


def test_a_newer_schema_is_refused_and_left_alone(db_path, tmp_path):
    make_database(db_path, tmp_path)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    guard = cg.CallGuard(db_path, "JP", "balanced")
    assert guard.store_status().state == cg.StoreState.UNAVAILABLE
    assert_fails_open(guard, "newer")
    with pytest.raises(cg.CallGuardError.Database) as err:
        guard.recover()
    assert "recovering the database" in err.value.reason and "newer" in err.value.reason
    assert damaged_files(tmp_path) == []


def test_without_a_database_there_is_nothing_to_recover():
    guard = cg.CallGuard(None, "JP", "balanced")
    status = guard.store_status()
    assert status.state == cg.StoreState.NO_DATABASE
    assert status.path is None and status.reason is None
    with pytest.raises(cg.CallGuardError.Database) as err:
        guard.recover()
    assert "no database" in err.value.reason
