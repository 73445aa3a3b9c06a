//! The uniffi generator, built from this crate so that its version always matches the
//! library's: `cargo run -p callguard-ffi --features cli --bin uniffi-bindgen -- generate ...`
//! (see `scripts/bindings.sh`).

fn main() {
    uniffi::uniffi_bindgen_main()
}
