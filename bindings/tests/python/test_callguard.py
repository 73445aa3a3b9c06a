"""The Python bindings across the FFI: errors, callbacks, cancellation, freeing, Japanese text
and threads. The core's own behaviour is tested in Rust; these tests check the binding edge."""

import gc
import json
import os
import threading
import weakref

import pytest

import callguard_ffi as cg
from conftest import BIG_FEED_ROWS, feed_number

JAPANESE = "総務省を名乗る偽の電話・２時間以内"


def codes(assessment):
    return [reason.code for reason in assessment.reasons]


def has_japanese(text):
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


# --- screening, classifying, scanning -------------------------------------------------------


def test_screen_returns_records_and_enums():
    guard = cg.CallGuard(None, "JP", "balanced")
    a = guard.screen(cg.IncomingCall(number="+1 202-555-0143"), "en")
    assert a.verdict == cg.Verdict.WARN
    assert 0 < a.score <= 100
    assert "international" in codes(a)
    assert a.number.e164 == "+12025550143"
    assert a.number.e164_value == 12025550143
    assert a.number.country == "US"
    assert a.number.international is True
    assert a.advice is not None and "abroad" in a.advice
    ja = guard.screen(cg.IncomingCall(number="+1 202-555-0143"), "ja")
    assert ja.advice is not None and has_japanese(ja.advice)
    assert ja.verdict_label == "注意" and a.verdict_label == "Warning"


def test_one_language_parameter_with_a_fallback():
    guard = cg.CallGuard(None, "JP", "balanced")
    languages = cg.languages()
    assert languages[0] == "ja" and "en" in languages
    call = cg.IncomingCall(number="+1 202-555-0143")
    english = guard.screen(call, "en")
    # A locale is read as its language; one callguard does not speak falls back to English.
    assert guard.screen(call, "ja-JP") == guard.screen(call, "ja")
    assert guard.screen(call, "fr") == english
    assert guard.screen_summary(call, "xx").label == english.label
    for lang in languages:
        assert guard.screen(call, lang).label
    # A third language is data: Korean reasons and advice, from a Korean locale too.
    korean = guard.screen(call, "ko-KR")
    assert "ko" in languages and korean == guard.screen(call, "ko")
    assert any("\uac00" <= c <= "\ud7a3" for c in korean.advice)


def test_screen_never_throws_on_odd_input():
    guard = cg.CallGuard(None, "JP", "elderly")
    odd = ["", "\x00\x00", "☎" * 10_000, "+" * 300, "非通知", "tel:%ZZ", "0" * 64]
    for text in odd:
        a = guard.screen(cg.IncomingCall(number=text, local_time=cg.LocalTime(hour=99, minute=99)), "en")
        assert isinstance(a.verdict, cg.Verdict)
    hidden = guard.screen(cg.IncomingCall(presentation=cg.Presentation.RESTRICTED), "en")
    assert hidden.number.kind == cg.NumberKind.HIDDEN
    assert hidden.verdict == cg.Verdict.BLOCK  # elderly blocks withheld numbers


def test_emergency_numbers_always_ring():
    guard = cg.CallGuard(None, "JP", "elderly")
    a = guard.screen(cg.IncomingCall(number="110", verification=cg.Verification.FAILED), "en")
    assert a.verdict == cg.Verdict.ALLOW
    assert a.number.kind == cg.NumberKind.EMERGENCY


def test_classify_reads_full_width_and_national_numbers():
    guard = cg.CallGuard(None, "JP", "balanced")
    info = guard.classify("＋８１ ９０ １２３４ ５６７８", "en")
    assert (info.e164, info.kind, info.country) == ("+819012345678", cg.NumberKind.MOBILE, "JP")
    fixed = guard.classify("03-5253-5111", "ja")
    assert fixed.kind == cg.NumberKind.FIXED and fixed.international is False
    assert has_japanese(fixed.kind_label)
    bad = guard.classify("+83 1234 5678", "en")
    assert bad.kind == cg.NumberKind.INVALID
    assert bad.invalid_code == "unassigned_country_code"
    assert bad.invalid_message is not None and "+83" in bad.invalid_message


def test_official_numbers_read_as_the_phone_reads_them():
    official = cg.official_numbers()
    assert all(isinstance(n, str) and n.startswith("+") for n in official)
    guard = cg.CallGuard(None, "JP", "balanced")
    assert guard.classify("03-5253-5111", "en").e164 in official


def test_scan_round_trips_japanese_text():
    guard = cg.CallGuard(None, "JP", "balanced")
    text = "こちらは総務省です。お客様の携帯電話は２時間以内に使えなくなります。1を押してください。"
    result = guard.scan(text, "ja")
    assert result.level == cg.ScriptLevel.HIGH
    assert "authority" in result.categories
    assert any("総務省" in line for line in result.explanation)
    found = [m.text for m in result.matches]
    assert "総務省" in found
    for m in result.matches:
        assert m.text in text, m.text  # the exact characters come back
        assert has_japanese(m.label)


def test_claims_and_transcripts_in_japanese():
    guard = cg.CallGuard(None, "JP", "balanced")
    a = guard.screen(cg.IncomingCall(number="+44 20 7946 0958", claims="総務省"), "ja")
    assert "impersonation" in codes(a)
    reason = next(r for r in a.reasons if r.code == "impersonation")
    assert "総務省" in reason.message
    assert a.verdict in (cg.Verdict.SILENCE, cg.Verdict.BLOCK)


# --- errors arrive as exceptions with their reason -----------------------------------------


def test_bad_arguments_raise_invalid_input_with_reason(tmp_path):
    with pytest.raises(cg.CallGuardError.InvalidInput) as err:
        cg.CallGuard(None, "ZZ", "balanced")
    assert "ZZ" in err.value.reason
    with pytest.raises(cg.CallGuardError.InvalidInput) as err:
        cg.CallGuard(None, "JP", "paranoid")
    assert "paranoid" in err.value.reason and "elderly" in err.value.reason
    with pytest.raises(cg.CallGuardError.InvalidInput) as err:
        cg.CallGuard(None, "JP", '{"format": 1, "name": "x"')
    assert "policy" in err.value.reason
    # The base class catches every variant.
    with pytest.raises(cg.CallGuardError):
        cg.CallGuard(None, "", "")


def test_store_errors_map_to_variants(guard, tmp_path):
    with pytest.raises(cg.CallGuardError.InvalidInput) as err:
        guard.add_list_entry(cg.ListKind.BLOCK, "110", None, None)
    assert "protected" in err.value.reason
    with pytest.raises(cg.CallGuardError.InvalidInput):
        guard.report("hello", cg.ReportCategory.SCAM, None)
    with pytest.raises(cg.CallGuardError.InvalidInput):
        guard.import_feed(str(tmp_path / "missing.csv"), cg.ImportOptions())
    bad = tmp_path / "bad.csv"
    bad.write_text("# name: bad\nnumber,category\n+819011112222,scam\nnot a number,scam\n")
    with pytest.raises(cg.CallGuardError.Feed) as err:
        guard.import_feed(str(bad), cg.ImportOptions())
    assert "line 4" in err.value.reason
    assert guard.stats().feeds == []


def test_a_database_that_cannot_be_opened_leaves_a_screener_that_fails_open(tmp_path):
    not_a_db = tmp_path / "garbage.db"
    not_a_db.write_bytes(b"this is not sqlite" * 100)
    guard = cg.CallGuard(str(not_a_db), "JP", "balanced")
    status = guard.store_status()
    assert status.state == cg.StoreState.UNAVAILABLE and status.reason
    # Calls the database would decide ring, saying why; emergency numbers are decided as ever.
    unknown = guard.screen(cg.IncomingCall(number="+12025550143"), "en")
    assert unknown.verdict == cg.Verdict.ALLOW
    assert "screening_unavailable" in [r.code for r in unknown.reasons]
    assert guard.screen(cg.IncomingCall(number="110"), "en").verdict == cg.Verdict.ALLOW
    with pytest.raises(cg.CallGuardError.Database) as err:
        guard.list_entries()
    assert err.value.reason
    assert not_a_db.read_bytes() == b"this is not sqlite" * 100


def test_no_database_means_database_errors_but_screening_works():
    guard = cg.CallGuard(None, "JP", "balanced")
    with pytest.raises(cg.CallGuardError.Database) as err:
        guard.list_entries()
    assert "no database" in err.value.reason
    guard.record(guard.screen(cg.IncomingCall(number="+12025550143"), "en"))  # a no-op, no error


def test_a_locked_policy_refuses_changes_without_its_pin():
    guard = cg.CallGuard(None, "JP", "elderly")
    assert guard.policy_change_allowed(None)
    locked_json = guard.lock_policy("2468")
    assert json.loads(locked_json)["lock"] is not None
    assert guard.policy_locked()
    assert not guard.policy_change_allowed(None)
    assert not guard.policy_change_allowed("0000")
    assert guard.policy_change_allowed("2468")
    with pytest.raises(cg.CallGuardError.Locked) as err:
        guard.set_policy("minimal", "0000")
    assert "elderly" in err.value.reason
    assert guard.policy_name() == "elderly"
    guard.set_policy("minimal", "2468")
    assert guard.policy_name() == "minimal"
    # A locked policy given as JSON screens and stays locked.
    again = cg.CallGuard(None, "JP", locked_json)
    assert again.policy_locked() and again.policy_name() == "elderly"


# --- lists, reports, call log ----------------------------------------------------------------


def test_lists_reports_and_export_round_trip_japanese(guard):
    entry = guard.add_list_entry(cg.ListKind.BLOCK, "050-1234-5678", "偽の警察", JAPANESE)
    assert entry.pattern == "+815012345678"
    assert (entry.label, entry.note) == ("偽の警察", JAPANESE)
    [listed] = guard.list_entries()
    assert (listed.label, listed.note) == ("偽の警察", JAPANESE)
    a = guard.screen(cg.IncomingCall(number="05012345678"), "en")
    assert a.verdict == cg.Verdict.BLOCK and "block_list" in codes(a)
    assert guard.remove_list_entry(cg.ListKind.BLOCK, "+815012345678")
    assert not guard.remove_list_entry(cg.ListKind.BLOCK, "+815012345678")

    report = guard.report("090-1111-2222", cg.ReportCategory.SCAM, JAPANESE)
    assert report.number == "+819011112222" and report.note == JAPANESE
    doc = json.loads(guard.export_reports())
    assert doc["format"] == "callguard-user-reports"
    assert doc["reports"][0]["note"] == JAPANESE
    assert guard.stats().user_reports == 1


def test_recorded_calls_count_as_repeat_calls(guard):
    call = cg.IncomingCall(number="+815098765432")
    for _ in range(3):
        guard.record(guard.screen(call, "en"))
    assert guard.stats().logged_calls == 3
    assert "repeat_caller" in codes(guard.screen(call, "en"))


# --- a pause, lines, a call back, the presets for people -------------------------------------


def test_a_pause_needs_no_pin_is_bounded_and_ends(db_path):
    import time

    guard = cg.CallGuard(db_path, "JP", "elderly")
    guard.lock_policy("2468")
    now = int(time.time())
    abroad = "+12025550143"
    assert guard.screen(cg.IncomingCall(number=abroad), "en").verdict == cg.Verdict.BLOCK
    with pytest.raises(cg.CallGuardError.InvalidInput) as err:
        guard.pause_protection(now + cg.max_pause_seconds() + 60)
    assert "at most 24 hours" in err.value.reason
    assert guard.protection_paused_until() is None
    # No PIN, though the policy is locked.
    assert guard.pause_protection(now + 3600) == now + 3600
    assert guard.protection_paused_until() == now + 3600
    a = guard.screen(cg.IncomingCall(number=abroad, at=now + 60), "ja")
    assert a.verdict == cg.Verdict.WARN and "protection_paused" in codes(a)
    assert a.paused_until == now + 3600
    assert any("保護を一時停止" in r.message for r in a.reasons)
    later = guard.screen(cg.IncomingCall(number=abroad, at=now + 7200), "en")
    assert later.verdict == cg.Verdict.BLOCK and later.paused_until is None
    guard.resume_protection()
    assert guard.protection_paused_until() is None
    # Kept in the database: a new object (a restarted app) sees a pause.
    guard.pause_protection(now + 600)
    del guard
    gc.collect()
    assert cg.CallGuard(db_path, "JP", "elderly").protection_paused_until() == now + 600


def test_line_presets_need_the_pin_of_a_locked_policy(db_path):
    guard = cg.CallGuard(db_path, "JP", "elderly")
    with pytest.raises(cg.CallGuardError.InvalidInput):
        guard.set_line_preset("sim-work", "lenient", None)
    guard.set_line_preset("sim-work", "minimal", None)
    work = guard.screen(cg.IncomingCall(number="+12025550143", line="sim-work"), "en")
    assert (work.verdict, work.policy, work.line) == (cg.Verdict.ALLOW, "minimal", "sim-work")
    home = guard.screen(cg.IncomingCall(number="+12025550143", line="sim-home"), "en")
    assert (home.verdict, home.policy, home.line) == (cg.Verdict.BLOCK, "elderly", None)
    guard.lock_policy("2468")
    with pytest.raises(cg.CallGuardError.Locked):
        guard.clear_line_preset("sim-work", None)
    with pytest.raises(cg.CallGuardError.Locked):
        guard.set_line_preset("sim-home", "minimal", "0000")
    assert [(l.line, l.preset) for l in guard.line_presets()] == [("sim-work", "minimal")]
    assert guard.clear_line_preset("sim-work", "2468")
    assert guard.line_presets() == []


def test_a_call_back_within_minutes_rings_with_a_warning(db_path):
    guard = cg.CallGuard(db_path, "JP", "elderly")
    night = cg.LocalTime(hour=22, minute=30)
    t = 1_767_268_800
    first = guard.screen(cg.IncomingCall(number="03-1234-5678", local_time=night, at=t), "en")
    assert first.verdict == cg.Verdict.SILENCE
    guard.record(first, t)
    again = guard.screen(cg.IncomingCall(number="03-1234-5678", local_time=night, at=t + 120), "en")
    assert again.verdict == cg.Verdict.WARN and "repeat_urgent" in codes(again)
    assert again.label == "Called again"


def test_presets_are_described_in_the_persons_language():
    ja = cg.policy_preset_info("ja")
    assert [p.name for p in ja] == cg.policy_presets()
    assert ja[1].title == "高齢の方向け(きびしめ)"
    ko = cg.policy_preset_info("ko-KR")
    assert all(any("\uac00" <= ch <= "\ud7a3" for ch in p.description) for p in ko)
    assert cg.policy_preset_info("fr")[0].title == "Standard (recommended)"


# --- callbacks and cancellation ---------------------------------------------------------------


class Recorder(cg.ImportProgress):
    """Records every progress call; cancels after `cancel_after` calls if given."""

    def __init__(self, cancel_after=None, raise_after=None):
        self.calls = []
        self.threads = set()
        self.cancel_after = cancel_after
        self.raise_after = raise_after

    def on_progress(self, bytes_read, total_bytes):
        self.calls.append((bytes_read, total_bytes))
        self.threads.add(threading.get_ident())
        if self.raise_after is not None and len(self.calls) >= self.raise_after:
            raise RuntimeError("the app's callback broke")
        return self.cancel_after is None or len(self.calls) < self.cancel_after


def test_progress_callbacks_fire(guard, big_feed):
    progress = Recorder()
    summary = guard.import_feed(big_feed, cg.ImportOptions(), progress)
    assert summary.imported == BIG_FEED_ROWS and summary.feed == "big"
    size = os.path.getsize(big_feed)
    assert len(progress.calls) >= 3  # a call every 65,536 rows, and one at the end
    assert progress.calls[-1] == (size, size)
    done = [d for d, _ in progress.calls]
    assert done == sorted(done) and all(t == size for _, t in progress.calls)
    assert progress.threads == {threading.get_ident()}  # called back on the importing thread
    a = guard.screen(cg.IncomingCall(number=feed_number(123)), "en")
    assert "reported" in codes(a)


def test_returning_false_cancels_and_changes_nothing(guard, big_feed):
    guard.add_list_entry(cg.ListKind.ALLOW, "+81311112222", "家族", None)
    before = guard.stats()
    progress = Recorder(cancel_after=1)
    with pytest.raises(cg.CallGuardError.Cancelled) as err:
        guard.import_feed(big_feed, cg.ImportOptions(), progress)
    assert "cancelled" in err.value.reason
    assert len(progress.calls) == 1  # no calls after cancelling
    after = guard.stats()
    assert after.feeds == [] and after.reported_numbers == 0
    assert after.allow_entries == before.allow_entries == 1
    assert "reported" not in codes(guard.screen(cg.IncomingCall(number=feed_number(1)), "en"))
    # The same import goes through afterwards.
    assert guard.import_feed(big_feed, cg.ImportOptions()).imported == BIG_FEED_ROWS


def test_an_exception_in_the_callback_aborts_the_import(guard, big_feed):
    progress = Recorder(raise_after=2)
    with pytest.raises(cg.CallGuardError.Internal) as err:
        guard.import_feed(big_feed, cg.ImportOptions(), progress)
    assert "callback" in err.value.reason
    assert guard.stats().feeds == []


def test_import_options_cross_the_ffi(guard, tmp_path):
    feed = tmp_path / "delta.csv"
    feed.write_text("number,category\n+819011112222,spam\nbogus,scam\n")
    options = cg.ImportOptions(name="家族の共有リスト", version=7, kind=cg.FeedKind.DELTA,
                               skip_invalid=True)
    summary = guard.import_feed(str(feed), options)
    assert (summary.feed, summary.version, summary.kind) == ("家族の共有リスト", 7, cg.FeedKind.DELTA)
    assert (summary.imported, summary.skipped) == (1, 1)
    assert summary.problems and summary.problems[0].startswith("line 3")
    [info] = guard.stats().feeds
    assert info.name == "家族の共有リスト"
    with pytest.raises(cg.CallGuardError.InvalidInput):
        guard.import_feed(str(feed), cg.ImportOptions(version=0))
    with pytest.raises(cg.CallGuardError.InvalidInput):
        guard.import_feed(str(feed), cg.ImportOptions(trusted_keys=["not a key"]))


# --- objects are freed ------------------------------------------------------------------------


def open_files(path):
    """How many of this process's file descriptors are open on `path` (Linux)."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == path:
                count += 1
        except OSError:
            pass
    return count


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_dropping_the_object_closes_the_database(db_path):
    guard = cg.CallGuard(db_path, "JP", "balanced")
    guard.add_list_entry(cg.ListKind.BLOCK, "+815012345678", None, None)
    assert open_files(db_path) == 2  # the writer and the reader connection
    del guard
    gc.collect()
    assert open_files(db_path) == 0  # the Rust object was dropped, its connections closed
    reopened = cg.CallGuard(db_path, "JP", "balanced")
    assert len(reopened.list_entries()) == 1


def test_callback_objects_are_released_after_the_import(guard, tmp_path):
    feed = tmp_path / "small.csv"
    feed.write_text("# name: small\nnumber\n+819011112222\n")
    progress = Recorder()
    ref = weakref.ref(progress)
    guard.import_feed(str(feed), cg.ImportOptions(), progress)
    assert progress.calls  # at least the final call
    del progress
    gc.collect()
    assert ref() is None  # Rust holds no reference to the callback any more


def test_many_objects_can_be_made_and_freed(tmp_path):
    for i in range(200):
        guard = cg.CallGuard(str(tmp_path / f"{i % 4}.db"), "JP", "balanced")
        guard.screen(cg.IncomingCall(number="+12025550143"), "en")
        del guard
    gc.collect()


# --- threads ----------------------------------------------------------------------------------


def test_screening_from_threads_while_an_import_runs(guard, big_feed):
    guard.add_list_entry(cg.ListKind.BLOCK, "+815012345678", "詐欺", None)
    stop = threading.Event()
    errors = []
    counts = []

    def screen_loop(worker):
        n = 0
        try:
            while not stop.is_set() or n < 200:
                a = guard.screen(cg.IncomingCall(number="050-1234-5678"), "en")
                assert a.verdict == cg.Verdict.BLOCK, a
                b = guard.screen(cg.IncomingCall(number=f"+1 202-555-{n % 10000:04d}"), "en")
                assert b.verdict in (cg.Verdict.WARN, cg.Verdict.ALLOW), b
                n += 1
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append((worker, exc))
        counts.append(n)

    threads = [threading.Thread(target=screen_loop, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    progress = Recorder()
    try:
        summary = guard.import_feed(big_feed, cg.ImportOptions(), progress)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    assert not errors, errors
    assert summary.imported == BIG_FEED_ROWS
    assert len(counts) == 4 and all(n >= 200 for n in counts)
    assert progress.calls
    assert "reported" in codes(guard.screen(cg.IncomingCall(number=feed_number(42)), "en"))
