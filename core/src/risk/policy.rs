//! Policies: how much each signal weighs, where the verdicts start, and the hard rules a
//! family or carrier sets (block calls from abroad, silence unknown numbers at night ...).
//!
//! A policy is versioned JSON. Three presets are embedded (`core/rules/policies/`):
//! `balanced` (the default), `elderly` (the police's advice for older people) and `minimal`
//! (lists and strong evidence only). A caregiver can lock a policy with a PIN: the policy then
//! carries a [`PolicyLock`], a salted PBKDF2 hash of the PIN bound to the policy's content, and
//! [`Policy::change_allowed`] says whether a change may be made.
//!
//! What the lock does and does not do (docs/SECURITY.md): it stops a change made through the
//! app or the command line without the PIN; a file whose thresholds or rules were edited, or
//! that carries a lock copied from another policy, is refused when it is read; the weakest PINs
//! are refused. Where a database is at hand, wrong PINs are counted and slowed down
//! (`Store::pin_attempt`). It cannot stop someone who can replace the file or the app, and a
//! four-digit PIN does not resist someone with the file and a computer.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::{ReasonCode, Verdict};
use crate::call::LocalTime;
use callguard_number::NumberKind;
use callguard_number::Presentation;
use callguard_text::RulePackError;

const FORMAT: u32 = 1;
/// PBKDF2-HMAC-SHA256 rounds for a new lock. A PIN has few digits, so the lock stops a change
/// on the phone, not an attacker who has the file; the rounds make each guess cost tens of
/// milliseconds, and the attempt counter (where there is a database) does the rest.
const LOCK_ROUNDS: u32 = 100_000;
/// The lock format this build writes and reads: 2 binds the PIN hash to the policy's content.
pub const LOCK_VERSION: u32 = 2;
/// Mixed into the PBKDF2 salt with the content's hash, so a lock means this format only.
const LOCK_DOMAIN: &[u8] = b"callguard-policy-lock/2";
/// Bounds on a lock's rounds read from a file: fewer is too weak, more would make checking a PIN
/// take minutes.
const MIN_LOCK_ROUNDS: u32 = 10_000;
const MAX_LOCK_ROUNDS: u32 = 10_000_000;

const PRESETS: [(&str, &str); 3] = [
    (
        "balanced",
        include_str!("../../rules/policies/balanced.json"),
    ),
    ("elderly", include_str!("../../rules/policies/elderly.json")),
    ("minimal", include_str!("../../rules/policies/minimal.json")),
];

/// Score thresholds: a score at or above one gives that verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Warn from this score.
    pub warn: u8,
    /// Silence from this score.
    pub silence: u8,
    /// Block from this score.
    pub block: u8,
}

impl Thresholds {
    /// The verdict a score gives.
    pub fn verdict(&self, score: u8) -> Verdict {
        if score >= self.block {
            Verdict::Block
        } else if score >= self.silence {
            Verdict::Silence
        } else if score >= self.warn {
            Verdict::Warn
        } else {
            Verdict::Allow
        }
    }

    /// The lowest score that gives `verdict`.
    pub fn floor(&self, verdict: Verdict) -> u8 {
        match verdict {
            Verdict::Allow => 0,
            Verdict::Warn => self.warn,
            Verdict::Silence => self.silence,
            Verdict::Block => self.block,
        }
    }
}

/// A rule that sets at least a verdict, whatever the score, for callers who are neither
/// contacts nor on the allow list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum HardRule {
    /// Calls from outside the home region.
    International {
        /// The verdict.
        verdict: Verdict,
    },
    /// Calls without a number, with one of these presentations.
    Hidden {
        /// Which presentations.
        presentations: Vec<Presentation>,
        /// The verdict.
        verdict: Verdict,
    },
    /// Numbers of these kinds.
    Kind {
        /// Which kinds (never emergency or special: those always ring).
        kinds: Vec<NumberKind>,
        /// The verdict.
        verdict: Verdict,
    },
    /// Calls between `from` and `to` local time (across midnight when `from` > `to`).
    QuietHours {
        /// When quiet hours start.
        from: LocalTime,
        /// When they end.
        to: LocalTime,
        /// The verdict.
        verdict: Verdict,
    },
}

impl HardRule {
    /// The verdict the rule sets.
    pub fn verdict(&self) -> Verdict {
        match self {
            HardRule::International { verdict }
            | HardRule::Hidden { verdict, .. }
            | HardRule::Kind { verdict, .. }
            | HardRule::QuietHours { verdict, .. } => *verdict,
        }
    }
}

/// A caregiver's lock: a salted PBKDF2-HMAC-SHA256 hash of a PIN, bound to the policy's
/// content.
///
/// `content` is the SHA-256 of the policy's canonical JSON without its lock (keys sorted), and
/// the hash is PBKDF2(PIN, salt ‖ "callguard-policy-lock/2" ‖ content). Reading a locked
/// policy checks `content` against the policy: a file edited after locking (thresholds raised,
/// hard rules removed) or given a lock copied from another policy is refused. Whoever rewrites
/// `content` to match an edit breaks the hash instead: no PIN opens that lock any more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyLock {
    /// The lock format: [`LOCK_VERSION`]. Locks of an older callguard (no version, not bound
    /// to the content) are refused.
    #[serde(default)]
    pub version: u32,
    /// The salt, base64.
    pub salt: String,
    /// The derived key, base64.
    pub hash: String,
    /// PBKDF2 rounds.
    pub rounds: u32,
    /// SHA-256 of the policy's content the lock was made for, hex.
    #[serde(default)]
    pub content: String,
}

impl PolicyLock {
    fn derive(pin: &str, salt: &[u8], content: &str, rounds: u32) -> [u8; 32] {
        let mut salted = Vec::with_capacity(salt.len() + LOCK_DOMAIN.len() + content.len());
        salted.extend_from_slice(salt);
        salted.extend_from_slice(LOCK_DOMAIN);
        salted.extend_from_slice(content.as_bytes());
        let mut key = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha2::Sha256>(pin.as_bytes(), &salted, rounds, &mut key);
        key
    }

    fn new(pin: &str, content: String) -> Result<PolicyLock, PolicyError> {
        let mut salt = [0u8; 16];
        getrandom::getrandom(&mut salt)
            .map_err(|e| PolicyError::Lock(format!("no randomness for the salt: {e}")))?;
        let b64 = base64::engine::general_purpose::STANDARD;
        Ok(PolicyLock {
            version: LOCK_VERSION,
            salt: b64.encode(salt),
            hash: b64.encode(PolicyLock::derive(pin, &salt, &content, LOCK_ROUNDS)),
            rounds: LOCK_ROUNDS,
            content,
        })
    }

    /// Whether `pin` opens this lock on a policy whose content hashes to `content`.
    fn accepts(&self, pin: &str, content: &str) -> bool {
        if self.version != LOCK_VERSION || self.content != content {
            return false;
        }
        let b64 = base64::engine::general_purpose::STANDARD;
        let (Ok(salt), Ok(hash)) = (b64.decode(&self.salt), b64.decode(&self.hash)) else {
            return false;
        };
        let derived = PolicyLock::derive(pin, &salt, content, self.rounds);
        // Constant-time comparison: the time taken says nothing about how close a guess was.
        hash.len() == derived.len()
            && hash
                .iter()
                .zip(derived.iter())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

/// Writes `value` as JSON with every object's keys sorted: one text for one content, whatever
/// the order of a map in memory.
fn canonical_json(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                canonical_json(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Why a PIN is too weak to lock with, if it is: fewer than 4 or more than 64 characters, one
/// character repeated (`0000`), a run up or down (`1234`, `9876`, `abcd`), two characters
/// alternating or paired (`1212`, `1122`), a year from 1900 to 2099 (birth years are guessed
/// first), or one of the most common PINs in published studies of chosen PINs.
pub fn pin_weakness(pin: &str) -> Option<&'static str> {
    let chars: Vec<char> = pin.chars().collect();
    let n = chars.len();
    if !(4..=64).contains(&n) {
        return Some("a PIN has 4 to 64 characters");
    }
    if chars.iter().all(|&c| c == chars[0]) {
        return Some("one character repeated is guessed first");
    }
    let steps: Vec<i64> = chars
        .windows(2)
        .map(|w| i64::from(u32::from(w[1])) - i64::from(u32::from(w[0])))
        .collect();
    if steps.iter().all(|&d| d == 1) || steps.iter().all(|&d| d == -1) {
        return Some("a run up or down (1234, 9876) is guessed first");
    }
    if n == 4 && chars[0] == chars[2] && chars[1] == chars[3] {
        return Some("two characters alternating (1212) are guessed first");
    }
    if n == 4 && chars[0] == chars[1] && chars[2] == chars[3] {
        return Some("two pairs (1122) are guessed first");
    }
    if n == 4 && chars.iter().all(char::is_ascii_digit) {
        if let Ok(year) = pin.parse::<u32>() {
            if (1900..=2099).contains(&year) {
                return Some("a year (a birth year) is guessed first");
            }
        }
    }
    // Among the most chosen four-digit PINs (with 1234, 1111, 0000, 1212, years ... above).
    const COMMON: [&str; 6] = ["1004", "2580", "0852", "1357", "7777", "6969"];
    if COMMON.contains(&pin) {
        return Some("one of the most common PINs");
    }
    None
}

/// A policy could not be changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The policy is locked and the PIN was missing or wrong.
    #[error("the policy {0:?} is locked by a caregiver: the PIN is missing or wrong")]
    Locked(String),
    /// A PIN that cannot be used.
    #[error("{0}")]
    Lock(String),
}

/// A policy, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The pack format.
    pub format: u32,
    /// The policy's name (a preset's name, or one a family or carrier chose).
    pub name: String,
    /// Its version.
    pub version: String,
    /// What it does, for people.
    pub description: String,
    /// Where the verdicts start.
    pub thresholds: Thresholds,
    /// Logged calls within the store's recent window that make a repeat caller.
    pub repeat_caller_min_calls: u32,
    /// The weight of each scored signal; a signal that is not listed weighs 0.
    pub weights: HashMap<ReasonCode, u8>,
    /// Rules that set a verdict whatever the score.
    #[serde(default)]
    pub hard_rules: Vec<HardRule>,
    /// A caregiver's lock, if any.
    #[serde(default)]
    pub lock: Option<PolicyLock>,
}

/// Codes that are decided by precedence or carry no weight of their own.
const UNWEIGHTED: [ReasonCode; 10] = [
    ReasonCode::EmergencyNumber,
    ReasonCode::SpecialService,
    ReasonCode::Contact,
    ReasonCode::AllowList,
    ReasonCode::BlockList,
    ReasonCode::PolicyRule,
    ReasonCode::ClaimMatches,
    ReasonCode::QuietHours,
    ReasonCode::VerificationPassed,
    ReasonCode::ScreeningUnavailable,
];

impl Policy {
    /// The names of the embedded presets.
    pub fn preset_names() -> impl Iterator<Item = &'static str> {
        PRESETS.iter().map(|(name, _)| *name)
    }

    /// An embedded preset by name, parsed once.
    pub fn preset(name: &str) -> Option<Arc<Policy>> {
        static PARSED: OnceLock<Vec<(&'static str, Arc<Policy>)>> = OnceLock::new();
        let parsed = PARSED.get_or_init(|| {
            PRESETS
                .iter()
                .map(|(name, json)| {
                    // Every preset is checked by a unit test, so this cannot fail in a release.
                    let policy = Policy::from_json(json)
                        .unwrap_or_else(|e| panic!("the embedded {name} policy is invalid: {e}"));
                    (*name, Arc::new(policy))
                })
                .collect()
        });
        parsed
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p.clone())
    }

    /// The default policy, `balanced`.
    pub fn default_policy() -> Arc<Policy> {
        Policy::preset("balanced").unwrap_or_else(|| unreachable!("balanced is embedded"))
    }

    /// Reads and checks a policy from JSON: known reason codes only, weights 0 to 100,
    /// rising thresholds, and no hard rule about emergency or special numbers.
    pub fn from_json(text: &str) -> Result<Policy, RulePackError> {
        let pack = "policy";
        let policy: Policy = callguard_text::pack::parse_json(pack, text)?;
        callguard_text::pack::check_format(pack, policy.format, FORMAT)?;
        let t = &policy.thresholds;
        // Strictly rising: with warn == silence a rule that only warns would silence.
        if !(0 < t.warn && t.warn < t.silence && t.silence < t.block && t.block <= 100) {
            return Err(RulePackError::new(
                pack,
                "thresholds",
                "need 0 < warn < silence < block <= 100",
            ));
        }
        if policy.repeat_caller_min_calls < 2 {
            return Err(RulePackError::new(
                pack,
                "repeat_caller_min_calls",
                "a repeat caller has called at least twice",
            ));
        }
        for (code, weight) in &policy.weights {
            let at = format!("weights.{}", code.as_str());
            if *weight > 100 {
                return Err(RulePackError::new(pack, at, "a weight is 0 to 100"));
            }
            if UNWEIGHTED.contains(code) {
                return Err(RulePackError::new(
                    pack,
                    at,
                    "decided by precedence, not by a weight",
                ));
            }
        }
        for (i, rule) in policy.hard_rules.iter().enumerate() {
            let at = || format!("hard_rules[{i}]");
            match rule {
                HardRule::Kind { kinds, .. } if kinds.iter().any(|k| k.is_protected()) => {
                    return Err(RulePackError::new(
                        pack,
                        at(),
                        "emergency and special service numbers always ring",
                    ));
                }
                HardRule::Kind { kinds, .. } if kinds.is_empty() => {
                    return Err(RulePackError::new(
                        pack,
                        at(),
                        "no kinds: the rule would never apply",
                    ));
                }
                HardRule::Hidden { presentations, .. } if presentations.is_empty() => {
                    return Err(RulePackError::new(
                        pack,
                        at(),
                        "no presentations: the rule would never apply",
                    ));
                }
                HardRule::QuietHours { from, to, .. } if from == to => {
                    return Err(RulePackError::new(
                        pack,
                        at(),
                        "quiet hours from and to the same time never apply",
                    ));
                }
                _ => {}
            }
            if rule.verdict() == Verdict::Allow {
                return Err(RulePackError::new(
                    pack,
                    format_args!("hard_rules[{i}]"),
                    "a hard rule warns, silences or blocks",
                ));
            }
        }
        if let Some(lock) = &policy.lock {
            if !(MIN_LOCK_ROUNDS..=MAX_LOCK_ROUNDS).contains(&lock.rounds) {
                return Err(RulePackError::new(
                    pack,
                    "lock.rounds",
                    format_args!("rounds must be {MIN_LOCK_ROUNDS} to {MAX_LOCK_ROUNDS}"),
                ));
            }
            if lock.version != LOCK_VERSION {
                return Err(RulePackError::new(
                    pack,
                    "lock",
                    "a lock of an older callguard, not bound to the policy's content: refused \
                     (lock the unlocked policy again)",
                ));
            }
            if lock.content != policy.content_digest() {
                return Err(RulePackError::new(
                    pack,
                    "lock",
                    "the policy was changed after it was locked, or the lock was made for \
                     another policy: refused",
                ));
            }
        }
        Ok(policy)
    }

    /// The policy as JSON, as [`Policy::from_json`] reads it.
    pub fn to_json(&self) -> String {
        // A `Policy` holds only strings, numbers and maps with string keys.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Whether a policy may give `code` a weight (codes decided by precedence, hard rules or
    /// carried for information may not).
    pub fn takes_weight(code: ReasonCode) -> bool {
        !UNWEIGHTED.contains(&code)
    }

    /// The weight of a scored signal.
    pub fn weight(&self, code: ReasonCode) -> u8 {
        self.weights.get(&code).copied().unwrap_or(0)
    }

    /// What reports add to a number's score: the policy's weight for `reported` (scam or fraud;
    /// never less than `reported_nuisance`, since more evidence never lowers a score) or
    /// `reported_nuisance`, times the reports' decayed weight clamped to 0..=2
    /// (`ReportSummary::weight`), rounded, at most 100. Screening and the iOS directory both
    /// use this one rule.
    pub fn report_weight(&self, scam: bool, weight: f64) -> u8 {
        let scale = weight.clamp(0.0, 2.0);
        let base = if scam {
            self.weight(ReasonCode::Reported)
                .max(self.weight(ReasonCode::ReportedNuisance))
        } else {
            self.weight(ReasonCode::ReportedNuisance)
        };
        (f64::from(base) * scale).round().min(100.0) as u8
    }

    /// SHA-256 (hex) of the policy's content without its lock, as canonical JSON: what a lock
    /// is bound to.
    pub fn content_digest(&self) -> String {
        use sha2::Digest as _;
        let open = Policy {
            lock: None,
            ..self.clone()
        };
        let mut value = serde_json::to_value(&open).unwrap_or_default();
        if let serde_json::Value::Object(map) = &mut value {
            map.remove("lock");
        }
        let mut text = String::new();
        canonical_json(&value, &mut text);
        sha2::Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Whether a caregiver locked the policy.
    pub fn is_locked(&self) -> bool {
        self.lock.is_some()
    }

    /// Whether a change to the policy is allowed with `pin`: always for an unlocked policy,
    /// only with the right PIN for a locked one.
    pub fn change_allowed(&self, pin: Option<&str>) -> bool {
        match (&self.lock, pin) {
            (None, _) => true,
            (Some(lock), Some(pin)) => lock.accepts(pin, &self.content_digest()),
            (Some(_), None) => false,
        }
    }

    /// The same policy locked with `pin` (4 to 64 characters, not one of the weakest: see
    /// [`pin_weakness`]). Locking a locked policy needs its current PIN as `current`.
    pub fn locked_with(&self, pin: &str, current: Option<&str>) -> Result<Policy, PolicyError> {
        if !self.change_allowed(current) {
            return Err(PolicyError::Locked(self.name.clone()));
        }
        if let Some(why) = pin_weakness(pin) {
            return Err(PolicyError::Lock(format!(
                "this PIN cannot lock a policy: {why}; choose another"
            )));
        }
        let open = Policy {
            lock: None,
            ..self.clone()
        };
        Ok(Policy {
            lock: Some(PolicyLock::new(pin, open.content_digest())?),
            ..open
        })
    }

    /// The same policy without its lock, given the right PIN.
    pub fn unlocked(&self, pin: &str) -> Result<Policy, PolicyError> {
        if !self.change_allowed(Some(pin)) {
            return Err(PolicyError::Locked(self.name.clone()));
        }
        Ok(Policy {
            lock: None,
            ..self.clone()
        })
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.version)
    }
}

impl FromStr for Policy {
    type Err = RulePackError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Policy::from_json(text)
    }
}

#[cfg(test)]
mod tests;
