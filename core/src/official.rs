//! The official directory: organisations scammers impersonate, the names callers use for them,
//! the numbers they publish and what they never do on the phone (`core/rules/official.json`).
//!
//! When a caller says who they are (`check --claims "総務省"`), the directory compares the claim
//! with the number: a number the organisation does not publish is impersonation, and the advice
//! names the number to call back. A matching number is no proof — official numbers are spoofed
//! too — so the match is explained, never trusted.

use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::classify::NumberInfo;
use crate::number::E164;
use crate::risk::ClaimOutcome;
use crate::rules::{LocalText, RulePackError};

const PACK: &str = "official";
const EMBEDDED: &str = include_str!("../rules/official.json");
const FORMAT: u32 = 1;

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
    /// The number to call back, for people.
    pub call_back: LocalText,
    /// What it never does on the phone.
    pub never: LocalText,
    /// Where the facts come from.
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    format: u32,
    version: String,
    #[allow(dead_code)] // documentation in the data
    description: String,
    organisations: Vec<Organisation>,
}

/// The directory, with aliases folded for matching.
#[derive(Debug)]
pub struct OfficialDirectory {
    version: String,
    organisations: Vec<Organisation>,
    /// (folded alias, index into `organisations`), longest alias first; Japanese aliases are
    /// kept without spaces, as claims are compared.
    aliases: Vec<(String, usize)>,
}

/// NFKC, lower case and single spaces: how claims and aliases are compared.
fn fold(text: &str) -> String {
    let lower: String = text.nfkc().flat_map(char::to_lowercase).collect();
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Without any spaces: Japanese text is compared so, since people space it freely.
fn compact(folded: &str) -> String {
    folded.chars().filter(|c| !c.is_whitespace()).collect()
}

impl OfficialDirectory {
    /// The directory built into this library. Parsed once, then shared.
    pub fn embedded() -> Arc<OfficialDirectory> {
        static DIRECTORY: OnceLock<Arc<OfficialDirectory>> = OnceLock::new();
        DIRECTORY
            .get_or_init(|| {
                // Checked by a unit test, so this cannot fail in a release.
                Arc::new(
                    OfficialDirectory::from_json(EMBEDDED).unwrap_or_else(|err| {
                        panic!("the embedded official directory is invalid: {err}")
                    }),
                )
            })
            .clone()
    }

    /// Reads and checks a directory from JSON.
    pub fn from_json(text: &str) -> Result<OfficialDirectory, RulePackError> {
        let file: PackFile = crate::rules::parse_json(PACK, text)?;
        crate::rules::check_format(PACK, file.format, FORMAT)?;
        let mut aliases = Vec::new();
        for (i, org) in file.organisations.iter().enumerate() {
            if org.aliases.is_empty() {
                return Err(RulePackError::new(
                    PACK,
                    format_args!("organisations[{i}].aliases"),
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
        Ok(OfficialDirectory {
            version: file.version,
            organisations: file.organisations,
            aliases,
        })
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
        let advice = LocalText {
            ja: format!(
                "{} 電話を切り、{}に自分でかけ直してください。",
                org.never.ja, org.call_back.ja
            ),
            en: format!(
                "{} Hang up and call {} yourself.",
                org.never.en, org.call_back.en
            ),
        };
        if org.numbers.is_empty() {
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
    use crate::classify::Classifier;
    use crate::number::Presentation;
    use crate::region::Region;

    fn info(number: &str) -> NumberInfo {
        Classifier::new(Region::JP).classify(number, Presentation::Allowed)
    }

    #[test]
    fn embedded_directory_loads() {
        let dir = OfficialDirectory::from_json(EMBEDDED).expect("directory");
        assert!(dir.organisations().len() >= 5);
    }

    #[test]
    fn claims_find_organisations() {
        let dir = OfficialDirectory::embedded();
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
        let dir = OfficialDirectory::embedded();
        match dir.check("総務省", &info("+1 202 555 0143")) {
            Some(ClaimOutcome::Impersonation {
                organisation,
                advice,
            }) => {
                assert_eq!(organisation.ja, "総務省");
                assert!(advice.ja.contains("03-5253-5111"), "{}", advice.ja);
                assert!(advice.en.contains("never phones"), "{}", advice.en);
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
}
