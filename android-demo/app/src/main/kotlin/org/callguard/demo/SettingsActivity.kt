package org.callguard.demo

import android.app.Activity
import android.content.Intent
import android.net.Uri
import android.os.Bundle
import android.provider.OpenableColumns
import android.text.InputType
import android.text.SpannableStringBuilder
import android.text.Spanned
import android.text.style.RelativeSizeSpan
import android.text.style.StyleSpan
import android.graphics.Typeface
import android.util.TypedValue
import android.view.View
import android.view.ViewGroup
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ProgressBar
import android.widget.RadioButton
import android.widget.RadioGroup
import android.widget.ScrollView
import android.widget.TextView
import android.widget.Toast
import callguard.CallGuard
import callguard.CallGuardException
import callguard.ImportOptions
import callguard.ImportProgress
import callguard.ListKind
import callguard.StoreState
import callguard.policyPresets
import org.callguard.mapping.Happened
import org.callguard.mapping.happened
import java.io.File
import java.text.DateFormat
import java.util.Date
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicBoolean

/**
 * The settings a caregiver goes through with the person: how strict the checking is (each preset
 * named and explained in the person's language), the caregiver's lock (what it prevents), the
 * block and allow lists, importing a list of scam numbers, the database, and the recently
 * screened calls. Every call into the core runs on one background thread; the views are only
 * touched on the main thread.
 */
class SettingsActivity : Activity() {
    private val background = Executors.newSingleThreadExecutor()
    private val importCancelled = AtomicBoolean(false)

    private lateinit var storeStatus: TextView
    private lateinit var repairButton: Button
    private lateinit var policyStatus: TextView
    private lateinit var presetGroup: RadioGroup
    private lateinit var lockStatus: TextView
    private lateinit var pinField: EditText
    private lateinit var newPinField: EditText
    private lateinit var patternField: EditText
    private lateinit var labelField: EditText
    private lateinit var listKindGroup: RadioGroup
    private lateinit var entries: LinearLayout
    private lateinit var importProgress: ProgressBar
    private lateinit var importStatus: TextView
    private lateinit var importButton: Button
    private lateinit var cancelButton: Button
    private lateinit var recent: TextView
    private var presets: List<String> = emptyList()

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setTitle(R.string.settings_title)
        val column = Ui.column(this)

        // How strict: one choice per preset, with what it does.
        column.addView(heading(R.string.section_policy))
        policyStatus = Ui.body(this)
        column.addView(policyStatus)
        presetGroup = RadioGroup(this)
        column.addView(presetGroup)
        column.addView(button(R.string.action_apply_policy) { applyPreset() }, Ui.wide(this))

        // The caregiver's lock: what it prevents, and the PINs.
        column.addView(heading(R.string.section_lock))
        lockStatus = Ui.body(this)
        column.addView(lockStatus)
        column.addView(Ui.body(this, R.string.lock_explained))
        pinField = pinInput(R.string.hint_pin)
        column.addView(pinField)
        newPinField = pinInput(R.string.hint_new_pin)
        column.addView(newPinField)
        column.addView(button(R.string.action_lock_policy) { lockPolicy() }, Ui.wide(this))

        // Block and allow lists.
        column.addView(heading(R.string.section_lists))
        column.addView(Ui.body(this, R.string.lists_explained))
        patternField = EditText(this).apply {
            setTextSize(TypedValue.COMPLEX_UNIT_SP, Ui.BODY_SP)
            setHint(R.string.hint_pattern)
            inputType = InputType.TYPE_CLASS_PHONE
        }
        column.addView(patternField)
        labelField = EditText(this).apply {
            setHint(R.string.hint_label)
            setTextSize(TypedValue.COMPLEX_UNIT_SP, Ui.BODY_SP)
        }
        column.addView(labelField)
        listKindGroup = RadioGroup(this).apply {
            orientation = RadioGroup.HORIZONTAL
            for ((id, text) in listOf(ID_BLOCK to R.string.list_block, ID_ALLOW to R.string.list_allow)) {
                addView(
                    RadioButton(this@SettingsActivity).apply {
                        this.id = id
                        setText(text)
                        setTextSize(TypedValue.COMPLEX_UNIT_SP, Ui.BODY_SP)
                        setTextColor(Ui.TEXT)
                        setPadding(dp(8), 0, dp(24), 0)
                    },
                )
            }
            check(ID_BLOCK)
        }
        column.addView(listKindGroup)
        column.addView(button(R.string.action_add_entry) { addEntry() })
        entries = LinearLayout(this).apply { orientation = LinearLayout.VERTICAL }
        column.addView(entries)

        // Feed import through the Storage Access Framework.
        column.addView(heading(R.string.section_import))
        importButton = button(R.string.action_import) { pickFeed() }
        column.addView(importButton)
        importProgress = ProgressBar(this, null, android.R.attr.progressBarStyleHorizontal).apply {
            max = 1000
            visibility = View.GONE
        }
        column.addView(importProgress)
        cancelButton = button(R.string.action_cancel_import) { importCancelled.set(true) }.apply {
            visibility = View.GONE
        }
        column.addView(cancelButton)
        importStatus = Ui.body(this)
        column.addView(importStatus)

        // The database: whether it is in use and, when it cannot be, a repair.
        column.addView(heading(R.string.section_database))
        storeStatus = Ui.body(this)
        column.addView(storeStatus)
        repairButton = button(R.string.action_repair) { repairDatabase() }.apply {
            visibility = View.GONE
        }
        column.addView(repairButton)

        // Recently screened calls.
        column.addView(heading(R.string.section_recent))
        recent = Ui.body(this)
        column.addView(recent)

        setContentView(
            ScrollView(this).apply { addView(column) },
            ViewGroup.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, ViewGroup.LayoutParams.MATCH_PARENT),
        )
        refresh()
    }

    override fun onDestroy() {
        importCancelled.set(true)
        background.shutdown()
        super.onDestroy()
    }

    private fun engine(): CallGuard = Engine.get(this)

    /** Runs [work] off the main thread, then [done] on it; a core error becomes a message. */
    private fun <T> inBackground(work: () -> T, done: (T) -> Unit) {
        background.execute {
            val result = try {
                Result.success(work())
            } catch (e: Throwable) {
                Result.failure(e)
            }
            runOnUiThread {
                if (isDestroyed) return@runOnUiThread
                result.fold(done) { toast(describe(it)) }
            }
        }
    }

    private fun refresh() {
        inBackground({
            val guard = engine()
            val store = guard.storeStatus()
            val ready = store.state == StoreState.READY
            Snapshot(
                store = store,
                policyName = guard.policyName(),
                locked = guard.policyLocked(),
                presets = policyPresets(),
                entries = if (ready) guard.listEntries() else emptyList(),
                stats = if (ready) guard.stats() else null,
                recent = Engine.recentCalls(this).read(),
            )
        }) { show(it) }
    }

    private class Snapshot(
        val store: callguard.StoreStatus,
        val policyName: String,
        val locked: Boolean,
        val presets: List<String>,
        val entries: List<callguard.ListEntry>,
        val stats: callguard.Stats?,
        val recent: List<org.callguard.mapping.RecentCall>,
    )

    private fun show(s: Snapshot) {
        storeStatus.text = when (s.store.state) {
            StoreState.READY -> getString(R.string.database_ready)
            StoreState.NO_DATABASE -> getString(R.string.database_none)
            StoreState.UNAVAILABLE -> getString(R.string.database_unavailable, s.store.reason ?: "")
        }
        repairButton.visibility = if (s.store.state == StoreState.UNAVAILABLE) View.VISIBLE else View.GONE
        repairButton.isEnabled = true

        policyStatus.text = getString(R.string.policy_status, Presets.title(this, s.policyName))
        lockStatus.setText(if (s.locked) R.string.lock_status_locked else R.string.lock_status_unlocked)
        if (presets != s.presets) {
            presets = s.presets
            presetGroup.removeAllViews()
            presets.forEachIndexed { i, name ->
                presetGroup.addView(
                    RadioButton(this).apply {
                        id = PRESET_ID_BASE + i
                        text = presetText(name)
                        setTextSize(TypedValue.COMPLEX_UNIT_SP, Ui.BODY_SP)
                        setTextColor(Ui.TEXT)
                        setPadding(dp(8), dp(10), 0, dp(10))
                    },
                )
            }
        }
        val current = presets.indexOf(s.policyName)
        if (current >= 0) presetGroup.check(PRESET_ID_BASE + current) else presetGroup.clearCheck()

        entries.removeAllViews()
        if (s.entries.isEmpty()) {
            entries.addView(Ui.body(this, R.string.lists_empty))
        }
        for (entry in s.entries) {
            val row = LinearLayout(this).apply { orientation = LinearLayout.HORIZONTAL }
            val kind = getString(if (entry.list == ListKind.BLOCK) R.string.list_block else R.string.list_allow)
            row.addView(
                Ui.body(this).apply {
                    text = listOfNotNull(kind, entry.pattern, entry.label).joinToString("  ")
                },
                LinearLayout.LayoutParams(0, ViewGroup.LayoutParams.WRAP_CONTENT, 1f),
            )
            row.addView(button(R.string.action_remove) { removeEntry(entry.list, entry.pattern) })
            entries.addView(row)
        }

        val lines = mutableListOf<String>()
        s.stats?.let { stats ->
            lines += getString(
                R.string.stats_summary,
                stats.loggedCalls,
                stats.blockEntries,
                stats.allowEntries,
                stats.feeds.size,
            )
        }
        val format = DateFormat.getDateTimeInstance(DateFormat.SHORT, DateFormat.SHORT, resources.configuration.locales[0])
        if (s.recent.isEmpty()) lines += getString(R.string.recent_empty)
        for (call in s.recent) {
            val caller = call.caller.ifBlank { getString(R.string.recent_no_number) }
            val what = listOf(verdictWord(call), call.reason).filter { it.isNotBlank() }.joinToString(": ")
            lines += "${format.format(Date(call.at * 1000))}  $caller\n    $what"
        }
        recent.text = lines.joinToString("\n")
    }

    /** What the phone did with a call, in the app's words ("Blocked", "拒否"). */
    private fun verdictWord(call: org.callguard.mapping.RecentCall): String = getString(
        when (call.happened) {
            Happened.NOT_CHECKED -> R.string.verdict_failed
            Happened.BLOCKED -> R.string.verdict_block
            Happened.SILENCED -> R.string.verdict_silence
            Happened.WARNED -> R.string.verdict_warn
            Happened.RANG -> R.string.verdict_allow
        },
    )

    /**
     * Repairs the database: a healthy one is reopened as it is; a damaged one is moved aside
     * and replaced by a fresh one keeping what could be read of the lists and the person's own
     * reports. Imported lists must be imported again: the message says how many.
     */
    private fun repairDatabase() {
        repairButton.isEnabled = false
        inBackground({ engine().recover() }) { report ->
            toast(
                if (report.healthy) {
                    getString(R.string.repair_healthy)
                } else {
                    getString(R.string.repair_done, report.feedsToImport.size)
                },
            )
            refresh()
        }
    }

    /** "Standard (recommended)" in bold, then what it does, on the lines below. */
    private fun presetText(name: String): CharSequence {
        val title = Presets.title(this, name)
        val text = SpannableStringBuilder(title)
        text.setSpan(StyleSpan(Typeface.BOLD), 0, title.length, Spanned.SPAN_EXCLUSIVE_EXCLUSIVE)
        text.setSpan(RelativeSizeSpan(1.1f), 0, title.length, Spanned.SPAN_EXCLUSIVE_EXCLUSIVE)
        Presets.description(this, name)?.let { text.append("\n").append(it) }
        return text
    }

    private fun pin(field: EditText): String? = field.text.toString().takeIf { it.isNotEmpty() }

    private fun applyPreset() {
        val preset = presets.getOrNull(presetGroup.checkedRadioButtonId - PRESET_ID_BASE) ?: return
        val pin = pin(pinField)
        inBackground({
            val guard = engine()
            if (!guard.policyChangeAllowed(pin)) throw CallGuardException.Locked("policy locked")
            guard.setPolicy(preset, pin)
            Engine.savePolicy(this, guard)
        }) {
            toast(getString(R.string.policy_applied, Presets.title(this, preset)))
            refresh()
        }
    }

    private fun lockPolicy() {
        val newPin = pin(newPinField) ?: return toast(getString(R.string.error_pin_required))
        val current = pin(pinField)
        inBackground({
            val guard = engine()
            guard.lockPolicy(newPin, current)
            Engine.savePolicy(this, guard)
        }) {
            newPinField.text.clear()
            toast(getString(R.string.policy_locked_done))
            refresh()
        }
    }

    /**
     * Adding to the block list is always allowed; adding to the allow list or removing an entry
     * lets more calls ring, so on a locked policy it needs the caregiver's PIN.
     */
    private fun guardLists(guard: CallGuard, loosens: Boolean) {
        if (loosens && !guard.policyChangeAllowed(pin(pinField))) {
            throw CallGuardException.Locked("policy locked")
        }
    }

    private fun addEntry() {
        val pattern = patternField.text.toString().trim()
        if (pattern.isEmpty()) return
        val label = labelField.text.toString().trim().takeIf { it.isNotEmpty() }
        val kind = if (listKindGroup.checkedRadioButtonId == ID_ALLOW) ListKind.ALLOW else ListKind.BLOCK
        inBackground({
            val guard = engine()
            guardLists(guard, loosens = kind == ListKind.ALLOW)
            guard.addListEntry(kind, pattern, label, null)
        }) {
            patternField.text.clear()
            labelField.text.clear()
            refresh()
        }
    }

    private fun removeEntry(kind: ListKind, pattern: String) {
        inBackground({
            val guard = engine()
            guardLists(guard, loosens = true)
            guard.removeListEntry(kind, pattern)
        }) { refresh() }
    }

    private fun pickFeed() {
        val intent = Intent(Intent.ACTION_OPEN_DOCUMENT)
            .addCategory(Intent.CATEGORY_OPENABLE)
            .setType("*/*")
        startActivityForResult(intent, REQUEST_FEED)
    }

    @Deprecated("Plain Activity API; this demo uses no AndroidX")
    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        super.onActivityResult(requestCode, resultCode, data)
        val uri = data?.data
        if (requestCode == REQUEST_FEED && resultCode == RESULT_OK && uri != null) importFeed(uri)
    }

    private fun displayName(uri: Uri): String {
        contentResolver.query(uri, arrayOf(OpenableColumns.DISPLAY_NAME), null, null, null)?.use { c ->
            if (c.moveToFirst()) c.getString(0)?.let { return it }
        }
        return "feed.csv"
    }

    /**
     * Copies the picked document into the app's cache (the core imports from a path, and the
     * file name tells it the format), then imports it with a progress bar and a cancel button.
     * The copy is the first half of the bar, the import the second.
     */
    private fun importFeed(uri: Uri) {
        importCancelled.set(false)
        setImporting(true)
        importStatus.setText(R.string.import_running)
        inBackground({
            val name = displayName(uri).replace('/', '_')
            val dir = File(cacheDir, "import").apply { mkdirs() }
            val copy = File(dir, name)
            try {
                val total = contentResolver.openAssetFileDescriptor(uri, "r")?.use { it.length } ?: -1L
                contentResolver.openInputStream(uri)!!.use { input ->
                    copy.outputStream().use { output ->
                        val buffer = ByteArray(64 * 1024)
                        var done = 0L
                        while (true) {
                            if (importCancelled.get()) throw CallGuardException.Cancelled("cancelled")
                            val n = input.read(buffer)
                            if (n < 0) break
                            output.write(buffer, 0, n)
                            done += n
                            if (total > 0) postProgress(500 * done / total)
                        }
                    }
                }
                engine().importFeed(
                    copy.path,
                    ImportOptions(),
                    object : ImportProgress {
                        override fun onProgress(bytesRead: Long, totalBytes: Long): Boolean {
                            if (totalBytes > 0) postProgress(500 + 500 * bytesRead / totalBytes)
                            return !importCancelled.get()
                        }
                    },
                )
            } finally {
                copy.delete()
            }
        }) { summary ->
            setImporting(false)
            importStatus.text = getString(
                R.string.import_done,
                summary.feed,
                summary.version,
                summary.imported,
                summary.removed,
                summary.skipped,
            )
            refresh()
        }
    }

    private fun postProgress(permille: Long) {
        runOnUiThread { importProgress.progress = permille.toInt().coerceIn(0, 1000) }
    }

    private fun setImporting(running: Boolean) {
        importButton.isEnabled = !running
        importProgress.progress = 0
        importProgress.visibility = if (running) View.VISIBLE else View.GONE
        cancelButton.visibility = if (running) View.VISIBLE else View.GONE
        if (!running) importCancelled.set(false)
    }

    private fun describe(e: Throwable): String {
        if (importProgress.visibility == View.VISIBLE) {
            setImporting(false)
            importStatus.text = ""
        }
        return when (e) {
            is CallGuardException.Locked -> getString(R.string.error_locked)
            is CallGuardException.Cancelled -> getString(R.string.import_cancelled)
            is CallGuardException.InvalidInput -> getString(R.string.error_invalid, e.reason)
            is CallGuardException.Feed -> getString(R.string.error_feed, e.reason)
            is CallGuardException.Database -> getString(R.string.error_database, e.reason)
            is CallGuardException.Internal -> getString(R.string.error_internal, e.reason)
            else -> getString(R.string.error_internal, e.message ?: e.javaClass.simpleName)
        }
    }

    private fun toast(message: String) = Toast.makeText(this, message, Toast.LENGTH_LONG).show()

    private fun dp(value: Int) = (value * resources.displayMetrics.density).toInt()

    private fun heading(text: Int) = Ui.heading(this, text)

    private fun pinInput(hint: Int) = EditText(this).apply {
        setHint(hint)
        setTextSize(TypedValue.COMPLEX_UNIT_SP, Ui.BODY_SP)
        inputType = InputType.TYPE_CLASS_NUMBER or InputType.TYPE_NUMBER_VARIATION_PASSWORD
        // Password fields default to a monospace font; the hint reads better in the normal one.
        typeface = Typeface.DEFAULT
    }

    private fun button(text: Int, onClick: () -> Unit) = Ui.button(this, text, onClick)

    companion object {
        private const val PRESET_ID_BASE = 100
        private const val REQUEST_FEED = 10
        private const val ID_BLOCK = 1
        private const val ID_ALLOW = 2
    }
}
