//! How words people typed are compared with words in packs.

use unicode_normalization::UnicodeNormalization;

/// NFKC (full-width letters), lower case, single spaces: how caller-ID display words, the
/// names callers give organisations and similar short texts are compared.
pub fn fold(text: &str) -> String {
    let folded: String = text.nfkc().flat_map(char::to_lowercase).collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_case_and_spaces() {
        assert_eq!(fold("  ＰＲＩＶＡＴＥ　 Call "), "private call");
        assert_eq!(fold("総務省"), "総務省");
    }
}
