"""`screen_summary` through the Python bindings: the same verdict, score, reasons and label as
`screen` on the same calls (bindings/tests/fast.rs checks the same from Rust, FastScreenTest
from Kotlin)."""

import pytest

import callguard_ffi as cg

CALLS = [
    cg.IncomingCall(number="+1 202-555-0143"),
    cg.IncomingCall(number="03-5253-5111"),
    cg.IncomingCall(number="050-1234-5678"),
    cg.IncomingCall(number="+83 1234 5678"),
    cg.IncomingCall(number="+979 123456789"),
    cg.IncomingCall(number="+1 809 555 0199"),
    cg.IncomingCall(number="110", verification=cg.Verification.FAILED),
    cg.IncomingCall(number="090-1234-5678"),
    cg.IncomingCall(number="+81 90 5555 0000"),
    cg.IncomingCall(number="+81 90 5555 0001"),
    cg.IncomingCall(number="not a number"),
    cg.IncomingCall(presentation=cg.Presentation.RESTRICTED),
    cg.IncomingCall(presentation=cg.Presentation.PAYPHONE),
    cg.IncomingCall(number="+1 202-555-0143", is_contact=True),
    cg.IncomingCall(number="03-5253-5111", verification=cg.Verification.FAILED),
    cg.IncomingCall(number="+1 415 555 2671", verification=cg.Verification.PASSED),
    cg.IncomingCall(number="090-1234-5678", local_time=cg.LocalTime(hour=23, minute=30)),
    cg.IncomingCall(
        number="+44 20 7946 0958",
        claims="総務省",
        transcript="こちらは総務省です。２時間以内に使えなくなります。",
    ),
    cg.IncomingCall(number="03-3581-4321", claims="the police"),
    cg.IncomingCall(number="050-9999-0000", transcript="医療費の還付金があります。ATMへ行ってください。"),
]


def assert_same(guard, call):
    codes = cg.reason_codes()
    for lang in cg.languages():
        full = guard.screen(call, lang)
        brief = guard.screen_summary(call, lang)
        assert brief.verdict == full.verdict, call
        assert brief.score == full.score, call
        mask = 0
        for reason in full.reasons:
            mask |= 1 << codes.index(reason.code)
        assert brief.reasons == mask, call
        assert brief.label == full.label, call
    return full.verdict


@pytest.mark.parametrize("policy", ["balanced", "elderly", "minimal"])
def test_the_summary_agrees_with_the_assessment(policy):
    guard = cg.CallGuard(None, "JP", policy)
    for call in CALLS:
        assert_same(guard, call)


def test_the_summary_agrees_with_the_assessment_with_lists_and_reports(db_path):
    guard = cg.CallGuard(db_path, "JP", "elderly")
    guard.add_list_entry(cg.ListKind.BLOCK, "+81 90 5555 0000", None, None)
    guard.add_list_entry(cg.ListKind.ALLOW, "+1 202-555-0143", "姉", None)
    guard.report("+81 90 5555 0001", cg.ReportCategory.SCAM, None)
    verdicts = {assert_same(guard, call) for call in CALLS}
    # Every verdict was reached, so the comparison covered each of them.
    assert verdicts == set(cg.Verdict)


def test_the_summary_carries_the_reasons_as_bits_and_the_label_as_text():
    guard = cg.CallGuard(None, "JP", "balanced")
    codes = cg.reason_codes()
    assert len(codes) == len(set(codes)) and "international" in codes
    brief = guard.screen_summary(cg.IncomingCall(number="+1 202-555-0143"), "ja")
    assert brief.verdict == cg.Verdict.WARN
    assert brief.reasons & (1 << codes.index("international"))
    assert brief.label == "国際電話"
    assert guard.screen_summary(cg.IncomingCall(number="+1 202-555-0143"), "en").label
    quiet = guard.screen_summary(cg.IncomingCall(number="03-5253-5111"), "en")
    assert (quiet.verdict, quiet.score, quiet.reasons) == (cg.Verdict.ALLOW, 0, 0)
    assert quiet.label is None
