package org.callguard.demo

import android.Manifest
import android.app.Activity
import android.app.role.RoleManager
import android.content.Intent
import android.content.pm.PackageManager
import android.graphics.Color
import android.os.Build
import android.os.Bundle
import android.view.View
import android.view.ViewGroup
import android.widget.Button
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView
import callguard.StoreState
import org.callguard.mapping.Happened
import org.callguard.mapping.Outcome
import org.callguard.mapping.RecentCall
import org.callguard.mapping.happened
import java.text.DateFormat
import java.util.Date
import java.util.concurrent.Executors

/**
 * The start screen is the self-test: is CallGuard protecting this phone, and why did the last
 * call ring? Each check is a sentence with a tick or a cross, and a button only where the person
 * can fix something: the call-screening role (without it Telecom never calls the service),
 * permission to post notifications (API 33+), the database (repaired in the settings).
 */
class MainActivity : Activity() {
    private val background = Executors.newSingleThreadExecutor()

    private lateinit var roleCheck: TextView
    private lateinit var roleButton: Button
    private lateinit var notifyCheck: TextView
    private lateinit var notifyButton: Button
    private lateinit var databaseCheck: TextView
    private lateinit var lastCall: TextView

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setTitle(R.string.app_name)
        val column = Ui.column(this)
        column.addView(Ui.body(this, R.string.main_intro))

        column.addView(Ui.heading(this, R.string.selftest_title))
        roleCheck = Ui.body(this)
        column.addView(roleCheck)
        roleButton = Ui.button(this, R.string.main_request_role) { requestRole() }
        column.addView(roleButton, Ui.wide(this))
        notifyCheck = Ui.body(this)
        column.addView(notifyCheck)
        notifyButton = Ui.button(this, R.string.main_request_notifications) { requestNotifications() }
        column.addView(notifyButton, Ui.wide(this))
        databaseCheck = Ui.body(this)
        column.addView(databaseCheck)

        column.addView(Ui.heading(this, R.string.last_call_title))
        lastCall = Ui.body(this)
        column.addView(lastCall)

        column.addView(
            Ui.button(this, R.string.main_open_settings) {
                startActivity(Intent(this, SettingsActivity::class.java))
            },
            Ui.wide(this),
        )
        setContentView(
            ScrollView(this).apply { addView(column) },
            ViewGroup.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, ViewGroup.LayoutParams.MATCH_PARENT),
        )
        Notifier(this).ensureChannel()
    }

    override fun onResume() {
        super.onResume()
        refresh()
    }

    override fun onDestroy() {
        background.shutdown()
        super.onDestroy()
    }

    private fun roleManager(): RoleManager? = getSystemService(RoleManager::class.java)

    private fun holdsRole(): Boolean =
        roleManager()?.isRoleHeld(RoleManager.ROLE_CALL_SCREENING) == true

    private fun needsNotificationPermission(): Boolean =
        Build.VERSION.SDK_INT >= 33 &&
            checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) != PackageManager.PERMISSION_GRANTED

    /** A check's sentence, with a tick (green) when it passed or a cross (red) when it did not. */
    private fun TextView.check(passed: Boolean, text: String) {
        this.text = getString(if (passed) R.string.check_passed else R.string.check_failed, text)
        setTextColor(if (passed) PASSED else FAILED)
    }

    private fun refresh() {
        val roleAvailable = roleManager()?.isRoleAvailable(RoleManager.ROLE_CALL_SCREENING) == true
        val held = holdsRole()
        roleCheck.check(
            held,
            getString(
                when {
                    held -> R.string.status_role_held
                    roleAvailable -> R.string.status_role_missing
                    else -> R.string.status_role_unavailable
                },
            ),
        )
        roleButton.visibility = if (roleAvailable && !held) View.VISIBLE else View.GONE
        val canNotify = Notifier(this).canNotify()
        notifyCheck.check(
            canNotify,
            getString(if (canNotify) R.string.status_notifications_on else R.string.status_notifications_off),
        )
        notifyButton.visibility = if (needsNotificationPermission()) View.VISIBLE else View.GONE

        // The engine opens the database: off the main thread.
        background.execute {
            val store = runCatching { Engine.get(this).storeStatus() }.getOrNull()
            val last = runCatching { Engine.recentCalls(this).read().firstOrNull() }.getOrNull()
            runOnUiThread {
                if (isDestroyed) return@runOnUiThread
                when (store?.state) {
                    StoreState.READY -> databaseCheck.check(true, getString(R.string.database_ready))
                    StoreState.NO_DATABASE -> databaseCheck.check(false, getString(R.string.database_none))
                    StoreState.UNAVAILABLE ->
                        databaseCheck.check(false, getString(R.string.selftest_database_unavailable))
                    null -> databaseCheck.check(false, getString(R.string.selftest_engine_failed))
                }
                lastCall.text = explain(last)
            }
        }
    }

    /** "Why did the last call ring?": when, who, what the phone did and the reason. */
    private fun explain(call: RecentCall?): String {
        if (call == null) return getString(R.string.last_call_none)
        val format = DateFormat.getDateTimeInstance(DateFormat.MEDIUM, DateFormat.SHORT, resources.configuration.locales[0])
        val who = call.caller.ifBlank { getString(R.string.recent_no_number) }
        val header = getString(R.string.last_call_header, format.format(Date(call.at * 1000)), who)
        val reason = call.reason
        val what = when (call.happened) {
            Happened.NOT_CHECKED -> getString(
                if (call.outcome == Outcome.TIMED_OUT) R.string.last_call_timed_out else R.string.last_call_failed,
            )
            Happened.BLOCKED -> getString(R.string.last_call_blocked, reason)
            Happened.SILENCED -> getString(R.string.last_call_silenced, reason)
            Happened.WARNED -> getString(R.string.last_call_warned, reason)
            Happened.RANG ->
                if (reason.isBlank()) getString(R.string.last_call_rang_clean) else getString(R.string.last_call_rang_because, reason)
        }.trim()
        return "$header\n$what"
    }

    private fun requestRole() {
        val manager = roleManager() ?: return
        if (!manager.isRoleAvailable(RoleManager.ROLE_CALL_SCREENING)) return
        startActivityForResult(manager.createRequestRoleIntent(RoleManager.ROLE_CALL_SCREENING), REQUEST_ROLE)
    }

    private fun requestNotifications() {
        if (needsNotificationPermission()) {
            requestPermissions(arrayOf(Manifest.permission.POST_NOTIFICATIONS), REQUEST_NOTIFICATIONS)
        }
    }

    @Deprecated("Plain Activity API; this demo uses no AndroidX")
    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        super.onActivityResult(requestCode, resultCode, data)
        if (requestCode == REQUEST_ROLE) {
            refresh()
            // Once the app screens calls, ask for the notification that explains them.
            if (resultCode == RESULT_OK) requestNotifications()
        }
    }

    override fun onRequestPermissionsResult(requestCode: Int, permissions: Array<out String>, grantResults: IntArray) {
        super.onRequestPermissionsResult(requestCode, permissions, grantResults)
        refresh()
    }

    companion object {
        private const val REQUEST_ROLE = 1
        private const val REQUEST_NOTIFICATIONS = 2

        /** Dark green and dark red: readable on white, and not the only sign (tick and cross). */
        private val PASSED = Color.rgb(0x1B, 0x5E, 0x20)
        private val FAILED = Color.rgb(0xB7, 0x1C, 0x1C)
    }
}
