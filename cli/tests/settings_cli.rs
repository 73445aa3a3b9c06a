//! `callguard pause`, `callguard line` and `check --line --time`: the person's settings in the
//! database, and screening that obeys them at the call's own time.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("settings_cli_{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

fn callguard(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callguard"))
        .args(args)
        .arg("--db")
        .arg(dir.join("callguard.db"))
        .env_remove("XDG_DATA_HOME")
        .output()
        .expect("run callguard")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

#[test]
fn a_pause_is_set_shown_bounded_and_ended() {
    let dir = workdir("pause");
    let out = callguard(&dir, &["pause", "--hours", "25"]);
    assert_eq!(out.status.code(), Some(2), "more than a day is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most 24 hours"));
    assert!(
        !dir.join("callguard.db").exists(),
        "a failed command leaves no database"
    );

    let paused = json(&callguard(&dir, &["pause", "--minutes", "90", "--json"]));
    assert_eq!(paused["paused"], true);
    let shown = json(&callguard(&dir, &["pause", "--json"]));
    assert_eq!(shown, paused);

    // Elderly blocks calls from abroad; during the pause the call rings, with its warning.
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--policy", "elderly", "--json"];
        args.extend_from_slice(extra);
        args.push("+12025550143");
        json(&callguard(&dir, &args))
    };
    let during = check(&[]);
    assert_eq!(during["verdict"], "warn", "{during}");
    assert!(during["paused_until"].is_string());
    // A call at a time after the pause's end is screened as usual.
    let later = (now() + 2 * 3600).to_string();
    let after = check(&["--time", &later]);
    assert_eq!(after["verdict"], "block", "{after}");
    assert!(after.get("paused_until").is_none());

    let ended = json(&callguard(&dir, &["pause", "--off", "--json"]));
    assert_eq!(ended["paused"], false);
    assert_eq!(check(&[])["verdict"], "block");
}

#[test]
fn a_line_has_its_own_preset() {
    let dir = workdir("line");
    let out = callguard(&dir, &["line", "set", "sim-work", "lenient"]);
    assert_eq!(out.status.code(), Some(2), "only presets");
    let out = callguard(&dir, &["line", "set", "sim-work", "minimal"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json(&callguard(&dir, &["line", "show", "--json"]));
    assert_eq!(lines[0]["line"], "sim-work");
    assert_eq!(lines[0]["preset"], "minimal");

    let on = |line: &str| {
        json(&callguard(
            &dir,
            &[
                "check",
                "--policy",
                "elderly",
                "--line",
                line,
                "--json",
                "+12025550143",
            ],
        ))
    };
    let work = on("sim-work");
    assert_eq!(work["verdict"], "allow", "{work}");
    assert_eq!(work["line"], "sim-work");
    assert_eq!(work["policy"], "minimal");
    let home = on("sim-home");
    assert_eq!(home["verdict"], "block");
    assert!(home.get("line").is_none());

    assert!(callguard(&dir, &["line", "clear", "sim-work"])
        .status
        .success());
    assert_eq!(
        callguard(&dir, &["line", "clear", "sim-work"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(on("sim-work")["verdict"], "block");
}
