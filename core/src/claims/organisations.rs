//! The organisations scammers impersonate, the names callers use for them, the numbers they
//! publish and what they never do on the phone (`core/rules/organisations.json`).
//!
//! When a caller says who they are (`check --claims "総務省"`), [`Organisations`] compares the claim
//! with the number: a number the organisation does not publish is impersonation, and the advice
//! names the number to call back. A matching number is no proof — official numbers are spoofed
//! too — so the match is explained, never trusted.

use std::sync::{Arc, OnceLock};

use callguard_number::{NumberInfo, NumberKind, E164};
use callguard_text::pack::{self, RulePack, Versioned};
use callguard_text::{fold, LocalText, RulePackError};
use serde::Deserialize;

use super::ClaimOutcome;

const PACK: &str = "organisations";
const EMBEDDED: &str = include_str!("../../rules/organisations.json");

/// One organisation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// A stable identifier.
    pub id: String,
    /// Its name.
    pub name: LocalText,
    /// Names callers use for it (matched case-insensitively after NFKC).
    pub aliases: Vec<String>,
    /// Full numbers it publishes, `+` and E.164 digits.
    #[serde(default)]
    pub numbers: Vec<E164>,
    /// Short numbers it publishes (110, #9110 ...).
    #[serde(default)]
    pub short_numbers: Vec<String>,
    /// Words naming its local offices and call centres (年金事務所, 保健所), whose own numbers
    /// the directory does not list one by one.
    #[serde(default)]
    pub offices: Vec<String>,
    /// The number to call back, for people.
    pub call_back: LocalText,
    /// What it never does on the phone.
    pub never: LocalText,
    /// Where the facts come from.
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[doc(hidden)]
pub struct PackFile {
    format: u32,
    version: String,
    #[allow(dead_code)] // documentation in the data
    description: String,
    /// What to do when a caller claims an organisation: `{never}` and `{call_back}` filled in.
    advice: LocalText,
    organisations: Vec<Organisation>,
}

impl Versioned for PackFile {
    fn format(&self) -> u32 {
        self.format
    }
}

/// The organisations, with aliases folded for matching.
#[derive(Debug)]
pub struct Organisations {
    version: String,
    advice: LocalText,
    organisations: Vec<Organisation>,
    /// (folded alias, index into `organisations`), longest alias first; Japanese aliases are
    /// kept without spaces, as claims are compared.
    aliases: Vec<(String, usize)>,
}

/// Without any spaces: Japanese text is compared so, since people space it freely.
fn compact(folded: &str) -> String {
    folded.chars().filter(|c| !c.is_whitespace()).collect()
}

impl RulePack for Organisations {
    const NAME: &'static str = PACK;
    const FORMAT: u32 = 1;
    type File = PackFile;

    fn compile(file: PackFile) -> Result<Organisations, RulePackError> {
        file.advice.check(PACK, "advice")?;
        let mut aliases = Vec::new();
        for (i, org) in file.organisations.iter().enumerate() {
            let at = |field: &str| format!("organisations[{i}].{field}");
            org.name.check(PACK, at("name"))?;
            org.call_back.check(PACK, at("call_back"))?;
            org.never.check(PACK, at("never"))?;
            if org.aliases.is_empty() {
                return Err(RulePackError::new(
                    PACK,
                    at("aliases"),
                    "an organisation needs at least one alias",
                ));
            }
            for (j, alias) in org.aliases.iter().enumerate() {
                let folded = fold(alias);
                if folded.chars().count() < 2 {
                    return Err(RulePackError::new(
                        PACK,
                        format_args!("organisations[{i}].aliases[{j}]"),
                        "an alias has at least two characters",
                    ));
                }
                let key = if folded.is_ascii() {
                    folded
                } else {
                    compact(&folded)
                };
                aliases.push((key, i));
            }
        }
        aliases.sort_by_key(|(a, _)| std::cmp::Reverse(a.chars().count()));
        Ok(Organisations {
            version: file.version,
            advice: file.advice,
            organisations: file.organisations,
            aliases,
        })
    }
}

impl Organisations {
    /// The organisations built into this library. Parsed once, then shared.
    pub fn embedded() -> Arc<Organisations> {
        static SLOT: OnceLock<Arc<Organisations>> = OnceLock::new();
        pack::embedded(&SLOT, EMBEDDED)
    }

    /// Reads and checks the organisations from JSON.
    pub fn from_json(text: &str) -> Result<Organisations, RulePackError> {
        <Organisations as RulePack>::from_json(text)
    }

    /// The pack's version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Every organisation.
    pub fn organisations(&self) -> &[Organisation] {
        &self.organisations
    }

    /// The organisation a claim names ("総務省の者です", "this is the police"), if any. Latin
    /// aliases must stand as words, so "mic" does not match "microphone".
    pub fn find(&self, claim: &str) -> Option<&Organisation> {
        let folded = fold(claim);
        let compacted = compact(&folded);
        self.aliases
            .iter()
            .find(|(alias, _)| {
                if alias.is_ascii() {
                    folded.match_indices(alias.as_str()).any(|(at, m)| {
                        let before = folded[..at].chars().next_back();
                        let after = folded[at + m.len()..].chars().next();
                        !before.is_some_and(|c| c.is_ascii_alphanumeric())
                            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
                    })
                } else {
                    compacted.contains(alias.as_str())
                }
            })
            .map(|(_, i)| &self.organisations[*i])
    }

    /// Whether the claim may come from a real office the directory does not list: a domestic
    /// fixed, toll-free or navi-dial number, and either the claim names one of the
    /// organisation's offices (a local pension office) or the number is a navi-dial one (a
    /// ministry's call centre). Mobile, IP-phone and foreign numbers are no office's.
    fn unlisted_office(&self, org: &Organisation, claim: &str, number: &NumberInfo) -> bool {
        if number.international != Some(false) {
            return false;
        }
        let navi_dial = matches!(number.kind, NumberKind::Uan | NumberKind::SharedCost);
        let office_line = navi_dial
            || matches!(
                number.kind,
                NumberKind::Fixed | NumberKind::FixedOrMobile | NumberKind::TollFree
            );
        if !office_line {
            return false;
        }
        let said = compact(&fold(claim));
        navi_dial
            || org
                .offices
                .iter()
                .any(|office| said.contains(&compact(&fold(office))))
    }

    /// Compares a claim with the caller's number. None when the claim names no organisation
    /// the directory knows.
    pub fn check(&self, claim: &str, number: &NumberInfo) -> Option<ClaimOutcome> {
        let org = self.find(claim)?;
        let by_number = number.e164.is_some_and(|n| org.numbers.contains(&n));
        let by_short = number.e164.is_none()
            && number.service.is_some()
            && org
                .short_numbers
                .iter()
                .any(|s| fold(s) == fold(&number.input));
        if by_number || by_short {
            return Some(ClaimOutcome::Matches {
                organisation: org.name.clone(),
            });
        }
        let advice = LocalText::from_fn(|lang| {
            self.advice.render(
                lang,
                &[
                    ("never", org.never.get(lang)),
                    ("call_back", org.call_back.get(lang)),
                ],
            )
        });
        if org.numbers.is_empty() || self.unlisted_office(org, claim, number) {
            return Some(ClaimOutcome::Unverifiable {
                organisation: org.name.clone(),
                advice,
            });
        }
        Some(ClaimOutcome::Impersonation {
            organisation: org.name.clone(),
            advice,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use callguard_number::{Classifier, Presentation, Region};
    use callguard_text::Lang;

    fn info(number: &str) -> NumberInfo {
        Classifier::new(Region::JP).classify(number, Presentation::Allowed)
    }

    #[test]
    fn embedded_directory_loads() {
        let dir = Organisations::from_json(EMBEDDED).expect("directory");
        assert!(dir.organisations().len() >= 5);
    }

    #[test]
    fn claims_find_organisations() {
        let dir = Organisations::embedded();
        let id = |claim: &str| dir.find(claim).map(|o| o.id.as_str());
        assert_eq!(id("総務省の者です"), Some("mic"));
        assert_eq!(id("関東総合通信局です"), Some("mic"));
        assert_eq!(id("警視庁捜査二課の刑事です"), Some("police"));
        assert_eq!(id("This is the POLICE"), Some("police"));
        assert_eq!(id("総 務 省です"), Some("mic"));
        assert_eq!(id("ｹｲｻﾂ"), None);
        assert_eq!(id("a microphone salesman"), None);
        assert_eq!(id("hi, can you check your mic"), None);
        assert_eq!(id("刑事ドラマの件で"), None);
        assert_eq!(id("宅配便です"), None);
    }

    #[test]
    fn a_claim_against_the_number() {
        let dir = Organisations::embedded();
        match dir.check("総務省", &info("+1 202 555 0143")) {
            Some(ClaimOutcome::Impersonation {
                organisation,
                advice,
            }) => {
                assert_eq!(organisation.get(Lang::JA), "総務省");
                assert!(advice.get(Lang::JA).contains("03-5253-5111"), "{advice:?}");
                assert!(advice.get(Lang::EN).contains("never phones"), "{advice:?}");
            }
            other => panic!("expected impersonation, got {other:?}"),
        }
        assert!(matches!(
            dir.check("総務省", &info("03-5253-5111")),
            Some(ClaimOutcome::Matches { .. })
        ));
        assert!(matches!(
            dir.check("警察", &info("#9110")),
            Some(ClaimOutcome::Matches { .. })
        ));
        // The police publish no numbers: a claim is unverifiable, not proven false.
        assert!(matches!(
            dir.check("警察", &info("0120-123-456")),
            Some(ClaimOutcome::Unverifiable { .. })
        ));
        assert_eq!(dir.check("近所の田中です", &info("03-5253-5111")), None);
    }

    #[test]
    fn an_unlisted_office_is_unverified_not_impersonation() {
        let dir = Organisations::embedded();
        // A local pension office calls from its own fixed line, which the directory does not
        // list; the pension service's own number is the pension dial.
        assert!(matches!(
            dir.check("年金事務所の者です", &info("03-3333-4444")),
            Some(ClaimOutcome::Unverifiable { .. })
        ));
        // A ministry's call centre on a navi-dial number the directory does not list.
        assert!(matches!(
            dir.check("厚生労働省のコールセンターです", &info("0570-01-2345")),
            Some(ClaimOutcome::Unverifiable { .. })
        ));
        // No office calls from a mobile, an IP phone or abroad.
        for number in ["090-1234-5678", "050-1234-5678", "+1 202 555 0143"] {
            assert!(
                matches!(
                    dir.check("年金事務所の者です", &info(number)),
                    Some(ClaimOutcome::Impersonation { .. })
                ),
                "{number}"
            );
        }
        // The ministry itself named from a fixed line is still impersonation.
        assert!(matches!(
            dir.check("総務省です", &info("03-3333-4444")),
            Some(ClaimOutcome::Impersonation { .. })
        ));
    }
}
