//! What a `screen` call costs in Rust, directly on the core and through the FFI wrapper (which
//! adds the conversion to the FFI records), measured the same way as the Python and Kotlin
//! loops (bindings/tests/python/bench_screen.py, bindings/tests/kotlin ScreenBenchmark): a
//! warm-up, then the mean over 100,000 calls.
//!
//! ```sh
//! cargo bench -p callguard-ffi --bench screen
//! ```
//! `cargo test --all-targets` runs it as a smoke test with few calls.

use std::hint::black_box;
use std::time::Instant;

use callguard_core::{Region, Screener};
use callguard_ffi::{CallGuard, IncomingCall};

fn cases() -> Vec<(&'static str, IncomingCall)> {
    let call = |number: &str| IncomingCall {
        number: Some(number.to_owned()),
        ..IncomingCall::default()
    };
    vec![
        ("international (+1 202-555-0143)", call("+1 202-555-0143")),
        ("national fixed (03-5253-5111)", call("03-5253-5111")),
        (
            "claim + transcript",
            IncomingCall {
                claims: Some("総務省".into()),
                transcript: Some("こちらは総務省です。２時間以内に使えなくなります。".into()),
                ..call("+44 20 7946 0958")
            },
        ),
    ]
}

fn per_call_micros(calls: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..calls / 5 {
        f();
    }
    let start = Instant::now();
    for _ in 0..calls {
        f();
    }
    start.elapsed().as_secs_f64() * 1e6 / calls as f64
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let calls = if full { 100_000 } else { 200 };
    let screener = Screener::new(Region::JP);
    let guard = CallGuard::new(None, "JP".into(), "balanced".into()).expect("guard");
    for (name, call) in cases() {
        let core_call: callguard_core::IncomingCall = call.clone().into();
        let core = per_call_micros(calls, || {
            black_box(screener.screen(black_box(&core_call)));
        });
        let wrapped = per_call_micros(calls, || {
            black_box(guard.screen(black_box(call.clone())));
        });
        println!("rust core    screen {name:<34} {core:8.2} µs/call ({calls} calls)");
        println!("rust wrapper screen {name:<34} {wrapped:8.2} µs/call ({calls} calls)");
    }
}
