package org.callguard.mapping

import callguard.Verdict
import java.io.File

/**
 * One screened call as the settings and self-test screens show it.
 *
 * @property reason the deciding reason's message in the person's language, empty when none
 *   (no risk found, or the core gave no answer: see [outcome]); it answers "why did this ring?".
 */
data class RecentCall(
    val at: Long,
    val caller: String,
    val verdict: String,
    val label: String,
    val outcome: Outcome,
    val reason: String = "",
)

/** What the phone did with a screened call, as the screens tell the person. */
enum class Happened {
    /** It rang: allowed, or screening could not tell it apart from any call. */
    RANG,

    /** It rang, with the app's warning. */
    WARNED,

    /** It did not ring, but is in the call log (silenced). */
    SILENCED,

    /** It was rejected (blocked). */
    BLOCKED,

    /** Screening timed out or failed, so it rang unchecked (fail open). */
    NOT_CHECKED,
}

/** What the phone did with this call. */
val RecentCall.happened: Happened
    get() = when {
        outcome == Outcome.TIMED_OUT || outcome == Outcome.FAILED -> Happened.NOT_CHECKED
        verdict == Verdict.BLOCK.name -> Happened.BLOCKED
        verdict == Verdict.SILENCE.name -> Happened.SILENCED
        verdict == Verdict.WARN.name -> Happened.WARNED
        else -> Happened.RANG
    }

/**
 * The last [capacity] screened calls, newest first, in a small text file of the app's own.
 *
 * The core's call log (`CallGuard.record`) feeds the repeat-caller rules, but the bindings only
 * count its rows (`stats().loggedCalls`); this list is what the settings screen shows.
 * One call per line, tab-separated; tabs and line breaks in fields become spaces.
 */
class RecentCalls(private val file: File, private val capacity: Int = 50) {
    @Synchronized
    fun add(call: RecentCall) {
        val kept = read().take(capacity - 1)
        val lines = (listOf(call) + kept).map(::encode)
        file.parentFile?.mkdirs()
        val tmp = File(file.path + ".tmp")
        tmp.writeText(lines.joinToString("\n", postfix = "\n"))
        if (!tmp.renameTo(file)) {
            file.writeText(tmp.readText())
            tmp.delete()
        }
    }

    @Synchronized
    fun read(): List<RecentCall> {
        if (!file.exists()) return emptyList()
        return file.readLines().mapNotNull(::decode)
    }

    @Synchronized
    fun clear() {
        file.delete()
    }

    private fun clean(s: String) = s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ')

    private fun encode(c: RecentCall) =
        listOf(c.at.toString(), clean(c.caller), clean(c.verdict), clean(c.label), c.outcome.name, clean(c.reason))
            .joinToString("\t")

    /** Lines of five fields were written before the reason was kept: they read with none. */
    private fun decode(line: String): RecentCall? {
        val f = line.split('\t')
        if (f.size != 5 && f.size != 6) return null
        val at = f[0].toLongOrNull() ?: return null
        val outcome = Outcome.entries.firstOrNull { it.name == f[4] } ?: return null
        return RecentCall(at, f[1], f[2], f[3], outcome, f.getOrElse(5) { "" })
    }
}
