package org.callguard.demo

import android.app.Activity
import android.widget.LinearLayout
import android.widget.TextView
import java.text.DateFormat
import java.time.ZoneId
import java.time.ZonedDateTime
import java.util.Date

/**
 * "Pause protection": every call rings for a while (the person waits for the hospital's call
 * from a number they do not know), and protection comes back by itself, at most a day later.
 * Anyone may pause, even when a caregiver locked the settings: the lock protects the policy,
 * and a pause changes nothing of it (docs/POLICIES.md). The block list still blocks; emergency
 * numbers ring as always.
 *
 * The section sits at the top of the settings, where the person finds it: what is in force, and
 * three buttons. [run] runs the core's call off the main thread and then [refresh]es the screen.
 */
class PauseSection(
    private val activity: Activity,
    private val run: (work: () -> Unit) -> Unit,
) {
    private val status: TextView = Ui.body(activity)

    /** Adds the section's views to [column]. */
    fun addTo(column: LinearLayout) {
        column.addView(Ui.heading(activity, R.string.section_pause))
        column.addView(status)
        column.addView(Ui.body(activity, R.string.pause_explained))
        column.addView(
            Ui.button(activity, R.string.action_pause_hour) { pause(Pauses.forOneHour(nowSeconds())) },
            Ui.wide(activity),
        )
        column.addView(
            Ui.button(activity, R.string.action_pause_morning) {
                pause(Pauses.untilMorning(ZonedDateTime.now(ZoneId.systemDefault())))
            },
            Ui.wide(activity),
        )
        column.addView(
            Ui.button(activity, R.string.action_resume) { run { Engine.get(activity).resumeProtection() } },
            Ui.wide(activity),
        )
    }

    /** Shows what is in force: protection on, or paused until a time (in the phone's zone). */
    fun show(pausedUntil: Long?) {
        status.text = if (pausedUntil == null) {
            activity.getString(R.string.pause_status_on)
        } else {
            val format = DateFormat.getTimeInstance(DateFormat.SHORT, activity.resources.configuration.locales[0])
            activity.getString(R.string.pause_status_paused, format.format(Date(pausedUntil * 1000)))
        }
    }

    private fun pause(until: Long) = run { Engine.get(activity).pauseProtection(until) }

    private fun nowSeconds() = System.currentTimeMillis() / 1000
}

/** When the pause buttons end a pause: plain arithmetic on the phone's clock, tested on the JVM. */
object Pauses {
    /** The hour "tomorrow morning" means. */
    const val MORNING_HOUR = 7

    fun forOneHour(nowSeconds: Long): Long = nowSeconds + 3600

    /**
     * The next 7:00 in the phone's time zone: tomorrow's after 7:00, today's before it (a pause
     * started at 1:00 in the night ends at 7:00 the same morning). Always within a day.
     */
    fun untilMorning(now: ZonedDateTime): Long {
        var morning = now.toLocalDate().atTime(MORNING_HOUR, 0).atZone(now.zone)
        if (!morning.isAfter(now)) morning = morning.plusDays(1)
        return morning.toEpochSecond()
    }
}
