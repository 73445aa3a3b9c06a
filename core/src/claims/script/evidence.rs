//! Evidence outside the words (`core/rules/script/links.json`): links and phone numbers in a
//! message. A link gives signs — a raw IP address, a link shortener, a throw-away domain ending,
//! a look-alike of a brand's domain — and a phone number gives its kind, so a call-back number
//! that is mobile, IP phone or not the organisation's published one can count. Both are
//! replaced by one placeholder character before the words are matched.

use std::collections::{BTreeMap, BTreeSet};

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::normalise::chars::{Unit, LINK, PHONE};
use callguard_text::pack::{RulePack, Versioned};
use callguard_text::{LocalText, RulePackError};

pub(crate) const PACK: &str = "script/links";

/// Top-level domains that make a bare `name.tld` a link (with a scheme, `www.` or a path any
/// domain is one).
const COMMON_TLDS: [&str; 25] = [
    "com", "net", "org", "jp", "uk", "us", "gov", "edu", "au", "nz", "ca", "io", "co", "me", "ly",
    "gl", "gd", "app", "biz", "de", "fr", "eu", "tv", "ai", "at",
];

/// A sign that a link is not what it seems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkSign {
    /// The host is a raw IPv4 address.
    IpAddress,
    /// A link shortener hides the destination.
    Shortener,
    /// A domain ending that scam campaigns register cheaply and throw away.
    ThrowawayTld,
    /// A brand's name in a host that is not the brand's domain, or `.com-` tricks.
    Lookalike,
    /// The message asks for a reply to make the link clickable.
    ReplyToActivate,
}

impl LinkSign {
    /// Every sign, in code order.
    pub const ALL: [LinkSign; 5] = [
        LinkSign::IpAddress,
        LinkSign::Shortener,
        LinkSign::ThrowawayTld,
        LinkSign::Lookalike,
        LinkSign::ReplyToActivate,
    ];

    /// The stable code used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkSign::IpAddress => "ip_address",
            LinkSign::Shortener => "shortener",
            LinkSign::ThrowawayTld => "throwaway_tld",
            LinkSign::Lookalike => "lookalike",
            LinkSign::ReplyToActivate => "reply_to_activate",
        }
    }
}

/// What a phone number in a text looks like, by its digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    /// Japanese IP phone (050).
    JpIp,
    /// Japanese mobile (070, 080, 090).
    JpMobile,
    /// Japanese toll-free (0120, 0800).
    JpTollFree,
    /// Japanese navi-dial (0570).
    JpNavi,
    /// Another Japanese number starting with 0.
    JpFixedOrOther,
    /// Anything else.
    Other,
}

impl PhoneKind {
    /// The stable code used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneKind::JpIp => "jp_ip",
            PhoneKind::JpMobile => "jp_mobile",
            PhoneKind::JpTollFree => "jp_toll_free",
            PhoneKind::JpNavi => "jp_navi",
            PhoneKind::JpFixedOrOther => "jp_fixed_or_other",
            PhoneKind::Other => "other",
        }
    }

    fn of(digits: &str) -> PhoneKind {
        let national;
        let d = if digits.starts_with("81") && matches!(digits.len(), 11 | 12) {
            national = format!("0{}", &digits[2..]);
            national.as_str()
        } else {
            digits
        };
        if d.starts_with("050") {
            PhoneKind::JpIp
        } else if ["070", "080", "090"].iter().any(|p| d.starts_with(p)) {
            PhoneKind::JpMobile
        } else if d.starts_with("0120") || d.starts_with("0800") {
            PhoneKind::JpTollFree
        } else if d.starts_with("0570") {
            PhoneKind::JpNavi
        } else if d.starts_with('0') {
            PhoneKind::JpFixedOrOther
        } else {
            PhoneKind::Other
        }
    }

    /// Numbers an organisation's office would not call back from: mobile and IP phone.
    pub fn is_personal(self) -> bool {
        matches!(self, PhoneKind::JpIp | PhoneKind::JpMobile)
    }
}

/// A link found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// The link as folded (lower case), without trailing `.,)`.
    pub url: String,
    /// Its host.
    pub host: String,
    /// What is suspicious about it.
    pub signs: Vec<LinkSign>,
    /// The host is a listed brand's own domain.
    pub official: bool,
    /// Byte range in the original text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
}

/// A phone number found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phone {
    /// The number as written.
    pub text: String,
    /// Its digits.
    pub digits: String,
    /// What it looks like.
    pub kind: PhoneKind,
    /// Byte range in the original text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[doc(hidden)]
pub struct LinksFile {
    format: u32,
    #[allow(dead_code)] // documentation in the data
    description: String,
    second_level_suffixes: Vec<String>,
    shorteners: Vec<String>,
    throwaway_tlds: Vec<String>,
    brands: BTreeMap<String, Vec<String>>,
    reply_to_activate: Vec<String>,
    weights: Weights,
    sign_labels: BTreeMap<LinkSign, LocalText>,
}

impl Versioned for LinksFile {
    fn format(&self) -> u32 {
        self.format
    }
}

/// What link evidence weighs.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Weights {
    /// Any link.
    pub(crate) link: u8,
    pub(crate) shortener: u8,
    pub(crate) ip_address: u8,
    pub(crate) throwaway_tld: u8,
    pub(crate) lookalike: u8,
    pub(crate) reply_to_activate: u8,
    /// At most this much for all signs together (the heaviest, plus 5 per further sign).
    pub(crate) max: u8,
}

impl Weights {
    fn of(&self, sign: LinkSign) -> u8 {
        match sign {
            LinkSign::IpAddress => self.ip_address,
            LinkSign::Shortener => self.shortener,
            LinkSign::ThrowawayTld => self.throwaway_tld,
            LinkSign::Lookalike => self.lookalike,
            LinkSign::ReplyToActivate => self.reply_to_activate,
        }
    }

    /// The weight of a set of signs.
    pub(crate) fn of_signs(&self, signs: &[LinkSign]) -> u8 {
        let heaviest = signs.iter().map(|&s| self.of(s)).max().unwrap_or(0);
        let more = 5 * signs.len().saturating_sub(1);
        (usize::from(heaviest) + more).min(usize::from(self.max)) as u8
    }
}

/// The compiled link rules.
#[derive(Debug)]
pub struct LinkRules {
    suffixes: Vec<String>,
    shorteners: BTreeSet<String>,
    throwaway: BTreeSet<String>,
    /// Brand keyword → its official domains.
    brands: BTreeMap<String, Vec<String>>,
    official: BTreeSet<String>,
    /// The reply-to-activate cues, folded by the scanner's normaliser later.
    pub(crate) reply_to_activate: Vec<String>,
    pub(crate) weights: Weights,
    labels: BTreeMap<LinkSign, LocalText>,
    url: Regex,
    phone: Regex,
}

impl RulePack for LinkRules {
    const NAME: &'static str = PACK;
    const FORMAT: u32 = 1;
    type File = LinksFile;

    fn compile(file: LinksFile) -> Result<LinkRules, RulePackError> {
        fn lower<C: FromIterator<String>>(list: Vec<String>) -> C {
            list.into_iter().map(|s| s.to_ascii_lowercase()).collect()
        }
        for sign in LinkSign::ALL {
            let at = format!("sign_labels.{}", sign.as_str());
            file.sign_labels
                .get(&sign)
                .ok_or_else(|| RulePackError::new(PACK, &at, "missing"))?
                .check(PACK, &at)?;
        }
        let w = file.weights;
        if [
            w.shortener,
            w.ip_address,
            w.throwaway_tld,
            w.lookalike,
            w.reply_to_activate,
            w.link,
        ]
        .iter()
        .any(|&x| x > w.max || x > 100)
        {
            return Err(RulePackError::new(
                PACK,
                "weights",
                "a sign weighs more than max (or 100)",
            ));
        }
        let official = file.brands.values().flatten().cloned().collect();
        Ok(LinkRules {
            suffixes: lower(file.second_level_suffixes),
            shorteners: lower(file.shorteners),
            throwaway: lower(file.throwaway_tlds),
            brands: file.brands,
            official,
            reply_to_activate: file.reply_to_activate,
            weights: w,
            labels: file.sign_labels,
            url: Regex::new(URL_PATTERN).map_err(|e| RulePackError::new(PACK, "links", e))?,
            phone: Regex::new(PHONE_PATTERN).map_err(|e| RulePackError::new(PACK, "phones", e))?,
        })
    }
}

/// Links: an optional scheme, then an IPv4 address or dotted labels ending in a TLD of letters,
/// an optional port and path.
const URL_PATTERN: &str = concat!(
    r"(?:https?://)?(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})",
    r"(?::[0-9]+)?(?:/[!-~]*)?"
);
/// Phone numbers: digits with spaces, dashes and brackets, an optional leading `+`.
const PHONE_PATTERN: &str = r"\+?\(?[0-9][0-9 \-()]{7,}[0-9]";

fn is_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Links and phone numbers found in folded text, and the units with each replaced by one
/// placeholder unit spanning its original bytes.
pub(crate) struct Masked {
    pub(crate) units: Vec<Unit>,
    pub(crate) links: Vec<Link>,
    pub(crate) phones: Vec<Phone>,
}

impl LinkRules {
    /// The words for people of a sign.
    pub fn sign_label(&self, sign: LinkSign) -> &LocalText {
        // The loader checks a label for every sign.
        &self.labels[&sign]
    }

    fn registrable(&self, host: &str) -> String {
        let labels: Vec<&str> = host.split('.').collect();
        let take = if self
            .suffixes
            .iter()
            .any(|s| host == s || host.ends_with(&format!(".{s}")))
        {
            3
        } else {
            2
        };
        labels[labels.len().saturating_sub(take)..].join(".")
    }

    fn is_url(&self, url: &str) -> bool {
        if url.starts_with("http://")
            || url.starts_with("https://")
            || url.starts_with("www.")
            || url.contains('/')
        {
            return true;
        }
        let tld = url.rsplit('.').next().unwrap_or("");
        COMMON_TLDS.contains(&tld) || self.throwaway.contains(tld)
    }

    fn link(&self, url: &str, start: usize, end: usize) -> Link {
        let rest = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
            .unwrap_or(url);
        let host = rest
            .split('/')
            .next()
            .unwrap_or("")
            .split(':')
            .next()
            .unwrap_or("")
            .to_owned();
        let registrable = self.registrable(&host);
        let tld = host.rsplit('.').next().unwrap_or("");
        let mut signs = Vec::new();
        if is_ipv4(&host) {
            signs.push(LinkSign::IpAddress);
        }
        if self.shorteners.contains(&registrable) || self.shorteners.contains(&host) {
            signs.push(LinkSign::Shortener);
        }
        if self.throwaway.contains(tld) {
            signs.push(LinkSign::ThrowawayTld);
        }
        let official = self.official.contains(&registrable);
        if !official {
            let tokens: Vec<&str> = host.split(['.', '-']).collect();
            let brand = self.brands.keys().any(|b| tokens.contains(&b.as_str()));
            let trick = [".com-", "-com.", ".co-", "-co.", "co-jp"]
                .iter()
                .any(|t| host.contains(t));
            if brand || trick {
                signs.push(LinkSign::Lookalike);
            }
        }
        Link {
            url: url.to_owned(),
            host,
            signs,
            official,
            start,
            end,
        }
    }

    /// Finds links and phone numbers in the folded units of `original`.
    pub(crate) fn mask(&self, units: &[Unit], original: &str) -> Masked {
        let folded: String = units.iter().map(|u| u.c).collect();
        let mut starts = Vec::with_capacity(units.len());
        let mut at = 0;
        for u in units {
            starts.push(at);
            at += u.c.len_utf8();
        }
        let unit_at = |byte: usize| starts.partition_point(|&s| s < byte);
        let original_range =
            |s: usize, e: usize| (units[s].span.0 as usize, units[e - 1].span.1 as usize);

        // (first unit, end unit, placeholder)
        let mut pieces: Vec<(usize, usize, char)> = Vec::new();
        let mut links = Vec::new();
        for m in self.url.find_iter(&folded) {
            if !self.is_url(m.as_str()) {
                continue;
            }
            let (s, e) = (unit_at(m.start()), unit_at(m.end()));
            let (os, oe) = original_range(s, e);
            let url = m.as_str().trim_end_matches(['.', ',', ')']);
            links.push(self.link(url, os, oe));
            pieces.push((s, e, LINK));
        }
        let mut phones = Vec::new();
        let link_pieces = pieces.clone();
        for m in self.phone.find_iter(&folded) {
            let (s, e) = (unit_at(m.start()), unit_at(m.end()));
            if link_pieces.iter().any(|&(ls, le, _)| ls < e && s < le) {
                continue;
            }
            let digits: String = m.as_str().chars().filter(char::is_ascii_digit).collect();
            if !(9..=13).contains(&digits.len()) {
                continue;
            }
            let (os, oe) = original_range(s, e);
            phones.push(Phone {
                text: original.get(os..oe).unwrap_or("").to_owned(),
                kind: PhoneKind::of(&digits),
                digits,
                start: os,
                end: oe,
            });
            pieces.push((s, e, PHONE));
        }
        pieces.sort_unstable();
        let mut masked = Vec::with_capacity(units.len());
        let mut next = 0;
        for (s, e, placeholder) in pieces {
            masked.extend_from_slice(&units[next..s]);
            masked.push(Unit {
                c: placeholder,
                span: (units[s].span.0, units[e - 1].span.1),
            });
            next = e;
        }
        masked.extend_from_slice(&units[next..]);
        Masked {
            units: masked,
            links,
            phones,
        }
    }
}
