package org.callguard.demo

import android.content.Context
import callguard.PresetInfo
import callguard.policyPresetInfo

/**
 * The policy presets as people read them: a name and what it does, in the person's language,
 * as the core describes them (`policyPresetInfo`), so every shell says the same. A policy the
 * core has no preset of (a family's own file) shows under its own name.
 */
object Presets {
    private fun known(context: Context): Map<String, PresetInfo> =
        policyPresetInfo(Engine.lang(context)).associateBy { it.name }

    fun title(context: Context, name: String): String =
        known(context)[name]?.title ?: context.getString(R.string.preset_custom, name)

    fun description(context: Context, name: String): String? = known(context)[name]?.description
}
