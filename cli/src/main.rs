//! The `callguard` command.
fn main() {}
