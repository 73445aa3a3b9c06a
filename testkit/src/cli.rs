//! Running the `callguard` binary as scripts and people do, in a clean environment.
//!
//! The binary's path comes from the caller: Cargo tells only the CLI crate's own tests where it
//! is (`env!("CARGO_BIN_EXE_callguard")`), so a test file of the CLI makes its runner with
//! `const CALLGUARD: Cli = Cli::new(env!("CARGO_BIN_EXE_callguard"));`.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

/// The `callguard` binary at a known path.
#[derive(Debug, Clone, Copy)]
pub struct Cli {
    program: &'static str,
}

impl Cli {
    /// The binary at `program`.
    pub const fn new(program: &'static str) -> Cli {
        Cli { program }
    }

    /// The binary's path.
    pub fn program(&self) -> &Path {
        Path::new(self.program)
    }

    /// A command for the binary with the environment of a test: no `LANG` or `LC_ALL` (so
    /// messages are English unless a test asks otherwise) and `XDG_DATA_HOME` in a folder that
    /// holds no database (so nothing the developer keeps is consulted). For children a test
    /// talks to while they run (`spawn`, piped input and output).
    pub fn process(&self) -> std::process::Command {
        let mut command = std::process::Command::new(self.program);
        command
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env("XDG_DATA_HOME", no_data_home());
        command
    }

    /// [`Cli::process`] started through `sh -c` after the shell commands `setup`: a resource
    /// limit (`ulimit -f 2000`) or a signal's disposition (`trap '' XFSZ`) the binary inherits.
    /// Its arguments follow as usual.
    pub fn process_after(&self, setup: &str) -> std::process::Command {
        let mut command = std::process::Command::new("sh");
        command
            .arg("-c")
            .arg(format!("{setup}; exec \"$@\""))
            .arg("sh")
            .arg(self.program)
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env("XDG_DATA_HOME", no_data_home());
        command
    }

    /// [`Cli::process`] with `assert_cmd`'s conveniences: input from a buffer
    /// (`write_stdin`) and assertions on the outcome (`assert`).
    pub fn command(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.process())
    }

    /// Runs the binary with `args` to the end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.process().args(args).output().expect("run callguard")
    }

    /// Runs the binary with `args` and `--db DB` to the end.
    pub fn run_on(&self, db: &Path, args: &[&str]) -> Output {
        self.process()
            .args(args)
            .arg("--db")
            .arg(db)
            .output()
            .expect("run callguard")
    }

    /// Runs `callguard check --json ARGS`, which must exit 0, and returns its JSON verdict.
    pub fn check_json(&self, args: &[&str]) -> Value {
        let out = self
            .process()
            .arg("check")
            .arg("--json")
            .args(args)
            .output()
            .expect("run callguard");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        json(&out)
    }
}

/// `XDG_DATA_HOME` for the binary under test: a folder that holds no database.
fn no_data_home() -> PathBuf {
    std::env::temp_dir().join("callguard-tests-no-data")
}

/// Output bytes as text (lossily: a test shows what it got, whatever it is).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The standard output of a run that must have succeeded; its output in the panic if not.
pub fn success(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// The standard output of a run that must have exited 0 and printed UTF-8.
pub fn stdout(command: &mut assert_cmd::Command) -> String {
    let out = command.output().expect("run callguard");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The one JSON object a run printed.
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

/// The JSON objects a run printed, one a line.
pub fn json_lines(out: &Output) -> Vec<Value> {
    std::str::from_utf8(&out.stdout)
        .expect("UTF-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object a line"))
        .collect()
}

/// The objects of a JSON Lines file.
pub fn json_file(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON object a line"))
        .collect()
}

/// The reason codes of a JSON verdict, in order.
pub fn reason_codes(verdict: &Value) -> Vec<String> {
    verdict["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .filter_map(|r| r["code"].as_str().map(str::to_owned))
        .collect()
}
