package org.callguard.demo

import android.graphics.Bitmap
import android.graphics.BitmapFactory
import android.graphics.Canvas
import android.graphics.Color
import android.view.View
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import java.io.File
import kotlin.math.abs

/**
 * Golden screenshots: a view drawn by Android's own renderer (Robolectric's native graphics) into
 * a PNG, compared with the one committed in app/src/test/screenshots/.
 *
 * The comparison allows for what differs between machines without changing what a person sees:
 * anti-aliasing and font hinting move a few pixels' colours a little. A pixel counts as changed
 * when a channel differs by more than [CHANNEL_TOLERANCE]; a screenshot fails when more than
 * [CHANGED_PIXELS_TOLERANCE] of its pixels changed, or its size changed (a line more or less of
 * text). Every rendering is written to target/android/app/screenshots/ (and, on a failure, a
 * picture of the changed pixels in red beside it); `-Dscreenshots.record=true` writes the goldens
 * instead (README, "Android: the tests").
 */
object Screenshots {
    const val CHANNEL_TOLERANCE = 48
    const val CHANGED_PIXELS_TOLERANCE = 0.005

    private val golden = File(System.getProperty("screenshots.golden") ?: "src/test/screenshots")
    private val out = File(System.getProperty("screenshots.out") ?: "target/screenshots")
    private val record = System.getProperty("screenshots.record") == "true"

    /**
     * Draws [view] [widthPx] wide and as tall as it wants to be (up to [maxHeightPx]), on white.
     * At most, not unspecified: the notification templates size their text to the room offered.
     */
    fun render(view: View, widthPx: Int, maxHeightPx: Int = 8 * widthPx): Bitmap {
        view.measure(
            View.MeasureSpec.makeMeasureSpec(widthPx, View.MeasureSpec.EXACTLY),
            View.MeasureSpec.makeMeasureSpec(maxHeightPx, View.MeasureSpec.AT_MOST),
        )
        view.layout(0, 0, view.measuredWidth, view.measuredHeight)
        val bitmap = Bitmap.createBitmap(view.measuredWidth, view.measuredHeight, Bitmap.Config.ARGB_8888)
        val canvas = Canvas(bitmap)
        canvas.drawColor(Color.WHITE)
        view.draw(canvas)
        return bitmap
    }

    /** Writes [bitmap] as [name].png and compares it with the golden of that name. */
    fun check(name: String, bitmap: Bitmap) {
        out.mkdirs()
        val rendered = File(out, "$name.png")
        rendered.outputStream().use { bitmap.compress(Bitmap.CompressFormat.PNG, 100, it) }
        val goldenFile = File(golden, "$name.png")
        if (record) {
            golden.mkdirs()
            rendered.copyTo(goldenFile, overwrite = true)
            return
        }
        if (!goldenFile.exists()) {
            fail("no golden $goldenFile: look at $rendered, then record it (-Dscreenshots.record=true)")
        }
        val expected = BitmapFactory.decodeFile(goldenFile.path)
        if (expected.width != bitmap.width || expected.height != bitmap.height) {
            fail(
                "$name: ${bitmap.width}x${bitmap.height}, the golden is ${expected.width}x${expected.height} " +
                    "(see $rendered)",
            )
        }
        val diff = Bitmap.createBitmap(bitmap.width, bitmap.height, Bitmap.Config.ARGB_8888)
        var changed = 0
        for (y in 0 until bitmap.height) {
            for (x in 0 until bitmap.width) {
                val a = bitmap.getPixel(x, y)
                val b = expected.getPixel(x, y)
                val delta = maxOf(
                    abs(Color.red(a) - Color.red(b)),
                    abs(Color.green(a) - Color.green(b)),
                    abs(Color.blue(a) - Color.blue(b)),
                )
                if (delta > CHANNEL_TOLERANCE) {
                    changed++
                    diff.setPixel(x, y, Color.RED)
                } else {
                    diff.setPixel(x, y, Color.argb(40, Color.red(b), Color.green(b), Color.blue(b)))
                }
            }
        }
        val share = changed.toDouble() / (bitmap.width * bitmap.height)
        if (share > CHANGED_PIXELS_TOLERANCE) {
            val diffFile = File(out, "$name.diff.png")
            diffFile.outputStream().use { diff.compress(Bitmap.CompressFormat.PNG, 100, it) }
            assertTrue(
                "$name: %.2f%% of the pixels changed (tolerance %.2f%%): see $rendered and $diffFile"
                    .format(share * 100, CHANGED_PIXELS_TOLERANCE * 100),
                false,
            )
        }
    }
}
