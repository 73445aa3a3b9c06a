//! Screening: the call a shell hands in, what callguard makes of it (in the person's
//! language), and the scam-script scan.

use callguard_core as core;
use callguard_core::claims::script::ScriptLevel;
use callguard_core::{Lang, NumberKind, Presentation, Verdict, Verification};

use crate::error::Doing;
use crate::{CallGuard, CallGuardError};

/// How the network presented the caller's number (Android's `getHandlePresentation()`).
#[uniffi::remote(Enum)]
pub enum Presentation {
    /// The number is shown.
    Allowed,
    /// The caller withheld the number (非通知).
    Restricted,
    /// The network does not know the number.
    Unknown,
    /// A payphone (公衆電話).
    Payphone,
    /// The number could not be delivered (表示圏外).
    Unavailable,
}

/// The network's caller-ID verification (STIR/SHAKEN).
#[uniffi::remote(Enum)]
pub enum Verification {
    /// Not verified (the usual case).
    NotVerified,
    /// Verified: the number is not spoofed. Says nothing about the caller's honesty.
    Passed,
    /// Verification failed: the number is likely spoofed.
    Failed,
}

/// What kind of number a caller number is.
#[uniffi::remote(Enum)]
pub enum NumberKind {
    /// A mobile phone.
    Mobile,
    /// A fixed line.
    Fixed,
    /// Fixed or mobile: the plan does not tell (North America).
    FixedOrMobile,
    /// An IP phone (Japan's 050).
    Voip,
    /// Free for the caller to dial.
    TollFree,
    /// Premium rate.
    Premium,
    /// Shared cost (Japan's 0570).
    SharedCost,
    /// A universal access (company) number.
    Uan,
    /// A personal number that forwards elsewhere.
    Personal,
    /// A pager.
    Pager,
    /// A machine-to-machine data line.
    M2m,
    /// Voicemail access.
    Voicemail,
    /// An emergency number: never blocked.
    Emergency,
    /// A special service number: never blocked.
    Special,
    /// Not a usable number: evidence of spoofing.
    Invalid,
    /// No number was presented.
    Hidden,
}

/// What the phone should do with a call.
#[uniffi::remote(Enum)]
pub enum Verdict {
    /// Let it ring.
    Allow,
    /// Let it ring with a warning on screen.
    Warn,
    /// Do not ring; keep it in the call log.
    Silence,
    /// Reject the call.
    Block,
}

/// How strongly a text reads like a scam script.
#[uniffi::remote(Enum)]
pub enum ScriptLevel {
    /// No cue, or too weak to mention.
    None,
    /// A cue common in ordinary talk.
    Low,
    /// Cues that deserve care.
    Medium,
    /// Cues that together make a known scam script.
    High,
}

/// A local wall-clock time of day, for the policy's quiet hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct LocalTime {
    /// 0 to 23.
    pub hour: u8,
    /// 0 to 59.
    pub minute: u8,
}

/// One incoming call, as the phone's shell reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default, uniffi::Record)]
pub struct IncomingCall {
    /// The caller's number as shown (`tel:` URI, national or international text), if any.
    #[uniffi(default = None)]
    pub number: Option<String>,
    /// How the network presented the number; none: shown normally (allowed).
    #[uniffi(default = None)]
    pub presentation: Option<Presentation>,
    /// The network's verification of the number; none: not verified.
    #[uniffi(default = None)]
    pub verification: Option<Verification>,
    /// Whether the number is in the person's contacts.
    #[uniffi(default = false)]
    pub is_contact: bool,
    /// The local time of the call, for quiet hours; an impossible time counts as none.
    #[uniffi(default = None)]
    pub local_time: Option<LocalTime>,
    /// Who the caller says they are ("総務省", "the police").
    #[uniffi(default = None)]
    pub claims: Option<String>,
    /// What was heard on the call or left as a message.
    #[uniffi(default = None)]
    pub transcript: Option<String>,
    /// When the call came in (Unix seconds); none: now. Repeat callers and a pause are
    /// measured from it.
    #[uniffi(default = None)]
    pub at: Option<i64>,
    /// The line the call came in on (Android's `PhoneAccountHandle.getId()`): its preset, if
    /// it has one (`setLinePreset`), screens the call.
    #[uniffi(default = None)]
    pub line: Option<String>,
}

impl From<IncomingCall> for core::IncomingCall {
    fn from(call: IncomingCall) -> core::IncomingCall {
        core::IncomingCall {
            number: call.number,
            presentation: call.presentation.unwrap_or_default(),
            verification: call.verification.unwrap_or_default(),
            is_contact: call.is_contact,
            local_time: call
                .local_time
                .filter(|t| t.hour < 24 && t.minute < 60)
                .map(|t| core::LocalTime {
                    hour: t.hour,
                    minute: t.minute,
                }),
            claims: call.claims,
            transcript: call.transcript,
            at: call.at,
            line: call.line,
        }
    }
}

/// Everything callguard knows about a caller number from the number alone.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NumberInfo {
    /// The text as given.
    pub input: String,
    /// The presentation the call came with (or that a word such as 非通知 stands for).
    pub presentation: Presentation,
    /// The complete number, `+` and digits, for full-length valid numbers.
    pub e164: Option<String>,
    /// The same digits as one integer (iOS Call Directory entries).
    pub e164_value: Option<i64>,
    /// The country (ISO 3166 code), for numbers of a geographic country.
    pub country: Option<String>,
    /// What kind of number it is.
    pub kind: NumberKind,
    /// The kind in words, in the language asked for.
    pub kind_label: String,
    /// Whether the number is from outside the home region (none for hidden, short, invalid).
    pub international: Option<bool>,
    /// Stable codes of facts beyond the kind: `international_premium`, `international_network`,
    /// `one_ring_prone`, `missing_plus`.
    pub flags: Vec<String>,
    /// For invalid numbers: the stable reason code (`too_short`, `unassigned_country_code` ...).
    pub invalid_code: Option<String>,
    /// For invalid numbers: why, in words.
    pub invalid_message: Option<String>,
    /// For short numbers: what they reach, in words.
    pub service: Option<String>,
}

impl NumberInfo {
    pub(crate) fn new(info: &core::NumberInfo, lang: Lang) -> NumberInfo {
        NumberInfo {
            input: info.input.clone(),
            presentation: info.presentation,
            e164: info.e164.map(|n| n.to_string()),
            e164_value: info.e164.map(|n| n.as_i64()),
            country: info.country.map(|c| c.to_string()),
            kind: info.kind,
            kind_label: info.kind.label().get(lang).to_owned(),
            international: info.international,
            flags: info.flags.iter().map(|f| f.as_str().to_owned()).collect(),
            invalid_code: info.invalid.as_ref().map(|r| r.code().to_owned()),
            invalid_message: info
                .invalid
                .as_ref()
                .map(|r| r.message().get(lang).to_owned()),
            service: info.service.as_ref().map(|s| s.get(lang).to_owned()),
        }
    }
}

/// One reason that counted towards a verdict.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Reason {
    /// The stable code (`international`, `block_list`, `impersonation` ...; see the README).
    pub code: String,
    /// What it weighed in the score.
    pub weight: i32,
    /// The reason in words, in the language asked for.
    pub message: String,
}

/// The outcome of screening one call, in the language asked for.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Assessment {
    /// What the number is.
    pub number: NumberInfo,
    /// What to do.
    pub verdict: Verdict,
    /// The verdict in words ("注意", "Warning").
    pub verdict_label: String,
    /// 0 to 100.
    pub score: i32,
    /// A short title for the call: the deciding reason's label ("Impersonation", "国際電話"),
    /// for a notification; none when nothing was found.
    #[uniffi(default = None)]
    pub label: Option<String>,
    /// Every reason that counted, heaviest first.
    pub reasons: Vec<Reason>,
    /// What the person should do, unless the call simply rings.
    pub advice: Option<String>,
    /// The name of the policy that screened the call: the one in use, or the line's preset.
    #[uniffi(default = "")]
    pub policy: String,
    /// The line whose preset screened the call, if one did.
    #[uniffi(default = None)]
    pub line: Option<String>,
    /// While protection is paused: when the pause ends (Unix seconds).
    #[uniffi(default = None)]
    pub paused_until: Option<i64>,
}

impl Assessment {
    pub(crate) fn new(a: &core::Assessment, lang: Lang) -> Assessment {
        let words = a.explain(lang);
        Assessment {
            number: NumberInfo::new(&a.number, lang),
            verdict: a.verdict,
            verdict_label: a.verdict.label(lang).to_owned(),
            score: i32::from(a.score),
            label: words.label,
            reasons: words
                .reasons
                .into_iter()
                .map(|r| Reason {
                    code: r.code.as_str().to_owned(),
                    weight: i32::from(r.weight),
                    message: r.message,
                })
                .collect(),
            advice: words.advice,
            policy: a.policy.clone(),
            line: a.line.clone(),
            paused_until: a.paused_until,
        }
    }
}

/// One cue family found in a text: what it adds to the score and the words that earned it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScriptMatch {
    /// The stable family code (`authority`, `threat`, `money_request`, `link_suspect` ...).
    pub category: String,
    /// The family in words.
    pub label: String,
    /// The words as they appear in the text.
    pub text: String,
    /// What the family adds to the score.
    pub weight: i32,
}

/// What the scam-script scanner found in a transcript, voicemail or message.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScanResult {
    /// The overall level.
    pub level: ScriptLevel,
    /// The level in words.
    pub level_label: String,
    /// 0 to 100.
    pub score: i32,
    /// The families found, each with its heaviest cue's words, in pack order.
    pub matches: Vec<ScriptMatch>,
    /// The codes of the families found.
    pub categories: Vec<String>,
    /// Every point of the score explained, one line each, then what was found but not
    /// counted (inside negation, reported speech or a quotation) and why.
    pub explanation: Vec<String>,
    /// The text was longer than the scanner reads; only its start was scanned.
    pub truncated: bool,
}

impl ScanResult {
    fn new(
        result: &core::claims::script::ScanResult,
        scanner: &core::claims::script::ScriptScanner,
        lang: Lang,
    ) -> ScanResult {
        ScanResult {
            level: result.level,
            level_label: scanner.level_label(result.level, lang).to_owned(),
            score: i32::from(result.score),
            matches: result
                .families
                .iter()
                .map(|f| ScriptMatch {
                    category: f.family.clone(),
                    label: scanner
                        .family_label(&f.family)
                        .map_or("", |l| l.get(lang))
                        .to_owned(),
                    text: f.text.clone(),
                    weight: i32::from(f.weight),
                })
                .collect(),
            categories: result.families.iter().map(|f| f.family.clone()).collect(),
            explanation: scanner.explain(result, lang),
            truncated: result.truncated,
        }
    }
}

#[uniffi::export]
impl CallGuard {
    /// Screens one call, its words in `lang`. Never throws: a fault inside lets the call ring,
    /// with the reason `screening_unavailable` (fail open).
    pub fn screen(&self, call: IncomingCall, lang: Lang) -> Assessment {
        Assessment::new(&self.screener().screen(&call.into()), lang)
    }

    /// What a number is (country, kind, international?), from the number alone, in `lang`.
    pub fn classify(&self, number: String, lang: Lang) -> NumberInfo {
        let info = self
            .screener()
            .classifier()
            .classify(&number, Presentation::Allowed);
        NumberInfo::new(&info, lang)
    }

    /// Looks for scam-script phrases in a transcript, voicemail or message, labels in `lang`.
    pub fn scan(&self, text: String, lang: Lang) -> ScanResult {
        ScanResult::new(&self.scanner.scan(&text), &self.scanner, lang)
    }

    /// Records a screened call in the call log (repeat-caller rules count these), as come in at
    /// `at` (Unix seconds; none: now; give the `IncomingCall`'s `at` when it had one). Call it
    /// after answering the phone, off the screening path. Without a database this does nothing.
    #[uniffi::method(default(at = None))]
    pub fn record(&self, assessment: Assessment, at: Option<i64>) -> Result<(), CallGuardError> {
        if self.db_path.is_none() {
            return Ok(());
        }
        let number = match &assessment.number.e164 {
            Some(text) => Some(text.parse::<core::E164>().map_err(|e| {
                CallGuardError::invalid(format!("assessment number {text:?}: {e}"))
            })?),
            None => None,
        };
        let codes: Vec<&str> = assessment.reasons.iter().map(|r| r.code.as_str()).collect();
        let doing = "logging a call";
        self.store_for(doing)?
            .log_call(
                number,
                at.unwrap_or_else(callguard_core::store::now),
                assessment.verdict.as_str(),
                &codes,
            )
            .doing(doing)
    }
}
