package org.callguard.mapping

import callguard.Assessment
import callguard.NumberInfo
import callguard.NumberKind
import callguard.Presentation
import callguard.Reason
import callguard.Verdict

/**
 * Assessments built by hand, as the core would return them in [lang] (`ja` or `en`), for tests
 * that need no library.
 */
object Fixtures {
    fun assessment(
        verdict: Verdict,
        e164: String? = "+12025550143",
        presentation: Presentation = Presentation.ALLOWED,
        input: String = "tel:%2B12025550143",
        lang: String = "en",
    ): Assessment {
        fun text(en: String, ja: String = "「$en」") = if (lang == "ja") ja else en
        return build(verdict, e164, presentation, input, ::text)
    }

    private fun build(
        verdict: Verdict,
        e164: String?,
        presentation: Presentation,
        input: String,
        text: (String, String) -> String,
    ) = Assessment(
        number = NumberInfo(
            input = input,
            presentation = presentation,
            e164 = e164,
            e164Value = e164?.removePrefix("+")?.toLong(),
            country = if (e164 != null) "US" else null,
            kind = if (e164 != null) NumberKind.FIXED_OR_MOBILE else NumberKind.HIDDEN,
            kindLabel = if (e164 != null) text("fixed line or mobile", "固定または携帯電話") else text("hidden", "非通知"),
            international = e164?.let { true },
            flags = emptyList(),
            invalidCode = null,
            invalidMessage = null,
            service = null,
        ),
        verdict = verdict,
        verdictLabel = text(verdict.name.lowercase(), "判定:" + verdict.name),
        score = when (verdict) {
            Verdict.ALLOW -> 0
            Verdict.WARN -> 40
            Verdict.SILENCE -> 70
            Verdict.BLOCK -> 100
        },
        reasons = if (verdict == Verdict.ALLOW) emptyList() else listOf(
            Reason("international", 40, text("International call from US", "米国からの国際電話")),
        ),
        advice = if (verdict == Verdict.ALLOW) null else text("Do not answer.", "出ないでください。"),
    )
}
