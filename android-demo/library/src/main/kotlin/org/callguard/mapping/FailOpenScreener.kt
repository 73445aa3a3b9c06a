package org.callguard.mapping

import callguard.Assessment
import callguard.IncomingCall
import java.util.concurrent.ExecutorService
import java.util.concurrent.Future
import java.util.concurrent.RejectedExecutionException
import java.util.concurrent.ScheduledExecutorService
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean

/** How a screening ended. */
enum class Outcome {
    /** The core gave a verdict in time. */
    SCREENED,

    /** An outgoing call: not screened. */
    OUTGOING,

    /** The core took longer than the timeout: the call rings. */
    TIMED_OUT,

    /** Something failed (opening the engine, the core, the mapping): the call rings. */
    FAILED,
}

/**
 * What the service answers: the flags, whether the app shows its notification, and the
 * assessment behind them (null when the call was not screened).
 */
data class Decision(
    val flags: ResponseFlags,
    val notify: Boolean,
    val assessment: Assessment?,
    val outcome: Outcome,
) {
    companion object {
        /** Fail open: ring, no notification. */
        fun allow(outcome: Outcome) = Decision(ResponseFlags.ALLOW, false, null, outcome)
    }
}

/**
 * Screens a call off the caller's thread within [timeoutMillis] and answers exactly once.
 *
 * Telecom gives a screening service 5 s; past that the call rings anyway and the late answer is
 * lost. [screenAsync] runs [screen] on [workers] and, whatever happens — a verdict, a timeout,
 * an exception anywhere, a rejected task — calls `respond` once and only once; every failure
 * answers [ResponseFlags.ALLOW] (fail open: the call rings). A verdict that arrives after the
 * timeout is dropped.
 *
 * @param screen the core's screening, e.g. `{ engine().screen(it) }`: it may block, throw, or
 *   open the database on first use; all of that counts towards the timeout.
 * @param workers runs [screen]; the caller's thread never does.
 * @param timer fires the timeout.
 */
class FailOpenScreener(
    private val screen: (IncomingCall) -> Assessment,
    private val workers: ExecutorService,
    private val timer: ScheduledExecutorService,
    private val timeoutMillis: Long = DEFAULT_TIMEOUT_MILLIS,
) {
    /**
     * Starts screening [facts] and returns at once; `respond` is called exactly once, on a
     * worker or timer thread (or on this thread if the executors refuse the work).
     */
    fun screenAsync(facts: CallFacts, sdkInt: Int, appCanNotify: Boolean, respond: (Decision) -> Unit) {
        val answered = AtomicBoolean(false)
        val once: (Decision) -> Unit = { decision ->
            if (answered.compareAndSet(false, true)) {
                try {
                    respond(decision)
                } catch (_: Throwable) {
                    // Nothing more can be done for this call: it has had its one answer.
                }
            }
        }
        val call = try {
            CallMapping.toIncomingCall(facts)
        } catch (_: Throwable) {
            return once(Decision.allow(Outcome.FAILED))
        } ?: return once(Decision.allow(Outcome.OUTGOING))

        var task: Future<*>? = null
        try {
            val timeout = timer.schedule({
                once(Decision.allow(Outcome.TIMED_OUT))
                task?.cancel(true)
            }, timeoutMillis, TimeUnit.MILLISECONDS)
            task = workers.submit {
                val decision = try {
                    val assessment = screen(call)
                    Decision(
                        flags = CallMapping.toFlags(assessment, sdkInt, appCanNotify),
                        notify = CallMapping.notifies(assessment.verdict),
                        assessment = assessment,
                        outcome = Outcome.SCREENED,
                    )
                } catch (_: Throwable) {
                    Decision.allow(Outcome.FAILED)
                }
                once(decision)
                timeout.cancel(false)
            }
        } catch (_: RejectedExecutionException) {
            once(Decision.allow(Outcome.FAILED))
        } catch (_: Throwable) {
            once(Decision.allow(Outcome.FAILED))
        }
    }

    /** [screenAsync], waiting for the answer (for tests and tools; never on the main thread). */
    fun decide(facts: CallFacts, sdkInt: Int, appCanNotify: Boolean): Decision {
        val result = java.util.concurrent.CompletableFuture<Decision>()
        screenAsync(facts, sdkInt, appCanNotify) { result.complete(it) }
        return result.get()
    }

    companion object {
        /** Well inside Telecom's 5 s, leaving time for the answer to travel back. */
        const val DEFAULT_TIMEOUT_MILLIS = 3_000L
    }
}
