//! Writing output files safely: every file callguard writes for people or other programs (an
//! export, a locked policy, a dataset) is written whole or not at all, and never through a
//! symbolic link someone planted where it goes.
//!
//! - [`AtomicFile`]: a new file beside the target, created exclusively (`O_CREAT | O_EXCL`:
//!   it never opens an existing file or follows a link), synced, then renamed over the target.
//!   A failure (a full disk) or a drop before [`AtomicFile::commit`] removes it: the target is
//!   as it was, and no temporary file is left behind.
//! - [`TempDir`]: a new folder for several such files, removed with whatever is in it unless
//!   its files were all moved into place.
//! - [`check_target`]: a target that is a symbolic link (or a folder) is refused, not followed
//!   or replaced.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A name no other writer (another thread or process) picks at the same time.
fn unique_name(base: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        ".{base}.tmp-{}-{}-{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Refuses to write `target` if it is a symbolic link or a folder: a link planted where an
/// output goes must not redirect the write, nor be silently replaced.
pub fn check_target(target: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(target) {
        Ok(meta) if meta.file_type().is_symlink() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is a symbolic link: callguard does not write through links (remove it)",
                target.display()
            ),
        )),
        Ok(meta) if meta.is_dir() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is a folder, not a file", target.display()),
        )),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Creates `path` as a new file: fails if anything (a file, a link) is already there.
fn create_new(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

/// A file written beside its target and renamed over it once complete (see the module docs).
#[derive(Debug)]
pub struct AtomicFile {
    file: Option<File>,
    tmp: PathBuf,
    target: PathBuf,
}

impl AtomicFile {
    /// Starts writing `target`: checks it is not a link or a folder and creates a new
    /// temporary file beside it.
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        check_target(target)?;
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("output");
        let dir = target
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = dir.join(unique_name(name));
        let file = create_new(&tmp)?;
        Ok(AtomicFile {
            file: Some(file),
            tmp,
            target: target.to_owned(),
        })
    }

    /// The file being written.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Syncs the file and renames it over the target (checked again: a link planted meanwhile
    /// is refused). On failure the temporary file is removed and the target is unchanged.
    pub fn commit(mut self) -> io::Result<()> {
        let result = (|| {
            let file = self
                .file
                .take()
                .ok_or_else(|| io::Error::other("already committed"))?;
            file.sync_all()?;
            drop(file);
            check_target(&self.target)?;
            std::fs::rename(&self.tmp, &self.target)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        // Renamed (or removed): nothing for `drop` to clean.
        self.tmp = PathBuf::new();
        result
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(file) => file.write(buf),
            None => Err(io::Error::other("already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if !self.tmp.as_os_str().is_empty() {
            self.file.take();
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// A new folder inside `parent` for files to be moved into `parent` once all are complete;
/// removed, with its contents, when dropped.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates a new, empty folder in `parent` (which must exist).
    pub fn new_in(parent: &Path, base: &str) -> io::Result<TempDir> {
        let path = parent.join(unique_name(base));
        std::fs::create_dir(&path)?;
        Ok(TempDir { path })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Creates a new file `name` in the folder.
    pub fn create(&self, name: &str) -> io::Result<File> {
        create_new(&self.path.join(name))
    }

    /// Moves the files `names` from this folder to `dest`, in order, each replacing its target
    /// atomically. Every target is checked first (no link, no folder), so a refusal moves
    /// nothing.
    pub fn move_into(&self, dest: &Path, names: &[&str]) -> io::Result<()> {
        for name in names {
            check_target(&dest.join(name))?;
        }
        for name in names {
            std::fs::rename(self.path.join(name), dest.join(name))?;
        }
        Ok(())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_file_is_replaced_whole_or_not_at_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.json");
        std::fs::write(&target, "old").expect("old");
        let mut file = AtomicFile::create(&target).expect("create");
        file.write_all(b"half").expect("write");
        drop(file);
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "old");
        assert_eq!(names(dir.path()), ["out.json"]);
        let mut file = AtomicFile::create(&target).expect("create");
        file.write_all(b"new").expect("write");
        file.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "new");
        assert_eq!(names(dir.path()), ["out.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_refused_not_followed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").expect("victim");
        let link = dir.path().join("out.json");
        std::os::unix::fs::symlink(&victim, &link).expect("link");
        let err = AtomicFile::create(&link).expect_err("link");
        assert!(err.to_string().contains("symbolic link"), "{err}");
        // Planted between the start and the commit: refused too.
        let target = dir.path().join("late.json");
        let mut file = AtomicFile::create(&target).expect("create");
        file.write_all(b"x").expect("write");
        std::os::unix::fs::symlink(&victim, &target).expect("late link");
        assert!(file.commit().is_err());
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "keep");
        assert_eq!(names(dir.path()), ["late.json", "out.json", "victim"]);
    }
}
