//! The one call a shell makes: [`Screener::screen`], which never fails and never panics to its
//! caller (fail open).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use callguard_number::{Classifier, NumberInfo, Region};

use crate::call::IncomingCall;
use crate::claims::script;
use crate::claims::{Findings, Organisations, ScriptFinding};
use crate::evidence::ProtectionPause;
use crate::risk::{Assessment, Policy, RiskEngine};
use crate::store;

/// Screens calls for one home region: the entry point for shells and the CLI.
///
/// `screen` never fails and never panics to its caller: an internal fault, or a store that
/// cannot answer (it could not be opened, is damaged or locked), lets the call ring with the
/// reason `screening_unavailable`. Emergency and special numbers, contacts and calls without a
/// number need no store and are decided as usual.
#[derive(Debug, Clone)]
pub struct Screener {
    classifier: Classifier,
    risk: RiskEngine,
    store: StoreSlot,
    organisations: Arc<Organisations>,
}

/// The store a [`Screener`] consults.
#[derive(Debug, Clone)]
enum StoreSlot {
    /// None: screening uses the number alone.
    None,
    /// An open store.
    Open(Arc<store::Store>),
    /// A store was asked for but could not be opened: the error says why.
    Unavailable(Arc<store::StoreError>),
}

impl Screener {
    /// A screener for `home` with the default policy (`balanced`) and the embedded rule packs.
    pub fn new(home: Region) -> Screener {
        Screener::with_parts(Classifier::new(home), Policy::default_policy())
    }

    /// A screener from a classifier and a policy of the caller's choosing.
    pub fn with_parts(classifier: Classifier, policy: Arc<Policy>) -> Screener {
        Screener {
            classifier,
            risk: RiskEngine::new(policy),
            store: StoreSlot::None,
            organisations: Organisations::embedded(),
        }
    }

    /// The same screener (classifier, store) under another policy.
    pub fn with_policy(self, policy: Arc<Policy>) -> Screener {
        Screener {
            risk: RiskEngine::new(policy),
            ..self
        }
    }

    /// The policy in use.
    pub fn policy(&self) -> &Arc<Policy> {
        self.risk.policy()
    }

    /// The same screener, consulting `store` (lists, reports, recent calls) on every call.
    pub fn with_store(self, store: Arc<store::Store>) -> Screener {
        Screener {
            store: StoreSlot::Open(store),
            ..self
        }
    }

    /// The same screener, for a store that was asked for but could not be opened (`error`
    /// says why). Calls the store could decide (the user's lists come before every scored
    /// reason) ring with `screening_unavailable` and the error; emergency and special numbers,
    /// contacts and calls without a number are decided as usual; [`Screener::record`] fails
    /// with [`store::StoreError::Unavailable`].
    pub fn with_unavailable_store(self, error: impl Into<Arc<store::StoreError>>) -> Screener {
        Screener {
            store: StoreSlot::Unavailable(error.into()),
            ..self
        }
    }

    /// The same screener, consulting the database at `path` opened with `options`; if it
    /// cannot be opened, the screener carries the error as [`Screener::with_unavailable_store`]
    /// does, so a bad database never leaves a shell without a screener.
    pub fn with_store_at(
        self,
        path: impl AsRef<std::path::Path>,
        options: store::StoreOptions,
    ) -> Screener {
        match store::Store::open_with(path, options) {
            Ok(store) => self.with_store(Arc::new(store)),
            Err(error) => self.with_unavailable_store(error),
        }
    }

    /// The store consulted, if one is open.
    pub fn store(&self) -> Option<&Arc<store::Store>> {
        match &self.store {
            StoreSlot::Open(store) => Some(store),
            StoreSlot::None | StoreSlot::Unavailable(_) => None,
        }
    }

    /// Why the store asked for could not be opened, if it could not.
    pub fn store_error(&self) -> Option<&store::StoreError> {
        match &self.store {
            StoreSlot::Unavailable(error) => Some(error),
            StoreSlot::None | StoreSlot::Open(_) => None,
        }
    }

    /// What the caller's claim and the words heard say about who is calling and why.
    ///
    /// The words count only when they read like a script (level medium or high): a sentence
    /// that merely names the ministry or the police is neither a claim nor a warning.
    fn findings(&self, call: &IncomingCall, info: &NumberInfo) -> Findings {
        // The scanner's pack is built on the first transcript, not at start-up: most calls
        // come without one, and building it costs milliseconds of the cold start.
        let scanner = call
            .transcript
            .as_ref()
            .map(|_| script::ScriptScanner::embedded());
        let scanned = call
            .transcript
            .as_deref()
            .zip(scanner.as_ref())
            .map(|(text, scanner)| scanner.scan(text));
        // A claim that names no organisation the directory knows ("宅配便です") must not hide
        // the one a scam script names. The script's claims are the organisations it names
        // outside negation and reported speech ("the IRS will never call" claims nothing),
        // read only when the words read like a script.
        let claim = call
            .claims
            .as_deref()
            .and_then(|text| self.organisations.check(text, info))
            .or_else(|| {
                scanned
                    .as_ref()
                    .filter(|r| r.level >= script::ScriptLevel::Medium)
                    .and_then(|r| {
                        r.claims
                            .iter()
                            .find_map(|words| self.organisations.check(words, info))
                    })
            });
        // What the words pass on: their score at medium or above; below medium, a little when
        // several families are present (the pack's cap); else nothing.
        let script = scanned
            .zip(scanner)
            .filter(|(result, _)| result.verdict_score > 0)
            .map(|(result, scanner)| ScriptFinding {
                score: result.verdict_score,
                summary: scanner.summary(&result),
            });
        Findings { claim, script }
    }

    /// Records a screened call in the store's call log (for repeat-caller rules and
    /// statistics). Call it after answering the phone, off the screening path. Without a store
    /// this does nothing; with one that could not be opened it fails with
    /// [`store::StoreError::Unavailable`].
    pub fn record(
        &self,
        assessment: &Assessment,
        at: store::UnixTime,
    ) -> Result<(), store::StoreError> {
        let store = match &self.store {
            StoreSlot::None => return Ok(()),
            StoreSlot::Open(store) => store,
            StoreSlot::Unavailable(error) => {
                return Err(error.unavailable(std::path::Path::new("")))
            }
        };
        let codes: Vec<&str> = assessment.reasons.iter().map(|r| r.code.as_str()).collect();
        store.log_call(
            assessment.number.e164,
            at,
            assessment.verdict.as_str(),
            &codes,
        )
    }

    /// The classifier in use.
    pub fn classifier(&self) -> &Classifier {
        &self.classifier
    }

    /// The pause in force at `now` and the policy preset of `line`, as the store holds them.
    /// A store that cannot say gives neither: the look-up of the number then fails open on its
    /// own, and calls that need no store are decided as without one.
    fn settings(&self, line: Option<&str>, now: store::UnixTime) -> Settings {
        let StoreSlot::Open(store) = &self.store else {
            return Settings::default();
        };
        let Ok((pause, preset)) = store.screening_settings(line, now) else {
            return Settings::default();
        };
        // A name that is no preset (written by a newer callguard, or edited) leaves the line
        // under the policy in use.
        let line_policy = line
            .zip(preset.and_then(|name| Policy::preset(&name)))
            .map(|(line, policy)| (line.to_owned(), RiskEngine::new(policy)));
        Settings { pause, line_policy }
    }

    /// Screens one call, at its time (`call.at`) or now.
    pub fn screen(&self, call: &IncomingCall) -> Assessment {
        let text = call.number.as_deref().unwrap_or("");
        let now = call.at.unwrap_or_else(store::now);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let settings = self.settings(call.line.as_deref(), now);
            let (risk, line) = match &settings.line_policy {
                Some((line, risk)) => (risk, Some(line)),
                None => (&self.risk, None),
            };
            let assessment = self.screen_under(risk, call, text, now);
            let mut assessment = match &settings.pause {
                Some(pause) => risk.under_pause(assessment, pause, now),
                None => assessment,
            };
            assessment.line = line.cloned();
            assessment
        }));
        outcome.unwrap_or_else(|_| {
            let info = NumberInfo::unclassified(text, call.presentation);
            self.risk.unavailable(info, "internal error")
        })
    }

    /// Screens one call under `risk` (the policy in use or a line's preset) at `now`.
    fn screen_under(
        &self,
        risk: &RiskEngine,
        call: &IncomingCall,
        text: &str,
        now: store::UnixTime,
    ) -> Assessment {
        let info = self.classifier.classify(text, call.presentation);
        // Emergency and special numbers ring whatever the store says: never ask it, so a
        // store that cannot answer cannot get in their way.
        let number = info.e164.filter(|_| !info.kind.is_protected());
        let evidence = match (&self.store, number) {
            (StoreSlot::Open(store), Some(number)) => match store.lookup_at(number, now) {
                Ok(evidence) => Some(evidence),
                // A contact rings whatever the store holds, and says so.
                Err(_) if call.is_contact => None,
                // Fail open: a store that cannot answer never blocks a call.
                Err(err) => return risk.unavailable(info, &err.to_string()),
            },
            (StoreSlot::Unavailable(_), Some(_)) if call.is_contact => None,
            // The user's allow list might let this call ring whatever else it shows, and
            // the store that holds it could not be opened: let it ring.
            (StoreSlot::Unavailable(err), Some(_)) => {
                return risk.unavailable(info, &err.to_string())
            }
            _ => None,
        };
        // Calls decided by precedence (emergency and special numbers, contacts, the user's
        // lists) never look at claims or transcripts: skip scanning them.
        let decided = info.kind.is_protected()
            || call.is_contact
            || evidence.as_ref().is_some_and(|e| e.list.is_some());
        let findings = if decided {
            Findings::default()
        } else {
            self.findings(call, &info)
        };
        risk.assess(call, info, evidence.as_ref(), &findings)
    }
}

/// What the store's settings say about one call.
#[derive(Default)]
struct Settings {
    /// The pause in force, if any.
    pause: Option<ProtectionPause>,
    /// The line the call came in on and an engine for its preset, if it has one.
    line_policy: Option<(String, RiskEngine)>,
}
