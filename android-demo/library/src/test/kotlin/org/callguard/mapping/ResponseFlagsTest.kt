package org.callguard.mapping

import callguard.Verdict
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

class ResponseFlagsTest {
    private val apis = listOf(28, 29, 30, 33, 34, 35)

    @Test
    fun `allow and warn ring`() {
        for (api in apis) {
            for (canNotify in listOf(true, false)) {
                assertEquals(ResponseFlags.ALLOW, CallMapping.toFlags(Verdict.ALLOW, api, canNotify))
                assertEquals(ResponseFlags.ALLOW, CallMapping.toFlags(Verdict.WARN, api, canNotify))
            }
        }
        assertFalse(CallMapping.notifies(Verdict.ALLOW))
        assertTrue(CallMapping.notifies(Verdict.WARN))
    }

    @Test
    fun `silence silences from API 29, without disallowing`() {
        for (api in apis.filter { it >= 29 }) {
            val flags = CallMapping.toFlags(Verdict.SILENCE, api, appCanNotify = true)
            assertEquals(ResponseFlags(silence = true), flags)
            assertFalse(flags.disallow, "a silenced call stays allowed: call log and missed-call notification")
        }
        assertTrue(CallMapping.notifies(Verdict.SILENCE))
    }

    @Test
    fun `silence degrades to ringing on API 28, with the app's notification`() {
        for (canNotify in listOf(true, false)) {
            assertEquals(ResponseFlags.ALLOW, CallMapping.toFlags(Verdict.SILENCE, 28, canNotify))
        }
        assertEquals(ResponseFlags.ALLOW, CallMapping.toFlags(Verdict.SILENCE, 24, true))
        assertTrue(CallMapping.notifies(Verdict.SILENCE))
    }

    @Test
    fun `block disallows and rejects, keeps the call log, and skips the system notification only for ours`() {
        for (api in apis) {
            val withOurs = CallMapping.toFlags(Verdict.BLOCK, api, appCanNotify = true)
            assertEquals(ResponseFlags(disallow = true, reject = true, skipNotification = true), withOurs)
            val without = CallMapping.toFlags(Verdict.BLOCK, api, appCanNotify = false)
            assertEquals(ResponseFlags(disallow = true, reject = true), without)
            assertFalse(withOurs.skipCallLog)
            assertFalse(without.skipCallLog)
        }
        assertTrue(CallMapping.notifies(Verdict.BLOCK))
    }

    @Test
    fun `no verdict on any API level breaks the platform's rules`() {
        for (verdict in Verdict.entries) {
            for (api in 24..36) {
                for (canNotify in listOf(true, false)) {
                    val f = CallMapping.toFlags(verdict, api, canNotify)
                    if (!f.disallow) {
                        assertFalse(f.reject || f.skipCallLog || f.skipNotification, "$verdict $api $f")
                    }
                    assertFalse(f.disallow && f.silence, "$verdict $api $f")
                    assertFalse(f.skipCallLog, "never rely on skipCallLog: $verdict $api")
                    if (api < 29) assertFalse(f.silence, "setSilenceCall needs API 29: $verdict $api")
                }
            }
        }
    }

    @Test
    fun `flags that need disallow cannot be built without it`() {
        assertThrows<IllegalArgumentException> { ResponseFlags(reject = true) }
        assertThrows<IllegalArgumentException> { ResponseFlags(skipCallLog = true) }
        assertThrows<IllegalArgumentException> { ResponseFlags(skipNotification = true) }
        assertThrows<IllegalArgumentException> { ResponseFlags(silence = true, reject = true) }
        assertThrows<IllegalArgumentException> { ResponseFlags(disallow = true, silence = true) }
        // Every combination that passes has disallow set whenever one of the three is.
        for (bits in 0 until 32) {
            val args = (0 until 5).map { bits and (1 shl it) != 0 }
            val flags = runCatching { ResponseFlags(args[0], args[1], args[2], args[3], args[4]) }.getOrNull()
                ?: continue
            assertTrue(flags.disallow || !(flags.reject || flags.skipCallLog || flags.skipNotification), "$flags")
        }
        assertEquals(ResponseFlags(false, false, false, false, false), ResponseFlags.ALLOW)
    }
}
