package org.callguard.mapping

import callguard.CallGuard
import callguard.ListKind
import callguard.Verdict
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.concurrent.Executors

/**
 * From what Telecom hands over to the answer, through the real core (the host library, loaded
 * by JNA from -Dcallguard.lib.dir). Skipped where the library is not built.
 */
class EndToEndTest {
    private val workers = Executors.newCachedThreadPool()
    private val timer = Executors.newSingleThreadScheduledExecutor()

    @BeforeEach
    fun needsLibrary() {
        val dir = System.getProperty("callguard.lib.dir")
        assumeTrue(dir != null && File(dir, System.mapLibraryName("callguard_ffi")).exists(), "host library not built")
    }

    private fun decide(guard: CallGuard, facts: CallFacts, sdk: Int = 34, canNotify: Boolean = true): Decision =
        FailOpenScreener({ guard.screen(it, "ja") }, workers, timer).decide(facts, sdk, canNotify)

    private fun shown(handle: String, verification: Int? = null) =
        CallFacts(handle, Android.PRESENTATION_ALLOWED, verification, Android.DIRECTION_INCOMING)

    @Test
    fun `a percent-encoded international number is decoded by the core and warned`() {
        CallGuard(null, "JP", "balanced").use { guard ->
            val d = decide(guard, shown("tel:%2B12025550143"))
            assertEquals(Outcome.SCREENED, d.outcome)
            assertEquals(Verdict.WARN, d.assessment!!.verdict)
            assertEquals("+12025550143", d.assessment!!.number.e164)
            assertEquals(ResponseFlags.ALLOW, d.flags)
            assertTrue(d.notify)
            val text = AlertTexts.of(d.assessment!!)
            assertTrue(text.title.endsWith("+12025550143"), text.title)
            // The deciding reason's label from the core: "注意 · 国際電話: +12025550143".
            assertTrue(text.title.contains("国際電話"), text.title)
            assertTrue(text.body.isNotBlank())
        }
    }

    @Test
    fun `a withheld number reaches the core without its handle`() {
        CallGuard(null, "JP", "balanced").use { guard ->
            val facts = CallFacts("tel:%2B12025550143", Android.PRESENTATION_RESTRICTED, null, Android.DIRECTION_INCOMING)
            val a = decide(guard, facts).assessment!!
            assertNull(a.number.e164)
            assertTrue(a.reasons.any { it.code == "withheld" }, "${a.reasons}")
        }
    }

    @Test
    fun `a stricter policy blocks, and the answer follows the platform's rules`() {
        CallGuard(null, "JP", "elderly").use { guard ->
            val d = decide(guard, shown("tel:%2B12025550143"), canNotify = false)
            assertEquals(Verdict.BLOCK, d.assessment!!.verdict)
            assertEquals(ResponseFlags(disallow = true, reject = true), d.flags)
        }
    }

    @Test
    fun `the strict preset's quiet hours silence an unknown number at night, not at noon`() {
        CallGuard(null, "JP", "elderly").use { guard ->
            val night = decide(guard, shown("tel:09012345678").copy(minuteOfDay = 23 * 60 + 5))
            assertEquals(Verdict.SILENCE, night.assessment!!.verdict)
            assertEquals(ResponseFlags(silence = true), night.flags)
            assertTrue(night.assessment!!.reasons.any { it.code == "quiet_hours" })
            val noon = decide(guard, shown("tel:09012345678").copy(minuteOfDay = 12 * 60))
            assertEquals(Verdict.ALLOW, noon.assessment!!.verdict)
        }
    }

    @Test
    fun `emergency numbers ring without a notification`() {
        CallGuard(null, "JP", "elderly").use { guard ->
            val d = decide(guard, shown("tel:110"))
            assertEquals(Verdict.ALLOW, d.assessment!!.verdict)
            assertEquals(ResponseFlags.ALLOW, d.flags)
            assertFalse(d.notify)
        }
    }

    @Test
    fun `a block-list prefix blocks a tel URI`(@TempDir dir: File) {
        CallGuard(File(dir, "callguard.db").path, "JP", "balanced").use { guard ->
            guard.addListEntry(ListKind.BLOCK, "+8150*", "050", null)
            val d = decide(guard, shown("tel:050-1234-5678"))
            assertEquals(Verdict.BLOCK, d.assessment!!.verdict)
            assertEquals(ResponseFlags(disallow = true, reject = true, skipNotification = true), d.flags)
            guard.record(d.assessment!!)
            assertEquals(1L, guard.stats().loggedCalls)
        }
    }

    @Test
    fun `outgoing calls never reach the core`() {
        CallGuard(null, "JP", "elderly").use { guard ->
            val facts = shown("tel:%2B12025550143").copy(direction = Android.DIRECTION_OUTGOING)
            assertEquals(Decision.allow(Outcome.OUTGOING), decide(guard, facts))
        }
    }
}
