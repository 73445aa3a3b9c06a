"""What a `screen` call costs through the Python bindings (ctypes), for BENCHMARKS.md.

Not a test (pytest does not collect it). Against a release build:

    scripts/bindings.sh --release
    target/venv-bindings/bin/python bindings/tests/python/bench_screen.py

The same calls and loop as the Rust bench (cargo bench -p callguard-ffi --bench screen) and the
Kotlin one (ScreenBenchmark): a warm-up, then the mean over 100,000 calls.
"""

import os
import sys
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(_HERE, "..", "..", "..", "target", "bindings", "python")))

import callguard_ffi as cg  # noqa: E402

CASES = {
    "international (+1 202-555-0143)": cg.IncomingCall(number="+1 202-555-0143"),
    "national fixed (03-5253-5111)": cg.IncomingCall(number="03-5253-5111"),
    "claim + transcript": cg.IncomingCall(
        number="+44 20 7946 0958",
        claims="総務省",
        transcript="こちらは総務省です。２時間以内に使えなくなります。",
    ),
}


def main(calls: int = 100_000) -> None:
    guard = cg.CallGuard(None, "JP", "balanced")
    for name, call in CASES.items():
        screen = guard.screen
        for _ in range(calls // 5):
            screen(call)
        start = time.perf_counter_ns()
        for _ in range(calls):
            screen(call)
        per_call = (time.perf_counter_ns() - start) / calls / 1000
        print(f"python screen {name:<34} {per_call:8.2f} µs/call ({calls} calls)")
    # Where the time goes: a call that moves no buffer, and one that returns a record.
    parts = {
        "policy_locked() (bool, no buffer)": guard.policy_locked,
        "classify(03-5253-5111) (record)": lambda: guard.classify("03-5253-5111"),
    }
    for name, f in parts.items():
        for _ in range(calls // 5):
            f()
        start = time.perf_counter_ns()
        for _ in range(calls):
            f()
        per_call = (time.perf_counter_ns() - start) / calls / 1000
        print(f"python {name:<41} {per_call:8.2f} µs/call ({calls} calls)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
