package org.callguard.demo

import android.Manifest
import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.content.pm.PackageManager
import android.os.Build
import callguard.Assessment
import org.callguard.mapping.AlertTexts

/**
 * The app's notification for warned, silenced and blocked calls: the verdict's label and the
 * caller as the title, the main reason and the advice as the text.
 */
class Notifier(context: Context) {
    private val context = context.applicationContext
    private val manager = this.context.getSystemService(NotificationManager::class.java)

    /** Whether a notification can be shown now (POST_NOTIFICATIONS on API 33+, channel on). */
    fun canNotify(): Boolean {
        if (manager == null) return false
        if (Build.VERSION.SDK_INT >= 33 &&
            context.checkSelfPermission(Manifest.permission.POST_NOTIFICATIONS) !=
            PackageManager.PERMISSION_GRANTED
        ) {
            return false
        }
        if (!manager.areNotificationsEnabled()) return false
        val channel = manager.getNotificationChannel(CHANNEL_ID)
        return channel == null || channel.importance != NotificationManager.IMPORTANCE_NONE
    }

    fun ensureChannel() {
        val channel = NotificationChannel(
            CHANNEL_ID,
            context.getString(R.string.channel_name),
            NotificationManager.IMPORTANCE_HIGH,
        ).apply {
            description = context.getString(R.string.channel_description)
            // The call itself rang or was silenced on purpose: this notification explains, quietly.
            setSound(null, null)
        }
        manager?.createNotificationChannel(channel)
    }

    fun show(assessment: Assessment) {
        if (!canNotify()) return
        ensureChannel()
        val text = AlertTexts.of(assessment)
        val open = PendingIntent.getActivity(
            context,
            0,
            Intent(context, MainActivity::class.java).addFlags(Intent.FLAG_ACTIVITY_NEW_TASK),
            PendingIntent.FLAG_IMMUTABLE,
        )
        val notification = Notification.Builder(context, CHANNEL_ID)
            .setSmallIcon(android.R.drawable.stat_sys_warning)
            .setContentTitle(text.title)
            .setContentText(text.body)
            .setStyle(Notification.BigTextStyle().bigText(text.body))
            .setCategory(Notification.CATEGORY_CALL)
            .setContentIntent(open)
            .setAutoCancel(true)
            .build()
        manager?.notify(nextId(), notification)
    }

    private fun nextId(): Int = (System.currentTimeMillis() and 0x7fffffff).toInt()

    companion object {
        const val CHANNEL_ID = "screened_calls"
    }
}
