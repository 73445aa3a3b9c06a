package org.callguard.mapping

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File

class RecentCallsTest {
    @Test
    fun `newest first, bounded, and survives a reopen`(@TempDir dir: File) {
        val file = File(dir, "recent.tsv")
        val log = RecentCalls(file, capacity = 3)
        assertEquals(emptyList<RecentCall>(), log.read())
        for (i in 1..5) log.add(RecentCall(i.toLong(), "+8150123456$i", "BLOCK", "詐欺の疑い", Outcome.SCREENED))
        assertEquals(listOf(5L, 4L, 3L), RecentCalls(file, capacity = 3).read().map { it.at })
        assertEquals("詐欺の疑い", log.read().first().label)
    }

    @Test
    fun `tabs and line breaks in fields cannot break a line`(@TempDir dir: File) {
        val log = RecentCalls(File(dir, "recent.tsv"))
        log.add(RecentCall(1, "a\tb", "WARN", "two\nlines", Outcome.TIMED_OUT))
        assertEquals(listOf(RecentCall(1, "a b", "WARN", "two lines", Outcome.TIMED_OUT)), log.read())
    }

    @Test
    fun `damaged lines are skipped`(@TempDir dir: File) {
        val file = File(dir, "recent.tsv")
        file.writeText("garbage\n1\t+1\tALLOW\t\tSCREENED\nx\t+1\tALLOW\t\tSCREENED\n2\t+1\tALLOW\t\tNOPE\n")
        assertEquals(listOf(RecentCall(1, "+1", "ALLOW", "", Outcome.SCREENED)), RecentCalls(file).read())
    }

    @Test
    fun `the reason is kept, and lines written before it was read with none`(@TempDir dir: File) {
        val file = File(dir, "recent.tsv")
        file.writeText("1\t+1\tALLOW\t\tSCREENED\n")
        val log = RecentCalls(file)
        log.add(RecentCall(2, "110", "ALLOW", "", Outcome.SCREENED, "緊急通報用の番号です"))
        assertEquals(
            listOf(
                RecentCall(2, "110", "ALLOW", "", Outcome.SCREENED, "緊急通報用の番号です"),
                RecentCall(1, "+1", "ALLOW", "", Outcome.SCREENED, ""),
            ),
            log.read(),
        )
    }

    @Test
    fun `what happened to a call follows its verdict, and a call screening missed rang unchecked`() {
        fun call(verdict: String, outcome: Outcome = Outcome.SCREENED) = RecentCall(1, "+1", verdict, "", outcome)
        assertEquals(Happened.BLOCKED, call("BLOCK").happened)
        assertEquals(Happened.SILENCED, call("SILENCE").happened)
        assertEquals(Happened.WARNED, call("WARN").happened)
        assertEquals(Happened.RANG, call("ALLOW").happened)
        assertEquals(Happened.NOT_CHECKED, call("ALLOW", Outcome.TIMED_OUT).happened)
        assertEquals(Happened.NOT_CHECKED, call("ALLOW", Outcome.FAILED).happened)
        // A line from a newer app with a verdict this one does not know: it rang.
        assertEquals(Happened.RANG, call("SOMETHING_NEW").happened)
    }
}
