//! Crash safety: an import killed with SIGKILL at any moment leaves a sound database, the
//! user's lists intact, and the feed either wholly there or wholly absent.

#![cfg(unix)]

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use callguard_testkit::cli::Cli;
use callguard_testkit::workdir::WorkDir;

const CALLGUARD: Cli = Cli::new(env!("CARGO_BIN_EXE_callguard"));

const ROWS: usize = 60_000;

#[test]
fn an_import_killed_at_random_points_leaves_a_sound_database() {
    let dir = WorkDir::new();
    let feed = dir.join("feed.csv");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&feed).expect("feed"));
        writeln!(out, "# name: crash\n# version: 1\nnumber,category").expect("write");
        for i in 0..ROWS {
            writeln!(out, "+8190{:08},scam", (i * 7919) % 100_000_000).expect("write");
        }
    }

    // How long a whole import takes here, so that the kills spread from before the
    // transaction starts to past its commit whatever the machine and build.
    let timing_db = dir.join("timing.db");
    let started = std::time::Instant::now();
    let ok = CALLGUARD
        .process()
        .args(["import", &format!("--db={}", timing_db.display())])
        .arg(&feed)
        .stdout(Stdio::null())
        .status()
        .expect("timed import");
    assert!(ok.success());
    let whole = started.elapsed().as_millis() as u64;
    let delays_ms: Vec<u64> = (1..=10).map(|k| whole * k / 9).collect();
    let mut outcomes = (0, 0);
    for (round, delay) in delays_ms.iter().enumerate() {
        let db = dir.join(format!("crash-{round}.db"));
        let db_arg = format!("--db={}", db.display());
        for pattern in ["050-1234-5678", "+855*"] {
            let ok = CALLGUARD
                .process()
                .args(["list", "add", "block", pattern, &db_arg])
                .stdout(Stdio::null())
                .status()
                .expect("list add");
            assert!(ok.success());
        }

        let mut child = CALLGUARD
            .process()
            .args(["import", &db_arg])
            .arg(&feed)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn import");
        std::thread::sleep(Duration::from_millis(*delay));
        // SIGKILL: no destructor, no rollback, no flush.
        let _ = child.kill();
        let _ = child.wait();

        let conn = rusqlite::Connection::open(&db).expect("reopen");
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("integrity_check");
        assert_eq!(check, "ok", "round {round} ({delay} ms)");
        let lists: i64 = conn
            .query_row("SELECT count(*) FROM list_entries", [], |r| r.get(0))
            .expect("lists");
        assert_eq!(lists, 2, "round {round}: the user's lists survive");
        let reported: i64 = conn
            .query_row("SELECT count(DISTINCT number) FROM reports", [], |r| {
                r.get(0)
            })
            .expect("reports");
        assert!(
            reported == 0 || reported == ROWS as i64,
            "round {round} ({delay} ms): the feed is half there ({reported} of {ROWS})"
        );
        if reported == 0 {
            outcomes.0 += 1;
        } else {
            outcomes.1 += 1;
        }
        drop(conn);

        // The database stays usable: the same feed imports cleanly afterwards.
        let ok = CALLGUARD
            .process()
            .args(["import", &db_arg])
            .arg(&feed)
            .stdout(Stdio::null())
            .status()
            .expect("import again");
        assert!(ok.success(), "round {round}: import after the crash");
    }
    // Both outcomes are legitimate; the spread of delays is meant to hit the middle too.
    println!(
        "import takes {whole} ms; killed before commit: {}, after: {}",
        outcomes.0, outcomes.1
    );
}
