package org.callguard.mapping

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File

/**
 * The mapping is plain Kotlin: these tests run without any Android class on the classpath (the
 * library's Maven build has no android-all at all), and its sources import nothing from Android.
 */
class NoAndroidTypesTest {
    @Test
    fun `no Android class can be loaded here`() {
        val loaded = runCatching { Class.forName("android.telecom.CallScreeningService") }.isSuccess
        // Under the Android Gradle plugin's unit tests an android.jar stub is present: only the
        // library's Maven build (which sets the property) can prove the absence.
        if (System.getProperty("callguard.library.sources") != null) {
            assertEquals(false, loaded)
        }
    }

    @Test
    fun `the mapping sources import nothing from Android`() {
        val root = File(System.getProperty("callguard.library.sources") ?: "src/main/kotlin")
        val mapping = File(root, "org/callguard/mapping")
        val sources = mapping.listFiles { f -> f.name.endsWith(".kt") }.orEmpty()
        assertTrue(sources.size >= 5, "mapping sources found in $mapping")
        val android = Regex("""^\s*import\s+(android|androidx|com\.android)\.""", RegexOption.MULTILINE)
        for (source in sources) {
            assertTrue(!android.containsMatchIn(source.readText()), "${source.name} imports an Android type")
        }
    }
}
