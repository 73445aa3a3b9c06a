//! callguard-ffi: the surface the Kotlin, Swift and Python bindings are generated from.
//!
//! Thin wrappers over `callguard-core`; the uniffi surface itself lands with the bindings work.
//! Until then this crate re-exports the core so that the library artefacts build and link.

pub use callguard_core as core;
