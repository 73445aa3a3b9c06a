package org.callguard.mapping

import callguard.Presentation
import callguard.Verdict
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class AlertTextsTest {
    @Test
    fun `the notification shows the label, the caller, the reason and the advice`() {
        assertEquals(
            AlertText("warn: +12025550143", "International call from US\nDo not answer."),
            AlertTexts.of(Fixtures.assessment(Verdict.WARN)),
        )
        assertEquals(
            AlertText("判定:WARN: +12025550143", "米国からの国際電話\n出ないでください。"),
            AlertTexts.of(Fixtures.assessment(Verdict.WARN, lang = "ja")),
        )
    }

    @Test
    fun `a hidden caller is named by its kind, an unreadable one by what came`() {
        fun hidden(lang: String) =
            Fixtures.assessment(Verdict.SILENCE, e164 = null, presentation = Presentation.RESTRICTED, input = "", lang = lang)
        assertEquals("非通知", AlertTexts.caller(hidden("ja")))
        assertEquals("hidden", AlertTexts.caller(hidden("en")))
        val invalid = Fixtures.assessment(Verdict.WARN, e164 = null, input = "tel:0000")
        assertEquals("0000", AlertTexts.caller(invalid))
    }

    @Test
    fun `a number from home is shown as the network showed it, one from abroad in E164`() {
        val a = Fixtures.assessment(Verdict.BLOCK)
        fun domestic(input: String) = a.copy(
            number = a.number.copy(input = input, e164 = "+815012345678", country = "JP", international = false),
        )
        assertEquals("050-1234-5678", AlertTexts.caller(domestic("tel:050-1234-5678")))
        assertEquals("05012345678", AlertTexts.caller(domestic("tel:05012345678;phone-context=+81")))
        assertEquals("05012345678", AlertTexts.caller(domestic("05012345678")))
        // Percent-encoded as Telecom hands it over, from abroad: E.164.
        assertEquals("+12025550143", AlertTexts.caller(a))
        // Nothing usable as shown: E.164 after all.
        assertEquals("+815012345678", AlertTexts.caller(domestic("tel:")))
    }

    @Test
    fun `without advice the body is the reason alone`() {
        val a = Fixtures.assessment(Verdict.BLOCK).copy(advice = null)
        assertEquals("International call from US", AlertTexts.of(a).body)
        val b = a.copy(reasons = emptyList())
        assertEquals("", AlertTexts.of(b).body)
    }

    @Test
    fun `blocked and silenced calls are urgent`() {
        assertTrue(AlertTexts.isUrgent(Verdict.BLOCK))
        assertTrue(AlertTexts.isUrgent(Verdict.SILENCE))
        assertFalse(AlertTexts.isUrgent(Verdict.WARN))
        assertFalse(AlertTexts.isUrgent(Verdict.ALLOW))
    }
}
