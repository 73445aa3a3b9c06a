//! The person's screening settings: a pause of protection, and a policy preset per phone line.
//!
//! **A pause** lets every call ring for a while (the person waits for the hospital's call from
//! a number they do not know) and ends by itself: it is a start and an end, never a switch
//! left off. It lasts at most [`MAX_PAUSE`] (24 hours), so nobody who set the phone up comes
//! back to a phone that stopped screening days ago. A pause whose end lies further ahead than
//! that from now (the clock was set back, or the file was edited) is not in force: the error
//! falls on the side of protection.
//!
//! **Line presets** name the policy preset for calls that come in on one line (a SIM or a
//! calling account, by the opaque id the phone gives it): a dual-SIM phone can screen its work
//! SIM under `minimal` and its private SIM under `elderly`. The store keeps names; which names
//! are presets is the policy's business (the CLI and the bindings check a name against
//! `Policy::preset_names` before they store it; screening ignores a name that is no preset).
//!
//! Both live in the `protection_pause` and `line_policies` tables (schema version 3) and in the
//! reader's in-memory view, so screening reads them without SQLite.

use std::collections::HashMap;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use super::{bump, lock, Need, Part, Store, StoreError};
use crate::store::text::{check_text, TextKind};
use crate::store::time::{format_time, UnixTime};

/// The longest pause of protection: 24 hours.
pub const MAX_PAUSE: Duration = Duration::from_secs(24 * 3600);

/// Protection paused from `started_at` until `until` (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProtectionPause {
    /// When the pause was started.
    pub started_at: UnixTime,
    /// When it ends by itself.
    pub until: UnixTime,
}

impl ProtectionPause {
    /// Whether the pause is in force at `now`: before its end, and its end no further ahead
    /// than [`MAX_PAUSE`].
    pub fn in_force_at(&self, now: UnixTime) -> bool {
        now < self.until && self.until - now <= MAX_PAUSE.as_secs() as i64
    }

    /// How long the pause still lasts at `now` (zero once it ended).
    pub fn remaining_at(&self, now: UnixTime) -> Duration {
        Duration::from_secs(u64::try_from(self.until - now).unwrap_or(0))
    }
}

/// The policy preset of one phone line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinePreset {
    /// The line's id, as the phone names it.
    pub line: String,
    /// The preset's name.
    pub preset: String,
    /// When it was set.
    pub set_at: UnixTime,
}

/// The settings as the reader keeps them in memory.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    pub pause: Option<ProtectionPause>,
    pub lines: HashMap<String, String>,
}

pub(crate) fn load_settings(conn: &Connection) -> rusqlite::Result<Settings> {
    let pause = conn
        .query_row(
            "SELECT started_at, until FROM protection_pause WHERE id = 1",
            [],
            |r| {
                Ok(ProtectionPause {
                    started_at: r.get(0)?,
                    until: r.get(1)?,
                })
            },
        )
        .optional()?;
    let mut stmt = conn.prepare("SELECT line, preset FROM line_policies")?;
    let lines = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Settings { pause, lines })
}

fn refuse(what: &'static str, text: impl Into<String>, reason: impl Into<String>) -> StoreError {
    StoreError::InvalidText {
        what,
        text: text.into(),
        reason: reason.into(),
    }
}

impl Store {
    /// Pauses protection from `now` until `until` (Unix seconds), replacing any pause: every
    /// call rings meanwhile (screening still warns) except emergency numbers, which ring
    /// anyway, and the user's block list, which still blocks. `until` must be after `now` and
    /// at most [`MAX_PAUSE`] later; otherwise nothing changes.
    pub fn pause_protection(
        &self,
        now: UnixTime,
        until: UnixTime,
    ) -> Result<ProtectionPause, StoreError> {
        let shown = || format_time(until);
        if until <= now {
            return Err(refuse("pause end", shown(), "a pause ends after it starts"));
        }
        if until - now > MAX_PAUSE.as_secs() as i64 {
            return Err(refuse(
                "pause end",
                shown(),
                format!(
                    "a pause lasts at most {} hours, so protection never stays off unnoticed",
                    MAX_PAUSE.as_secs() / 3600
                ),
            ));
        }
        let pause = ProtectionPause {
            started_at: now,
            until,
        };
        self.write_settings("pausing protection", |tx| {
            tx.execute(
                "INSERT INTO protection_pause (id, started_at, until) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at,
                                               until = excluded.until",
                params![now, until],
            )
            .map(drop)
        })?;
        Ok(pause)
    }

    /// Ends a pause of protection now (nothing happens if there is none).
    pub fn resume_protection(&self) -> Result<(), StoreError> {
        self.write_settings("resuming protection", |tx| {
            tx.execute("DELETE FROM protection_pause", []).map(drop)
        })
    }

    /// The pause in force at `now`, if any.
    pub fn protection_pause(&self, now: UnixTime) -> Result<Option<ProtectionPause>, StoreError> {
        let reader = self.view(Need::SETTINGS)?;
        Ok(reader.settings.pause.filter(|p| p.in_force_at(now)))
    }

    /// Sets the policy preset for calls on `line` (an id as the phone names the line: one line
    /// of text, at most 100 characters). The name is stored as given: the caller checks it is
    /// a preset.
    pub fn set_line_preset(
        &self,
        line: &str,
        preset: &str,
        now: UnixTime,
    ) -> Result<(), StoreError> {
        check_line(line)?;
        check_text(TextKind::PresetName, preset)?;
        if preset.trim().is_empty() {
            return Err(refuse("preset", preset, "a preset has a name"));
        }
        self.write_settings("setting a line's preset", |tx| {
            tx.execute(
                "INSERT INTO line_policies (line, preset, set_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (line) DO UPDATE SET preset = excluded.preset,
                                                 set_at = excluded.set_at",
                params![line, preset, now],
            )
            .map(drop)
        })
    }

    /// Removes the preset of `line` (its calls are screened under the policy in use again);
    /// whether there was one.
    pub fn clear_line_preset(&self, line: &str) -> Result<bool, StoreError> {
        check_line(line)?;
        let mut removed = false;
        self.write_settings("clearing a line's preset", |tx| {
            removed = tx.execute("DELETE FROM line_policies WHERE line = ?1", [line])? > 0;
            Ok(())
        })?;
        Ok(removed)
    }

    /// Every line's preset, by line id.
    pub fn line_presets(&self) -> Result<Vec<LinePreset>, StoreError> {
        let reader = self.reader_conn();
        let mut stmt = reader
            .conn
            .prepare("SELECT line, preset, set_at FROM line_policies ORDER BY line")
            .map_err(self.err("listing the lines' presets"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(LinePreset {
                    line: r.get(0)?,
                    preset: r.get(1)?,
                    set_at: r.get(2)?,
                })
            })
            .map_err(self.err("listing the lines' presets"))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(self.err("listing the lines' presets"))
    }

    /// The preset set for `line`, if any (from memory).
    pub fn line_preset(&self, line: &str) -> Result<Option<String>, StoreError> {
        Ok(self.screening_settings(Some(line), 0)?.1)
    }

    /// What screening a call on `line` at `now` obeys, in one read from memory: the pause in
    /// force, if any, and the line's preset, if it has one.
    pub fn screening_settings(
        &self,
        line: Option<&str>,
        now: UnixTime,
    ) -> Result<(Option<ProtectionPause>, Option<String>), StoreError> {
        let reader = self.view(Need::SETTINGS)?;
        let settings = &reader.settings;
        Ok((
            settings.pause.filter(|p| p.in_force_at(now)),
            line.and_then(|l| settings.lines.get(l).cloned()),
        ))
    }

    /// Runs `change` and bumps the settings' counter in one transaction, then brings this
    /// store's view of the settings up to date.
    fn write_settings(
        &self,
        context: &'static str,
        change: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<()>,
    ) -> Result<(), StoreError> {
        let (gen, settings) = self.write_quietly(context, |tx| {
            change(tx).map_err(self.err(context))?;
            let gen = bump(tx, "settings_gen").map_err(self.err(context))?;
            Ok((gen, load_settings(tx).map_err(self.err(context))?))
        })?;
        let mut reader = lock(&self.reader);
        if reader.own_write(Part::Settings, gen) {
            reader.settings = settings;
        } else {
            // The view was behind (another process wrote): load it afresh on the next read.
            reader.settings_gen = None;
        }
        Ok(())
    }
}

fn check_line(line: &str) -> Result<(), StoreError> {
    check_text(TextKind::LineId, line)?;
    if line.trim().is_empty() {
        return Err(refuse("line id", line, "a line has an id"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreOptions;

    const NOW: UnixTime = 1_767_225_600; // 2026-01-01T00:00:00Z

    #[test]
    fn a_pause_is_kept_across_opens_and_ends_by_itself() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("db");
        let store = Store::open(&path, callguard_number::Region::JP).expect("open");
        assert_eq!(store.protection_pause(NOW).expect("pause"), None);
        let pause = store.pause_protection(NOW, NOW + 3600).expect("pause");
        assert_eq!(store.protection_pause(NOW).expect("pause"), Some(pause));
        drop(store);
        // Another process (a read-only one: the screening extension) sees it too.
        let reader = Store::open_with(
            &path,
            StoreOptions {
                read_only: true,
                ..StoreOptions::default()
            },
        )
        .expect("reopen");
        assert_eq!(
            reader.protection_pause(NOW + 10).expect("pause"),
            Some(pause)
        );
        assert_eq!(reader.protection_pause(NOW + 3600).expect("pause"), None);
        assert!(reader.pause_protection(NOW, NOW + 60).is_err(), "read-only");
    }

    #[test]
    fn a_pause_is_bounded_and_resumable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path().join("db"), callguard_number::Region::JP).expect("open");
        for bad in [NOW, NOW - 1, NOW + 24 * 3600 + 1] {
            let err = store.pause_protection(NOW, bad).expect_err("bad end");
            assert!(err.is_bad_input(), "{err}");
            assert_eq!(
                store.protection_pause(NOW).expect("pause"),
                None,
                "nothing changed"
            );
        }
        store
            .pause_protection(NOW, NOW + 24 * 3600)
            .expect("a day at most");
        // A new pause replaces the old one.
        store.pause_protection(NOW, NOW + 60).expect("shorter");
        assert_eq!(
            store.protection_pause(NOW).expect("pause").map(|p| p.until),
            Some(NOW + 60)
        );
        store.resume_protection().expect("resume");
        assert_eq!(store.protection_pause(NOW).expect("pause"), None);
        store
            .resume_protection()
            .expect("resuming twice is no fault");
    }

    #[test]
    fn line_presets_are_set_listed_and_cleared() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path().join("db"), callguard_number::Region::JP).expect("open");
        store
            .set_line_preset("sim-work", "minimal", NOW)
            .expect("set");
        store
            .set_line_preset("sim-home", "balanced", NOW)
            .expect("set");
        store
            .set_line_preset("sim-home", "elderly", NOW + 1)
            .expect("replace");
        assert_eq!(
            store.line_preset("sim-home").expect("preset").as_deref(),
            Some("elderly")
        );
        let all = store.line_presets().expect("list");
        let names: Vec<(&str, &str)> = all
            .iter()
            .map(|l| (l.line.as_str(), l.preset.as_str()))
            .collect();
        assert_eq!(names, [("sim-home", "elderly"), ("sim-work", "minimal")]);
        assert!(store.clear_line_preset("sim-home").expect("clear"));
        assert!(!store.clear_line_preset("sim-home").expect("clear again"));
        assert_eq!(store.line_preset("sim-home").expect("preset"), None);
        for (line, preset) in [("", "minimal"), ("a\nb", "minimal"), ("sim", "")] {
            let err = store.set_line_preset(line, preset, NOW).expect_err(line);
            assert!(err.is_bad_input(), "{err}");
        }
    }
}
