package org.callguard.demo

import android.app.Activity
import android.content.Intent
import android.net.Uri
import android.os.Bundle
import android.provider.OpenableColumns
import android.text.InputType
import android.view.View
import android.view.ViewGroup
import android.widget.ArrayAdapter
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.ProgressBar
import android.widget.RadioButton
import android.widget.RadioGroup
import android.widget.ScrollView
import android.widget.Spinner
import android.widget.TextView
import android.widget.Toast
import callguard.CallGuard
import callguard.CallGuardException
import callguard.ImportOptions
import callguard.ImportProgress
import callguard.ListKind
import callguard.StoreState
import callguard.policyPresets
import java.io.File
import java.text.DateFormat
import java.util.Date
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicBoolean

/**
 * A small settings screen: the policy preset and the caregiver's lock, the block and allow
 * lists, importing a feed file, and the recently screened calls. Every call into the core runs
 * on one background thread; the views are only touched on the main thread.
 */
class SettingsActivity : Activity() {
    private val background = Executors.newSingleThreadExecutor()
    private val importCancelled = AtomicBoolean(false)

    private lateinit var storeStatus: TextView
    private lateinit var repairButton: Button
    private lateinit var policyStatus: TextView
    private lateinit var presetSpinner: Spinner
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
        val pad = dp(16)
        val column = LinearLayout(this).apply {
            orientation = LinearLayout.VERTICAL
            setPadding(pad, pad, pad, pad)
        }

        // The database: whether it is in use and, when it cannot be, a repair.
        column.addView(heading(R.string.section_database))
        storeStatus = TextView(this)
        column.addView(storeStatus)
        repairButton = button(R.string.action_repair) { repairDatabase() }.apply {
            visibility = View.GONE
        }
        column.addView(repairButton)

        // Policy and caregiver lock.
        column.addView(heading(R.string.section_policy))
        policyStatus = TextView(this)
        column.addView(policyStatus)
        presetSpinner = Spinner(this)
        column.addView(presetSpinner)
        pinField = pinInput(R.string.hint_pin)
        column.addView(pinField)
        column.addView(button(R.string.action_apply_policy) { applyPreset() })
        newPinField = pinInput(R.string.hint_new_pin)
        column.addView(newPinField)
        column.addView(button(R.string.action_lock_policy) { lockPolicy() })

        // Block and allow lists.
        column.addView(heading(R.string.section_lists))
        patternField = EditText(this).apply {
            setHint(R.string.hint_pattern)
            inputType = InputType.TYPE_CLASS_PHONE
        }
        column.addView(patternField)
        labelField = EditText(this).apply { setHint(R.string.hint_label) }
        column.addView(labelField)
        listKindGroup = RadioGroup(this).apply {
            orientation = RadioGroup.HORIZONTAL
            addView(RadioButton(this@SettingsActivity).apply { id = ID_BLOCK; setText(R.string.list_block) })
            addView(RadioButton(this@SettingsActivity).apply { id = ID_ALLOW; setText(R.string.list_allow) })
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
        importStatus = TextView(this)
        column.addView(importStatus)

        // Recently screened calls.
        column.addView(heading(R.string.section_recent))
        recent = TextView(this)
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

        policyStatus.text = getString(
            if (s.locked) R.string.policy_status_locked else R.string.policy_status_unlocked,
            s.policyName,
        )
        if (presets != s.presets) {
            presets = s.presets
            presetSpinner.adapter = ArrayAdapter(this, android.R.layout.simple_spinner_dropdown_item, presets)
        }
        presetSpinner.setSelection(presets.indexOf(s.policyName).coerceAtLeast(0))

        entries.removeAllViews()
        if (s.entries.isEmpty()) {
            entries.addView(TextView(this).apply { setText(R.string.lists_empty) })
        }
        for (entry in s.entries) {
            val row = LinearLayout(this).apply { orientation = LinearLayout.HORIZONTAL }
            val kind = getString(if (entry.list == ListKind.BLOCK) R.string.list_block else R.string.list_allow)
            row.addView(
                TextView(this).apply {
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
        val format = DateFormat.getDateTimeInstance(DateFormat.SHORT, DateFormat.SHORT)
        if (s.recent.isEmpty()) lines += getString(R.string.recent_empty)
        for (call in s.recent) {
            val caller = call.caller.ifBlank { getString(R.string.recent_no_number) }
            val what = call.label.ifBlank { call.verdict }
            lines += "${format.format(Date(call.at * 1000))}  $caller  $what"
        }
        recent.text = lines.joinToString("\n")
    }

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

    private fun pin(field: EditText): String? = field.text.toString().takeIf { it.isNotEmpty() }

    private fun applyPreset() {
        val preset = presetSpinner.selectedItem as? String ?: return
        val pin = pin(pinField)
        inBackground({
            val guard = engine()
            if (!guard.policyChangeAllowed(pin)) throw CallGuardException.Locked("policy locked")
            guard.setPolicy(preset, pin)
            Engine.savePolicy(this, guard)
        }) {
            toast(getString(R.string.policy_applied, preset))
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

    private fun heading(text: Int) = TextView(this).apply {
        setText(text)
        textSize = 18f
        setPadding(0, dp(16), 0, dp(4))
    }

    private fun pinInput(hint: Int) = EditText(this).apply {
        setHint(hint)
        inputType = InputType.TYPE_CLASS_NUMBER or InputType.TYPE_NUMBER_VARIATION_PASSWORD
    }

    private fun button(text: Int, onClick: () -> Unit) = Button(this).apply {
        setText(text)
        setOnClickListener { onClick() }
    }

    companion object {
        private const val REQUEST_FEED = 10
        private const val ID_BLOCK = 1
        private const val ID_ALLOW = 2
    }
}
