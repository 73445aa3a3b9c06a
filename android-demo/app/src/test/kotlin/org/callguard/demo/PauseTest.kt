package org.callguard.demo

import android.app.Application
import android.os.Looper
import android.telephony.TelephonyManager
import android.widget.Button
import android.widget.TextView
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import java.time.ZoneId
import java.time.ZonedDateTime

/**
 * "Pause protection" on the settings screen: the person pauses alone, even when a caregiver
 * locked the settings, sees until when, and can turn protection back on.
 */
@RunWith(RobolectricTestRunner::class)
class PauseTest {
    private val app: Application = RuntimeEnvironment.getApplication()

    @Before
    fun setUp() {
        Engine.close()
        app.filesDir.listFiles()?.forEach { it.deleteRecursively() }
        shadowOf(app.getSystemService(TelephonyManager::class.java)).setSimCountryIso("jp")
        RuntimeEnvironment.setQualifiers("+en")
    }

    @After
    fun tearDown() {
        Engine.close()
    }

    private fun button(root: android.view.View, text: Int): Button =
        root.findViewsWithClass<Button>().first { it.text == app.getString(text) }

    private fun screenText(root: android.view.View): String {
        shadowOf(Looper.getMainLooper()).idle()
        return root.findViewsWithClass<TextView>().filter { it !is Button }.joinToString("\n") { it.text }
    }

    @Test
    fun `the person pauses protection for an hour while a caregiver's lock is on, and resumes it`() {
        val guard = Engine.get(app)
        guard.setPolicy("elderly", null)
        guard.lockPolicy("4829", null)
        Engine.savePolicy(app, guard)
        val activity = Robolectric.buildActivity(SettingsActivity::class.java).setup().get()
        val root = activity.window.decorView
        assertNotNull(Calls.waitFor { screenText(root).takeIf { it.contains(app.getString(R.string.pause_status_on)) } })

        val before = System.currentTimeMillis() / 1000
        button(root, R.string.action_pause_hour).performClick()
        val until = Calls.waitFor { guard.protectionPausedUntil() }
        assertNotNull("paused without a PIN", until)
        assertTrue("about an hour: $until", until!! in before + 3600..before + 3700)
        assertTrue(guard.policyLocked())
        assertNotNull(Calls.waitFor { screenText(root).takeIf { it.contains("Protection is paused until") } })

        button(root, R.string.action_resume).performClick()
        assertNotNull("resumed", Calls.waitFor { Unit.takeIf { guard.protectionPausedUntil() == null } })
        assertNull(guard.protectionPausedUntil())
        assertNotNull(Calls.waitFor { screenText(root).takeIf { it.contains(app.getString(R.string.pause_status_on)) } })
    }

    @Test
    fun `until tomorrow morning means the next 7 o'clock, within a day`() {
        val tokyo = ZoneId.of("Asia/Tokyo")
        val evening = ZonedDateTime.of(2026, 1, 5, 21, 30, 0, 0, tokyo)
        assertEquals(ZonedDateTime.of(2026, 1, 6, 7, 0, 0, 0, tokyo).toEpochSecond(), Pauses.untilMorning(evening))
        val night = ZonedDateTime.of(2026, 1, 6, 1, 0, 0, 0, tokyo)
        assertEquals(ZonedDateTime.of(2026, 1, 6, 7, 0, 0, 0, tokyo).toEpochSecond(), Pauses.untilMorning(night))
        val seven = ZonedDateTime.of(2026, 1, 6, 7, 0, 0, 0, tokyo)
        assertEquals(seven.plusDays(1).toEpochSecond(), Pauses.untilMorning(seven))
        assertEquals(3600L + 1000, Pauses.forOneHour(1000))
    }
}
