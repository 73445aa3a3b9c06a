//! Feed imports (callguard CSV, JSON Lines, FTC CSV): any file is imported in one transaction
//! or refused with nothing changed; the user's list entry survives either way.
#![no_main]

use std::sync::OnceLock;

use callguard_core::store::{FeedFormat, ImportOptions, ListKind, Store};
use callguard_core::Region;
use libfuzzer_sys::fuzz_target;

struct Fixture {
    dir: std::path::PathBuf,
    store: Store,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("callguard-fuzz-feed-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("fuzz dir");
        let store = Store::open(dir.join("fuzz.db"), Region::JP).expect("store");
        store
            .add_list_entry(ListKind::Block, "050-1234-5678", Some("user"), None)
            .expect("user entry");
        Fixture { dir, store }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let f = fixture();
    let path = f.dir.join("feed.txt");
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let format = match which % 4 {
        0 => None,
        1 => Some(FeedFormat::Csv),
        2 => Some(FeedFormat::Jsonl),
        _ => Some(FeedFormat::Ftc),
    };
    let options = ImportOptions {
        format,
        skip_invalid: which & 0x80 != 0,
        ..ImportOptions::default()
    };
    let _ = f.store.import_file(&path, &options, None);
    let entries = f.store.list_entries().expect("lists readable");
    assert!(entries.iter().any(|e| e.label.as_deref() == Some("user")));
});
