//! Ways the on-device database and its folder fail, made on purpose: a schema from a newer
//! callguard, a file left in rollback-journal mode, another process holding the write lock,
//! files and folders that cannot be written, a full disk; and what a test needs around them:
//! waiting until the one file holds everything, the user's data as SQLite reads it, the files
//! recovery moved aside.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rusqlite::Connection;

/// The schema version [`from_a_newer_callguard`] writes: far beyond any released one.
pub const FUTURE_SCHEMA: i64 = 99;

/// Marks the database as written by a newer callguard (`PRAGMA user_version`).
pub fn from_a_newer_callguard(path: &Path) {
    Connection::open(path)
        .expect("open the database")
        .pragma_update(None, "user_version", FUTURE_SCHEMA)
        .expect("user_version");
}

/// Replaces the database file with `bytes` and removes its `-wal` and `-shm`, as a damaged
/// copy or a stray file put in its place would be.
pub fn overwrite(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for companion in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{companion}", path.display()));
    }
}

/// Switches the database to rollback-journal mode, as a backup tool or another SQLite user may
/// leave it (there a writer's exclusive lock blocks readers), and returns the connection.
pub fn rollback_journal(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("open the database");
    let mode: String = conn
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .expect("journal mode");
    assert_eq!(mode, "delete");
    conn
}

/// Starts a write on `conn` and holds its exclusive lock (a list change, not committed) until
/// the caller runs `ROLLBACK` or drops the connection.
pub fn hold_exclusive_lock(conn: &Connection) {
    conn.execute_batch(
        "BEGIN EXCLUSIVE; UPDATE meta SET value = value + 1 WHERE key = 'lists_gen';",
    )
    .expect("the exclusive lock");
}

/// Waits until every connection to `path` is closed and SQLite has removed its `-wal` and
/// `-shm` (the last connection to close does, if it can write), so that the one file holds
/// everything. A store's background reader may open and close after the store is dropped:
/// the files must stay away for a while.
pub fn settle(path: &Path) {
    let companions = ["-wal", "-shm"].map(|s| PathBuf::from(format!("{}{s}", path.display())));
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut clear_since: Option<Instant> = None;
    loop {
        if companions.iter().any(|c| c.exists()) {
            clear_since = None;
            assert!(Instant::now() < deadline, "{} stays open", path.display());
            let conn = Connection::open(path).expect("open");
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                .expect("checkpoint");
            drop(conn);
        } else if clear_since.get_or_insert_with(Instant::now).elapsed()
            > Duration::from_millis(300)
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The user's data as SQLite reads it, one line per row, for before/after comparisons that
/// work whatever callguard thinks of the file (a schema too new, a table missing).
pub fn snapshot(path: &Path) -> Vec<String> {
    // Read-write, though it only reads: closing last, it removes the -wal and -shm it used.
    let conn = Connection::open(path).expect("open snapshot");
    let mut lines = Vec::new();
    for query in [
        "SELECT 'list', list, pattern, label, note FROM list_entries ORDER BY id",
        "SELECT 'user report', number, category, note, reported_at FROM user_reports ORDER BY id",
        "SELECT 'reports', count(*), sum(count), '', '' FROM reports",
        "SELECT 'feed', name, version, '', '' FROM feeds ORDER BY name",
        "SELECT 'key', name, hex(key), '', '' FROM trusted_keys ORDER BY name",
        "SELECT 'call', number, at, verdict, reasons FROM call_log ORDER BY id",
    ] {
        // A table that is gone (a damaged schema) is a line of its own.
        let mut stmt = match conn.prepare(query) {
            Ok(stmt) => stmt,
            Err(e) => {
                lines.push(format!("{e}"));
                continue;
            }
        };
        let rows = stmt
            .query_map([], |r| {
                let mut line = String::new();
                for i in 0..5 {
                    let value: rusqlite::types::Value = r.get(i)?;
                    line.push_str(&format!("{value:?}|"));
                }
                Ok(line)
            })
            .expect(query);
        for row in rows {
            lines.push(row.expect(query));
        }
    }
    lines
}

/// `lines` of a [`snapshot`] without those about `tables` (or their absence).
pub fn without(lines: Vec<String>, tables: &[&str]) -> Vec<String> {
    lines
        .into_iter()
        .filter(|l| {
            !tables.iter().any(|t| {
                l.starts_with(&format!("Text(\"{t}\")"))
                    || l.contains(&format!("no such table: {t}"))
            })
        })
        .collect()
}

/// The files in `dir` that recovery moved aside (their names contain `.damaged-`), sorted;
/// a moved database's `-wal` and `-shm` among them.
pub fn moved_aside(dir: &Path) -> Vec<String> {
    crate::workdir::file_names(dir)
        .into_iter()
        .filter(|n| n.contains(".damaged-"))
        .collect()
}

/// The database files among [`moved_aside`]: without their `-wal` and `-shm`.
pub fn moved_databases(dir: &Path) -> Vec<String> {
    moved_aside(dir)
        .into_iter()
        .filter(|n| !n.ends_with("-wal") && !n.ends_with("-shm"))
        .collect()
}

/// Makes files and folders unwritable for this process, and writable again when dropped:
/// `chattr +i` (which binds root too), else permission bits.
#[cfg(unix)]
#[derive(Debug)]
pub struct Unwritable(Vec<(PathBuf, Option<u32>)>);

#[cfg(unix)]
impl Unwritable {
    /// Makes every one of `paths` unwritable; `None` when neither way bites here (root on a
    /// file system without `chattr`): the test then says it skipped.
    pub fn make(paths: &[&Path]) -> Option<Unwritable> {
        use std::os::unix::fs::PermissionsExt;
        let mut made = Unwritable(Vec::new());
        for &path in paths {
            let chattr = Command::new("chattr")
                .arg("+i")
                .arg(path)
                .output()
                .is_ok_and(|o| o.status.success());
            if chattr {
                made.0.push((path.to_owned(), None));
            } else {
                let mode = std::fs::metadata(path).ok()?.permissions().mode();
                let ro = if path.is_dir() { 0o555 } else { 0o444 };
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(ro)).ok()?;
                made.0.push((path.to_owned(), Some(mode)));
            }
        }
        let bites = paths.iter().all(|p| {
            if p.is_dir() {
                std::fs::write(p.join("probe"), b"").is_err()
            } else {
                std::fs::OpenOptions::new().append(true).open(p).is_err()
            }
        });
        bites.then_some(made)
    }
}

#[cfg(unix)]
impl Drop for Unwritable {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        for (path, mode) in self.0.drain(..).rev() {
            match mode {
                None => {
                    let _ = Command::new("chattr").arg("-i").arg(&path).status();
                }
                Some(mode) => {
                    let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode));
                }
            }
        }
    }
}

/// A small file system (tmpfs) mounted on a folder until dropped: a disk that fills up.
#[derive(Debug)]
pub struct SmallDisk(PathBuf);

impl SmallDisk {
    /// Mounts `bytes` of tmpfs on `dir`; `None` where this process may not mount (not root).
    pub fn mount(dir: &Path, bytes: u64) -> Option<SmallDisk> {
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(dir)
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| SmallDisk(dir.to_owned()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Caps the size of the database at a path, as a full disk would: every SQLite connection
/// this process opens to it gets `PRAGMA max_page_count` (through an auto-extension, the
/// only hook on connections the store opens itself).
pub mod size_cap {
    use std::ffi::{c_char, c_int};
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, Once};

    use rusqlite::auto_extension::{init_auto_extension, register_auto_extension};
    use rusqlite::{ffi, Connection};

    static CAPS: Mutex<Vec<(PathBuf, i64)>> = Mutex::new(Vec::new());
    static REGISTER: Once = Once::new();

    fn apply(conn: Connection) -> rusqlite::Result<()> {
        let Some(path) = conn.path().map(Path::new) else {
            return Ok(());
        };
        let pages = CAPS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, pages)| *pages);
        if let Some(pages) = pages {
            conn.pragma_update(None, "max_page_count", pages)?;
        }
        Ok(())
    }

    // SQLite's C API calls this for every new connection; the wrapper only hands it to
    // `apply` as a borrowed connection (rusqlite's documented bridge).
    #[allow(unsafe_code)]
    unsafe extern "C" fn hook(
        db: *mut ffi::sqlite3,
        err: *mut *mut c_char,
        _api: *const ffi::sqlite3_api_routines,
    ) -> c_int {
        // SAFETY: `db` is the connection SQLite is opening; `apply` neither opens nor closes
        // a database and does not touch the list of auto-extensions.
        unsafe { init_auto_extension(db, err, apply) }
    }

    /// Caps the database at `path` to `pages` pages for connections opened from now on.
    pub fn set(path: &Path, pages: i64) {
        REGISTER.call_once(|| {
            // SAFETY: `hook` is a valid auto-extension entry point (see above).
            #[allow(unsafe_code)]
            unsafe { register_auto_extension(hook) }.expect("register");
        });
        let path = path.canonicalize().expect("canonical path");
        CAPS.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path, pages));
    }

    /// Lifts every cap.
    pub fn clear() {
        CAPS.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// Python 3 (the test command needs it anyway) with its `sqlite3` module, the database path
/// as `sys.argv[1]`: a real other process with its own SQLite. Add the script as one more
/// argument.
fn python(path: &Path) -> Command {
    let mut command = Command::new("python3");
    command.arg("-c");
    command.arg("import sqlite3, sys; exec(sys.argv[2])");
    command.arg(path);
    command
}

/// Runs SQL on the database from another process.
pub fn sql_from_another_process(path: &Path, script: &str) {
    let out = python(path)
        .arg(format!(
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\nc.executescript({script:?})\nc.close()"
        ))
        .output()
        .expect("python3 with its sqlite3 module is needed for this test");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Another process holding the database's write lock (`BEGIN EXCLUSIVE`, a change made and
/// not committed) until dropped; then it rolls back.
#[derive(Debug)]
pub struct LockHolder(Child);

impl LockHolder {
    /// Starts the other process and returns once it holds the lock.
    pub fn hold(path: &Path) -> LockHolder {
        let mut child = python(path)
            .arg(
                "c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=0)\n\
                 c.execute('BEGIN EXCLUSIVE')\n\
                 c.execute(\"UPDATE meta SET value = value + 1 WHERE key = 'lists_gen'\")\n\
                 print('locked', flush=True)\n\
                 sys.stdin.read()\n\
                 c.execute('ROLLBACK')\n",
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with its sqlite3 module is needed for this test");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().expect("stdout"))
            .read_line(&mut line)
            .expect("read");
        assert_eq!(line.trim(), "locked");
        LockHolder(child)
    }
}

impl Drop for LockHolder {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.wait();
    }
}
