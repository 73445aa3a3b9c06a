"""What a `screen` call costs through the Python bindings (ctypes), for BENCHMARKS.md.

Not a test (pytest does not collect it). Against a release build:

    scripts/bindings.sh --release
    target/venv-bindings/bin/python bindings/tests/python/bench_screen.py

The same calls and loop as the Rust bench (cargo bench -p callguard-ffi --bench screen) and the
Kotlin one (ScreenBenchmark): a warm-up, then the mean over 100,000 calls. It measures `screen`,
the compact `screen_summary`, calls that move no buffer or one record, and then the parts of a
call in the generated module (its private names, as uniffi 0.32 generates them), to show where
the time goes. CARGO_TARGET_DIR is honoured, as in conftest.py.
"""

import ctypes
import os
import sys
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
_TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(_HERE, "..", "..", "..", "target")
sys.path.insert(0, os.path.normpath(os.path.join(_TARGET, "bindings", "python")))

# Once per process: loading the library and checking uniffi's contract version and checksums.
_IMPORT_START = time.perf_counter()
import callguard_ffi as cg  # noqa: E402

_IMPORT_MS = (time.perf_counter() - _IMPORT_START) * 1000

CASES = {
    "international (+1 202-555-0143)": cg.IncomingCall(number="+1 202-555-0143"),
    "national fixed (03-5253-5111)": cg.IncomingCall(number="03-5253-5111"),
    "claim + transcript": cg.IncomingCall(
        number="+44 20 7946 0958",
        claims="総務省",
        transcript="こちらは総務省です。２時間以内に使えなくなります。",
    ),
}


def per_call_micros(f, calls):
    for _ in range(calls // 5):
        f()
    start = time.perf_counter_ns()
    for _ in range(calls):
        f()
    return (time.perf_counter_ns() - start) / calls / 1000


def parts(guard, call):
    """The steps of one `screen_summary` call, each on its own (the generated module's
    internals): what ctypes costs per call into the library, and what lowering the call and
    lifting the answer cost in Python."""
    lib = cg._UniffiLib
    status = cg._UniffiRustCallStatus.default()
    handle = guard._uniffi_clone_handle()
    lowered = cg._UniffiFfiConverterTypeIncomingCall.lower(call)
    summary = cg._UniffiFfiConverterTypeScreenSummary.lower(guard.screen_summary(call, "ja"))
    free = lib.ffi_callguard_ffi_rustbuffer_free

    def native_pair():
        # What `policy_locked()` asks of the library: clone the handle, call; one status reused.
        lib.uniffi_callguard_ffi_fn_method_callguard_policy_locked(
            lib.uniffi_callguard_ffi_fn_clone_callguard(handle, ctypes.byref(status)),
            ctypes.byref(status),
        )

    def lower_call():
        free(cg._UniffiFfiConverterTypeIncomingCall.lower(call), ctypes.byref(status))

    def lift_summary():
        # Reads a copy, so that the buffer read stays alive: the copy is what lifting frees.
        buf = cg._UniffiRustBuffer.alloc(summary.len)
        ctypes.memmove(buf.data, summary.data, summary.len)
        buf.len = summary.len
        cg._UniffiFfiConverterTypeScreenSummary.lift(buf)

    def copy_only():
        buf = cg._UniffiRustBuffer.alloc(summary.len)
        ctypes.memmove(buf.data, summary.data, summary.len)
        buf.len = summary.len
        free(buf, ctypes.byref(status))

    try:
        yield "  one new _UniffiRustCallStatus", cg._UniffiRustCallStatus.default
        yield "  policy_locked's 2 native calls, status reused", native_pair
        yield "  lower the IncomingCall (and free it)", lower_call
        yield "  copy a ScreenSummary's buffer, lift it", lift_summary
        yield "  copy a ScreenSummary's buffer, free it", copy_only
    finally:
        free(lowered, ctypes.byref(status))
        free(summary, ctypes.byref(status))
        lib.uniffi_callguard_ffi_fn_free_callguard(handle, ctypes.byref(status))


def main(calls: int = 100_000) -> None:
    start = time.perf_counter()
    guard = cg.CallGuard(None, "JP", "balanced")
    constructed = time.perf_counter()
    guard.screen(CASES["international (+1 202-555-0143)"], "en")
    screened = time.perf_counter()
    print(
        f"python import {_IMPORT_MS:.1f} ms, "
        f"first CallGuard() {(constructed - start) * 1000:.1f} ms, "
        f"its first screen {(screened - constructed) * 1000:.1f} ms"
    )
    rows = []
    for name, call in CASES.items():
        rows.append((f"screen {name}", lambda call=call: guard.screen(call, "en")))
        rows.append((f"screen_summary {name}", lambda call=call: guard.screen_summary(call, "ja")))
    rows.append(("policy_locked() (no buffer)", guard.policy_locked))
    rows.append(("classify(03-5253-5111) (record)", lambda: guard.classify("03-5253-5111", "en")))
    for name, f in rows:
        print(f"python {name:<52} {per_call_micros(f, calls):8.2f} µs/call ({calls} calls)")
    measured = []
    for name, f in parts(guard, CASES["national fixed (03-5253-5111)"]):
        measured.append(per_call_micros(f, calls))
        print(f"python {name:<52} {measured[-1]:8.2f} µs/call ({calls} calls)")
    lift = measured[-2] - measured[-1]
    print(f"python {'  => lifting a ScreenSummary (difference)':<52} {lift:8.2f} µs/call")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
