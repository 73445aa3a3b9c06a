package org.callguard.mapping

import callguard.Assessment
import callguard.IncomingCall
import callguard.LocalTime
import callguard.Presentation
import callguard.Verdict
import callguard.Verification

/**
 * Between Telecom and the core: [CallFacts] to the bindings' [IncomingCall], and the core's
 * [Assessment] to the [ResponseFlags] of the answer. Every platform rule the shell must respect
 * is here, where the JVM tests reach it.
 */
object CallMapping {
    /**
     * The call as the core wants it, or null when it is not to be screened (outgoing calls: the
     * person is dialling, and Telecom ignores a screening verdict on them anyway).
     *
     * The handle goes to the core as it came (`tel:%2B1202...`): the core decodes `tel:` and
     * `sip:` URIs. A hidden presentation carries no number, whatever the handle says; an
     * unrecognised presentation with a handle is treated as a shown number.
     */
    fun toIncomingCall(facts: CallFacts): IncomingCall? {
        if (facts.direction == Android.DIRECTION_OUTGOING) return null
        val handle = facts.handle?.takeIf { it.isNotBlank() }
        val presentation = presentationOf(facts.presentation, handle != null)
        return IncomingCall(
            number = if (presentation == Presentation.ALLOWED) handle else null,
            presentation = presentation,
            verification = verificationOf(facts.verificationStatus),
            // Telecom binds a screening service only for callers that are not in the contacts.
            isContact = false,
            localTime = localTimeOf(facts.minuteOfDay),
        )
    }

    /** Minutes after midnight as the core's local time; anything outside a day counts as unknown. */
    fun localTimeOf(minuteOfDay: Int?): LocalTime? =
        minuteOfDay?.takeIf { it in 0 until 24 * 60 }?.let {
            LocalTime(hour = (it / 60).toUByte(), minute = (it % 60).toUByte())
        }

    /** Android's presentation value as the core's; unknown values fall back on whether a handle came. */
    fun presentationOf(value: Int, hasHandle: Boolean): Presentation = when (value) {
        Android.PRESENTATION_ALLOWED -> Presentation.ALLOWED
        Android.PRESENTATION_RESTRICTED -> Presentation.RESTRICTED
        Android.PRESENTATION_UNKNOWN -> Presentation.UNKNOWN
        Android.PRESENTATION_PAYPHONE -> Presentation.PAYPHONE
        Android.PRESENTATION_UNAVAILABLE -> Presentation.UNAVAILABLE
        else -> if (hasHandle) Presentation.ALLOWED else Presentation.UNKNOWN
    }

    /** The verification status (null below API 30, or an unknown value) as the core's. */
    fun verificationOf(value: Int?): Verification? = when (value) {
        Android.VERIFICATION_NOT_VERIFIED -> Verification.NOT_VERIFIED
        Android.VERIFICATION_PASSED -> Verification.PASSED
        Android.VERIFICATION_FAILED -> Verification.FAILED
        else -> null
    }

    /**
     * The answer for a verdict on a device at API level [sdkInt].
     *
     * - allow, warn: ring (a warned call rings with the app's notification beside it).
     * - silence: `setSilenceCall` on API 29 and later; the call stays allowed, so it is in the
     *   call log and the system shows a missed-call notification. Below API 29 there is no
     *   silencing: the call rings and the app's notification says why it was suspicious.
     * - block: disallow and reject (as if the person had declined it). The call log is never
     *   skipped, so a blocked call can always be found again. The system's missed-call
     *   notification is skipped only when [appCanNotify] (the app's own notification explains
     *   the block); otherwise the system's notification stays, so no call disappears unseen.
     */
    fun toFlags(verdict: Verdict, sdkInt: Int, appCanNotify: Boolean): ResponseFlags = when (verdict) {
        Verdict.ALLOW, Verdict.WARN -> ResponseFlags.ALLOW
        Verdict.SILENCE ->
            if (sdkInt >= Android.API_SILENCE) ResponseFlags(silence = true) else ResponseFlags.ALLOW
        Verdict.BLOCK -> ResponseFlags(
            disallow = true,
            reject = true,
            skipCallLog = false,
            skipNotification = appCanNotify,
        )
    }

    /** [toFlags] for an assessment. */
    fun toFlags(assessment: Assessment, sdkInt: Int, appCanNotify: Boolean): ResponseFlags =
        toFlags(assessment.verdict, sdkInt, appCanNotify)

    /** Whether the app shows its notification: for every call that did not simply ring. */
    fun notifies(verdict: Verdict): Boolean = verdict != Verdict.ALLOW
}
