package org.callguard.mapping

import callguard.Assessment
import callguard.Presentation
import callguard.Verdict

/** The words of the app's notification for a screened call, in one language. */
data class AlertText(val title: String, val body: String)

/**
 * Builds the notification's words from an assessment: the verdict's label and the caller as the
 * title; the heaviest reason and the advice (what to do) as the body, in the language the core
 * was asked to speak (`CallGuard.screen(call, lang)`).
 */
object AlertTexts {
    /** The text, or null when it is blank. */
    fun pick(text: String?): String? = text?.takeIf { it.isNotBlank() }

    /**
     * The caller as people read it. A number from home as the person knows it, in the national
     * form the network showed (`050-1234-5678`, `05012345678`), not as E.164 (`+815012345678`);
     * a number from abroad in E.164; else the number as given; else the presentation.
     */
    fun caller(assessment: Assessment): String {
        val number = assessment.number
        val shown = if (number.presentation == Presentation.ALLOWED) asShown(number.input) else null
        if (number.international == false && shown != null) return shown
        number.e164?.let { return it }
        if (shown != null) return shown
        return pick(number.kindLabel) ?: number.presentation.name
    }

    /** `tel:050-1234-5678;phone-context=...` or `tel:%2B1202...` as the digits and marks shown. */
    private fun asShown(input: String): String? {
        val text = input.trim()
        val decoded = if (text.startsWith("tel:", ignoreCase = true)) {
            try {
                java.net.URI(text).schemeSpecificPart.substringBefore(';')
            } catch (_: java.net.URISyntaxException) {
                text.substring(4).substringBefore(';')
            }
        } else {
            text
        }
        return decoded.trim().takeIf { it.isNotEmpty() }
    }

    /** The heaviest reason's message, or null when the core found none. */
    fun mainReason(assessment: Assessment): String? =
        assessment.reasons.firstOrNull()?.let { pick(it.message) }

    fun of(assessment: Assessment): AlertText {
        // "Blocked · Impersonation": the verdict, then what decided it when the core names it.
        val verdict = pick(assessment.verdictLabel) ?: assessment.verdict.name
        val label = pick(assessment.label)?.let { "$verdict · $it" } ?: verdict
        val title = "$label: ${caller(assessment)}"
        val lines = listOfNotNull(
            mainReason(assessment),
            pick(assessment.advice),
        )
        return AlertText(title, lines.joinToString("\n"))
    }

    /** Whether the verdict is one the person should not miss (blocked or silenced). */
    fun isUrgent(verdict: Verdict): Boolean = verdict == Verdict.BLOCK || verdict == Verdict.SILENCE
}
