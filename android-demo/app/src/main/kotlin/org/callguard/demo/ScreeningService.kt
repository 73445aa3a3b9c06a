package org.callguard.demo

import android.net.Uri
import android.os.Build
import android.telecom.Call
import android.telecom.CallScreeningService
import callguard.Assessment
import callguard.IncomingCall
import org.callguard.mapping.AlertTexts
import org.callguard.mapping.Android
import org.callguard.mapping.CallFacts
import org.callguard.mapping.Decision
import org.callguard.mapping.FailOpenScreener
import org.callguard.mapping.Outcome
import org.callguard.mapping.RecentCall
import org.callguard.mapping.ResponseFlags
import java.util.concurrent.Executors
import java.util.concurrent.ScheduledExecutorService
import java.util.concurrent.ExecutorService

/**
 * Screens every incoming call with the core. Telecom calls [onScreenCall] on the main thread
 * and waits at most 5 s for [respondToCall]; the screening runs on a worker with a 3 s timeout
 * and every failure lets the call ring (see [FailOpenScreener]). Each call is answered once.
 *
 * Open only so that tests can run this very service with a slow or failing core in place of
 * [screenCall] and count the answers in [answer]; the manifest names this class.
 */
open class ScreeningService : CallScreeningService() {
    private lateinit var workers: ExecutorService
    private lateinit var timer: ScheduledExecutorService
    private lateinit var screener: FailOpenScreener
    private lateinit var notifier: Notifier

    override fun onCreate() {
        super.onCreate()
        workers = Executors.newCachedThreadPool()
        timer = Executors.newSingleThreadScheduledExecutor()
        notifier = Notifier(this)
        screener = FailOpenScreener(
            screen = { call -> screenCall(call) },
            workers = workers,
            timer = timer,
            timeoutMillis = timeoutMillis(),
        )
        // Telecom binds the service as a call arrives: open the engine (and its database) now,
        // in parallel, so the first screening does not spend its time budget on it.
        workers.execute {
            try {
                Engine.get(this)
            } catch (_: Throwable) {
                // The screening will try again, and fail open if it must.
            }
        }
    }

    override fun onDestroy() {
        // Pending screenings still run (and their timeouts still fire): shutdown() interrupts
        // nothing, it only refuses new work.
        workers.shutdown()
        timer.shutdown()
        super.onDestroy()
    }

    /** The core's screening of one call; it may block or throw: [FailOpenScreener] copes. */
    protected open fun screenCall(call: IncomingCall): Assessment =
        Engine.get(this).screen(call, Engine.lang(this))

    /** How long the core may take before the call rings anyway (Telecom waits 5 s at most). */
    protected open fun timeoutMillis(): Long = FailOpenScreener.DEFAULT_TIMEOUT_MILLIS

    /** Hands the answer to Telecom. */
    protected open fun answer(details: Call.Details, response: CallScreeningService.CallResponse) {
        respondToCall(details, response)
    }

    override fun onScreenCall(details: Call.Details) {
        val facts = try {
            factsOf(details)
        } catch (_: Throwable) {
            answer(details, ResponseFlags.ALLOW.toCallResponse())
            return
        }
        val canNotify = try {
            notifier.canNotify()
        } catch (_: Throwable) {
            false
        }
        screener.screenAsync(facts, Build.VERSION.SDK_INT, canNotify) { decision ->
            answer(details, decision.flags.toCallResponse())
            afterAnswer(facts, decision)
        }
    }

    /** Off the screening path: the notification, the core's call log, the recent calls. */
    private fun afterAnswer(facts: CallFacts, decision: Decision) {
        if (decision.outcome == Outcome.OUTGOING) return
        val assessment = decision.assessment
        // Not on [workers]: Telecom unbinds (and so destroys) the service once it has its answer.
        afterwards.execute {
            // Each step on its own: the call has been answered, a failure only loses that step.
            if (assessment != null) {
                if (decision.notify) runCatching { notifier.show(assessment) }
                runCatching { Engine.get(this).record(assessment) }
            }
            runCatching {
                Engine.recentCalls(this).add(
                    RecentCall(
                        at = System.currentTimeMillis() / 1000,
                        caller = assessment?.let { AlertTexts.caller(it) } ?: shownNumber(facts),
                        verdict = assessment?.verdict?.name ?: "ALLOW",
                        label = assessment?.let { AlertTexts.pick(it.verdictLabel) } ?: "",
                        outcome = decision.outcome,
                        reason = assessment?.let { AlertTexts.mainReason(it) } ?: "",
                    ),
                )
            }
        }
    }

    companion object {
        /** The notification and the logs, for the life of the process, one call at a time. */
        private val afterwards = Executors.newSingleThreadExecutor()

        /** The number as shown, for a call the core never answered for; empty when hidden. */
        private fun shownNumber(facts: CallFacts): String =
            if (facts.presentation == Android.PRESENTATION_ALLOWED) {
                Uri.decode(facts.handle.orEmpty().removePrefix("tel:"))
            } else {
                ""
            }

        /** Reads `Call.Details` into plain values, using only what the running API level has. */
        fun factsOf(details: Call.Details): CallFacts {
            val sdk = Build.VERSION.SDK_INT
            return CallFacts(
                handle = details.handle?.toString(),
                presentation = details.handlePresentation,
                verificationStatus =
                    if (sdk >= Android.API_VERIFICATION) details.callerNumberVerificationStatus else null,
                direction =
                    if (sdk >= Android.API_SILENCE) details.callDirection else Android.DIRECTION_INCOMING,
                // The phone's own clock and zone: the policy's quiet hours are the person's night.
                minuteOfDay = java.time.LocalTime.now().let { it.hour * 60 + it.minute },
            )
        }
    }
}

/** The platform response for these flags; [ResponseFlags] only admits combinations that do not throw. */
fun ResponseFlags.toCallResponse(): CallScreeningService.CallResponse {
    val builder = CallScreeningService.CallResponse.Builder()
        .setDisallowCall(disallow)
        .setRejectCall(reject)
        .setSkipCallLog(skipCallLog)
        .setSkipNotification(skipNotification)
    if (Build.VERSION.SDK_INT >= Android.API_SILENCE) builder.setSilenceCall(silence)
    return builder.build()
}
