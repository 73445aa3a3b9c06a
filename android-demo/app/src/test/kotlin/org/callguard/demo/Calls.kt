package org.callguard.demo

import android.Manifest
import android.app.Application
import android.net.Uri
import android.telecom.Call
import android.telecom.CallScreeningService
import org.robolectric.Shadows.shadowOf
import org.robolectric.shadows.ShadowCallScreeningService
import java.util.Optional
import java.util.concurrent.TimeUnit

/** What the tests hand the service, and how they read what Telecom would have received. */
object Calls {
    /**
     * `Call.Details` as Telecom builds it for a ringing call. The platform has no public builder;
     * the fields are the ones its getters read (API 34).
     */
    fun details(number: String?, presentation: Int, verification: Int, direction: Int): Call.Details {
        val constructor = Call.Details::class.java.getDeclaredConstructor().apply { isAccessible = true }
        val details = constructor.newInstance()
        // Telecom's handle is a tel: URI with the number percent-encoded: tel:%2B12025550143.
        set(details, "mHandle", number?.let { Uri.fromParts("tel", it, null) })
        set(details, "mHandlePresentation", presentation)
        set(details, "mCallerNumberVerificationStatus", verification)
        set(details, "mCallDirection", direction)
        return details
    }

    private fun set(target: Any, field: String, value: Any?) {
        Call.Details::class.java.getDeclaredField(field).apply { isAccessible = true }.set(target, value)
    }

    /** The response the framework received for the last call, waiting up to [seconds] for it. */
    fun response(service: CallScreeningService, seconds: Long = 10): CallScreeningService.CallResponse {
        val shadow: ShadowCallScreeningService = shadowOf(service)
        val input = waitFor(seconds) { shadow.lastRespondToCallInput.orNull() }
            ?: throw AssertionError("the service never answered")
        return input.callResponse
    }

    /** Polls [probe] until it gives a value or [seconds] pass (the service answers from a worker). */
    fun <T> waitFor(seconds: Long = 10, probe: () -> T?): T? {
        val end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
        while (System.nanoTime() < end) {
            probe()?.let { return it }
            Thread.sleep(10)
        }
        return probe()
    }

    fun allowNotifications(app: Application) {
        shadowOf(app).grantPermissions(Manifest.permission.POST_NOTIFICATIONS)
    }

    private fun <T : Any> Optional<T>.orNull(): T? = orElse(null)
}

/** A CallResponse's five flags, for messages that say what the framework received. */
fun CallScreeningService.CallResponse.flags(): String =
    listOf(
        "disallow" to disallowCall,
        "reject" to rejectCall,
        "silence" to silenceCall,
        "skipCallLog" to skipCallLog,
        "skipNotification" to skipNotification,
    ).filter { it.second }.joinToString(",") { it.first }.ifEmpty { "ring" }
