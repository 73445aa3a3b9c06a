//! `callguard pause`, `callguard line` and `check --line --time`: the person's settings in the
//! database, and screening that obeys them at the call's own time.

use callguard_testkit::cli::{json, text, Cli};
use callguard_testkit::workdir::WorkDir;

const CALLGUARD: Cli = Cli::new(env!("CARGO_BIN_EXE_callguard"));

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

#[test]
fn a_pause_is_set_shown_bounded_and_ended() {
    let dir = WorkDir::new();
    let db = dir.db();
    let out = CALLGUARD.run_on(&db, &["pause", "--hours", "25"]);
    assert_eq!(out.status.code(), Some(2), "more than a day is refused");
    assert!(text(&out.stderr).contains("at most 24 hours"));
    assert!(!db.exists(), "a failed command leaves no database");

    let paused = json(&CALLGUARD.run_on(&db, &["pause", "--minutes", "90", "--json"]));
    assert_eq!(paused["paused"], true);
    let shown = json(&CALLGUARD.run_on(&db, &["pause", "--json"]));
    assert_eq!(shown, paused);

    // Elderly blocks calls from abroad; during the pause the call rings, with its warning.
    let db_text = db.to_string_lossy().into_owned();
    let check = |extra: &[&str]| {
        let mut args = vec!["--policy", "elderly", "--db", db_text.as_str()];
        args.extend_from_slice(extra);
        args.push("+12025550143");
        CALLGUARD.check_json(&args)
    };
    let during = check(&[]);
    assert_eq!(during["verdict"], "warn", "{during}");
    assert!(during["paused_until"].is_string());
    // A call at a time after the pause's end is screened as usual.
    let later = (now() + 2 * 3600).to_string();
    let after = check(&["--time", &later]);
    assert_eq!(after["verdict"], "block", "{after}");
    assert!(after.get("paused_until").is_none());

    let ended = json(&CALLGUARD.run_on(&db, &["pause", "--off", "--json"]));
    assert_eq!(ended["paused"], false);
    assert_eq!(check(&[])["verdict"], "block");
}

#[test]
fn a_line_has_its_own_preset() {
    let dir = WorkDir::new();
    let db = dir.db();
    let out = CALLGUARD.run_on(&db, &["line", "set", "sim-work", "lenient"]);
    assert_eq!(out.status.code(), Some(2), "only presets");
    let out = CALLGUARD.run_on(&db, &["line", "set", "sim-work", "minimal"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines = json(&CALLGUARD.run_on(&db, &["line", "show", "--json"]));
    assert_eq!(lines[0]["line"], "sim-work");
    assert_eq!(lines[0]["preset"], "minimal");

    let db_text = db.to_string_lossy().into_owned();
    let on = |line: &str| {
        CALLGUARD.check_json(&[
            "--policy",
            "elderly",
            "--db",
            &db_text,
            "--line",
            line,
            "+12025550143",
        ])
    };
    let work = on("sim-work");
    assert_eq!(work["verdict"], "allow", "{work}");
    assert_eq!(work["line"], "sim-work");
    assert_eq!(work["policy"], "minimal");
    let home = on("sim-home");
    assert_eq!(home["verdict"], "block");
    assert!(home.get("line").is_none());

    assert!(CALLGUARD
        .run_on(&db, &["line", "clear", "sim-work"])
        .status
        .success());
    assert_eq!(
        CALLGUARD
            .run_on(&db, &["line", "clear", "sim-work"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(on("sim-work")["verdict"], "block");
}
