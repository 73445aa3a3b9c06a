package org.callguard.demo

import android.Manifest
import android.app.Application
import android.app.role.RoleManager
import android.os.Looper
import android.telecom.Call
import android.telecom.Connection
import android.telecom.TelecomManager
import android.telephony.TelephonyManager
import android.view.View
import android.widget.Button
import android.widget.TextView
import callguard.ListKind
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import java.io.File

/**
 * The start screen as a self-test: the role, notifications, the database, and why the last call
 * the service screened rang (or did not).
 */
@RunWith(RobolectricTestRunner::class)
class MainActivityTest {
    private val app: Application = RuntimeEnvironment.getApplication()
    private val roles get() = shadowOf(app.getSystemService(RoleManager::class.java))

    @Before
    fun setUp() {
        Engine.close()
        app.filesDir.listFiles()?.forEach { it.deleteRecursively() }
        shadowOf(app.getSystemService(TelephonyManager::class.java)).setSimCountryIso("jp")
        RuntimeEnvironment.setQualifiers("+en")
        roles.addAvailableRole(RoleManager.ROLE_CALL_SCREENING)
    }

    @After
    fun tearDown() {
        Engine.close()
    }

    /** The screen's words once its background check has reached the views. */
    private fun screen(): Pair<String, List<Button>> {
        val activity = Robolectric.buildActivity(MainActivity::class.java).setup().get()
        val root = activity.window.decorView
        val text = Calls.waitFor {
            shadowOf(Looper.getMainLooper()).idle()
            val all = root.findViewsWithClass<TextView>().filter { it !is Button }.joinToString("\n") { it.text }
            all.takeIf { it.contains(app.getString(R.string.last_call_title)) && !it.contains("\n\n") && lastCallShown(all) }
        }
        assertNotNull("the self-test never finished", text)
        val buttons = root.findViewsWithClass<Button>().filter { it.visibility == View.VISIBLE }
        return text!! to buttons
    }

    private fun lastCallShown(all: String) = all.substringAfter(app.getString(R.string.last_call_title)).isNotBlank()

    private fun screenCall(service: ScreeningService, number: String) {
        service.onScreenCall(
            Calls.details(number, TelecomManager.PRESENTATION_ALLOWED, Connection.VERIFICATION_STATUS_NOT_VERIFIED, Call.Details.DIRECTION_INCOMING),
        )
        Calls.response(service)
        Calls.waitFor { Engine.recentCalls(app).read().firstOrNull() }
    }

    @Test
    fun `all checks pass and the last call says it was blocked, and why`() {
        roles.addHeldRole(RoleManager.ROLE_CALL_SCREENING)
        Calls.allowNotifications(app)
        Engine.get(app).addListEntry(ListKind.BLOCK, "+8150*", null, null)
        screenCall(Robolectric.setupService(ScreeningService::class.java), "050-1234-5678")
        val (text, buttons) = screen()
        assertTrue(text, text.contains("✓ " + app.getString(R.string.status_role_held)))
        assertTrue(text, text.contains("✓ " + app.getString(R.string.status_notifications_on)))
        assertTrue(text, text.contains("✓ " + app.getString(R.string.database_ready)))
        assertTrue(text, text.contains("from 050-1234-5678:"))
        assertTrue(text, text.contains("It did not ring: it was blocked. On your block list (+8150*)"))
        // Nothing to fix: only the way to the settings.
        assertEquals(listOf(app.getString(R.string.main_open_settings)), buttons.map { it.text.toString() })
    }

    @Test
    fun `a missing role and notifications are crosses with the button that fixes each`() {
        shadowOf(app).denyPermissions(Manifest.permission.POST_NOTIFICATIONS)
        val (text, buttons) = screen()
        assertTrue(text, text.contains("✗ " + app.getString(R.string.status_role_missing)))
        assertTrue(text, text.contains("✗ " + app.getString(R.string.status_notifications_off)))
        assertTrue(text, text.contains(app.getString(R.string.last_call_none)))
        assertEquals(
            listOf(R.string.main_request_role, R.string.main_request_notifications, R.string.main_open_settings)
                .map { app.getString(it) },
            buttons.map { it.text.toString() },
        )
    }

    @Test
    fun `a call the core was too slow for rang, and the screen says so`() {
        roles.addHeldRole(RoleManager.ROLE_CALL_SCREENING)
        SlowService.release = java.util.concurrent.CountDownLatch(1)
        screenCall(Robolectric.setupService(SlowService::class.java), "+12025550143")
        SlowService.release.countDown()
        val (text, _) = screen()
        assertTrue(text, text.contains("from +12025550143:"))
        assertTrue(text, text.contains(app.getString(R.string.last_call_timed_out)))
    }

    @Test
    fun `a database that cannot be used is a cross, and the last call says why it rang`() {
        roles.addHeldRole(RoleManager.ROLE_CALL_SCREENING)
        File(app.filesDir, "callguard.db").mkdirs()
        screenCall(Robolectric.setupService(ScreeningService::class.java), "+12025550143")
        val (text, _) = screen()
        assertTrue(text, text.contains("✗ " + app.getString(R.string.selftest_database_unavailable)))
        assertTrue(text, text.contains("It rang. Screening was not available"))
    }

    @Test
    fun `a call with nothing against it rang, and the screen says nothing was found`() {
        roles.addHeldRole(RoleManager.ROLE_CALL_SCREENING)
        screenCall(Robolectric.setupService(ScreeningService::class.java), "03-5253-5111")
        val (text, _) = screen()
        assertTrue(text, text.contains("from 03-5253-5111:"))
        assertTrue(text, text.contains(app.getString(R.string.last_call_rang_clean)))
    }
}
