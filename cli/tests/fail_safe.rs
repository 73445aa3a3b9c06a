//! The command line when the database, the input or the file system works against it: every
//! call still gets its verdict (fail open), first; batches answer every line and flush as they
//! go; no command writes another application's file, follows a planted link, leaves half a file
//! or a database it failed to fill; usage errors are one line.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use callguard_testkit::cli::{json_lines, reason_codes, text, Cli};
use callguard_testkit::faults::{
    from_a_newer_callguard, hold_exclusive_lock, overwrite, rollback_journal,
};
use callguard_testkit::feeds::sha256_hex;
use callguard_testkit::workdir::{file_names, WorkDir};
use serde_json::Value;

const BLOCKED: &str = "+815012345678";

const CALLGUARD: Cli = Cli::new(env!("CARGO_BIN_EXE_callguard"));

/// A callguard database at `dir/callguard.db` whose block list holds [`BLOCKED`].
fn database(dir: &Path) -> PathBuf {
    let db = dir.join("callguard.db");
    let out = CALLGUARD.run(&[
        "list",
        "add",
        "block",
        BLOCKED,
        "--db",
        db.to_str().expect("path"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    db
}

/// With a database that cannot be used, `check` (one call and a batch) still answers: the
/// emergency number, the contact and the withheld call as always, the rest ring with
/// `screening_unavailable`; exit 0 and one warning on stderr naming the repair. Before, each
/// of these exited 1 with nothing on stdout.
fn assert_check_fails_open(db: &Path, hint: &str) {
    let db = db.to_str().expect("path");
    let one = |extra: &[&str]| {
        let mut args = vec!["check", "--json", "--db", db];
        args.extend_from_slice(extra);
        let out = CALLGUARD.run(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{extra:?}: {}",
            text(&out.stderr)
        );
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{extra:?}: {err}");
        assert!(err.contains(hint), "{extra:?}: {err}");
        json_lines(&out).remove(0)
    };
    let v = one(&["110"]);
    assert_eq!(
        (v["verdict"].as_str(), reason_codes(&v)),
        (Some("allow"), vec!["emergency_number".to_owned()])
    );
    let v = one(&["--contact", BLOCKED]);
    assert_eq!(reason_codes(&v)[0], "contact");
    let v = one(&["--presentation", "restricted"]);
    assert_eq!(reason_codes(&v)[0], "withheld");
    let v = one(&["+1 202-555-0143"]);
    assert_eq!(
        (v["verdict"].as_str(), reason_codes(&v)),
        (Some("allow"), vec!["screening_unavailable".to_owned()])
    );

    let mut child = CALLGUARD
        .process()
        .args(["check", "--batch", "-", "--db", db])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("110\n{BLOCKED}\n119\n").as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("batch");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let verdicts: Vec<Vec<String>> = json_lines(&out).iter().map(reason_codes).collect();
    assert_eq!(
        verdicts,
        [
            vec!["emergency_number".to_owned()],
            vec!["screening_unavailable".to_owned()],
            vec!["emergency_number".to_owned()]
        ]
    );
}

#[test]
fn check_fails_open_on_a_damaged_newer_or_locked_database() {
    let dir = WorkDir::new();
    let db = database(&dir);
    overwrite(&db, &b"this is not a database at all".repeat(100));
    assert_check_fails_open(&db, "callguard db recover");

    let dir = WorkDir::new();
    let db = database(&dir);
    from_a_newer_callguard(&db);
    assert_check_fails_open(&db, "newer");

    // A file left in rollback-journal mode, exclusively locked by another process's writer.
    let dir = WorkDir::new();
    let db = database(&dir);
    let conn = rollback_journal(&db);
    hold_exclusive_lock(&conn);
    assert_check_fails_open(&db, "callguard db recover");
    conn.execute_batch("ROLLBACK").expect("rollback");
}

/// `check --log` prints the verdict before it writes the log: while another process holds the
/// write lock the verdict is on stdout at once, the log write waits and fails as a warning,
/// and the exit status is 0. A batch answers every line. Before, the log came first: 5 s, exit
/// 1, nothing on stdout.
#[test]
fn the_verdict_comes_before_the_log() {
    let dir = WorkDir::new();
    let db = database(&dir);
    let db = db.to_str().expect("path");
    let other = rusqlite::Connection::open(db).expect("open");
    other
        .execute_batch("BEGIN IMMEDIATE; UPDATE meta SET value = value WHERE key = 'calls_gen';")
        .expect("write lock");
    let mut child = CALLGUARD
        .process()
        .args(["check", "--json", "--log", "--db", db, BLOCKED])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("verdict");
    // The verdict is out while the log write still waits for the lock.
    assert!(
        child.try_wait().expect("poll").is_none(),
        "the process ended before its verdict was read"
    );
    let v: Value = serde_json::from_str(&line).expect("JSON");
    assert_eq!(v["verdict"], "block");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    let err = text(&out.stderr);
    assert!(err.contains("not logged") && err.contains("busy"), "{err}");

    let mut child = CALLGUARD
        .process()
        .args(["check", "--batch", "-", "--log", "--db", db])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{BLOCKED}\n110\n+81 3 5253 5111\n").as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("batch");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_lines(&out).len(), 3);
    assert_eq!(
        text(&out.stderr).lines().count(),
        1,
        "{}",
        text(&out.stderr)
    );
    other.execute_batch("ROLLBACK").expect("rollback");
}

/// A line that is not UTF-8, or far too long, gets its verdict (an invalid number) and the
/// lines after it, an emergency number among them, are answered too. Before, the batch stopped
/// with exit 2 after the first line.
#[test]
fn a_batch_answers_every_line() {
    let mut input = b"+81 3 5253 5111\n050\xff\xfe1234\n".to_vec();
    input.extend_from_slice(&b"9".repeat(200_000));
    input.extend_from_slice(b"\n110\n");
    let mut child = CALLGUARD
        .process()
        .args(["check", "--batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("batch");
    writer.join().expect("join").expect("write");
    assert_eq!(out.status.code(), Some(0));
    let lines = json_lines(&out);
    let kinds: Vec<&str> = lines
        .iter()
        .filter_map(|v| v["number"]["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["fixed", "invalid", "invalid", "emergency"]);
    assert_eq!(lines[3]["verdict"], "allow");
}

/// `check --batch -` is a line filter: each answer is written out before the next line is
/// waited for. Before, output was block-buffered until the end of the input.
#[test]
fn a_batch_answers_each_line_as_it_comes() {
    let mut child = CALLGUARD
        .process()
        .args(["check", "--batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        while let Some(Ok(line)) = lines.next() {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    for number in ["110", BLOCKED] {
        writeln!(stdin, "{number}").expect("write");
        stdin.flush().expect("flush");
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("an answer while the input is still open");
        let v: Value = serde_json::from_str(&line).expect("JSON");
        assert_eq!(v["number"]["input"], number);
    }
    drop(stdin);
    assert!(child.wait().expect("wait").success());
}

/// `check --transcript` reads only what the scanner looks at (64 KiB): a transcript that never
/// ends (a pipe still open) does not stop the verdict. Before, the whole file was read first.
#[test]
fn a_transcript_is_read_only_as_far_as_it_is_scanned() {
    let dir = WorkDir::new();
    let fifo = dir.join("words");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: mkfifo is not available here");
        return;
    }
    let writer_path = fifo.clone();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let writer = std::thread::spawn(move || {
        let mut pipe = std::fs::OpenOptions::new()
            .write(true)
            .open(&writer_path)
            .expect("open fifo");
        let words = "こちらは総務省です。お客様の携帯電話は使えなくなります。".repeat(4000);
        let _ = pipe.write_all(words.as_bytes());
        // Keep the pipe open (no end of file) until the check is over.
        let _ = done_rx.recv_timeout(Duration::from_secs(60));
    });
    let (tx, rx) = mpsc::channel();
    let path = fifo.clone();
    std::thread::spawn(move || {
        let out = CALLGUARD
            .process()
            .args(["check", "--json", "--transcript"])
            .arg(&path)
            .arg("+1 202-555-0143")
            .output();
        let _ = tx.send(out);
    });
    let out = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("a verdict while the transcript is still open")
        .expect("run");
    let _ = done_tx.send(());
    let _ = writer.join();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v = json_lines(&out).remove(0);
    assert!(reason_codes(&v).contains(&"scam_script".to_owned()), "{v}");
}

/// Usage errors are one line on stderr and exit 2; a mistyped flag is one of them, never
/// screened as a number. Before, clap printed 3 to 6 lines, and `check --jsn 110` screened
/// "--jsn".
#[test]
fn usage_errors_are_one_line_and_flags_are_never_numbers() {
    for args in [
        vec!["check", "--jsn", "110"],
        vec!["check", "--presentation", "sideways", "123"],
        vec!["check", "--batch", "x", "123"],
        vec!["list", "add"],
        vec!["nonsense"],
        vec![],
    ] {
        let out = CALLGUARD.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {}", text(&out.stdout));
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("callguard: "), "{err}");
    }
    assert!(text(&CALLGUARD.run(&["check", "--jsn", "110"]).stderr).contains("--jsn"));
    // A number that starts with '-' goes after `--`.
    let out = CALLGUARD.run(&["check", "--json", "--", "-110"]);
    assert_eq!(out.status.code(), Some(0));
}

/// A command that fails leaves no database behind; the commands that only read, remove or
/// export never create one. Before, each of these left an empty callguard.db.
#[test]
fn failed_commands_create_no_database() {
    let dir = WorkDir::new();
    let db = dir.join("sub").join("callguard.db");
    let db_arg = db.to_str().expect("path");
    let bad_feed = dir.write(
        "bad.csv",
        "# name: bad\nnumber\n+815012345678\nnot a number\n",
    );
    let mut identity = vec![1u8];
    identity.resize(32, 0);
    let weak_key = dir.write(
        "weak.pub",
        identity
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>(),
    );
    let bad_feed = bad_feed.to_str().expect("path");
    let weak_key = weak_key.to_str().expect("path");
    for args in [
        vec!["list", "remove", "block", BLOCKED],
        vec!["list", "show"],
        vec!["list", "add", "block", "110"],
        vec!["list", "add", "block", BLOCKED, "--label", "two\nlines"],
        vec!["report", "hello", "--category", "scam"],
        vec!["import", "missing.csv"],
        vec!["import", bad_feed],
        vec!["key", "add", "k", weak_key],
        vec!["stats"],
        vec!["feed", "list"],
        vec!["reports", "export"],
        vec!["export", "ios"],
    ] {
        let mut full = args.clone();
        full.extend(["--db", db_arg]);
        let out = CALLGUARD.run(&full);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(!db.exists(), "{args:?} created the database");
        assert!(!dir.join("sub").exists(), "{args:?} left its folder");
    }
}

/// A label is one line: a new line or a tab in it could forge rows of `list show`; it is
/// refused. A note may have lines: `list show` escapes them.
#[test]
fn labels_and_notes_cannot_forge_rows() {
    let dir = WorkDir::new();
    let db = database(&dir);
    let db = db.to_str().expect("path");
    let out = CALLGUARD.run(&[
        "list",
        "add",
        "block",
        "+815099990000",
        "--label",
        "x\nallow\t+81*",
        "--db",
        db,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("control character"),
        "{}",
        text(&out.stderr)
    );
    let out = CALLGUARD.run(&[
        "list",
        "add",
        "block",
        "+815099990001",
        "--note",
        "said police\nallow\t+8190*",
        "--db",
        db,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = CALLGUARD.run(&["list", "show", "--db", db]);
    let shown = text(&out.stdout);
    assert_eq!(shown.lines().count(), 2, "{shown}");
    assert!(shown.lines().all(|l| l.starts_with("block\t")), "{shown}");
    assert!(shown.contains("said police\\nallow\\t+8190*"), "{shown}");

    // A policy file's name and description are shown escaped: no escape sequence reaches the
    // terminal, no new line forges a line of the description.
    let policy = CALLGUARD.run(&["policy", "show", "balanced", "--json"]);
    let mut value: Value = serde_json::from_slice(&policy.stdout).expect("policy");
    value["name"] = Value::from("family\u{1b}[2J");
    value["description"] = Value::from("ok\nlocked by a caregiver");
    let file = dir.join("family.json");
    std::fs::write(&file, value.to_string()).expect("write");
    let out = CALLGUARD.run(&["policy", "show", file.to_str().expect("path")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(!shown.contains('\u{1b}'), "{shown}");
    assert!(
        shown.contains("family\\u{001b}[2J") && shown.contains("ok\\nlocked"),
        "{shown}"
    );
}

/// `check --db` on another application's SQLite file never turns it to WAL nor creates
/// callguard's tables in it, and `db recover` never moves it aside: the file stays byte for
/// byte. Before, `check` converted it and `db recover` replaced it with an empty database.
#[test]
fn another_applications_file_is_never_written() {
    let dir = WorkDir::new();
    let file = dir.join("photos.db");
    let conn = rusqlite::Connection::open(&file).expect("open");
    conn.execute_batch(
        "CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT);
         INSERT INTO photos (path) VALUES ('/sdcard/1.jpg');",
    )
    .expect("photos");
    drop(conn);
    let before = std::fs::read(&file).expect("read");
    let path = file.to_str().expect("path");
    let out = CALLGUARD.run(&["check", "--json", "--db", path, BLOCKED]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("not a callguard database"),
        "{}",
        text(&out.stderr)
    );
    let out = CALLGUARD.run(&["check", "--json", "--log", "--db", path, BLOCKED]);
    assert_eq!(out.status.code(), Some(0));
    for args in [
        vec!["db", "recover", "--db", path],
        vec!["list", "add", "block", BLOCKED, "--db", path],
        vec!["stats", "--db", path],
    ] {
        let out = CALLGUARD.run(&args);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(
            text(&out.stderr).contains("not a callguard database"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    assert_eq!(std::fs::read(&file).expect("read"), before);
    assert_eq!(file_names(&dir), ["photos.db"]);
}

#[cfg(unix)]
#[test]
fn outputs_never_follow_planted_links_nor_leave_temporary_files() {
    use std::os::unix::fs::symlink;
    let dir = WorkDir::new();
    let db = database(&dir);
    let db = db.to_str().expect("path");
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "keep me").expect("victim");
    let out_dir = dir.join("out");
    std::fs::create_dir(&out_dir).expect("out");

    // `policy lock --out X.json` once wrote X.json.tmp, following a link planted there.
    let policy = out_dir.join("family.json");
    symlink(&victim, out_dir.join("family.json.tmp")).expect("link");
    let out = CALLGUARD.run(&[
        "policy",
        "lock",
        "elderly",
        "--pin",
        "2468",
        "--out",
        policy.to_str().expect("path"),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
    assert_eq!(file_names(&out_dir), ["family.json", "family.json.tmp"]);
    // A link at the target itself is refused, not followed.
    let linked = out_dir.join("linked.json");
    symlink(&victim, &linked).expect("link");
    for args in [
        vec![
            "policy",
            "lock",
            "elderly",
            "--pin",
            "2468",
            "--out",
            linked.to_str().expect("path"),
        ],
        vec![
            "reports",
            "export",
            "--out",
            linked.to_str().expect("path"),
            "--db",
            db,
        ],
        vec![
            "export",
            "ios",
            "--out",
            linked.to_str().expect("path"),
            "--db",
            db,
        ],
    ] {
        let out = CALLGUARD.run(&args);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(
            text(&out.stderr).contains("symbolic link"),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert_eq!(
            std::fs::read_to_string(&victim).expect("victim"),
            "keep me",
            "{args:?}"
        );
    }
    // A folder that cannot be written in: nothing, not even a temporary file, is left.
    let out = CALLGUARD.run(&[
        "policy",
        "lock",
        "elderly",
        "--pin",
        "2468",
        "--out",
        "/proc/callguard.json",
    ]);
    assert_ne!(out.status.code(), Some(0));
    assert_eq!(
        file_names(&out_dir),
        ["family.json", "family.json.tmp", "linked.json"]
    );

    // The Live Caller ID dataset: a link planted where a dataset file goes is refused.
    let live = dir.join("live");
    std::fs::create_dir(&live).expect("live");
    symlink(&victim, live.join("block.jsonl")).expect("link");
    let out = CALLGUARD.run(&[
        "export",
        "live-caller-id",
        "--out",
        live.to_str().expect("path"),
        "--db",
        db,
    ]);
    assert_ne!(out.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
    assert_eq!(file_names(&live), ["block.jsonl"]);
}

/// One block-list prefix stands for a billion numbers: `export live-caller-id` plans at most
/// its default budget and says what it left out. A write that fails (here the file-size
/// limit, as a full disk would) leaves the previous dataset whole, its hashes matching its
/// manifest, and no temporary folder. Two exports in one second get two versions.
#[test]
fn the_live_caller_id_export_is_bounded_and_whole() {
    let dir = WorkDir::new();
    let db = database(&dir);
    let db = db.to_str().expect("path");
    let live = dir.join("live");
    let live_arg = live.to_str().expect("path");
    let export = |extra: &[&str]| {
        let mut args = vec![
            "export",
            "live-caller-id",
            "--json",
            "--out",
            live_arg,
            "--db",
            db,
        ];
        args.extend_from_slice(extra);
        CALLGUARD.run(&args)
    };
    let first = export(&[]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let second = export(&[]);
    assert!(second.status.success(), "{}", text(&second.stderr));
    let version = |out: &std::process::Output| -> u64 {
        let v: Value = serde_json::from_slice(&out.stdout).expect("manifest");
        v["version"].as_u64().expect("version")
    };
    assert!(version(&second) > version(&first));

    let out = CALLGUARD.run(&["list", "add", "block", "+855*", "--db", db]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = export(&[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let manifest: Value = serde_json::from_slice(&out.stdout).expect("manifest");
    assert_eq!(manifest["block"]["entries"], 1_000_000);
    assert!(manifest["plan"]["left_out"]
        .as_u64()
        .is_some_and(|n| n > 100_000_000));
    let err = text(&out.stderr);
    assert!(err.contains("+855*") && err.contains("--budget"), "{err}");
    let kept: Vec<u8> = std::fs::read(live.join("block.jsonl")).expect("block");

    // A write that fails half way: the old dataset stays, whole.
    let out = CALLGUARD
        .process_after("trap '' XFSZ; ulimit -f 2000")
        .args([
            "export",
            "live-caller-id",
            "--out",
            live_arg,
            "--db",
            db,
            "--budget",
            "2000000",
        ])
        .output()
        .expect("run");
    assert_ne!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert_eq!(
        std::fs::read(live.join("block.jsonl")).expect("block"),
        kept
    );
    assert_eq!(
        file_names(&live),
        ["block.jsonl", "identity.jsonl", "manifest.json"]
    );
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(live.join("manifest.json")).expect("manifest"))
            .expect("manifest");
    assert_eq!(manifest["block"]["sha256"], sha256_hex(&kept).as_str());
}

/// One 1 GiB line drove an import past 1-2 GB of memory before anything was refused. Now a
/// line is refused at 64 KiB: under a 200 MB data limit, a 256 MiB line fails cleanly with its
/// number (exit 2) instead of exhausting memory.
#[test]
fn a_huge_line_costs_no_memory() {
    let dir = WorkDir::new();
    let feed = dir.join("huge.csv");
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&feed).expect("feed"));
        file.write_all(b"# name: huge\nnumber\n").expect("write");
        let chunk = vec![b'7'; 1 << 20];
        for _ in 0..256 {
            file.write_all(&chunk).expect("write");
        }
        file.write_all(b"\n").expect("write");
    }
    let out = CALLGUARD
        .process_after("ulimit -d 200000")
        .arg("import")
        .arg(&feed)
        .arg("--db")
        .arg(dir.join("callguard.db"))
        .output()
        .expect("run");
    let _ = std::fs::remove_file(&feed);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("line 3") && err.contains("longer than 65536"),
        "{err}"
    );
    assert!(!dir.join("callguard.db").exists());
}
