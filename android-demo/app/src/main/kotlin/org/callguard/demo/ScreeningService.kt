package org.callguard.demo

import android.os.Build
import android.telecom.Call
import android.telecom.CallScreeningService
import org.callguard.demo.mapping.AlertTexts
import org.callguard.demo.mapping.Android
import org.callguard.demo.mapping.CallFacts
import org.callguard.demo.mapping.Decision
import org.callguard.demo.mapping.FailOpenScreener
import org.callguard.demo.mapping.Outcome
import org.callguard.demo.mapping.RecentCall
import org.callguard.demo.mapping.ResponseFlags
import java.util.concurrent.Executors
import java.util.concurrent.ScheduledExecutorService
import java.util.concurrent.ExecutorService

/**
 * Screens every incoming call with the core. Telecom calls [onScreenCall] on the main thread
 * and waits at most 5 s for [respondToCall]; the screening runs on a worker with a 3 s timeout
 * and every failure lets the call ring (see [FailOpenScreener]). Each call is answered once.
 */
class ScreeningService : CallScreeningService() {
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
            screen = { call -> Engine.get(this).screen(call) },
            workers = workers,
            timer = timer,
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

    override fun onScreenCall(details: Call.Details) {
        val facts = try {
            factsOf(details)
        } catch (_: Throwable) {
            respondToCall(details, ResponseFlags.ALLOW.toCallResponse())
            return
        }
        val canNotify = try {
            notifier.canNotify()
        } catch (_: Throwable) {
            false
        }
        screener.screenAsync(facts, Build.VERSION.SDK_INT, canNotify) { decision ->
            respondToCall(details, decision.flags.toCallResponse())
            afterAnswer(decision)
        }
    }

    /** Off the screening path: the notification, the core's call log, the recent calls. */
    private fun afterAnswer(decision: Decision) {
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
                val japanese = Engine.japanese(this)
                Engine.recentCalls(this).add(
                    RecentCall(
                        at = System.currentTimeMillis() / 1000,
                        caller = assessment?.let { AlertTexts.caller(it, japanese) } ?: "",
                        verdict = assessment?.verdict?.name ?: "ALLOW",
                        label = assessment?.let { AlertTexts.pick(it.verdictLabel, japanese) } ?: "",
                        outcome = decision.outcome,
                    ),
                )
            }
        }
    }

    companion object {
        /** The notification and the logs, for the life of the process, one call at a time. */
        private val afterwards = Executors.newSingleThreadExecutor()

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
