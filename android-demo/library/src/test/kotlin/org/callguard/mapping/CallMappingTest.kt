package org.callguard.mapping

import callguard.LocalTime
import callguard.Presentation
import callguard.Verification
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.CsvSource
import org.junit.jupiter.params.provider.ValueSource

class CallMappingTest {
    private fun incoming(
        handle: String? = "tel:%2B12025550143",
        presentation: Int = Android.PRESENTATION_ALLOWED,
        verification: Int? = null,
        direction: Int = Android.DIRECTION_INCOMING,
    ) = CallFacts(handle, presentation, verification, direction)

    @Test
    fun `a shown number goes to the core as the tel URI Telecom gave`() {
        val call = CallMapping.toIncomingCall(incoming())!!
        assertEquals("tel:%2B12025550143", call.number)
        assertEquals(Presentation.ALLOWED, call.presentation)
        assertNull(call.verification)
        assertFalse(call.isContact)
    }

    @ParameterizedTest
    @ValueSource(
        strings = [
            "tel:%2B81-3-5253-5111",
            "tel:%2B815012345678",
            "tel:03%2D5253%2D5111",
            "tel:%2B1%20202%20555%200143;phone-context=%2B1",
            "sip:%2B12025550143@ims.example.org;user=phone",
        ],
    )
    fun `percent-encoded URIs pass through untouched (the core decodes them)`(handle: String) {
        assertEquals(handle, CallMapping.toIncomingCall(incoming(handle = handle))!!.number)
    }

    @ParameterizedTest(name = "presentation {0} -> {1}, number dropped")
    @CsvSource(
        "2, RESTRICTED",
        "3, UNKNOWN",
        "4, PAYPHONE",
        "5, UNAVAILABLE",
    )
    fun `hidden presentations carry no number, whatever the handle says`(value: Int, expected: Presentation) {
        for (handle in listOf(null, "", "tel:", "tel:%2B12025550143")) {
            val call = CallMapping.toIncomingCall(incoming(handle = handle, presentation = value))!!
            assertEquals(expected, call.presentation, "handle $handle")
            assertNull(call.number, "handle $handle")
        }
    }

    @Test
    fun `every Android presentation value maps to its own presentation`() {
        val expected = mapOf(
            1 to Presentation.ALLOWED,
            2 to Presentation.RESTRICTED,
            3 to Presentation.UNKNOWN,
            4 to Presentation.PAYPHONE,
            5 to Presentation.UNAVAILABLE,
        )
        for ((value, presentation) in expected) {
            assertEquals(presentation, CallMapping.presentationOf(value, hasHandle = true))
            assertEquals(presentation, CallMapping.presentationOf(value, hasHandle = false))
        }
        assertEquals(Presentation.entries.toSet(), expected.values.toSet(), "every core presentation is reachable")
    }

    @ParameterizedTest
    @ValueSource(ints = [0, 6, -1, 99])
    fun `an unknown presentation value is read from whether a handle came`(value: Int) {
        val shown = CallMapping.toIncomingCall(incoming(presentation = value))!!
        assertEquals(Presentation.ALLOWED, shown.presentation)
        assertEquals("tel:%2B12025550143", shown.number)
        val none = CallMapping.toIncomingCall(incoming(handle = null, presentation = value))!!
        assertEquals(Presentation.UNKNOWN, none.presentation)
        assertNull(none.number)
    }

    @Test
    fun `an allowed presentation without a handle is a call without a number`() {
        for (handle in listOf(null, "", "  ")) {
            val call = CallMapping.toIncomingCall(incoming(handle = handle))!!
            assertEquals(Presentation.ALLOWED, call.presentation)
            assertNull(call.number)
        }
    }

    @Test
    fun `verification is absent below API 30 and mapped from API 30`() {
        // Below API 30 the service passes null: the method does not exist there.
        assertNull(CallMapping.toIncomingCall(incoming(verification = null))!!.verification)
        assertEquals(Verification.NOT_VERIFIED, CallMapping.toIncomingCall(incoming(verification = 0))!!.verification)
        assertEquals(Verification.PASSED, CallMapping.toIncomingCall(incoming(verification = 1))!!.verification)
        assertEquals(Verification.FAILED, CallMapping.toIncomingCall(incoming(verification = 2))!!.verification)
        assertNull(CallMapping.toIncomingCall(incoming(verification = 7))!!.verification)
    }

    @Test
    fun `the local time goes to the core for quiet hours, and an impossible one does not`() {
        val facts = CallFacts("tel:09012345678", Android.PRESENTATION_ALLOWED, null, Android.DIRECTION_INCOMING)
        assertEquals(LocalTime(23u, 5u), CallMapping.toIncomingCall(facts.copy(minuteOfDay = 23 * 60 + 5))!!.localTime)
        assertEquals(LocalTime(0u, 0u), CallMapping.toIncomingCall(facts.copy(minuteOfDay = 0))!!.localTime)
        assertNull(CallMapping.toIncomingCall(facts)!!.localTime)
        assertNull(CallMapping.toIncomingCall(facts.copy(minuteOfDay = 24 * 60))!!.localTime)
        assertNull(CallMapping.toIncomingCall(facts.copy(minuteOfDay = -1))!!.localTime)
    }

    @Test
    fun `verification is kept for hidden numbers too`() {
        val call = CallMapping.toIncomingCall(
            incoming(handle = null, presentation = Android.PRESENTATION_RESTRICTED, verification = 2),
        )!!
        assertEquals(Verification.FAILED, call.verification)
    }

    @Test
    fun `outgoing calls are not screened`() {
        assertNull(CallMapping.toIncomingCall(incoming(direction = Android.DIRECTION_OUTGOING)))
        assertNull(
            CallMapping.toIncomingCall(
                incoming(handle = null, presentation = Android.PRESENTATION_RESTRICTED, direction = 1),
            ),
        )
    }

    @ParameterizedTest
    @ValueSource(ints = [0, -1])
    fun `incoming and unknown directions are screened`(direction: Int) {
        assertNotNull(CallMapping.toIncomingCall(incoming(direction = direction)))
    }
}
