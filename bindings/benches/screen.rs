//! What a `screen` call costs in Rust, measured the same way as the Python and Kotlin loops
//! (bindings/tests/python/bench_screen.py, bindings/tests/kotlin ScreenBenchmark): a warm-up,
//! then the mean over 100,000 calls.
//!
//! ```sh
//! cargo bench -p callguard-ffi --bench screen
//! ```
//! `cargo test --all-targets` runs it as a smoke test with few calls.
//!
//! Each call is measured three ways, from the engine outwards:
//! - `core`: `Screener::screen` on the core's types;
//! - `wrapper`: `CallGuard::screen` / `screen_summary` from Rust, which adds the conversion to
//!   the FFI records;
//! - `c abi`: the `extern "C"` functions the generated Kotlin and Python call, driven from Rust
//!   the way they drive them: clone the object's handle, serialise the `IncomingCall` into a
//!   buffer, call, read the returned buffer back and free it. This is the library's whole share
//!   of a foreign call, with the foreign side's serialising done at Rust speed: what Python and
//!   Kotlin measure beyond it is their own code.
//!
//! and `policy_locked`, a call that moves no buffer, shows the bare price of crossing.

// The `c abi` rows clone and free the object's handle through the library's exported
// `extern "C"` functions, as foreign code does; uniffi declares those two `unsafe`.
#![allow(unsafe_code)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use callguard_core::{Region, Screener};
use callguard_ffi::fast::ScreenSummary;
use callguard_ffi::Lang;
use callguard_ffi::{Assessment, CallGuard, IncomingCall, UniFfiTag};
use uniffi::ffi::Handle;
use uniffi::{Lift, Lower, RustBuffer, RustCallStatus, RustCallStatusCode};

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

/// The `CallGuard` as foreign code holds it: a handle, cloned for every method call because
/// the method's scaffolding takes ownership of one reference (uniffi 0.32).
struct ForeignHandle(Handle);

impl ForeignHandle {
    fn new(guard: Arc<CallGuard>) -> ForeignHandle {
        ForeignHandle(Handle::from_arc(guard))
    }

    fn clone_for_call(&self) -> Handle {
        let mut status = RustCallStatus::default();
        // SAFETY: the handle came from `Handle::from_arc` and is freed only on drop.
        let handle = unsafe {
            callguard_ffi::guard::uniffi_callguard_ffi_fn_clone_callguard(
                self.0.clone(),
                &mut status,
            )
        };
        checked(status);
        handle
    }
}

impl Drop for ForeignHandle {
    fn drop(&mut self) {
        let mut status = RustCallStatus::default();
        // SAFETY: gives back the one reference `Handle::from_arc` made.
        unsafe {
            callguard_ffi::guard::uniffi_callguard_ffi_fn_free_callguard(
                self.0.clone(),
                &mut status,
            )
        };
    }
}

fn checked(status: RustCallStatus) {
    assert!(
        matches!(status.code, RustCallStatusCode::Success),
        "the call failed"
    );
}

/// The language argument as the generated bindings pass it: its code, lowered into a buffer.
fn lang_arg() -> RustBuffer {
    <Lang as Lower<UniFfiTag>>::lower(Lang::JA)
}

fn c_abi_screen(guard: &ForeignHandle, call: &IncomingCall) -> Assessment {
    let handle = guard.clone_for_call();
    let arg = <IncomingCall as Lower<UniFfiTag>>::lower_into_rust_buffer(call.clone());
    let mut status = RustCallStatus::default();
    // A handle cloned for this call and a buffer holding a serialised `IncomingCall`, as the
    // generated bindings pass them.
    let out: RustBuffer = callguard_ffi::screening::uniffi_callguard_ffi_fn_method_callguard_screen(
        handle,
        arg,
        lang_arg(),
        &mut status,
    );
    checked(status);
    <Assessment as Lift<UniFfiTag>>::try_lift_from_rust_buffer(out).expect("an assessment")
}

fn c_abi_summary(guard: &ForeignHandle, call: &IncomingCall) -> ScreenSummary {
    let handle = guard.clone_for_call();
    let arg = <IncomingCall as Lower<UniFfiTag>>::lower_into_rust_buffer(call.clone());
    let mut status = RustCallStatus::default();
    // As in `c_abi_screen`; the language is its code in a buffer.
    let out: RustBuffer =
        callguard_ffi::fast::uniffi_callguard_ffi_fn_method_callguard_screen_summary(
            handle,
            arg,
            lang_arg(),
            &mut status,
        );
    checked(status);
    <ScreenSummary as Lift<UniFfiTag>>::try_lift_from_rust_buffer(out).expect("a summary")
}

fn c_abi_policy_locked(guard: &ForeignHandle) -> i8 {
    let handle = guard.clone_for_call();
    let mut status = RustCallStatus::default();
    let locked = callguard_ffi::policy::uniffi_callguard_ffi_fn_method_callguard_policy_locked(
        handle,
        &mut status,
    );
    checked(status);
    locked
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let calls = if full { 100_000 } else { 200 };
    let screener = Screener::new(Region::JP);
    let guard = CallGuard::new(None, "JP".into(), "balanced".into()).expect("guard");
    let foreign = ForeignHandle::new(guard.clone());
    let row = |what: &str, name: &str, micros: f64| {
        println!("rust {what:<22} {name:<34} {micros:8.2} µs/call ({calls} calls)");
    };
    for (name, call) in cases() {
        // The same answer every way, or the rows would not compare like with like.
        let summary = guard.screen_summary(call.clone(), Lang::JA);
        assert_eq!(c_abi_summary(&foreign, &call), summary);
        assert_eq!(
            c_abi_screen(&foreign, &call),
            guard.screen(call.clone(), Lang::JA)
        );
        assert_eq!(
            summary.score,
            i32::from(screener.screen(&call.clone().into()).score)
        );

        let core_call: callguard_core::IncomingCall = call.clone().into();
        row(
            "core screen",
            name,
            per_call_micros(calls, || {
                black_box(screener.screen(black_box(&core_call)));
            }),
        );
        row(
            "wrapper screen",
            name,
            per_call_micros(calls, || {
                black_box(guard.screen(black_box(call.clone()), Lang::JA));
            }),
        );
        row(
            "wrapper screen_summary",
            name,
            per_call_micros(calls, || {
                black_box(guard.screen_summary(black_box(call.clone()), Lang::JA));
            }),
        );
        row(
            "c abi screen",
            name,
            per_call_micros(calls, || {
                black_box(c_abi_screen(&foreign, black_box(&call)));
            }),
        );
        row(
            "c abi screen_summary",
            name,
            per_call_micros(calls, || {
                black_box(c_abi_summary(&foreign, black_box(&call)));
            }),
        );
    }
    let nothing = "policy_locked (no buffer)";
    row(
        "wrapper",
        nothing,
        per_call_micros(calls, || {
            black_box(guard.policy_locked());
        }),
    );
    row(
        "c abi",
        nothing,
        per_call_micros(calls, || {
            black_box(c_abi_policy_locked(&foreign));
        }),
    );
}
