//! The labels of directory entries: where each comes from, the words of report labels, and the
//! interned texts the planner's runs point at.

use std::collections::HashMap;

use callguard_text::Lang;
use serde::Serialize;

/// Where a label comes from: the Live Caller ID export names it as the identity's category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelCategory {
    /// No label (blocking entries).
    None,
    /// Reported as scam or fraud.
    SuspectedScam,
    /// Reported as a nuisance (spam, telemarketing, robocalls, surveys, other).
    Nuisance,
    /// The user's own label on an allow-list entry.
    UserLabel,
}

impl LabelCategory {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            LabelCategory::None => "none",
            LabelCategory::SuspectedScam => "suspected_scam",
            LabelCategory::Nuisance => "nuisance",
            LabelCategory::UserLabel => "user_label",
        }
    }
}

/// Label texts, interned: runs carry ids.
#[derive(Debug)]
pub(super) struct Labels {
    pub(super) texts: Vec<(String, LabelCategory)>,
    pub(super) ids: HashMap<String, u32>,
    /// (scam, count) to the id of its report label.
    pub(super) reports: HashMap<(bool, u64), u32>,
}

impl Labels {
    pub(super) fn id(&mut self, text: &str, category: LabelCategory) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = self.texts.len() as u32;
        self.texts.push((text.to_owned(), category));
        self.ids.insert(text.to_owned(), id);
        id
    }
}

/// The label of an identification entry for reported numbers ("詐欺の疑い (3件)").
pub fn report_label(scam: bool, count: u64, lang: Lang) -> String {
    let key = match (scam, count == 1) {
        (true, true) => "directory_scam_one",
        (true, false) => "directory_scam_many",
        (false, true) => "directory_nuisance_one",
        (false, false) => "directory_nuisance_many",
    };
    crate::risk::ReasonTexts::embedded_ref()
        .detail(key)
        .render(lang, &[("count", &count.to_string())])
}
