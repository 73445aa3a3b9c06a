package callguard

import org.junit.jupiter.api.Test
import org.junit.jupiter.api.condition.EnabledIfSystemProperty

/**
 * What a `screen` call costs through the Kotlin bindings (JNA), for BENCHMARKS.md. Runs only
 * when asked, against a release build:
 *
 *     mvn -B -f bindings/tests/kotlin/pom.xml test -Dtest=ScreenBenchmark \
 *         -Dcallguard.bench=true -Dcallguard.lib.dir=$PWD/target/release
 *
 * Every call is measured twice, because with JNA the answer depends on the pace:
 * - `loop`: the mean over 100,000 calls back to back after a warm-up, as the Rust and Python
 *   benchmarks measure. Every call allocates JNA `Structure`s (a call status per call into the
 *   library, the buffers), each backed by a JNA `Memory` that JNA enters in one process-wide
 *   map and frees from a cleaner thread only after a garbage collection. Back to back, tens of
 *   thousands of them wait at once: the map grows, each new entry costs more and collections
 *   slow down. This is the cost under sustained load, and it varies a lot from run to run
 *   (each loop starts after collections that let the cleaner catch up).
 * - `paced`: the median of the per-call means of 100 batches of 200 calls, with a collection
 *   and a pause before each batch so that the cleaner has caught up, as it has when a phone
 *   screens one call at a time. This is the cost of one screening.
 *
 * Then the parts of a call (see the end of the test).
 */
@EnabledIfSystemProperty(named = "callguard.bench", matches = "true")
class ScreenBenchmark {
    private fun loop(f: () -> Unit): Double {
        repeat(20_000) { f() } // warm up (JIT, caches)
        val n = 100_000
        val start = System.nanoTime()
        repeat(n) { f() }
        return (System.nanoTime() - start).toDouble() / n / 1000.0
    }

    private fun paced(f: () -> Unit): Double {
        repeat(20_000) { f() } // warm up (JIT, caches)
        val batches = 100
        val batch = 200
        val perCall = DoubleArray(batches) {
            System.gc()
            Thread.sleep(20) // JNA's cleaner frees what the collection found
            val start = System.nanoTime()
            repeat(batch) { f() }
            (System.nanoTime() - start).toDouble() / batch / 1000.0
        }
        perCall.sort()
        return perCall[batches / 2]
    }

    /** Drains what earlier loops left for JNA's cleaner, so that each loop starts alike. */
    private fun settle() {
        repeat(3) {
            System.gc()
            Thread.sleep(200)
        }
    }

    private fun report(cases: List<Pair<String, () -> Unit>>) {
        // Every paced measure first: a loop leaves a backlog that would slow what follows.
        val paced = cases.map { (_, f) -> paced(f) }
        val loop = cases.map { (_, f) ->
            settle()
            loop(f)
        }
        for ((i, case) in cases.withIndex()) {
            val line = "kotlin %-52s loop %8.2f µs/call   paced %8.2f µs/call"
            println(line.format(case.first, loop[i], paced[i]))
        }
    }

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
        // Once per process: loading JNA and the library, registering the native functions and
        // checking uniffi's contract version and checksums happen on first use, inside the
        // first constructor call (meaningful when this class runs alone in its JVM).
        val started = System.nanoTime()
        val first = CallGuard(null, "JP", "balanced")
        val constructed = System.nanoTime()
        first.screen(calls.values.first(), "en")
        val screened = System.nanoTime()
        first.close()
        println("kotlin first CallGuard() in this JVM %.1f ms, its first screen %.1f ms"
            .format((constructed - started) / 1e6, (screened - constructed) / 1e6))

        CallGuard(null, "JP", "balanced").use { guard ->
            val cases = mutableListOf<Pair<String, () -> Unit>>()
            for ((name, call) in calls) {
                cases += "screen $name" to { guard.screen(call, "en") }
                cases += "screenSummary $name" to { guard.screenSummary(call, "ja") }
            }
            cases += "policyLocked() (no buffer)" to { guard.policyLocked() }
            cases += "classify(03-5253-5111) (record)" to { guard.classify("03-5253-5111", "en") }

            // Where the time of a call goes, from the generated code's parts (uniffi 0.32's
            // internals: adjust these lines when uniffi changes them). A method call is two calls
            // into the library, each with a new `UniffiRustCallStatus`: one clones the object's
            // handle, which the method then consumes.
            cases += "  one new UniffiRustCallStatus()" to { UniffiRustCallStatus() }
            val handle = guard.uniffiCloneHandle()
            val status = UniffiRustCallStatus()
            cases += "  policyLocked's 2 native calls, status reused" to {
                val forCall = UniffiLib.uniffi_callguard_ffi_fn_clone_callguard(handle, status)
                UniffiLib.uniffi_callguard_ffi_fn_method_callguard_policy_locked(forCall, status)
            }
            try {
                report(cases)
            } finally {
                UniffiLib.uniffi_callguard_ffi_fn_free_callguard(handle, status)
            }
        }
    }
}
