package org.callguard.mapping

/**
 * The five flags of a `CallScreeningService.CallResponse`, as plain values.
 *
 * The platform throws if `setRejectCall`, `setSkipCallLog` or `setSkipNotification` is set
 * without `setDisallowCall(true)`; this class refuses such a combination at construction, so the
 * service can never build a response that throws (and so fail to answer at all).
 *
 * @property disallow `setDisallowCall`: the call does not ring and is ended.
 * @property reject `setRejectCall`: end it as if the person had declined it (only with [disallow]).
 * @property silence `setSilenceCall` (API 29): ring silently; the call is still allowed and the
 *   system still shows a missed-call notification if it is not answered.
 * @property skipCallLog `setSkipCallLog` (only with [disallow]); Telecom ignores it for apps that
 *   are not the carrier's, so nothing here relies on it.
 * @property skipNotification `setSkipNotification`: no missed-call notification (only with
 *   [disallow]).
 */
data class ResponseFlags(
    val disallow: Boolean = false,
    val reject: Boolean = false,
    val silence: Boolean = false,
    val skipCallLog: Boolean = false,
    val skipNotification: Boolean = false,
) {
    init {
        require(disallow || !(reject || skipCallLog || skipNotification)) {
            "reject, skipCallLog and skipNotification need disallow"
        }
        require(!(disallow && silence)) { "a disallowed call cannot also be silenced" }
    }

    companion object {
        /** Let the call ring: the answer for allowed and warned calls, and on any failure. */
        val ALLOW = ResponseFlags()
    }
}
