package callguard

import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import java.util.Collections
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.condition.EnabledIf
import org.junit.jupiter.api.io.TempDir

/**
 * The Kotlin bindings on the JVM, through JNA against the host library: errors, callbacks,
 * cancellation, freeing, Japanese text and threads. The core itself is tested in Rust.
 */
class BindingsTest {
    companion object {
        /** Rows in the big feed: enough for several progress calls (one every 65,536 rows). */
        const val BIG_FEED_ROWS = 200_000
        const val JAPANESE = "総務省を名乗る偽の電話・２時間以内"

        @JvmStatic
        @TempDir
        lateinit var shared: Path

        lateinit var bigFeed: File

        fun feedNumber(i: Int): String = "+81901" + "%07d".format(i * 7)

        @JvmStatic
        @BeforeAll
        fun writeBigFeed() {
            bigFeed = shared.resolve("big.csv").toFile()
            bigFeed.bufferedWriter().use { out ->
                out.write("# name: big\nnumber,category\n")
                for (i in 0 until BIG_FEED_ROWS) out.write("${feedNumber(i)},scam\n")
            }
        }

        @JvmStatic
        fun hasProc(): Boolean = File("/proc/self/fd").isDirectory

        /** How many of this process's file descriptors are open on [path] (Linux). */
        fun openFiles(path: String): Int =
            File("/proc/self/fd").listFiles().orEmpty().count { fd ->
                runCatching { Files.readSymbolicLink(fd.toPath()).toString() == path }.getOrDefault(false)
            }
    }

    @TempDir
    lateinit var dir: Path

    private fun db(): String = dir.resolve("callguard.db").toString()

    private fun codes(a: Assessment): List<String> = a.reasons.map { it.code }

    private fun hasJapanese(text: String): Boolean =
        text.any { it in '\u3040'..'\u30ff' || it in '\u4e00'..'\u9fff' }

    /** Records progress calls; cancels after [cancelAfter] calls, throws after [throwAfter]. */
    private class Recorder(val cancelAfter: Int? = null, val throwAfter: Int? = null) : ImportProgress {
        val calls: MutableList<Pair<Long, Long>> = Collections.synchronizedList(mutableListOf())
        val threads: MutableSet<Long> = Collections.synchronizedSet(mutableSetOf())

        override fun onProgress(bytesRead: Long, totalBytes: Long): Boolean {
            calls.add(bytesRead to totalBytes)
            threads.add(Thread.currentThread().id)
            if (throwAfter != null && calls.size >= throwAfter) throw IllegalStateException("the app's callback broke")
            return cancelAfter == null || calls.size < cancelAfter
        }
    }

    @Test
    fun screenReturnsRecordsAndEnums() {
        CallGuard(null, "JP", "balanced").use { guard ->
            val a = guard.screen(IncomingCall(number = "+1 202-555-0143"), "en")
            assertEquals(Verdict.WARN, a.verdict)
            assertTrue("international" in codes(a))
            assertEquals("+12025550143", a.number.e164)
            assertEquals(12025550143L, a.number.e164Value)
            assertEquals("US", a.number.country)
            assertTrue(a.advice!!.contains("abroad"))
            val ja = guard.screen(IncomingCall(number = "+1 202-555-0143"), "ja")
            assertTrue(hasJapanese(ja.advice!!))
            assertEquals("注意", ja.verdictLabel)
            // One language parameter: a locale is read as its language, an unknown one as English.
            assertEquals(ja, guard.screen(IncomingCall(number = "+1 202-555-0143"), "ja-JP"))
            assertEquals(a, guard.screen(IncomingCall(number = "+1 202-555-0143"), "fr"))
        }
    }

    @Test
    fun screenNeverThrowsAndEnumsCrossBothWays() {
        CallGuard(null, "JP", "elderly").use { guard ->
            for (text in listOf("", "\u0000", "☎".repeat(10_000), "+".repeat(300), "非通知")) {
                assertNotNull(guard.screen(IncomingCall(number = text, localTime = LocalTime(99u, 99u)), "en").verdict)
            }
            val hidden = guard.screen(IncomingCall(presentation = Presentation.RESTRICTED), "en")
            assertEquals(NumberKind.HIDDEN, hidden.number.kind)
            assertEquals(Verdict.BLOCK, hidden.verdict)
            val emergency = guard.screen(IncomingCall(number = "110", verification = Verification.FAILED), "en")
            assertEquals(Verdict.ALLOW, emergency.verdict)
        }
    }

    @Test
    fun japaneseTextRoundTrips() {
        CallGuard(db(), "JP", "balanced").use { guard ->
            val text = "こちらは総務省です。お客様の携帯電話は２時間以内に使えなくなります。1を押してください。"
            val scan = guard.scan(text, "en")
            assertEquals(ScriptLevel.HIGH, scan.level)
            assertTrue(scan.matches.any { it.text == "総務省" })
            scan.matches.forEach { assertTrue(text.contains(it.text), it.text) }

            val entry = guard.addListEntry(ListKind.BLOCK, "０５０-１２３４-５６７８", "偽の警察", JAPANESE)
            assertEquals("+815012345678", entry.pattern)
            assertEquals(JAPANESE, guard.listEntries().single().note)
            assertEquals("偽の警察", guard.listEntries().single().label)

            val claim = guard.screen(IncomingCall(number = "+44 20 7946 0958", claims = "総務省"), "ja")
            assertTrue(claim.reasons.single { it.code == "impersonation" }.message.contains("総務省"))

            guard.report("090-1111-2222", ReportCategory.SCAM, JAPANESE)
            assertTrue(guard.exportReports().contains(JAPANESE))
        }
    }

    @Test
    fun errorsArriveAsExceptionsWithTheirReason() {
        val region = assertThrows<CallGuardException.InvalidInput> { CallGuard(null, "ZZ", "balanced") }
        assertTrue(region.reason.contains("ZZ"), region.reason)
        val policy = assertThrows<CallGuardException.InvalidInput> { CallGuard(null, "JP", "paranoid") }
        assertTrue(policy.reason.contains("elderly"), policy.reason)
        CallGuard(null, "JP", "balanced").use { guard ->
            val noDb = assertThrows<CallGuardException.Database> { guard.listEntries() }
            assertTrue(noDb.reason.contains("no database"))
        }
        CallGuard(db(), "JP", "balanced").use { guard ->
            val protected = assertThrows<CallGuardException.InvalidInput> {
                guard.addListEntry(ListKind.BLOCK, "119", null, null)
            }
            assertTrue(protected.reason.contains("protected"), protected.reason)
            val bad = dir.resolve("bad.csv").toFile()
            bad.writeText("# name: bad\nnumber,category\n+819011112222,scam\nnot a number,scam\n")
            val feed = assertThrows<CallGuardException.Feed> { guard.importFeed(bad.path, ImportOptions()) }
            assertTrue(feed.reason.contains("line 4"), feed.reason)
            assertTrue(guard.stats().feeds.isEmpty())
            // Every variant is a CallGuardException.
            assertThrows<CallGuardException> { guard.importFeed(dir.resolve("none.csv").toString(), ImportOptions()) }
        }
    }

    @Test
    fun aLockedPolicyRefusesChangesWithoutItsPin() {
        CallGuard(null, "JP", "elderly").use { guard ->
            guard.lockPolicy("2468")
            assertTrue(guard.policyLocked())
            assertFalse(guard.policyChangeAllowed(null))
            assertTrue(guard.policyChangeAllowed("2468"))
            val locked = assertThrows<CallGuardException.Locked> { guard.setPolicy("minimal", "1111") }
            assertTrue(locked.reason.contains("elderly"), locked.reason)
            guard.setPolicy("minimal", "2468")
            assertEquals("minimal", guard.policyName())
        }
    }

    @Test
    fun progressCallbacksFire() {
        CallGuard(db(), "JP", "balanced").use { guard ->
            val progress = Recorder()
            val summary = guard.importFeed(bigFeed.path, ImportOptions(), progress)
            assertEquals(BIG_FEED_ROWS.toLong(), summary.imported)
            val size = bigFeed.length()
            assertTrue(progress.calls.size >= 3, "${progress.calls}")
            assertEquals(size to size, progress.calls.last())
            assertEquals(progress.calls.map { it.first }.sorted(), progress.calls.map { it.first })
            assertEquals(setOf(Thread.currentThread().id), progress.threads)
            assertTrue("reported" in codes(guard.screen(IncomingCall(number = feedNumber(5)), "en")))
        }
    }

    @Test
    fun returningFalseCancelsAndChangesNothing() {
        CallGuard(db(), "JP", "balanced").use { guard ->
            guard.addListEntry(ListKind.ALLOW, "+81311112222", "家族", null)
            val progress = Recorder(cancelAfter = 1)
            val e = assertThrows<CallGuardException.Cancelled> { guard.importFeed(bigFeed.path, ImportOptions(), progress) }
            assertTrue(e.reason.contains("cancelled"), e.reason)
            assertEquals(1, progress.calls.size)
            val stats = guard.stats()
            assertTrue(stats.feeds.isEmpty())
            assertEquals(0L, stats.reportedNumbers)
            assertEquals(1L, stats.allowEntries)
            assertFalse("reported" in codes(guard.screen(IncomingCall(number = feedNumber(1)), "en")))
        }
    }

    @Test
    fun anExceptionInTheCallbackAbortsTheImport() {
        CallGuard(db(), "JP", "balanced").use { guard ->
            val e = assertThrows<CallGuardException.Internal> {
                guard.importFeed(bigFeed.path, ImportOptions(), Recorder(throwAfter = 1))
            }
            assertTrue(e.reason.contains("callback"), e.reason)
            assertTrue(guard.stats().feeds.isEmpty())
        }
    }

    @Test
    @EnabledIf("callguard.BindingsTest#hasProc")
    fun closingTheObjectFreesItsDatabase() {
        val path = db()
        val guard = CallGuard(path, "JP", "balanced")
        guard.use { it.addListEntry(ListKind.BLOCK, "+815012345678", null, null) }
        assertEquals(0, openFiles(path), "connections still open after close()")
        assertThrows<IllegalStateException> { guard.listEntries() }
        guard.close() // a second close is harmless
        CallGuard(path, "JP", "balanced").use { assertEquals(1, it.listEntries().size) }
        // Many objects made and freed.
        repeat(200) { i -> CallGuard(dir.resolve("$i.db").toString(), "JP", "minimal").use { it.stats() } }
        assertEquals(0, openFiles(dir.resolve("7.db").toString()))
    }

    @Test
    fun screeningFromThreadsWhileAnImportRuns() {
        CallGuard(db(), "JP", "balanced").use { guard ->
            guard.addListEntry(ListKind.BLOCK, "+815012345678", "詐欺", null)
            val stop = AtomicBoolean(false)
            val started = CountDownLatch(4)
            val errors = Collections.synchronizedList(mutableListOf<Throwable>())
            val counts = Collections.synchronizedList(mutableListOf<Int>())
            val pool = Executors.newFixedThreadPool(4)
            repeat(4) {
                pool.submit {
                    var n = 0
                    started.countDown()
                    try {
                        while (!stop.get() || n < 200) {
                            val a = guard.screen(IncomingCall(number = "050-1234-5678"), "en")
                            check(a.verdict == Verdict.BLOCK) { "$a" }
                            val b = guard.screen(IncomingCall(number = "+1 202-555-%04d".format(n % 10_000)), "en")
                            check(b.verdict == Verdict.WARN || b.verdict == Verdict.ALLOW) { "$b" }
                            n++
                        }
                    } catch (t: Throwable) {
                        errors.add(t)
                    }
                    counts.add(n)
                }
            }
            started.await()
            val progress = Recorder()
            val summary = try {
                guard.importFeed(bigFeed.path, ImportOptions(), progress)
            } finally {
                stop.set(true)
                pool.shutdown()
                assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS))
            }
            assertTrue(errors.isEmpty(), "$errors")
            assertEquals(BIG_FEED_ROWS.toLong(), summary.imported)
            assertEquals(4, counts.size)
            assertTrue(counts.all { it >= 200 }, "$counts")
            assertTrue("reported" in codes(guard.screen(IncomingCall(number = feedNumber(42)), "en")))
        }
    }
}
