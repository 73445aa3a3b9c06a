package org.callguard.demo

import android.content.Context
import android.graphics.Color
import android.graphics.Typeface
import android.util.TypedValue
import android.view.ViewGroup
import android.widget.Button
import android.widget.LinearLayout
import android.widget.TextView

/**
 * The app's type sizes and building blocks, in one place. The people who read these screens are
 * often older and set the phone up once with a caregiver beside them: text is large (18 sp,
 * headings 22 sp), buttons are at least 56 dp high, and every line is a sentence.
 */
object Ui {
    const val BODY_SP = 18f
    const val HEADING_SP = 22f

    /** Near-black on white: the theme's grey secondary text is too faint for many older eyes. */
    val TEXT = Color.rgb(0x21, 0x21, 0x21)

    fun dp(context: Context, value: Int) = (value * context.resources.displayMetrics.density).toInt()

    fun column(context: Context) = LinearLayout(context).apply {
        orientation = LinearLayout.VERTICAL
        val pad = dp(context, 20)
        setPadding(pad, pad, pad, pad)
    }

    fun heading(context: Context, text: Int) = TextView(context).apply {
        setText(text)
        setTextSize(TypedValue.COMPLEX_UNIT_SP, HEADING_SP)
        setTypeface(typeface, Typeface.BOLD)
        setTextColor(Color.BLACK)
        setPadding(0, dp(context, 24), 0, dp(context, 8))
    }

    fun body(context: Context, text: Int? = null) = TextView(context).apply {
        text?.let { setText(it) }
        setTextSize(TypedValue.COMPLEX_UNIT_SP, BODY_SP)
        setLineSpacing(0f, 1.15f)
        setTextColor(TEXT)
        setPadding(0, dp(context, 4), 0, dp(context, 4))
    }

    fun button(context: Context, text: Int, onClick: () -> Unit) = Button(context).apply {
        setText(text)
        setTextSize(TypedValue.COMPLEX_UNIT_SP, BODY_SP)
        isAllCaps = false
        minHeight = dp(context, 56)
        setOnClickListener { onClick() }
    }

    /** Full width, with a little room above: one action per line. */
    fun wide(context: Context) = LinearLayout.LayoutParams(
        ViewGroup.LayoutParams.MATCH_PARENT,
        ViewGroup.LayoutParams.WRAP_CONTENT,
    ).apply { topMargin = dp(context, 8) }
}
