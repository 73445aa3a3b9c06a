//! The records and enums that cross the FFI, and the one place they are converted from and to
//! the core's types. The core stays free of uniffi.
//!
//! Numbers that people read are `i32` (scores, weights) or `i64` (counts, Unix seconds, E.164
//! digits as iOS's Call Directory wants them), so that Kotlin and Swift see plain signed types.

use callguard_core as core;
use callguard_core::store;

use crate::error::CallGuardError;

/// Text in Japanese and English; every message and label callguard shows comes as one.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LocalText {
    /// Japanese.
    pub ja: String,
    /// English.
    pub en: String,
}

impl From<&core::LocalText> for LocalText {
    fn from(text: &core::LocalText) -> LocalText {
        LocalText {
            ja: text.ja.clone(),
            en: text.en.clone(),
        }
    }
}

/// How the network presented the caller's number (Android's `getHandlePresentation()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Enum)]
pub enum Presentation {
    /// The number is shown.
    #[default]
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

impl From<Presentation> for core::Presentation {
    fn from(p: Presentation) -> core::Presentation {
        match p {
            Presentation::Allowed => core::Presentation::Allowed,
            Presentation::Restricted => core::Presentation::Restricted,
            Presentation::Unknown => core::Presentation::Unknown,
            Presentation::Payphone => core::Presentation::Payphone,
            Presentation::Unavailable => core::Presentation::Unavailable,
        }
    }
}

impl From<core::Presentation> for Presentation {
    fn from(p: core::Presentation) -> Presentation {
        match p {
            core::Presentation::Allowed => Presentation::Allowed,
            core::Presentation::Restricted => Presentation::Restricted,
            core::Presentation::Unknown => Presentation::Unknown,
            core::Presentation::Payphone => Presentation::Payphone,
            core::Presentation::Unavailable => Presentation::Unavailable,
        }
    }
}

/// The network's caller-ID verification (STIR/SHAKEN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Enum)]
pub enum Verification {
    /// Not verified (the usual case).
    #[default]
    NotVerified,
    /// Verified: the number is not spoofed. Says nothing about the caller's honesty.
    Passed,
    /// Verification failed: the number is likely spoofed.
    Failed,
}

impl From<Verification> for core::Verification {
    fn from(v: Verification) -> core::Verification {
        match v {
            Verification::NotVerified => core::Verification::NotVerified,
            Verification::Passed => core::Verification::Passed,
            Verification::Failed => core::Verification::Failed,
        }
    }
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
}

impl From<IncomingCall> for core::IncomingCall {
    fn from(call: IncomingCall) -> core::IncomingCall {
        core::IncomingCall {
            number: call.number,
            presentation: call.presentation.unwrap_or_default().into(),
            verification: call.verification.unwrap_or_default().into(),
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
        }
    }
}

/// What kind of number a caller number is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
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

impl From<core::NumberKind> for NumberKind {
    fn from(kind: core::NumberKind) -> NumberKind {
        use core::NumberKind as K;
        match kind {
            K::Mobile => NumberKind::Mobile,
            K::Fixed => NumberKind::Fixed,
            K::FixedOrMobile => NumberKind::FixedOrMobile,
            K::Voip => NumberKind::Voip,
            K::TollFree => NumberKind::TollFree,
            K::Premium => NumberKind::Premium,
            K::SharedCost => NumberKind::SharedCost,
            K::Uan => NumberKind::Uan,
            K::Personal => NumberKind::Personal,
            K::Pager => NumberKind::Pager,
            K::M2m => NumberKind::M2m,
            K::Voicemail => NumberKind::Voicemail,
            K::Emergency => NumberKind::Emergency,
            K::Special => NumberKind::Special,
            K::Invalid => NumberKind::Invalid,
            K::Hidden => NumberKind::Hidden,
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
    /// The kind in words.
    pub kind_label: LocalText,
    /// Whether the number is from outside the home region (none for hidden, short, invalid).
    pub international: Option<bool>,
    /// Stable codes of facts beyond the kind: `international_premium`, `international_network`,
    /// `one_ring_prone`, `missing_plus`.
    pub flags: Vec<String>,
    /// For invalid numbers: the stable reason code (`too_short`, `unassigned_country_code` ...).
    pub invalid_code: Option<String>,
    /// For invalid numbers: why, in words.
    pub invalid_message: Option<LocalText>,
    /// For short numbers: what they reach.
    pub service: Option<LocalText>,
}

impl From<&core::NumberInfo> for NumberInfo {
    fn from(info: &core::NumberInfo) -> NumberInfo {
        NumberInfo {
            input: info.input.clone(),
            presentation: info.presentation.into(),
            e164: info.e164.map(|n| n.to_string()),
            e164_value: info.e164.map(|n| n.as_i64()),
            country: info.country.map(|c| c.to_string()),
            kind: info.kind.into(),
            kind_label: (&info.kind.label()).into(),
            international: info.international,
            flags: info.flags.iter().map(|f| f.as_str().to_owned()).collect(),
            invalid_code: info.invalid.as_ref().map(|r| r.code().to_owned()),
            invalid_message: info.invalid.as_ref().map(|r| LocalText {
                ja: r.message(core::Lang::Ja),
                en: r.message(core::Lang::En),
            }),
            service: info.service.as_ref().map(LocalText::from),
        }
    }
}

/// What the phone should do with a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, uniffi::Enum)]
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

impl From<core::Verdict> for Verdict {
    fn from(v: core::Verdict) -> Verdict {
        match v {
            core::Verdict::Allow => Verdict::Allow,
            core::Verdict::Warn => Verdict::Warn,
            core::Verdict::Silence => Verdict::Silence,
            core::Verdict::Block => Verdict::Block,
        }
    }
}

impl Verdict {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Warn => "warn",
            Verdict::Silence => "silence",
            Verdict::Block => "block",
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
    /// The reason in words.
    pub message: LocalText,
}

/// The outcome of screening one call.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Assessment {
    /// What the number is.
    pub number: NumberInfo,
    /// What to do.
    pub verdict: Verdict,
    /// The verdict in words (a short label for a screen).
    pub verdict_label: LocalText,
    /// 0 to 100.
    pub score: i32,
    /// A short title for the call: the deciding reason's label ("Impersonation", "国際電話"),
    /// for a notification; none when nothing was found.
    #[uniffi(default = None)]
    pub label: Option<LocalText>,
    /// Every reason that counted, heaviest first.
    pub reasons: Vec<Reason>,
    /// What the person should do, unless the call simply rings.
    pub advice: Option<LocalText>,
}

impl From<core::Assessment> for Assessment {
    fn from(a: core::Assessment) -> Assessment {
        Assessment {
            number: (&a.number).into(),
            verdict: a.verdict.into(),
            verdict_label: LocalText {
                ja: a.verdict.label(core::Lang::Ja).to_owned(),
                en: a.verdict.label(core::Lang::En).to_owned(),
            },
            score: i32::from(a.score),
            label: a.label.as_ref().map(LocalText::from),
            reasons: a
                .reasons
                .iter()
                .map(|r| Reason {
                    code: r.code.as_str().to_owned(),
                    weight: i32::from(r.weight),
                    message: (&r.message).into(),
                })
                .collect(),
            advice: a.advice.as_ref().map(LocalText::from),
        }
    }
}

/// How strongly a text reads like a scam script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, uniffi::Enum)]
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

/// One scam-script phrase found in a text.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScriptMatch {
    /// The stable category code (`authority_impersonation`, `urgency`, `money` ...).
    pub category: String,
    /// The category in words.
    pub label: LocalText,
    /// The words as they appear in the text.
    pub text: String,
}

/// What the scam-script scanner found in a transcript, voicemail or message.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScanResult {
    /// The overall level.
    pub level: ScriptLevel,
    /// The level in words.
    pub level_label: LocalText,
    /// 0 to 100.
    pub score: i32,
    /// The phrases found, in text order.
    pub matches: Vec<ScriptMatch>,
    /// The distinct category codes found.
    pub categories: Vec<String>,
    /// The text was longer than the scanner reads; only its start was scanned.
    pub truncated: bool,
}

pub(crate) fn scan_result(
    result: &core::script::ScanResult,
    scanner: &core::script::ScriptScanner,
) -> ScanResult {
    use core::script::Level;
    ScanResult {
        level: match result.level {
            Level::None => ScriptLevel::None,
            Level::Low => ScriptLevel::Low,
            Level::Medium => ScriptLevel::Medium,
            Level::High => ScriptLevel::High,
        },
        level_label: LocalText {
            ja: result.level.label(core::Lang::Ja).to_owned(),
            en: result.level.label(core::Lang::En).to_owned(),
        },
        score: i32::from(result.score),
        matches: result
            .matches
            .iter()
            .map(|m| ScriptMatch {
                category: m.category.as_str().to_owned(),
                label: scanner.label(m.category).into(),
                text: m.text.clone(),
            })
            .collect(),
        categories: result
            .categories
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect(),
        truncated: result.truncated,
    }
}

/// The user's two lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ListKind {
    /// Always let these ring (above everything but emergency numbers).
    Allow,
    /// Always block these.
    Block,
}

impl From<ListKind> for store::ListKind {
    fn from(kind: ListKind) -> store::ListKind {
        match kind {
            ListKind::Allow => store::ListKind::Allow,
            ListKind::Block => store::ListKind::Block,
        }
    }
}

impl From<store::ListKind> for ListKind {
    fn from(kind: store::ListKind) -> ListKind {
        match kind {
            store::ListKind::Allow => ListKind::Allow,
            store::ListKind::Block => ListKind::Block,
        }
    }
}

/// One entry of the user's lists.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ListEntry {
    /// The list.
    pub list: ListKind,
    /// The numbers covered, normalised: `+815012345678`, `+8150*` or `+81501..+81502`.
    pub pattern: String,
    /// A short name shown with the call.
    pub label: Option<String>,
    /// A longer note.
    pub note: Option<String>,
    /// When it was added (Unix seconds).
    pub added_at: i64,
}

impl From<&store::ListEntry> for ListEntry {
    fn from(e: &store::ListEntry) -> ListEntry {
        ListEntry {
            list: e.list.into(),
            pattern: e.pattern.to_string(),
            label: e.label.clone(),
            note: e.note.clone(),
            added_at: e.added_at,
        }
    }
}

/// What a number is reported for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReportCategory {
    /// A scam: impersonation, fake police or ministry, refund fraud.
    Scam,
    /// Fraud other than a scripted scam.
    Fraud,
    /// Unwanted bulk calls.
    Spam,
    /// Sales calls.
    Telemarketing,
    /// An automated or recorded voice.
    Robocall,
    /// Surveys and polls.
    Survey,
    /// Anything else.
    Other,
}

impl From<ReportCategory> for store::Category {
    fn from(c: ReportCategory) -> store::Category {
        match c {
            ReportCategory::Scam => store::Category::Scam,
            ReportCategory::Fraud => store::Category::Fraud,
            ReportCategory::Spam => store::Category::Spam,
            ReportCategory::Telemarketing => store::Category::Telemarketing,
            ReportCategory::Robocall => store::Category::Robocall,
            ReportCategory::Survey => store::Category::Survey,
            ReportCategory::Other => store::Category::Other,
        }
    }
}

impl From<store::Category> for ReportCategory {
    fn from(c: store::Category) -> ReportCategory {
        match c {
            store::Category::Scam => ReportCategory::Scam,
            store::Category::Fraud => ReportCategory::Fraud,
            store::Category::Spam => ReportCategory::Spam,
            store::Category::Telemarketing => ReportCategory::Telemarketing,
            store::Category::Robocall => ReportCategory::Robocall,
            store::Category::Survey => ReportCategory::Survey,
            store::Category::Other => ReportCategory::Other,
        }
    }
}

/// The user's own report of a number.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UserReport {
    /// The number, `+` and E.164 digits.
    pub number: String,
    /// What it was reported for.
    pub category: ReportCategory,
    /// The user's words.
    pub note: Option<String>,
    /// When (Unix seconds).
    pub reported_at: i64,
}

impl From<store::UserReport> for UserReport {
    fn from(r: store::UserReport) -> UserReport {
        UserReport {
            number: r.number.to_string(),
            category: r.category.into(),
            note: r.note,
            reported_at: r.reported_at,
        }
    }
}

/// A feed file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FeedFormat {
    /// callguard's CSV.
    Csv,
    /// JSON Lines.
    Jsonl,
    /// The US FTC's "Do Not Call reported calls" CSV.
    Ftc,
}

impl From<FeedFormat> for store::FeedFormat {
    fn from(f: FeedFormat) -> store::FeedFormat {
        match f {
            FeedFormat::Csv => store::FeedFormat::Csv,
            FeedFormat::Jsonl => store::FeedFormat::Jsonl,
            FeedFormat::Ftc => store::FeedFormat::Ftc,
        }
    }
}

impl From<store::FeedFormat> for FeedFormat {
    fn from(f: store::FeedFormat) -> FeedFormat {
        match f {
            store::FeedFormat::Csv => FeedFormat::Csv,
            store::FeedFormat::Jsonl => FeedFormat::Jsonl,
            store::FeedFormat::Ftc => FeedFormat::Ftc,
        }
    }
}

/// Whether a feed file replaces the installed feed or patches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FeedKind {
    /// The file is the whole feed.
    Full,
    /// The file adds to (or removes from) the installed feed.
    Delta,
}

impl From<FeedKind> for store::FeedKind {
    fn from(k: FeedKind) -> store::FeedKind {
        match k {
            FeedKind::Full => store::FeedKind::Full,
            FeedKind::Delta => store::FeedKind::Delta,
        }
    }
}

impl From<store::FeedKind> for FeedKind {
    fn from(k: store::FeedKind) -> FeedKind {
        match k {
            store::FeedKind::Full => FeedKind::Full,
            store::FeedKind::Delta => FeedKind::Delta,
        }
    }
}

/// How to import a feed; anything left empty comes from the file's metadata lines.
#[derive(Debug, Clone, PartialEq, Eq, Default, uniffi::Record)]
pub struct ImportOptions {
    /// The format; by default sniffed from the content and the file name.
    #[uniffi(default = None)]
    pub format: Option<FeedFormat>,
    /// The feed's name; must agree with a `# name:` line if both are given.
    #[uniffi(default = None)]
    pub name: Option<String>,
    /// The feed's version (1 or more); must agree with a `# version:` line if both are given.
    #[uniffi(default = None)]
    pub version: Option<i64>,
    /// Full or delta; must agree with a `# kind:` line if both are given.
    #[uniffi(default = None)]
    pub kind: Option<FeedKind>,
    /// Skip (and count) malformed lines instead of aborting the import.
    #[uniffi(default = false)]
    pub skip_invalid: bool,
    /// ed25519 public keys (base64) trusted for this import, on top of the stored ones.
    #[uniffi(default)]
    pub trusted_keys: Vec<String>,
    /// The detached signature file; `FILE.sig` by default.
    #[uniffi(default = None)]
    pub signature: Option<String>,
    /// A signed manifest; `FILE.manifest.json` by default if it exists.
    #[uniffi(default = None)]
    pub manifest: Option<String>,
}

impl ImportOptions {
    pub(crate) fn to_core(&self) -> Result<store::ImportOptions, CallGuardError> {
        let version = match self.version {
            None => None,
            Some(v) if v >= 1 => Some(v as u64),
            Some(v) => {
                return Err(CallGuardError::invalid(format!(
                    "feed version {v}: expected 1 or more"
                )))
            }
        };
        let trusted_keys = self
            .trusted_keys
            .iter()
            .map(|k| {
                store::feed::parse_public_key(k)
                    .map_err(|e| CallGuardError::invalid(format!("trusted key: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(store::ImportOptions {
            format: self.format.map(Into::into),
            name: self.name.clone(),
            version,
            kind: self.kind.map(Into::into),
            skip_invalid: self.skip_invalid,
            trusted_keys,
            signature: self.signature.as_ref().map(Into::into),
            manifest: self.manifest.as_ref().map(Into::into),
            cancel: None,
        })
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ImportSummary {
    /// The feed's name.
    pub feed: String,
    /// The version now installed.
    pub version: i64,
    /// Full or delta.
    pub kind: FeedKind,
    /// The format read.
    pub format: FeedFormat,
    /// Data lines read.
    pub rows_read: i64,
    /// Rows added.
    pub imported: i64,
    /// Rows that removed a number (delta feeds).
    pub removed: i64,
    /// Malformed lines skipped (with `skip_invalid`).
    pub skipped: i64,
    /// Rows for emergency or special numbers, never stored.
    pub protected: i64,
    /// Distinct numbers the feed now reports (full) or that this file touched (delta).
    pub numbers_touched: i64,
    /// The same file was imported before: nothing changed.
    pub already_imported: bool,
    /// The signature was checked against a trusted key.
    pub signed: bool,
    /// The first few skipped lines, as `line N: what is wrong`.
    pub problems: Vec<String>,
    /// Wall-clock seconds.
    pub seconds: f64,
}

impl From<store::ImportSummary> for ImportSummary {
    fn from(s: store::ImportSummary) -> ImportSummary {
        ImportSummary {
            feed: s.feed,
            version: s.version as i64,
            kind: s.kind.into(),
            format: s.format.into(),
            rows_read: s.rows_read as i64,
            imported: s.imported as i64,
            removed: s.removed as i64,
            skipped: s.skipped as i64,
            protected: s.protected as i64,
            numbers_touched: s.numbers_touched as i64,
            already_imported: s.already_imported,
            signed: s.signed,
            problems: s.problems,
            seconds: s.seconds,
        }
    }
}

/// A feed as installed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeedInfo {
    /// Its name.
    pub name: String,
    /// The installed version.
    pub version: i64,
    /// `full` or `delta`: how the last import applied.
    pub kind: String,
    /// The format of the last import.
    pub format: String,
    /// When it was last imported (Unix seconds).
    pub imported_at: i64,
    /// How many numbers it reports.
    pub numbers: i64,
}

/// Counts for people (a settings screen).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Stats {
    /// The database file.
    pub path: String,
    /// Its schema version.
    pub schema_version: i64,
    /// Bytes on disk, the write-ahead log included.
    pub file_bytes: i64,
    /// Entries on the allow list.
    pub allow_entries: i64,
    /// Entries on the block list.
    pub block_entries: i64,
    /// Distinct reported numbers.
    pub reported_numbers: i64,
    /// The user's own reports.
    pub user_reports: i64,
    /// Installed feeds.
    pub feeds: Vec<FeedInfo>,
    /// Calls in the call log.
    pub logged_calls: i64,
    /// Trusted feed-signing keys.
    pub trusted_keys: i64,
}

impl From<store::Stats> for Stats {
    fn from(s: store::Stats) -> Stats {
        Stats {
            path: s.path.display().to_string(),
            schema_version: s.schema_version,
            file_bytes: s.file_bytes as i64,
            allow_entries: s.allow_entries as i64,
            block_entries: s.block_entries as i64,
            reported_numbers: s.reported_numbers as i64,
            user_reports: s.user_reports as i64,
            feeds: s
                .feeds
                .into_iter()
                .map(|f| FeedInfo {
                    name: f.name,
                    version: f.version as i64,
                    kind: f.kind,
                    format: f.format,
                    imported_at: f.imported_at,
                    numbers: f.numbers as i64,
                })
                .collect(),
            logged_calls: s.logged_calls as i64,
            trusted_keys: s.trusted_keys as i64,
        }
    }
}

/// How the Call Directory extension loads one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DirectoryLoadMode {
    /// A full (non-incremental) request: add every entry of the plan.
    Full,
    /// An incremental request from the version the system holds: removals, then additions.
    Delta,
    /// An incremental request when what the system holds is unknown: remove everything, then
    /// add every entry of the plan.
    Reset,
}

impl From<store::LoadMode> for DirectoryLoadMode {
    fn from(mode: store::LoadMode) -> DirectoryLoadMode {
        match mode {
            store::LoadMode::Full => DirectoryLoadMode::Full,
            store::LoadMode::Delta => DirectoryLoadMode::Delta,
            store::LoadMode::Reset => DirectoryLoadMode::Reset,
        }
    }
}

impl From<DirectoryLoadMode> for store::LoadMode {
    fn from(mode: DirectoryLoadMode) -> store::LoadMode {
        match mode {
            DirectoryLoadMode::Full => store::LoadMode::Full,
            DirectoryLoadMode::Delta => store::LoadMode::Delta,
            DirectoryLoadMode::Reset => store::LoadMode::Reset,
        }
    }
}

/// What one Call Directory extension request loads (`DirectoryReader.load`), handed back to
/// `DirectoryReader.chunks` as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct DirectoryLoad {
    /// The extension (0 is the first).
    pub extension: u32,
    /// The plan version loaded (0: no plan yet, nothing to load).
    pub version: u64,
    /// For a delta, the version the system holds.
    pub base: Option<u64>,
    /// Full, delta or reset.
    pub mode: DirectoryLoadMode,
}

impl From<store::DirectoryLoad> for DirectoryLoad {
    fn from(load: store::DirectoryLoad) -> DirectoryLoad {
        DirectoryLoad {
            extension: load.extension,
            version: load.version,
            base: load.base,
            mode: load.mode.into(),
        }
    }
}

impl From<DirectoryLoad> for store::DirectoryLoad {
    fn from(load: DirectoryLoad) -> store::DirectoryLoad {
        store::DirectoryLoad {
            extension: load.extension,
            version: load.version,
            base: load.base,
            mode: load.mode.into(),
        }
    }
}

/// One chunk for the Call Directory extension, applied in this order: remove everything
/// (first chunk of a reset only), removals, additions. Every list is strictly ascending and
/// continues the previous chunk's.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct DirectoryChunk {
    /// `removeAllBlockingEntries()` and `removeAllIdentificationEntries()` first.
    pub remove_all: bool,
    /// `removeBlockingEntry(withPhoneNumber:)` for each.
    pub remove_blocking: Vec<i64>,
    /// `removeIdentificationEntry(withPhoneNumber:)` for each.
    pub remove_identification: Vec<i64>,
    /// `addBlockingEntry(withNextSequentialPhoneNumber:)` for each.
    pub add_blocking: Vec<i64>,
    /// `addIdentificationEntry(withNextSequentialPhoneNumber:label:)` for each, with
    /// `labels[i]`.
    pub add_identification: Vec<i64>,
    /// The labels of `add_identification`, one each.
    pub labels: Vec<String>,
}

impl From<core::directory::Chunk> for DirectoryChunk {
    fn from(chunk: core::directory::Chunk) -> DirectoryChunk {
        DirectoryChunk {
            remove_all: chunk.remove_all,
            remove_blocking: chunk.remove_blocking,
            remove_identification: chunk.remove_identification,
            add_blocking: chunk.add_blocking,
            add_identification: chunk.add_identification,
            labels: chunk.labels,
        }
    }
}

/// What a stored Call Directory plan holds and left out.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DirectoryPlanSummary {
    /// The plan's version (grows with every plan, never reused).
    pub version: u64,
    /// Entries planned, over every extension.
    pub entries: u64,
    /// Blocking entries planned.
    pub blocking: u64,
    /// Identification entries planned.
    pub identification: u64,
    /// Entries the lists and reports would give with no budget.
    pub candidates: u64,
    /// Entries left out for the budget.
    pub left_out: u64,
    /// Entries per extension at most.
    pub budget: u64,
    /// Extensions the plan is split across.
    pub extensions: u32,
    /// The whole summary as JSON (per source and per extension; docs/IOS.md).
    pub summary_json: String,
}

impl DirectoryPlanSummary {
    pub(crate) fn new(
        summary: &core::directory::PlanSummary,
        summary_json: String,
    ) -> DirectoryPlanSummary {
        DirectoryPlanSummary {
            version: summary.version,
            entries: summary.entries,
            blocking: summary.blocking,
            identification: summary.identification,
            candidates: summary.candidates,
            left_out: summary.left_out,
            budget: summary.budget,
            extensions: u32::try_from(summary.extensions.len()).unwrap_or(u32::MAX),
            summary_json,
        }
    }
}

/// Whether the on-device database is in use (`CallGuard.store_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StoreState {
    /// None was asked for (`db_path` was null): screening uses the number alone.
    NoDatabase,
    /// Open and answering.
    Ready,
    /// Asked for, but it could not be opened or does not answer now (the status's `reason`
    /// says why): screening lets the calls only it could decide ring with
    /// `screening_unavailable`, and the calls that need it throw `Database`. `recover`
    /// repairs or reopens it.
    Unavailable,
}

/// The state of the on-device database and, when it is unavailable, why.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StoreStatus {
    /// Ready, unavailable or none.
    pub state: StoreState,
    /// The database file asked for.
    pub path: Option<String>,
    /// Why it is unavailable, naming the file (English).
    pub reason: Option<String>,
}

/// What recovery kept of one table of the user's data.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TableRecovery {
    /// The table: `list_entries` (both lists), `user_reports` (the user's reports with their
    /// notes), `reports` (what screening counts of them), `trusted_keys` or `call_log`.
    pub table: String,
    /// Rows copied into the new database.
    pub kept: i64,
    /// Rows read whose values were unusable, left behind.
    pub lost: i64,
    /// Why reading the table stopped, if it did: the rows after that point are lost too.
    pub error: Option<String>,
}

/// A feed that was installed in the damaged database: import it again.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeedToImport {
    /// Its name.
    pub name: String,
    /// The version that was installed.
    pub version: i64,
}

/// What `CallGuard.recover` found and did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RecoveryReport {
    /// The database file.
    pub path: String,
    /// The file was healthy and nothing was changed (it was reopened).
    pub healthy: bool,
    /// No file was there: a new, empty database was created.
    pub created: bool,
    /// What was wrong, naming the file (English); none when healthy.
    pub damage: Option<String>,
    /// Where the damaged file was moved (its `-wal` and `-shm` beside it with the same
    /// suffixes); none when nothing was moved.
    pub moved_to: Option<String>,
    /// Per table of the user's data, what was kept and lost (empty when nothing was moved).
    pub tables: Vec<TableRecovery>,
    /// The feeds that were installed: their reports were not kept, import them again.
    pub feeds_to_import: Vec<FeedToImport>,
    /// Why the installed feeds could not be listed, if they could not.
    pub feeds_error: Option<String>,
}

impl From<store::RecoveryReport> for RecoveryReport {
    fn from(r: store::RecoveryReport) -> RecoveryReport {
        let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        RecoveryReport {
            path: r.path.display().to_string(),
            healthy: r.healthy(),
            created: r.created,
            damage: r.damage,
            moved_to: r.moved_to.map(|p| p.display().to_string()),
            tables: r
                .tables
                .into_iter()
                .map(|t| TableRecovery {
                    table: t.table,
                    kept: count(t.kept),
                    lost: count(t.lost),
                    error: t.error,
                })
                .collect(),
            feeds_to_import: r
                .feeds_to_import
                .into_iter()
                .map(|f| FeedToImport {
                    name: f.name,
                    version: count(f.version),
                })
                .collect(),
            feeds_error: r.feeds_error,
        }
    }
}
