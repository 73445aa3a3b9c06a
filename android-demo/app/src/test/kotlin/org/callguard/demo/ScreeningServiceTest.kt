package org.callguard.demo

import android.app.Application
import android.app.Notification
import android.app.NotificationManager
import android.telecom.Call
import android.telecom.CallScreeningService
import android.telecom.Connection
import android.telecom.TelecomManager
import android.telephony.TelephonyManager
import callguard.Assessment
import callguard.CallGuard
import callguard.IncomingCall
import callguard.Presentation
import callguard.Verdict
import callguard.Verification
import org.callguard.mapping.AlertTexts
import org.callguard.mapping.Outcome
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
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
 * The demo's real [ScreeningService], started by the framework (Robolectric, API 34) with the real
 * core (the host library, loaded by JNA from callguard-host.jar): every presentation, verification
 * status and direction Telecom can hand over, and what comes back to Telecom, to the notification
 * shade and to the recent calls.
 */
@RunWith(RobolectricTestRunner::class)
class ScreeningServiceTest {
    private val app: Application = RuntimeEnvironment.getApplication()

    @Before
    fun setUp() {
        Engine.close()
        Calls.allowNotifications(app)
        // The home region comes from the SIM: a Japanese phone.
        shadowOf(app.getSystemService(TelephonyManager::class.java)).setSimCountryIso("jp")
        RuntimeEnvironment.setQualifiers("+en")
    }

    @After
    fun tearDown() {
        Engine.close()
    }

    private val notifications get() = shadowOf(app.getSystemService(NotificationManager::class.java))

    /** A phone as after installation: no database, no recent calls, no notifications. */
    private fun freshPhone() {
        Engine.close()
        app.filesDir.listFiles()?.forEach { it.deleteRecursively() }
        app.getSystemService(NotificationManager::class.java).cancelAll()
    }

    private fun startService(): ScreeningService = Robolectric.setupService(ScreeningService::class.java)

    /** The recent-calls entry the service keeps once the call is answered (written off the call path). */
    private fun lastRecentCall() = Calls.waitFor { Engine.recentCalls(app).read().firstOrNull() }

    /** What the core says about the same call, asked directly (the test's own translation of the call). */
    private fun coreSays(number: String?, presentation: Int, verification: Int): Assessment =
        CallGuard(null, "JP", "").use { guard ->
            guard.screen(
                IncomingCall(
                    number = if (presentation == TelecomManager.PRESENTATION_ALLOWED) number else null,
                    presentation = when (presentation) {
                        TelecomManager.PRESENTATION_ALLOWED -> Presentation.ALLOWED
                        TelecomManager.PRESENTATION_RESTRICTED -> Presentation.RESTRICTED
                        TelecomManager.PRESENTATION_UNKNOWN -> Presentation.UNKNOWN
                        TelecomManager.PRESENTATION_PAYPHONE -> Presentation.PAYPHONE
                        else -> Presentation.UNAVAILABLE
                    },
                    verification = when (verification) {
                        Connection.VERIFICATION_STATUS_PASSED -> Verification.PASSED
                        Connection.VERIFICATION_STATUS_FAILED -> Verification.FAILED
                        else -> Verification.NOT_VERIFIED
                    },
                    isContact = false,
                ), "en",
            )
        }

    /** What each verdict must look like to Telecom (README, "What the person sees"). */
    private fun assertResponseFor(verdict: Verdict, response: CallScreeningService.CallResponse, what: String) {
        val got = "$what: ${response.flags()}"
        when (verdict) {
            Verdict.ALLOW, Verdict.WARN -> assertEquals(got, "ring", response.flags())
            Verdict.SILENCE -> assertEquals(got, "silence", response.flags())
            // The app can notify here, so the phone's own missed-call notification is skipped;
            // the call log never is.
            Verdict.BLOCK -> assertEquals(got, "disallow,reject,skipNotification", response.flags())
        }
    }

    private val presentations = listOf(
        TelecomManager.PRESENTATION_ALLOWED,
        TelecomManager.PRESENTATION_RESTRICTED,
        TelecomManager.PRESENTATION_UNKNOWN,
        TelecomManager.PRESENTATION_PAYPHONE,
        TelecomManager.PRESENTATION_UNAVAILABLE,
    )
    private val verifications = listOf(
        Connection.VERIFICATION_STATUS_NOT_VERIFIED,
        Connection.VERIFICATION_STATUS_PASSED,
        Connection.VERIFICATION_STATUS_FAILED,
    )

    @Test
    fun `every presentation and verification of an incoming call gets the core's verdict`() {
        val verdicts = mutableSetOf<Verdict>()
        for (presentation in presentations) {
            for (verification in verifications) {
                freshPhone()
                val what = "presentation $presentation, verification $verification"
                val service = startService()
                service.onScreenCall(
                    Calls.details("+12025550143", presentation, verification, Call.Details.DIRECTION_INCOMING),
                )
                val response = Calls.response(service)
                val expected = coreSays("+12025550143", presentation, verification)
                verdicts += expected.verdict
                assertResponseFor(expected.verdict, response, what)

                val recent = lastRecentCall()
                assertNotNull("$what: no recent-calls entry", recent)
                assertEquals(what, expected.verdict.name, recent!!.verdict)
                assertEquals(what, Outcome.SCREENED, recent.outcome)
                assertEquals(what, AlertTexts.mainReason(expected).orEmpty(), recent.reason)
                // A hidden number reaches neither the core nor the list, whatever the handle says.
                if (presentation != TelecomManager.PRESENTATION_ALLOWED) {
                    assertFalse(what, recent.caller.contains("2025550143"))
                }

                val shown = notifications.allNotifications
                if (expected.verdict == Verdict.ALLOW) {
                    assertEquals("$what: no notification for a call that simply rings", 0, shown.size)
                } else {
                    assertEquals("$what: one notification", 1, shown.size)
                    assertNotification(shown[0], AlertTexts.of(expected), what)
                }
            }
        }
        // The matrix reaches a warning and a block (a failed verification on a call from abroad).
        assertTrue("verdicts seen: $verdicts", verdicts.containsAll(listOf(Verdict.WARN, Verdict.BLOCK)))
    }

    private fun assertNotification(n: Notification, text: org.callguard.mapping.AlertText, what: String) {
        assertEquals(what, Notifier.CHANNEL_ID, n.channelId)
        assertEquals(what, text.title, n.extras.getCharSequence(Notification.EXTRA_TITLE).toString())
        assertEquals(what, text.body, n.extras.getCharSequence(Notification.EXTRA_BIG_TEXT).toString())
        assertEquals(what, Notification.CATEGORY_CALL, n.category)
        assertNotNull("$what: tapping it opens the app", n.contentIntent)
    }

    @Test
    fun `outgoing calls ring at once, never reach the core, and leave nothing behind`() {
        for (presentation in presentations) {
            for (verification in verifications) {
                freshPhone()
                val what = "outgoing, presentation $presentation, verification $verification"
                val service = CountingService.start()
                service.onScreenCall(
                    Calls.details("+12025550143", presentation, verification, Call.Details.DIRECTION_OUTGOING),
                )
                assertEquals(what, "ring", Calls.response(service).flags())
                assertEquals(what, 0, service.screened.get())
                assertEquals(what, 1, service.answers.get())
                assertEquals(what, 0, notifications.size())
                assertEquals(what, emptyList<Any>(), Engine.recentCalls(app).read())
            }
        }
    }

    @Test
    fun `a call from abroad warns in English and in Japanese, on the screened-calls channel`() {
        for ((qualifier, japanese) in listOf("en" to false, "ja" to true)) {
            freshPhone()
            RuntimeEnvironment.setQualifiers("+$qualifier")
            val service = startService()
            service.onScreenCall(
                Calls.details(
                    "+12025550143",
                    TelecomManager.PRESENTATION_ALLOWED,
                    Connection.VERIFICATION_STATUS_NOT_VERIFIED,
                    Call.Details.DIRECTION_INCOMING,
                ),
            )
            assertEquals("ring", Calls.response(service).flags())
            val n = Calls.waitFor { notifications.allNotifications.firstOrNull() }
            assertNotNull("$qualifier: no notification", n)
            val title = n!!.extras.getCharSequence(Notification.EXTRA_TITLE).toString()
            val body = n.extras.getCharSequence(Notification.EXTRA_BIG_TEXT).toString()
            assertTrue(title, title.endsWith("+12025550143"))
            if (japanese) {
                assertTrue(title, title.contains("国際電話"))
                assertTrue(body, body.contains("USからの国際電話です"))
                // The advice follows the reason, in the same language.
                assertTrue(body, body.contains("\n") && body.contains("自分で調べた番号"))
            } else {
                assertTrue(title, title.contains("International"))
                assertTrue(body, body.contains("International call from US"))
                assertTrue(body, body.contains("\n") && body.contains("a number you looked up yourself"))
            }
            val channel = app.getSystemService(NotificationManager::class.java).getNotificationChannel(Notifier.CHANNEL_ID)
            assertEquals(app.getString(R.string.channel_name), channel.name.toString())
            assertEquals(NotificationManager.IMPORTANCE_HIGH, channel.importance)
            val recent = lastRecentCall()!!
            assertEquals("+12025550143", recent.caller)
            assertEquals("WARN", recent.verdict)
            assertEquals(if (japanese) "USからの国際電話です" else "International call from US", recent.reason)
        }
    }

    @Test
    fun `a number on the block list is rejected, logged by the core and explained`() {
        freshPhone()
        Engine.get(app).addListEntry(callguard.ListKind.BLOCK, "+8150*", "IP phones", null)
        val service = startService()
        service.onScreenCall(
            Calls.details(
                "050-1234-5678",
                TelecomManager.PRESENTATION_ALLOWED,
                Connection.VERIFICATION_STATUS_PASSED,
                Call.Details.DIRECTION_INCOMING,
            ),
        )
        assertEquals("disallow,reject,skipNotification", Calls.response(service).flags())
        val recent = lastRecentCall()!!
        assertEquals("BLOCK", recent.verdict)
        // A number from home as the network showed it, not as E.164.
        assertEquals("050-1234-5678", recent.caller)
        assertEquals(1L, Calls.waitFor { Engine.get(app).stats().loggedCalls.takeIf { it > 0 } })
        assertEquals(1, notifications.size())
    }

    @Test
    fun `without permission to notify, a blocked call keeps the phone's own missed-call notification`() {
        freshPhone()
        shadowOf(app).denyPermissions(android.Manifest.permission.POST_NOTIFICATIONS)
        Engine.get(app).addListEntry(callguard.ListKind.BLOCK, "+8150*", null, null)
        val service = startService()
        service.onScreenCall(
            Calls.details("05012345678", TelecomManager.PRESENTATION_ALLOWED, 0, Call.Details.DIRECTION_INCOMING),
        )
        assertEquals("disallow,reject", Calls.response(service).flags())
        assertEquals("BLOCK", lastRecentCall()!!.verdict)
        assertEquals(0, notifications.size())
    }

    @Test
    fun `the core gets the phone's local time, so a strict preset's quiet hours apply`() {
        freshPhone()
        val service = CountingService.start()
        val before = java.time.LocalTime.now()
        service.onScreenCall(
            Calls.details("090-1234-5678", TelecomManager.PRESENTATION_ALLOWED, 0, Call.Details.DIRECTION_INCOMING),
        )
        Calls.response(service)
        val after = java.time.LocalTime.now()
        val time = service.lastCall!!.localTime
        assertNotNull("no local time reached the core", time)
        val minute = time!!.hour.toInt() * 60 + time.minute.toInt()
        val range = (before.hour * 60 + before.minute)..(after.hour * 60 + after.minute)
        // Around midnight the range wraps; the minute is then one of its two ends.
        assertTrue("$minute not in $range", minute in range || minute == range.first || minute == range.last)
    }

    @Test
    fun `emergency numbers ring under the strictest policy, without a notification`() {
        freshPhone()
        Engine.get(app).setPolicy("elderly", null)
        val service = startService()
        service.onScreenCall(
            Calls.details("110", TelecomManager.PRESENTATION_ALLOWED, 2, Call.Details.DIRECTION_INCOMING),
        )
        assertEquals("ring", Calls.response(service).flags())
        assertEquals("ALLOW", lastRecentCall()!!.verdict)
        assertEquals(0, notifications.size())
    }

    @Test
    fun `a core slower than the deadline lets the call ring once, before the core returns, and its late verdict is dropped`() {
        freshPhone()
        SlowService.release = java.util.concurrent.CountDownLatch(1)
        val service = Robolectric.setupService(SlowService::class.java)
        service.onScreenCall(
            Calls.details("+12025550143", TelecomManager.PRESENTATION_ALLOWED, 2, Call.Details.DIRECTION_INCOMING),
        )
        // The core is still held: the answer can only have come from the deadline.
        assertEquals("ring", Calls.response(service).flags())
        assertEquals(1, service.answers.get())
        assertEquals("the core is still held", 1L, SlowService.release.count)
        val recent = lastRecentCall()!!
        assertEquals(Outcome.TIMED_OUT, recent.outcome)
        assertEquals("+12025550143", recent.caller)
        // The core now answers (a block, for this call): too late, nothing changes.
        SlowService.release.countDown()
        assertTrue(Calls.waitFor { service.screened.get().takeIf { it == 1 } } == 1)
        Thread.sleep(200)
        assertEquals(1, service.answers.get())
        assertEquals("ring", Calls.response(service).flags())
        assertEquals(0, notifications.size())
    }

    @Test
    fun `the service's deadline leaves room inside Telecom's 5 seconds`() {
        val service = Robolectric.setupService(DeadlineProbe::class.java)
        assertTrue(service.deadline() in 1_000L..3_500L)
    }

    @Test
    fun `a failing core lets every call ring, answered once`() {
        for (error in listOf<Throwable>(RuntimeException("core fault"), UnsatisfiedLinkError("no libcallguard_ffi"))) {
            freshPhone()
            FailingService.error = error
            val service = Robolectric.setupService(FailingService::class.java)
            service.onScreenCall(
                Calls.details("+12025550143", TelecomManager.PRESENTATION_ALLOWED, 2, Call.Details.DIRECTION_INCOMING),
            )
            assertEquals("ring", Calls.response(service).flags())
            val recent = lastRecentCall()!!
            assertEquals(Outcome.FAILED, recent.outcome)
            Thread.sleep(100)
            assertEquals(1, service.answers.get())
            assertEquals(0, notifications.size())
        }
    }

    @Test
    fun `a database that cannot be opened lets the call ring, and the recent calls say why`() {
        freshPhone()
        // A directory where the database file should be: the core cannot open it.
        File(app.filesDir, "callguard.db").mkdirs()
        val service = startService()
        service.onScreenCall(
            Calls.details("+12025550143", TelecomManager.PRESENTATION_ALLOWED, 0, Call.Details.DIRECTION_INCOMING),
        )
        // The core cannot consult the person's allow list, so nothing but emergency numbers is
        // decided: the call rings, with the reason kept for the self-test screen.
        assertEquals("ring", Calls.response(service).flags())
        val recent = lastRecentCall()!!
        assertEquals("ALLOW", recent.verdict)
        assertEquals(Outcome.SCREENED, recent.outcome)
        assertTrue(recent.reason, recent.reason.startsWith("Screening was not available"))
        assertEquals(callguard.StoreState.UNAVAILABLE, Engine.get(app).storeStatus().state)
    }
}

/** The real service, counting what it asks the core and what it answers Telecom. */
open class CountingService : ScreeningService() {
    val screened = java.util.concurrent.atomic.AtomicInteger()
    val answers = java.util.concurrent.atomic.AtomicInteger()

    @Volatile
    var lastCall: IncomingCall? = null

    override fun screenCall(call: IncomingCall): Assessment {
        lastCall = call
        screened.incrementAndGet()
        return super.screenCall(call)
    }

    override fun answer(details: Call.Details, response: CallScreeningService.CallResponse) {
        answers.incrementAndGet()
        super.answer(details, response)
    }

    companion object {
        fun start(): CountingService = Robolectric.setupService(CountingService::class.java)
    }
}

/** The real core behind a gate that the test opens: a core slower than any deadline. */
class SlowService : CountingService() {
    override fun timeoutMillis(): Long = 300

    override fun screenCall(call: IncomingCall): Assessment {
        try {
            release.await()
        } catch (_: InterruptedException) {
            // The deadline cancels the task; a stuck core would go on anyway.
            release.await()
        }
        return super.screenCall(call)
    }

    companion object {
        @Volatile
        var release = java.util.concurrent.CountDownLatch(1)
    }
}

/** A core that throws: an error of the core's or a library that could not be loaded. */
class FailingService : CountingService() {
    override fun screenCall(call: IncomingCall): Assessment {
        screened.incrementAndGet()
        throw error
    }

    companion object {
        @Volatile
        var error: Throwable = RuntimeException()
    }
}

/** Reads the deadline the real service uses. */
class DeadlineProbe : ScreeningService() {
    fun deadline(): Long = timeoutMillis()
}
