//! The policy in use, and the caregiver's lock on it.

use std::sync::{Arc, PoisonError};

use callguard_core as core;
use callguard_core::store;
use callguard_core::{Policy, Screener};

use crate::{parse_policy, CallGuard, CallGuardError};

#[uniffi::export]
impl CallGuard {
    /// The name of the policy in use.
    pub fn policy_name(&self) -> String {
        self.screener().policy().name.clone()
    }

    /// The policy in use as JSON (to show, edit or keep).
    pub fn policy_json(&self) -> String {
        self.screener().policy().to_json()
    }

    /// Whether a caregiver locked the policy in use.
    pub fn policy_locked(&self) -> bool {
        self.screener().policy().is_locked()
    }

    /// Whether a change to the policy is allowed with `pin`: always when it is not locked,
    /// only with the right PIN when it is. With a database, a PIN given counts as an attempt
    /// (see `set_policy`): a wrong one adds to the wait.
    pub fn policy_change_allowed(&self, pin: Option<String>) -> bool {
        let policy = self.screener().policy().clone();
        self.pin_opens(&policy, pin.as_deref()).is_ok()
    }

    /// Replaces the policy (a preset name or JSON). A locked policy needs its PIN, else this
    /// fails with `Locked` and nothing changes. With a database, wrong PINs are counted there:
    /// after three in a row each attempt must wait (30 s, doubling, at most an hour) and is
    /// refused meanwhile, whatever the PIN; a right PIN clears the count. If the database
    /// cannot keep the count (unavailable, read-only), a locked policy cannot be changed until
    /// it is repaired.
    #[uniffi::method(default(pin = None))]
    pub fn set_policy(&self, policy: String, pin: Option<String>) -> Result<(), CallGuardError> {
        let new_policy = parse_policy(&policy)?;
        let _serial = self
            .policy_change
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let current = self.screener();
        self.pin_opens(current.policy(), pin.as_deref())?;
        self.set_screener(Screener::clone(&current).with_policy(new_policy));
        Ok(())
    }

    /// The policy in use, locked with `pin` (4 to 64 characters, not one of the weakest such as
    /// `0000`, `1234` or a year), as JSON to keep; it is also put in use. Locking a locked
    /// policy needs its current PIN as `current_pin`, counted as `set_policy` counts it.
    #[uniffi::method(default(current_pin = None))]
    pub fn lock_policy(
        &self,
        pin: String,
        current_pin: Option<String>,
    ) -> Result<String, CallGuardError> {
        let _serial = self
            .policy_change
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let current = self.screener();
        if let Some(why) = core::risk::pin_weakness(&pin) {
            return Err(CallGuardError::invalid(format!(
                "this PIN cannot lock a policy: {why}; choose another"
            )));
        }
        self.pin_opens(current.policy(), current_pin.as_deref())?;
        let locked = current
            .policy()
            .locked_with(&pin, current_pin.as_deref())
            .map_err(|e| match e {
                core::risk::PolicyError::Locked(_) => CallGuardError::Locked {
                    reason: e.to_string(),
                },
                _ => CallGuardError::invalid(e.to_string()),
            })?;
        let json = locked.to_json();
        self.set_screener(Screener::clone(&current).with_policy(Arc::new(locked)));
        Ok(json)
    }
}

impl CallGuard {
    /// Whether `pin` opens `policy`: `Ok` for an unlocked policy; for a locked one the PIN is
    /// counted in the database, if there is one (`Store::pin_attempt`), before it is checked.
    pub(crate) fn pin_opens(
        &self,
        policy: &Policy,
        pin: Option<&str>,
    ) -> Result<(), CallGuardError> {
        if !policy.is_locked() {
            return Ok(());
        }
        let locked = |why: String| CallGuardError::Locked {
            reason: format!("policy {:?} is locked: {why}", policy.name),
        };
        let Some(pin) = pin else {
            return Err(locked("a PIN is needed".into()));
        };
        if self.db_path.is_none() {
            // Nowhere to count attempts: the PIN's hash is all there is.
            return if policy.change_allowed(Some(pin)) {
                Ok(())
            } else {
                Err(locked("the PIN given does not unlock it".into()))
            };
        }
        let doing = "checking the caregiver's PIN";
        let attempt = self
            .store_for(doing)
            .map_err(|e| e.to_string())
            .and_then(|store| {
                store
                    .pin_attempt(store::now(), || policy.change_allowed(Some(pin)))
                    .map_err(|e| e.to_string())
            });
        match attempt {
            Ok(store::PinAttempt::Accepted) => Ok(()),
            Ok(store::PinAttempt::Refused { failures, wait }) => Err(locked(format!(
                "the PIN given does not unlock it ({failures} wrong in a row{})",
                if wait.is_zero() {
                    String::new()
                } else {
                    format!("; the next attempt must wait {} s", wait.as_secs())
                }
            ))),
            Ok(store::PinAttempt::Throttled { wait }) => Err(locked(format!(
                "too many wrong PINs: try again in {} s",
                wait.as_secs().max(1)
            ))),
            Err(error) => Err(locked(format!(
                "wrong PINs cannot be counted, so none is checked ({error}); recover() repairs \
                 the database"
            ))),
        }
    }
}
