//! Counting wrong PINs: the caregiver's lock ([`crate::Policy`]) can be guessed only as fast as
//! this lets it.
//!
//! Every PIN check through [`Store::pin_attempt`] is counted in the database before the PIN is
//! checked (a process killed mid-check has still spent its attempt), and a right PIN clears the
//! count. After [`PIN_FREE_ATTEMPTS`] wrong PINs in a row each further attempt waits: 30 s,
//! then twice as long after every wrong PIN, at most an hour — the 10,000 four-digit PINs then
//! take over a year. Attempts made while waiting are refused without looking at the PIN. The
//! count lives in `meta` (`pin_failures`, `pin_last_failure`) and survives a restart and a
//! recovery; a policy checked without a database (a file on its own) cannot be counted.

use std::time::Duration;

use rusqlite::{params, OptionalExtension, Transaction};

use crate::store::time::UnixTime;
use crate::store::{Store, StoreError};

/// Wrong PINs in a row allowed before attempts must wait.
pub const PIN_FREE_ATTEMPTS: u32 = 3;
/// The first wait, doubled after every further wrong PIN ...
const FIRST_WAIT_SECS: u64 = 30;
/// ... up to this.
const MAX_WAIT_SECS: u64 = 3600;

/// What became of one PIN attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinAttempt {
    /// The PIN was right: the count of wrong ones is cleared.
    Accepted,
    /// The PIN was wrong; the next attempt must wait `wait` (zero while attempts are free).
    Refused {
        /// Wrong PINs in a row, this one included.
        failures: u32,
        /// How long the next attempt must wait.
        wait: Duration,
    },
    /// Too many wrong PINs: this attempt was refused without looking at the PIN.
    Throttled {
        /// How long until the next attempt is looked at.
        wait: Duration,
    },
}

/// How long the attempt after `failures` wrong PINs in a row must wait.
pub fn pin_wait(failures: u32) -> Duration {
    if failures < PIN_FREE_ATTEMPTS {
        return Duration::ZERO;
    }
    let doublings = (failures - PIN_FREE_ATTEMPTS).min(20);
    Duration::from_secs((FIRST_WAIT_SECS << doublings).min(MAX_WAIT_SECS))
}

fn read(tx: &Transaction<'_>, key: &str) -> rusqlite::Result<i64> {
    Ok(tx
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}

fn set(tx: &Transaction<'_>, key: &str, value: i64) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )
    .map(drop)
}

impl Store {
    /// Counts one PIN attempt at time `now` and runs `check` (which says whether the PIN is
    /// right) unless attempts must wait (see the module docs). Fails only if the count cannot
    /// be kept (a read-only or unavailable database): then the PIN is not checked at all.
    pub fn pin_attempt(
        &self,
        now: UnixTime,
        check: impl FnOnce() -> bool,
    ) -> Result<PinAttempt, StoreError> {
        let context = "counting a PIN attempt";
        let counted = self.write_quietly(context, |tx| {
            let e = || self.err(context);
            let failures = u32::try_from(read(tx, "pin_failures").map_err(e())?).unwrap_or(0);
            let last = read(tx, "pin_last_failure").map_err(e())?;
            let wait = pin_wait(failures).as_secs() as i64;
            // A clock set back makes the wait longer, never shorter.
            let ready_at = last.saturating_add(wait);
            if wait > 0 && now < ready_at {
                return Ok(Err(Duration::from_secs(
                    u64::try_from(ready_at - now).unwrap_or(0),
                )));
            }
            set(tx, "pin_failures", i64::from(failures.saturating_add(1))).map_err(e())?;
            set(tx, "pin_last_failure", now).map_err(e())?;
            Ok(Ok(failures.saturating_add(1)))
        })?;
        let failures = match counted {
            Err(wait) => return Ok(PinAttempt::Throttled { wait }),
            Ok(failures) => failures,
        };
        if !check() {
            return Ok(PinAttempt::Refused {
                failures,
                wait: pin_wait(failures),
            });
        }
        self.write_quietly(context, |tx| {
            set(tx, "pin_failures", 0).map_err(self.err(context))
        })?;
        Ok(PinAttempt::Accepted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Region;

    #[test]
    fn wrong_pins_are_counted_and_slowed_down() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("db");
        let store = Store::open(&path, Region::JP).expect("open");
        let t = 1_700_000_000;
        for n in 1..=PIN_FREE_ATTEMPTS {
            let attempt = store.pin_attempt(t, || false).expect("attempt");
            assert_eq!(
                attempt,
                PinAttempt::Refused {
                    failures: n,
                    wait: pin_wait(n)
                }
            );
        }
        // Now even the right PIN waits, and is not looked at.
        let mut looked = false;
        let attempt = store
            .pin_attempt(t + 10, || {
                looked = true;
                true
            })
            .expect("attempt");
        assert_eq!(
            attempt,
            PinAttempt::Throttled {
                wait: Duration::from_secs(20)
            }
        );
        assert!(!looked);
        // The count survives reopening (another process, a restart).
        drop(store);
        let store = Store::open(&path, Region::JP).expect("reopen");
        assert!(matches!(
            store.pin_attempt(t + 29, || true),
            Ok(PinAttempt::Throttled { .. })
        ));
        assert_eq!(
            store.pin_attempt(t + 30, || false).expect("attempt"),
            PinAttempt::Refused {
                failures: 4,
                wait: Duration::from_secs(60)
            }
        );
        // A clock set back does not shorten the wait.
        assert!(matches!(
            store.pin_attempt(t - 86_400, || true),
            Ok(PinAttempt::Throttled { .. })
        ));
        assert_eq!(
            store.pin_attempt(t + 90, || true).expect("attempt"),
            PinAttempt::Accepted
        );
        assert_eq!(
            store.pin_attempt(t + 91, || false).expect("attempt"),
            PinAttempt::Refused {
                failures: 1,
                wait: Duration::ZERO
            }
        );
        assert_eq!(pin_wait(100), Duration::from_secs(3600));
    }
}
