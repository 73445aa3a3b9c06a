package org.callguard.demo

import android.content.Context
import android.telephony.TelephonyManager
import callguard.CallGuard
import java.io.File
import java.util.Locale

/**
 * The one [CallGuard] of the app's process, shared by the screening service and the screens
 * (it is safe to use from several threads). Its database lives in the app's private files; the
 * policy in use is kept as JSON beside it, because the core hands the policy back to the app to
 * keep (a caregiver's lock travels inside that JSON).
 */
object Engine {
    private const val DB_FILE = "callguard.db"
    private const val POLICY_FILE = "policy.json"
    private const val RECENT_FILE = "recent-calls.tsv"

    @Volatile
    private var instance: CallGuard? = null

    /** Opens the engine on first use (this may take a moment: never on the main thread). */
    fun get(context: Context): CallGuard {
        instance?.let { return it }
        synchronized(this) {
            instance?.let { return it }
            val app = context.applicationContext
            val db = File(app.filesDir, DB_FILE).path
            val policy = readPolicy(app)
            val guard = try {
                CallGuard(db, homeRegion(app), policy)
            } catch (e: callguard.CallGuardException.InvalidInput) {
                // A kept policy that no longer parses: start from the default rather than
                // leave the phone unscreened. Keep the file for a caregiver to look at.
                File(app.filesDir, POLICY_FILE).renameTo(File(app.filesDir, "$POLICY_FILE.bad"))
                CallGuard(db, homeRegion(app), "")
            }
            // A database that cannot be opened (damaged, locked, a full disk) does not throw:
            // the engine screens without it, letting the calls only it could decide ring, and
            // `storeStatus()` says why; the settings screen offers `recover()`.
            instance = guard
            return guard
        }
    }

    /**
     * Closes the engine and its database; the next [get] opens them again. For tests, and for a
     * process that outlives its data (the app's storage cleared).
     */
    fun close() {
        synchronized(this) {
            instance?.close()
            instance = null
        }
    }

    /** Keeps the policy in use, so it survives a restart of the process. */
    fun savePolicy(context: Context, guard: CallGuard) {
        val file = File(context.applicationContext.filesDir, POLICY_FILE)
        val tmp = File(file.path + ".tmp")
        tmp.writeText(guard.policyJson())
        tmp.renameTo(file)
    }

    fun recentCalls(context: Context) =
        org.callguard.mapping.RecentCalls(File(context.applicationContext.filesDir, RECENT_FILE))

    private fun readPolicy(context: Context): String {
        val file = File(context.filesDir, POLICY_FILE)
        return if (file.exists()) file.readText() else ""
    }

    /** The SIM's country, else the network's, else the device's locale; JP when none is known. */
    fun homeRegion(context: Context): String {
        val tm = context.getSystemService(TelephonyManager::class.java)
        val candidates = listOfNotNull(tm?.simCountryIso, tm?.networkCountryIso, Locale.getDefault().country)
        return candidates.map { it.uppercase(Locale.ROOT) }.firstOrNull { it.length == 2 } ?: "JP"
    }

    /**
     * The language the core speaks to the person in: the device's (`ja`, `en` ...); one the core
     * does not speak is English.
     */
    fun lang(context: Context): String = context.resources.configuration.locales[0].language
}
