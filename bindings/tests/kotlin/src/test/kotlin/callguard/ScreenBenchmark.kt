package callguard

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.condition.EnabledIfSystemProperty

/**
 * What a `screen` call costs through the Kotlin bindings (JNA), for BENCHMARKS.md. Runs only
 * when asked, against a release build:
 *
 *     mvn -B -f bindings/tests/kotlin/pom.xml test -Dtest=ScreenBenchmark \
 *         -Dcallguard.bench=true -Dcallguard.lib.dir=$PWD/target/release
 */
@EnabledIfSystemProperty(named = "callguard.bench", matches = "true")
class ScreenBenchmark {
    @Test
    fun screenThroughKotlin() {
        val calls = mapOf(
            "international (+1 202-555-0143)" to IncomingCall(number = "+1 202-555-0143"),
            "national fixed (03-5253-5111)" to IncomingCall(number = "03-5253-5111"),
            "claim + transcript" to IncomingCall(
                number = "+44 20 7946 0958",
                claims = "総務省",
                transcript = "こちらは総務省です。２時間以内に使えなくなります。",
            ),
        )
        CallGuard(null, "JP", "balanced").use { guard ->
            for ((name, call) in calls) {
                repeat(20_000) { guard.screen(call) } // warm up (JIT, caches)
                val n = 100_000
                val start = System.nanoTime()
                repeat(n) { guard.screen(call) }
                val perCall = (System.nanoTime() - start).toDouble() / n / 1000.0
                println("kotlin screen %-34s %8.2f µs/call (%d calls)".format(name, perCall, n))
            }
            // Where the time goes: a call that moves no buffer, and one that returns a record.
            val parts = mapOf<String, () -> Unit>(
                "policyLocked() (bool, no buffer)" to { guard.policyLocked() },
                "classify(03-5253-5111) (record)" to { guard.classify("03-5253-5111") },
            )
            for ((name, f) in parts) {
                repeat(20_000) { f() }
                val n = 100_000
                val start = System.nanoTime()
                repeat(n) { f() }
                val perCall = (System.nanoTime() - start).toDouble() / n / 1000.0
                println("kotlin %-41s %8.2f µs/call (%d calls)".format(name, perCall, n))
            }
        }
    }
}
