//! Streaming a ten-million-entry plan keeps memory O(chunk): a counting allocator measures
//! the peak heap while the plan is built and read back in chunks.

// A global allocator is an unsafe trait; this one only forwards to the system's and counts.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use callguard_core::call_directory::PlanOptions;
use callguard_core::store::{ListKind, Store};
use callguard_core::{Policy, Region};
use callguard_testkit::workdir::WorkDir;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

#[test]
fn ten_million_entries_stream_in_bounded_memory() {
    let dir = WorkDir::new();
    let store = Store::open(dir.db(), Region::JP).expect("open");
    store
        .add_list_entry(ListKind::Block, "+815010000000..+815019999999", None, None)
        .expect("range");
    store
        .add_list_entry(ListKind::Allow, "+815015000000", Some("Office"), None)
        .expect("allow");
    let options = PlanOptions {
        budget: 10_000_000,
        ..PlanOptions::default()
    };
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let summary = store
        .plan_directory(&Policy::default_policy(), &options)
        .expect("plan");
    assert_eq!(summary.entries, 10_000_000);
    let plan_peak = PEAK.load(Ordering::Relaxed) - base;

    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let load = store.directory_load(0, false).expect("load");
    let mut count = 0u64;
    let mut last = 0i64;
    for chunk in store.directory_chunks(&load, 4096).expect("chunks") {
        let chunk = chunk.expect("chunk");
        assert!(chunk.len() <= 4096);
        for &n in chunk.add_blocking.iter().chain(&chunk.add_identification) {
            assert!(n > last || count == 0 || chunk.add_identification.contains(&n));
        }
        if let Some(&n) = chunk.add_blocking.last() {
            last = last.max(n);
        }
        count += chunk.len() as u64;
    }
    let stream_peak = PEAK.load(Ordering::Relaxed) - base;
    assert_eq!(count, 10_000_000);
    // A chunk of 4,096 numbers is 32 KiB; SQLite's page cache comes on top.
    assert!(plan_peak < 8 << 20, "planning peaked at {plan_peak} bytes");
    assert!(
        stream_peak < 8 << 20,
        "streaming peaked at {stream_peak} bytes"
    );
}
