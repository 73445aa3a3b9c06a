package org.callguard.mapping

/**
 * What Telecom tells a screening service about one call, copied out of `Call.Details` as plain
 * values so that the mapping to the core can be tested on the JVM. The Int values are Android's
 * own constants (see [Android]); nothing here refers to an Android type.
 *
 * @property handle `Call.Details.getHandle()` as a string (`tel:%2B12025550143`), or null.
 * @property presentation `getHandlePresentation()`: one of [Android.PRESENTATION_ALLOWED] ...
 * @property verificationStatus `getCallerNumberVerificationStatus()` on API 30 and later, null
 *   below (the method does not exist there).
 * @property direction `getCallDirection()` (API 29): [Android.DIRECTION_INCOMING] or
 *   [Android.DIRECTION_OUTGOING]; anything else is treated as incoming.
 * @property minuteOfDay the phone's local time when the call came in, as minutes after midnight
 *   (0 to 1439), for the policy's quiet hours; null when unknown (quiet hours then never apply).
 */
data class CallFacts(
    val handle: String?,
    val presentation: Int,
    val verificationStatus: Int?,
    val direction: Int,
    val minuteOfDay: Int? = null,
)

/** The values of the Android constants the mapping reads, copied so the mapping needs no SDK. */
object Android {
    /** `TelecomManager.PRESENTATION_ALLOWED`: the number is shown. */
    const val PRESENTATION_ALLOWED = 1

    /** `TelecomManager.PRESENTATION_RESTRICTED`: the caller withheld the number. */
    const val PRESENTATION_RESTRICTED = 2

    /** `TelecomManager.PRESENTATION_UNKNOWN`: the network does not know the number. */
    const val PRESENTATION_UNKNOWN = 3

    /** `TelecomManager.PRESENTATION_PAYPHONE`. */
    const val PRESENTATION_PAYPHONE = 4

    /** `TelecomManager.PRESENTATION_UNAVAILABLE` (API 31; the value is delivered earlier too). */
    const val PRESENTATION_UNAVAILABLE = 5

    /** `Connection.VERIFICATION_STATUS_NOT_VERIFIED` (API 30). */
    const val VERIFICATION_NOT_VERIFIED = 0

    /** `Connection.VERIFICATION_STATUS_PASSED` (API 30). */
    const val VERIFICATION_PASSED = 1

    /** `Connection.VERIFICATION_STATUS_FAILED` (API 30). */
    const val VERIFICATION_FAILED = 2

    /** `Call.Details.DIRECTION_INCOMING` (API 29). */
    const val DIRECTION_INCOMING = 0

    /** `Call.Details.DIRECTION_OUTGOING` (API 29). */
    const val DIRECTION_OUTGOING = 1

    /** `Build.VERSION_CODES.Q`: `CallResponse.Builder.setSilenceCall` and the screening role. */
    const val API_SILENCE = 29

    /** `Build.VERSION_CODES.R`: `getCallerNumberVerificationStatus`. */
    const val API_VERIFICATION = 30
}
