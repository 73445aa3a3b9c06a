//! Texts people and feeds give the store (labels, notes, feed and key names): checked before
//! they are stored, so that no stored text can forge a row or drive a terminal where it is
//! shown, and none is unbounded.

use crate::store::error::StoreError;

/// A list entry's label: a short title shown with the call (and in the iOS directory).
pub const MAX_LABEL_CHARS: usize = 200;
/// A note on a list entry or a report.
pub const MAX_NOTE_CHARS: usize = 4000;
/// A feed's or a trusted key's name.
pub const MAX_NAME_CHARS: usize = 100;

/// What a text is, and what it may hold.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TextKind {
    /// One line: no control characters at all.
    Label,
    /// Several lines: new lines and tabs, no other control character.
    Note,
    /// A feed's name: one line.
    FeedName,
    /// A trusted key's name: one line.
    KeyName,
}

impl TextKind {
    fn what(self) -> &'static str {
        match self {
            TextKind::Label => "label",
            TextKind::Note => "note",
            TextKind::FeedName => "feed name",
            TextKind::KeyName => "key name",
        }
    }

    fn max_chars(self) -> usize {
        match self {
            TextKind::Label => MAX_LABEL_CHARS,
            TextKind::Note => MAX_NOTE_CHARS,
            TextKind::FeedName | TextKind::KeyName => MAX_NAME_CHARS,
        }
    }
}

/// Refuses a text with control characters (beyond a note's new lines and tabs), bidirectional
/// overrides, or more than the kind's characters.
pub(crate) fn check_text(kind: TextKind, text: &str) -> Result<(), StoreError> {
    let shown = || text.chars().take(40).collect::<String>();
    let refuse = |reason: String| StoreError::InvalidText {
        what: kind.what(),
        text: shown(),
        reason,
    };
    let count = text.chars().count();
    if count > kind.max_chars() {
        return Err(refuse(format!(
            "{count} characters where a {} has at most {}",
            kind.what(),
            kind.max_chars()
        )));
    }
    let allowed = |c: char| matches!(kind, TextKind::Note) && matches!(c, '\n' | '\t');
    if let Some(c) = text.chars().find(|&c| {
        !allowed(c)
            && (c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
    }) {
        return Err(refuse(format!(
            "contains the control character U+{:04X}: a {} is {}",
            u32::from(c),
            kind.what(),
            if matches!(kind, TextKind::Note) {
                "text (new lines and tabs allowed)"
            } else {
                "one line of text"
            }
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_texts_refuse_control_characters() {
        assert!(check_text(TextKind::Label, "偽の警察").is_ok());
        for bad in [
            "x\nallow\t+81*",
            "a\rb",
            "\u{1b}[31m",
            "abc\u{202e}",
            "a\u{0}",
        ] {
            let err = check_text(TextKind::Label, bad).expect_err(bad);
            assert!(err.to_string().contains("control character"), "{err}");
            assert!(err.is_bad_input());
        }
        assert!(check_text(TextKind::Note, "line one\nline two\tend").is_ok());
        assert!(check_text(TextKind::Note, "a\u{1b}b").is_err());
        assert!(check_text(TextKind::Label, &"あ".repeat(MAX_LABEL_CHARS)).is_ok());
        assert!(check_text(TextKind::Label, &"あ".repeat(MAX_LABEL_CHARS + 1)).is_err());
    }
}
