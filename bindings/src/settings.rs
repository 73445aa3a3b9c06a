//! The person's screening settings: a pause of protection (allowed whatever the caregiver's
//! lock: it protects the policy, and a pause ends by itself), a policy preset per phone line
//! (a change of policy: a locked policy needs its PIN), and the presets described for people.

use callguard_core as core;
use callguard_core::risk::PresetTexts;
use callguard_core::store;
use callguard_core::{Lang, Policy};

use crate::error::Doing;
use crate::{CallGuard, CallGuardError};

/// A preset as people read it, in one language.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PresetInfo {
    /// The preset's name, as `CallGuard` and `setPolicy` take it (`balanced`).
    pub name: String,
    /// Its name for people ("Standard (recommended)", "標準(おすすめ)").
    pub title: String,
    /// What it does, in a sentence or two.
    pub description: String,
}

/// The policy preset of one phone line.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LinePreset {
    /// The line's id, as the phone names it (Android's `PhoneAccountHandle.getId()`).
    pub line: String,
    /// The preset's name.
    pub preset: String,
    /// When it was set (Unix seconds).
    pub set_at: i64,
}

/// Every preset, in the order of `policyPresets()`, named and described in `lang`: what a
/// settings screen shows.
#[uniffi::export]
pub fn policy_preset_info(lang: Lang) -> Vec<PresetInfo> {
    let texts = PresetTexts::embedded();
    Policy::preset_names()
        .filter_map(|name| {
            let text = texts.get(name)?;
            Some(PresetInfo {
                name: name.to_owned(),
                title: text.title.get(lang).to_owned(),
                description: text.description.get(lang).to_owned(),
            })
        })
        .collect()
}

/// The longest pause of protection, in seconds (24 hours).
#[uniffi::export]
pub fn max_pause_seconds() -> i64 {
    store::MAX_PAUSE.as_secs() as i64
}

#[uniffi::export]
impl CallGuard {
    /// Pauses protection until `until` (Unix seconds; "for an hour" or "until 7 tomorrow
    /// morning", as the app computes it in the phone's time zone), at most 24 hours from now:
    /// every call rings meanwhile, with a warning where screening finds one, except that the
    /// block list still blocks; emergency numbers ring as always. No PIN is needed, even when
    /// a caregiver locked the policy. A new pause replaces the old one. Throws `InvalidInput`
    /// for an end not after now or more than 24 hours away, `Database` without a database.
    pub fn pause_protection(&self, until: i64) -> Result<i64, CallGuardError> {
        let doing = "pausing protection";
        let pause = self
            .store_for(doing)?
            .pause_protection(store::now(), until)
            .doing(doing)?;
        Ok(pause.until)
    }

    /// Ends a pause of protection now (nothing happens if there is none).
    pub fn resume_protection(&self) -> Result<(), CallGuardError> {
        let doing = "resuming protection";
        self.store_for(doing)?.resume_protection().doing(doing)
    }

    /// When the pause in force ends (Unix seconds), or none if protection is on.
    pub fn protection_paused_until(&self) -> Result<Option<i64>, CallGuardError> {
        let doing = "reading the pause";
        let pause = self
            .store_for(doing)?
            .protection_pause(store::now())
            .doing(doing)?;
        Ok(pause.map(|p| p.until))
    }

    /// Screens calls on `line` (a SIM or calling account, by the id the phone gives it) under
    /// the preset `preset` instead of the policy in use. A change of policy: if a caregiver
    /// locked the policy in use, `pin` must open it (counted as `setPolicy` counts it).
    #[uniffi::method(default(pin = None))]
    pub fn set_line_preset(
        &self,
        line: String,
        preset: String,
        pin: Option<String>,
    ) -> Result<(), CallGuardError> {
        if Policy::preset(&preset).is_none() {
            let names: Vec<&str> = Policy::preset_names().collect();
            return Err(CallGuardError::invalid(format!(
                "unknown preset {preset:?} for line {line:?}: expected one of {}",
                names.join(", ")
            )));
        }
        self.line_change_allowed(pin.as_deref())?;
        let doing = "setting a line's preset";
        self.store_for(doing)?
            .set_line_preset(&line, &preset, store::now())
            .doing(doing)
    }

    /// Screens calls on `line` under the policy in use again; whether it had a preset. Needs
    /// the PIN of a locked policy, as `setLinePreset` does.
    #[uniffi::method(default(pin = None))]
    pub fn clear_line_preset(
        &self,
        line: String,
        pin: Option<String>,
    ) -> Result<bool, CallGuardError> {
        self.line_change_allowed(pin.as_deref())?;
        let doing = "clearing a line's preset";
        self.store_for(doing)?.clear_line_preset(&line).doing(doing)
    }

    /// Every line's preset.
    pub fn line_presets(&self) -> Result<Vec<LinePreset>, CallGuardError> {
        let doing = "listing the lines' presets";
        let lines = self.store_for(doing)?.line_presets().doing(doing)?;
        Ok(lines
            .into_iter()
            .map(|l: store::LinePreset| LinePreset {
                line: l.line,
                preset: l.preset,
                set_at: l.set_at,
            })
            .collect())
    }
}

impl CallGuard {
    /// Whether the lines' presets may be changed with `pin`: as the policy in use may be.
    fn line_change_allowed(&self, pin: Option<&str>) -> Result<(), CallGuardError> {
        let policy: std::sync::Arc<core::Policy> = self.screener().policy().clone();
        self.pin_opens(&policy, pin)
    }
}
