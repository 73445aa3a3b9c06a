package callguard

import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/**
 * The iOS Call Directory through the Kotlin bindings: the app object plans and records
 * deliveries, a second, read-only [DirectoryReader] streams the load in chunks.
 */
class DirectoryTest {
    companion object {
        /** 050-1234-xxxx: 10,000 Japanese IP-phone numbers of 12 digits. */
        const val PREFIX = "+81501234*"
        const val DENTIST = 815_012_340_005L
        const val REPORTED = 819_012_345_678L
    }

    @TempDir
    lateinit var dir: Path

    private fun db(): String = dir.resolve("callguard.db").toString()

    /** Every chunk, checking that each list is strictly ascending across chunks. */
    private fun readAll(chunks: DirectoryChunks): List<DirectoryChunk> {
        val all = mutableListOf<DirectoryChunk>()
        var lastBlock = Long.MIN_VALUE
        var lastIdentify = Long.MIN_VALUE
        chunks.use {
            while (true) {
                val chunk = it.nextChunk() ?: break
                for (n in chunk.addBlocking) { assertTrue(n > lastBlock); lastBlock = n }
                for (n in chunk.addIdentification) { assertTrue(n > lastIdentify); lastIdentify = n }
                assertEquals(chunk.addIdentification.size, chunk.labels.size)
                all.add(chunk)
            }
            assertNull(it.nextChunk())
        }
        return all
    }

    @Test
    fun `plan, full load, delta`() {
        CallGuard(db(), "JP", "balanced").use { app ->
            app.addListEntry(ListKind.BLOCK, PREFIX, null, null)
            app.addListEntry(ListKind.ALLOW, "050-1234-0005", "歯医者", null)
            app.report("090-1234-5678", ReportCategory.SCAM, null)
            val summary = app.planDirectory(1_000_000uL, 1u, "ja")
            assertEquals(1uL, summary.version)
            assertEquals(10_001uL, summary.entries)
            assertEquals(1u, summary.extensions)
            assertTrue(summary.summaryJson.contains("\"entries\":10001"))
            val version = app.beginDirectoryLoad(0u)
            assertEquals(summary.version, version)

            DirectoryReader.open(db()).use { reader ->
                val load = reader.load(0u, false)
                assertEquals(DirectoryLoad(0u, version, null, DirectoryLoadMode.FULL), load)
                val chunks = readAll(reader.chunks(load, 4096u))
                assertEquals(3, chunks.size)
                val blocking = chunks.flatMap { it.addBlocking }
                assertEquals(10_000, blocking.size)
                assertTrue(REPORTED in blocking)
                assertFalse(DENTIST in blocking)
                assertEquals(listOf(DENTIST), chunks.flatMap { it.addIdentification })
                assertEquals(listOf("歯医者"), chunks.flatMap { it.labels })
                app.finishDirectoryLoad(0u, version, true)

                assertTrue(app.removeListEntry(ListKind.ALLOW, "050-1234-0005"))
                app.planDirectory(1_000_000uL, 1u, "ja")
                val next = app.beginDirectoryLoad(0u)
                val delta = reader.load(0u, true)
                assertEquals(DirectoryLoadMode.DELTA, delta.mode)
                assertEquals(version, delta.base)
                assertEquals(next, delta.version)
                val changes = readAll(reader.chunks(delta, 4096u)).single()
                assertFalse(changes.removeAll)
                assertEquals(listOf(DENTIST), changes.removeIdentification)
                assertEquals(listOf(DENTIST), changes.addBlocking)
                app.finishDirectoryLoad(0u, next, false)
                assertEquals(DirectoryLoadMode.RESET, reader.load(0u, true).mode)
            }
        }
    }

    @Test
    fun `errors carry their reason`() {
        CallGuard(db(), "JP", "balanced").use { app ->
            val budget = assertThrows<CallGuardException.InvalidInput> { app.planDirectory(0uL, 1u, "ja") }
            assertTrue(budget.reason.contains("budget"))
            // A language callguard does not speak falls back to English: no error.
            assertTrue(app.planDirectory(10uL, 1u, "fr").version > 0uL)
        }
        val missing = assertThrows<CallGuardException.InvalidInput> {
            DirectoryReader.open(dir.resolve("missing.db").toString())
        }
        assertTrue(missing.reason.contains("missing.db"))
    }
}
