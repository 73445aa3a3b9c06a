package org.callguard.demo

import android.Manifest
import android.app.Activity
import android.app.role.RoleManager
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Build
import android.os.Bundle
import android.view.ViewGroup
import android.widget.Button
import android.widget.LinearLayout
import android.widget.ScrollView
import android.widget.TextView

/**
 * The start screen: asks for the call-screening role (without it Telecom never calls the
 * service) and, on API 33+, for permission to post notifications; opens the settings.
 */
class MainActivity : Activity() {
    private lateinit var status: TextView
    private lateinit var roleButton: Button
    private lateinit var notifyButton: Button

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setTitle(R.string.app_name)
        val pad = (16 * resources.displayMetrics.density).toInt()
        val column = LinearLayout(this).apply {
            orientation = LinearLayout.VERTICAL
            setPadding(pad, pad, pad, pad)
        }
        column.addView(TextView(this).apply { setText(R.string.main_intro) })
        status = TextView(this).apply { setPadding(0, pad, 0, pad) }
        column.addView(status)
        roleButton = Button(this).apply {
            setText(R.string.main_request_role)
            setOnClickListener { requestRole() }
        }
        column.addView(roleButton)
        notifyButton = Button(this).apply {
            setText(R.string.main_request_notifications)
            setOnClickListener { requestNotifications() }
        }
        column.addView(notifyButton)
        column.addView(Button(this).apply {
            setText(R.string.main_open_settings)
            setOnClickListener { startActivity(Intent(this@MainActivity, SettingsActivity::class.java)) }
        })
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

    private fun roleManager(): RoleManager? = getSystemService(RoleManager::class.java)

    private fun holdsRole(): Boolean =
        roleManager()?.isRoleHeld(RoleManager.ROLE_CALL_SCREENING) == true

    private fun needsNotificationPermission(): Boolean =
        Build.VERSION.SDK_INT >= 33 &&
            checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) != PackageManager.PERMISSION_GRANTED

    private fun refresh() {
        val roleAvailable = roleManager()?.isRoleAvailable(RoleManager.ROLE_CALL_SCREENING) == true
        val lines = mutableListOf<String>()
        lines += getString(
            when {
                holdsRole() -> R.string.status_role_held
                roleAvailable -> R.string.status_role_missing
                else -> R.string.status_role_unavailable
            },
        )
        lines += getString(
            if (Notifier(this).canNotify()) R.string.status_notifications_on else R.string.status_notifications_off,
        )
        status.text = lines.joinToString("\n")
        roleButton.isEnabled = roleAvailable && !holdsRole()
        notifyButton.isEnabled = needsNotificationPermission()
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
    }
}
