package org.callguard.demo

import android.app.Activity
import android.app.Application
import android.app.Notification
import android.app.NotificationManager
import android.app.role.RoleManager
import android.os.Looper
import android.telephony.TelephonyManager
import android.view.View
import android.widget.FrameLayout
import android.widget.RadioGroup
import callguard.IncomingCall
import callguard.ListKind
import org.callguard.mapping.AlertTexts
import org.callguard.mapping.Outcome
import org.callguard.mapping.RecentCall
import org.junit.After
import org.junit.Assert.assertNotNull
import org.junit.Before
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.RuntimeEnvironment
import org.robolectric.Shadows.shadowOf
import org.robolectric.annotation.Config
import org.robolectric.annotation.GraphicsMode
import java.util.TimeZone

/**
 * The screens and notifications as people see them, in Japanese and in English, drawn by Android's
 * renderer and compared with the goldens in app/src/test/screenshots/ (see [Screenshots]).
 *
 * The notifications are the app's real ones, posted by [Notifier] for a real assessment, drawn
 * with the framework's own expanded template (`Notification.Builder.createBigContentView`, what
 * the shade shows when the notification is opened): the system's shade frame and the phone's
 * fonts differ from maker to maker, the words and their order do not.
 */
@RunWith(RobolectricTestRunner::class)
@GraphicsMode(GraphicsMode.Mode.NATIVE)
@Config(qualifiers = "w360dp-h760dp-xhdpi")
class ScreenshotTest {
    private val app: Application = RuntimeEnvironment.getApplication()
    private val widthPx get() = Ui.dp(app, 360)

    @Before
    fun setUp() {
        Engine.close()
        app.filesDir.listFiles()?.forEach { it.deleteRecursively() }
        Calls.allowNotifications(app)
        shadowOf(app.getSystemService(TelephonyManager::class.java)).setSimCountryIso("jp")
        TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"))
    }

    @After
    fun tearDown() {
        Engine.close()
    }

    private fun languages() = listOf("ja", "en")

    /** Lets the activity's background work finish and its results reach the views. */
    private fun settle(done: () -> Boolean) {
        val ready = Calls.waitFor {
            shadowOf(Looper.getMainLooper()).idle()
            if (done()) true else null
        }
        assertNotNull("the screen never finished loading", ready)
    }

    private fun content(activity: Activity): View =
        activity.findViewById<FrameLayout>(android.R.id.content).getChildAt(0)

    @Test
    fun `main screen, the self-test with the last call explained`() {
        shadowOf(app.getSystemService(RoleManager::class.java)).apply {
            addAvailableRole(RoleManager.ROLE_CALL_SCREENING)
            addHeldRole(RoleManager.ROLE_CALL_SCREENING)
        }
        Engine.get(app).addListEntry(ListKind.BLOCK, "+8150*", null, null)
        for (lang in languages()) {
            RuntimeEnvironment.setQualifiers("+$lang")
            // The entry the service keeps, at a fixed time (2025-12-01 10:05 in Tokyo) so the
            // picture does not change with the clock.
            val assessment = Engine.get(app).screen(IncomingCall(number = "050-1234-5678"), lang)
            Engine.recentCalls(app).clear()
            Engine.recentCalls(app).add(
                RecentCall(
                    at = 1764551100,
                    caller = AlertTexts.caller(assessment),
                    verdict = assessment.verdict.name,
                    label = "",
                    outcome = Outcome.SCREENED,
                    reason = AlertTexts.mainReason(assessment).orEmpty(),
                ),
            )
            val controller = Robolectric.buildActivity(MainActivity::class.java).setup()
            val activity = controller.get()
            settle {
                activity.window.decorView.findViewsWithClass<android.widget.TextView>().none { it.text.isEmpty() }
            }
            Screenshots.check("main-$lang", Screenshots.render(activity.window.decorView, widthPx))
            controller.pause().stop().destroy()
        }
    }

    @Test
    fun `settings screen, strict preset locked by a caregiver`() {
        val guard = Engine.get(app)
        guard.setPolicy("elderly", null)
        guard.lockPolicy("4829", null)
        Engine.savePolicy(app, guard)
        guard.addListEntry(ListKind.BLOCK, "+8150*", null, null)
        guard.addListEntry(ListKind.ALLOW, "03-3581-4321", null, null)
        // 2025-12-01 09:30 and 10:05 in Tokyo.
        for (lang in languages()) {
            RuntimeEnvironment.setQualifiers("+$lang")
            // Two calls the service kept, at fixed times (2025-12-01 09:30 and 10:05 in Tokyo).
            Engine.recentCalls(app).clear()
            for ((at, number) in listOf(1764549000L to "+1 202-555-0143", 1764551100L to "050-1234-5678")) {
                val a = guard.screen(IncomingCall(number = number), lang)
                Engine.recentCalls(app).add(
                    RecentCall(
                        at, AlertTexts.caller(a), a.verdict.name, "", Outcome.SCREENED,
                        AlertTexts.mainReason(a).orEmpty(),
                    ),
                )
            }
            val controller = Robolectric.buildActivity(SettingsActivity::class.java).setup()
            val activity = controller.get()
            settle {
                val group = activity.window.decorView.findViewsWithClass<RadioGroup>().firstOrNull()
                group != null && group.childCount > 0 && group.checkedRadioButtonId != View.NO_ID
            }
            Screenshots.check("settings-$lang", Screenshots.render(content(activity), widthPx))
            controller.pause().stop().destroy()
        }
    }

    @Test
    fun `warning notification, a call from abroad`() {
        notificationShots("notification-warn") { IncomingCall(number = "+1 202-555-0143") }
    }

    @Test
    fun `block notification, a number on the block list`() {
        Engine.get(app).addListEntry(ListKind.BLOCK, "+8150*", null, null)
        notificationShots("notification-block") { IncomingCall(number = "050-1234-5678") }
    }

    private fun notificationShots(name: String, call: () -> IncomingCall) {
        val manager = app.getSystemService(NotificationManager::class.java)
        for (lang in languages()) {
            RuntimeEnvironment.setQualifiers("+$lang")
            manager.cancelAll()
            Notifier(app).show(Engine.get(app).screen(call(), lang))
            val posted: Notification = shadowOf(manager).allNotifications.single()
            val expanded = Notification.Builder.recoverBuilder(app, posted).createBigContentView()
            val shade = FrameLayout(app)
            shade.addView(expanded.apply(app, shade))
            Screenshots.check("$name-$lang", Screenshots.render(shade, widthPx))
        }
    }
}

/** Every descendant of type [T], depth first. */
inline fun <reified T : View> View.findViewsWithClass(): List<T> = descendants(this).filterIsInstance<T>()

fun descendants(view: View): List<View> =
    listOf(view) + if (view is android.view.ViewGroup) (0 until view.childCount).flatMap { descendants(view.getChildAt(it)) } else emptyList()
