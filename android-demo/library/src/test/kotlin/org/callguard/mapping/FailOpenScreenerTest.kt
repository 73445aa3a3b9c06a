package org.callguard.mapping

import callguard.Assessment
import callguard.IncomingCall
import callguard.Verdict
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.util.Collections
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

class FailOpenScreenerTest {
    private val workers = Executors.newCachedThreadPool()
    private val timer = Executors.newSingleThreadScheduledExecutor()
    private val incoming = CallFacts("tel:%2B12025550143", Android.PRESENTATION_ALLOWED, 0, Android.DIRECTION_INCOMING)

    @AfterEach
    fun stop() {
        workers.shutdownNow()
        timer.shutdownNow()
    }

    private fun screener(timeoutMillis: Long = 3_000, screen: (IncomingCall) -> Assessment) =
        FailOpenScreener(screen, workers, timer, timeoutMillis)

    /** Collects every answer; waits for the first. */
    private class Answers {
        val all: MutableList<Decision> = Collections.synchronizedList(mutableListOf())
        val threads: MutableList<Thread> = Collections.synchronizedList(mutableListOf())
        private val first = CountDownLatch(1)
        fun respond(d: Decision) {
            all += d
            threads += Thread.currentThread()
            first.countDown()
        }
        fun await(): Decision {
            assertTrue(first.await(5, TimeUnit.SECONDS), "no answer")
            return all[0]
        }
    }

    @Test
    fun `a verdict in time is answered with its flags`() {
        val answers = Answers()
        val block = Fixtures.assessment(Verdict.BLOCK)
        screener { block }.screenAsync(incoming, 34, true, answers::respond)
        val d = answers.await()
        assertEquals(Outcome.SCREENED, d.outcome)
        assertEquals(ResponseFlags(disallow = true, reject = true, skipNotification = true), d.flags)
        assertTrue(d.notify)
        assertSame(block, d.assessment)
        assertNotEquals(Thread.currentThread(), answers.threads[0], "screening runs off the caller's thread")
    }

    @Test
    fun `screening never runs on the caller's thread`() {
        val screenedOn = mutableListOf<Thread>()
        val answers = Answers()
        screener { screenedOn += Thread.currentThread(); Fixtures.assessment(Verdict.ALLOW) }
            .screenAsync(incoming, 34, true, answers::respond)
        answers.await()
        assertNotEquals(Thread.currentThread(), screenedOn.single())
    }

    @Test
    fun `a slow core times out, the call rings, and the late verdict is dropped`() {
        val answers = Answers()
        val release = CountDownLatch(1)
        val finished = CountDownLatch(1)
        val started = System.nanoTime()
        screener(timeoutMillis = 100) {
            try {
                release.await(5, TimeUnit.SECONDS)
            } catch (_: InterruptedException) {
                // cancelled by the timeout: answer anyway, as a stuck core might
            }
            finished.countDown()
            Fixtures.assessment(Verdict.BLOCK)
        }.screenAsync(incoming, 34, true, answers::respond)
        val d = answers.await()
        val waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
        assertEquals(Decision.allow(Outcome.TIMED_OUT), d)
        assertTrue(waited < 2_000, "answered after $waited ms")
        release.countDown()
        assertTrue(finished.await(5, TimeUnit.SECONDS))
        Thread.sleep(100)
        assertEquals(1, answers.all.size, "exactly one answer: ${answers.all}")
    }

    @Test
    fun `the default timeout is well inside Telecom's 5 s`() {
        assertTrue(FailOpenScreener.DEFAULT_TIMEOUT_MILLIS in 1_000..3_500)
    }

    @Test
    fun `an exception from the core lets the call ring`() {
        for (error in listOf(RuntimeException("boom"), IllegalStateException(), OutOfMemoryError("test"))) {
            val answers = Answers()
            screener { throw error }.screenAsync(incoming, 34, true, answers::respond)
            assertEquals(Decision.allow(Outcome.FAILED), answers.await())
            Thread.sleep(20)
            assertEquals(1, answers.all.size)
        }
    }

    @Test
    fun `executors that refuse the work still lead to an answer`() {
        val deadWorkers = Executors.newSingleThreadExecutor().apply { shutdown() }
        val answers = Answers()
        FailOpenScreener({ Fixtures.assessment(Verdict.BLOCK) }, deadWorkers, timer, 100)
            .screenAsync(incoming, 34, true, answers::respond)
        assertEquals(Decision.allow(Outcome.FAILED), answers.await())
        val deadTimer = Executors.newSingleThreadScheduledExecutor().apply { shutdown() }
        val again = Answers()
        FailOpenScreener({ Fixtures.assessment(Verdict.BLOCK) }, workers, deadTimer, 100)
            .screenAsync(incoming, 34, true, again::respond)
        assertEquals(Decision.allow(Outcome.FAILED), again.await())
        Thread.sleep(50)
        assertEquals(1, answers.all.size)
        assertEquals(1, again.all.size)
    }

    @Test
    fun `an answer that throws is not answered twice`() {
        val calls = AtomicInteger()
        val done = CountDownLatch(1)
        screener { Fixtures.assessment(Verdict.WARN) }.screenAsync(incoming, 34, true) {
            calls.incrementAndGet()
            done.countDown()
            throw IllegalStateException("respondToCall failed")
        }
        assertTrue(done.await(5, TimeUnit.SECONDS))
        Thread.sleep(50)
        assertEquals(1, calls.get())
    }

    @Test
    fun `outgoing calls are answered at once without asking the core`() {
        val asked = AtomicInteger()
        val answers = Answers()
        val outgoing = incoming.copy(direction = Android.DIRECTION_OUTGOING)
        screener { asked.incrementAndGet(); Fixtures.assessment(Verdict.BLOCK) }
            .screenAsync(outgoing, 34, true, answers::respond)
        val d = answers.await()
        assertEquals(Decision.allow(Outcome.OUTGOING), d)
        assertFalse(d.notify)
        assertNull(d.assessment)
        assertEquals(0, asked.get())
    }

    @Test
    fun `silence on API 28 rings with the app's notification`() {
        val d = screener { Fixtures.assessment(Verdict.SILENCE) }.decide(incoming, 28, true)
        assertEquals(ResponseFlags.ALLOW, d.flags)
        assertTrue(d.notify)
        assertEquals(Outcome.SCREENED, d.outcome)
        val q = screener { Fixtures.assessment(Verdict.SILENCE) }.decide(incoming, 29, true)
        assertEquals(ResponseFlags(silence = true), q.flags)
    }

    @Test
    fun `many calls at once are each answered exactly once`() {
        val counts = Collections.synchronizedMap(mutableMapOf<Int, Int>())
        val all = CountDownLatch(50)
        val s = screener(timeoutMillis = 200) { call ->
            val n = call.number!!.takeLast(2).toInt()
            if (n % 5 == 0) Thread.sleep(1_000)
            if (n % 7 == 0) throw RuntimeException("core fault")
            Fixtures.assessment(Verdict.entries[n % 4])
        }
        for (i in 0 until 50) {
            val facts = incoming.copy(handle = "tel:%2B120255501" + i.toString().padStart(2, '0'))
            s.screenAsync(facts, 34, i % 2 == 0) {
                counts.merge(i, 1, Int::plus)
                all.countDown()
            }
        }
        assertTrue(all.await(5, TimeUnit.SECONDS))
        Thread.sleep(1_200)
        assertEquals((0 until 50).associateWith { 1 }, counts.toSortedMap())
    }
}
