package org.callguard.demo

import android.content.Context

/**
 * The policy presets as people read them: a name and what it does, in the person's language.
 * The core names its presets `balanced`, `elderly` and `minimal` and describes them in English
 * only; a policy the app does not know (a family's own file) shows under its own name.
 */
object Presets {
    private class Texts(val title: Int, val description: Int)

    private val known = mapOf(
        "balanced" to Texts(R.string.preset_balanced, R.string.preset_balanced_description),
        "elderly" to Texts(R.string.preset_elderly, R.string.preset_elderly_description),
        "minimal" to Texts(R.string.preset_minimal, R.string.preset_minimal_description),
    )

    fun title(context: Context, name: String): String =
        known[name]?.let { context.getString(it.title) } ?: context.getString(R.string.preset_custom, name)

    fun description(context: Context, name: String): String? = known[name]?.let { context.getString(it.description) }
}
