//! The first verdict of a fresh process, and `check --batch`, against the naive path in the
//! same run.
//!
//! ```text
//! cargo bench -p callguard-cli --bench cold
//! ```
//!
//! One run builds a store of 1,000,000 reported numbers and 10,000 block-list rules, then:
//! - **cold**: starts a process that screens one number and exits, many times, alternating
//!   `callguard check --json --db DB NUMBER` with the naive program (this bench binary run
//!   again as a child: the `phonenumber` crate's parse + validity + type, then a primary-key
//!   look-up in SQLite, then one line out). Wall time from spawn to exit, median and spread.
//!   `callguard --version` gives the cost of starting a process at all.
//! - **batch**: the same file of numbers (a third reported, a third unknown E.164, a third in
//!   national format) through `callguard check --batch --db DB` and through the naive program,
//!   output thrown away; numbers per second, start-up included.
//!
//! Both sides run on the same machine in the same minute, so their ratio holds on a noisy
//! machine even when the absolute figures move. Without `--bench` (under `cargo test`) it runs
//! as a smoke test with a 2,000-number store.
//!
//! `CALLGUARD_BENCH_NUMBERS` changes the store size, `CALLGUARD_BENCH_RULES` the list rules
//! (default 10,000), `CALLGUARD_BENCH_RUNS` the runs per cold case (default 21).

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use callguard_core::store::{ImportOptions, ListKind, Store};
use callguard_core::Region;

/// The callguard binary this bench measures (release, built by `cargo bench`).
const CALLGUARD: &str = env!("CARGO_BIN_EXE_callguard");

/// A small deterministic generator, so every run builds the same store.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--naive-check") => return naive_check(Path::new(&args[2]), &args[3]),
        Some("--naive-batch") => return naive_batch(Path::new(&args[2]), Path::new(&args[3])),
        _ => {}
    }
    let full = args.iter().any(|a| a == "--bench");
    let env_number = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let numbers = env_number(
        "CALLGUARD_BENCH_NUMBERS",
        if full { 1_000_000 } else { 2_000 },
    );
    let runs = env_number("CALLGUARD_BENCH_RUNS", if full { 21 } else { 3 }) as usize;
    let rules = env_number("CALLGUARD_BENCH_RULES", if full { 10_000 } else { 100 });
    let batch_size = if full { 300_000 } else { 3_000 };

    let dir = tempfile::tempdir().expect("temporary directory");
    let db = dir.path().join("callguard.db");
    let reported = build_store(dir.path(), &db, numbers, rules);
    let batch = dir.path().join("batch.txt");
    write_batch(&batch, &reported, batch_size);

    println!("machine: {}", load_average());
    println!(
        "cold: process start to first verdict, {runs} runs each, alternating (median, min-max)"
    );
    let start_only = time_runs(runs, || {
        let mut c = Command::new(CALLGUARD);
        c.arg("--version");
        c
    });
    println!(
        "  {:<34} {}",
        "process start alone (--version)",
        start_only.describe()
    );
    let naive = std::env::current_exe().expect("this bench's path");
    let cases = [
        ("E.164, in no list or report", "+817012345678".to_owned()),
        ("E.164, reported", format!("+{}", reported[0])),
        ("national format (03-5253-5111)", "03-5253-5111".to_owned()),
    ];
    println!(
        "  {:<34} {:>22} {:>22} {:>7}",
        "case", "callguard", "naive", "ratio"
    );
    // Measure what the names say: the reported probe must come back reported, the others not.
    for (name, number) in &cases {
        let out = Command::new(CALLGUARD)
            .args(["check", "--json", "--db"])
            .arg(&db)
            .arg(number)
            .output()
            .expect("check");
        let reported = String::from_utf8_lossy(&out.stdout).contains("\"reported\"");
        assert_eq!(reported, name.contains("reported"), "{name}: {number}");
    }
    for (name, number) in &cases {
        let (ours, theirs) = time_pair(
            runs,
            || {
                let mut c = Command::new(CALLGUARD);
                c.args(["check", "--json", "--db"]).arg(&db).arg(number);
                c
            },
            || {
                let mut c = Command::new(&naive);
                c.arg("--naive-check").arg(&db).arg(number);
                c
            },
        );
        println!(
            "  {:<34} {:>22} {:>22} {:>6.1}×",
            name,
            ours.describe(),
            theirs.describe(),
            theirs.median().as_secs_f64() / ours.median().as_secs_f64()
        );
    }

    println!("batch: {batch_size} numbers, start-up included (best of 3)");
    let ours = best_of(3, || {
        let mut c = Command::new(CALLGUARD);
        c.args(["check", "--db"])
            .arg(&db)
            .arg("--batch")
            .arg(&batch);
        c
    });
    let theirs = best_of(3, || {
        let mut c = Command::new(&naive);
        c.arg("--naive-batch").arg(&db).arg(&batch);
        c
    });
    let rate = |d: Duration| batch_size as f64 / d.as_secs_f64();
    println!(
        "  callguard check --batch: {:>9.0} numbers/s ({:.3} s)",
        rate(ours),
        ours.as_secs_f64()
    );
    println!(
        "  naive:                   {:>9.0} numbers/s ({:.3} s)",
        rate(theirs),
        theirs.as_secs_f64()
    );
    println!("  ratio: {:.1}×", theirs.as_secs_f64() / ours.as_secs_f64());
}

/// Imports `numbers` generated reported numbers and `rules` block-list rules into `db`;
/// returns a sample of the reported numbers.
fn build_store(dir: &Path, db: &Path, numbers: u64, rules: u64) -> Vec<u64> {
    let mut rng = Rng(0x5eed);
    let feed = dir.join("feed.csv");
    let mut reported = Vec::new();
    {
        let mut out = BufWriter::new(std::fs::File::create(&feed).expect("feed"));
        writeln!(out, "# name: bench\n# version: 1\nnumber,category").expect("write");
        for i in 0..numbers {
            // Valid Japanese mobile numbers (090-1000-0000 to 090-9999-9999), distinct: the
            // multiplier is coprime with the modulus.
            let number = 819_010_000_000 + (i * 48_271 + 12_345) % 89_990_000;
            let category = ["scam", "spam", "fraud", "robocall"][(i % 4) as usize];
            writeln!(out, "+{number},{category}").expect("write");
            if i % 97 == 0 {
                reported.push(number);
            }
        }
        out.flush().expect("flush");
    }
    let started = Instant::now();
    let store = Store::open(db, Region::JP).expect("store");
    store
        .import_file(&feed, &ImportOptions::default(), None)
        .expect("import");
    for _ in 0..rules {
        // Block rules in the 080 range (exact numbers and prefixes), none covering a probe.
        let pattern = if rng.next() % 2 == 0 {
            format!("+8180{:08}", rng.next() % 100_000_000)
        } else {
            format!("+8180{:04}*", rng.next() % 10_000)
        };
        store
            .add_list_entry(ListKind::Block, &pattern, None, None)
            .expect("list rule");
    }
    store.checkpoint().expect("checkpoint");
    println!(
        "store: {numbers} reported numbers and {rules} list rules, built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    reported
}

/// Writes `count` numbers: reported ones, unknown E.164 ones and national-format ones in turn.
fn write_batch(path: &Path, reported: &[u64], count: usize) {
    let mut rng = Rng(0xba7c);
    let mut out = BufWriter::new(std::fs::File::create(path).expect("batch file"));
    for i in 0..count {
        match i % 3 {
            0 => writeln!(out, "+{}", reported[i / 3 % reported.len()]),
            1 => writeln!(out, "+8170{:08}", rng.next() % 100_000_000),
            _ => writeln!(
                out,
                "090-{:04}-{:04}",
                rng.next() % 10_000,
                rng.next() % 10_000
            ),
        }
        .expect("write");
    }
    out.flush().expect("flush");
}

/// Wall times of several runs of one command.
struct Times(Vec<Duration>);

impl Times {
    fn median(&self) -> Duration {
        let mut sorted = self.0.clone();
        sorted.sort();
        sorted[sorted.len() / 2]
    }

    fn describe(&self) -> String {
        let min = self.0.iter().min().copied().unwrap_or_default();
        let max = self.0.iter().max().copied().unwrap_or_default();
        format!(
            "{:.1} ms ({:.1}-{:.1})",
            ms(self.median()),
            ms(min),
            ms(max)
        )
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Runs the command once, output discarded, and returns its wall time; panics if it failed.
fn run_once(mut command: Command) -> Duration {
    let started = Instant::now();
    let status = command
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()
        .expect("spawn");
    let elapsed = started.elapsed();
    assert!(status.success(), "{command:?} failed: {status}");
    elapsed
}

fn time_runs(runs: usize, command: impl Fn() -> Command) -> Times {
    Times((0..runs).map(|_| run_once(command())).collect())
}

/// Runs two commands `runs` times each, alternating, so both see the same machine.
fn time_pair(
    runs: usize,
    ours: impl Fn() -> Command,
    theirs: impl Fn() -> Command,
) -> (Times, Times) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        a.push(run_once(ours()));
        b.push(run_once(theirs()));
    }
    (Times(a), Times(b))
}

fn best_of(runs: usize, command: impl Fn() -> Command) -> Duration {
    (0..runs)
        .map(|_| run_once(command()))
        .min()
        .expect("at least one run")
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| {
            format!(
                "load average {}",
                l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
            )
        })
        .unwrap_or_else(|_| "load average unknown".into())
}

/// What the naive program knows about one number: the `phonenumber` crate's parse, validity
/// and type, and the number's report count from SQLite.
struct Naive {
    conn: rusqlite::Connection,
}

impl Naive {
    fn open(db: &Path) -> Naive {
        let conn =
            rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .expect("naive connection");
        Naive { conn }
    }

    fn check(&self, text: &str, out: &mut impl Write) {
        let line = match phonenumber::parse(Some(phonenumber::country::Id::JP), text) {
            Ok(number) => {
                let valid = phonenumber::is_valid(&number);
                let kind = number.number_type(&phonenumber::metadata::DATABASE);
                let key = format!("{}{}", number.code().value(), number.national().value());
                let count: Option<i64> = self
                    .conn
                    .prepare_cached("SELECT sum(count) FROM reports WHERE number = ?1")
                    .and_then(|mut s| s.query_row([key.parse::<i64>().unwrap_or(0)], |r| r.get(0)))
                    .expect("look-up");
                format!("{text}\t{valid}\t{kind:?}\t{}", count.unwrap_or(0))
            }
            Err(err) => format!("{text}\tinvalid\t{err}"),
        };
        writeln!(out, "{line}").expect("write");
    }
}

fn naive_check(db: &Path, number: &str) {
    Naive::open(db).check(number, &mut std::io::stdout().lock());
}

fn naive_batch(db: &Path, file: &Path) {
    let naive = Naive::open(db);
    let mut out = BufWriter::new(std::io::stdout().lock());
    let input = BufReader::new(std::fs::File::open(file).expect("batch file"));
    for line in input.lines() {
        let line = line.expect("read");
        let number = line.trim();
        if !number.is_empty() {
            naive.check(number, &mut out);
        }
    }
    out.flush().expect("flush");
}
