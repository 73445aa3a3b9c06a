package callguard

import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * `screenSummary` through the Kotlin bindings: the same verdict, score, reasons and label as
 * `screen` on the same calls (bindings/tests/fast.rs checks the same from Rust, test_fast.py
 * from Python).
 */
class FastScreenTest {
    @TempDir
    lateinit var dir: Path

    private val calls = listOf(
        IncomingCall(number = "+1 202-555-0143"),
        IncomingCall(number = "03-5253-5111"),
        IncomingCall(number = "050-1234-5678"),
        IncomingCall(number = "+83 1234 5678"),
        IncomingCall(number = "+979 123456789"),
        IncomingCall(number = "+1 809 555 0199"),
        IncomingCall(number = "110", verification = Verification.FAILED),
        IncomingCall(number = "090-1234-5678"),
        IncomingCall(number = "+81 90 5555 0000"),
        IncomingCall(number = "+81 90 5555 0001"),
        IncomingCall(number = "not a number"),
        IncomingCall(presentation = Presentation.RESTRICTED),
        IncomingCall(presentation = Presentation.PAYPHONE),
        IncomingCall(number = "+1 202-555-0143", isContact = true),
        IncomingCall(number = "03-5253-5111", verification = Verification.FAILED),
        IncomingCall(number = "+1 415 555 2671", verification = Verification.PASSED),
        IncomingCall(number = "090-1234-5678", localTime = LocalTime(23u, 30u)),
        IncomingCall(
            number = "+44 20 7946 0958",
            claims = "総務省",
            transcript = "こちらは総務省です。２時間以内に使えなくなります。",
        ),
        IncomingCall(number = "03-3581-4321", claims = "the police"),
        IncomingCall(number = "050-9999-0000", transcript = "医療費の還付金があります。ATMへ行ってください。"),
    )

    /** Checks one call both ways and returns its verdict. */
    private fun assertSame(guard: CallGuard, call: IncomingCall): Verdict {
        val codes = reasonCodes()
        var verdict = Verdict.ALLOW
        for (lang in languages()) {
            val full = guard.screen(call, lang)
            verdict = full.verdict
            val brief = guard.screenSummary(call, lang)
            assertEquals(full.verdict, brief.verdict, "$call")
            assertEquals(full.score, brief.score, "$call")
            val mask = full.reasons.fold(0L) { mask, reason ->
                val bit = codes.indexOf(reason.code)
                assertNotEquals(-1, bit, "${reason.code} is not in reasonCodes()")
                mask or (1L shl bit)
            }
            assertEquals(mask, brief.reasons, "$call")
            assertEquals(full.label, brief.label, "$call")
        }
        return verdict
    }

    @Test
    fun `the summary agrees with the assessment under every preset`() {
        for (policy in listOf("balanced", "elderly", "minimal")) {
            CallGuard(null, "JP", policy).use { guard ->
                for (call in calls) assertSame(guard, call)
            }
        }
    }

    @Test
    fun `the summary agrees with the assessment with the user's lists and reports`() {
        CallGuard(dir.resolve("callguard.db").toString(), "JP", "elderly").use { guard ->
            guard.addListEntry(ListKind.BLOCK, "+81 90 5555 0000", null, null)
            guard.addListEntry(ListKind.ALLOW, "+1 202-555-0143", "姉", null)
            guard.report("+81 90 5555 0001", ReportCategory.SCAM, null)
            val verdicts = calls.map { assertSame(guard, it) }.toSet()
            // Every verdict was reached, so the comparison covered each of them.
            assertEquals(Verdict.entries.toSet(), verdicts)
        }
    }

    @Test
    fun `the summary carries the reasons as bits and the label as text`() {
        val codes = reasonCodes()
        assertEquals(codes.size, codes.toSet().size)
        CallGuard(null, "JP", "balanced").use { guard ->
            val brief = guard.screenSummary(IncomingCall(number = "+1 202-555-0143"), "ja")
            assertEquals(Verdict.WARN, brief.verdict)
            assertNotEquals(0L, brief.reasons and (1L shl codes.indexOf("international")))
            assertEquals("国際電話", brief.label)
            val quiet = guard.screenSummary(IncomingCall(number = "03-5253-5111"), "en")
            assertEquals(ScreenSummary(Verdict.ALLOW, 0, 0L, null), quiet)
            assertNull(quiet.label)
        }
    }
}
