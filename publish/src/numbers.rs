//! Reported numbers read the way a phone reads them: the core's own normalisation and
//! classification, so a number is the same number in the feed as on the phone.

use std::collections::HashSet;

use callguard_core::{Classifier, NumberKind, Organisations, Presentation, Region};

use crate::report::Dropped;

/// Turns a reported number's text into E.164 digits, or says why it is left out.
pub struct Numbers {
    home: Classifier,
    /// The FTC's files are American: their short numbers (911, 311 ...) are protected too.
    us: Classifier,
    official: HashSet<u64>,
}

impl Numbers {
    /// Reads national numbers as dialled in `region`.
    pub fn new(region: Region) -> Numbers {
        let official = Organisations::embedded()
            .organisations()
            .iter()
            .flat_map(|o| o.numbers.iter().map(|n| n.as_u64()))
            .collect();
        Numbers {
            home: Classifier::new(region),
            us: Classifier::new(Region::US),
            official,
        }
    }

    /// The number `text` names, or why it is never published: emergency and special numbers of
    /// the home region (and of the United States, whose files the FTC publishes), the
    /// organisations' published numbers, and numbers that cannot exist.
    pub fn read(&self, text: &str) -> Result<u64, Dropped> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Dropped::InvalidNumber);
        }
        let info = self.home.classify(text, Presentation::Allowed);
        if info.kind.is_protected()
            || self
                .us
                .classify(text, Presentation::Allowed)
                .kind
                .is_protected()
        {
            return Err(Dropped::Protected);
        }
        match (info.kind, info.e164) {
            (NumberKind::Invalid | NumberKind::Hidden, _) | (_, None) => {
                Err(Dropped::InvalidNumber)
            }
            (_, Some(n)) if self.official.contains(&n.as_u64()) => Err(Dropped::Official),
            (_, Some(n)) => Ok(n.as_u64()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_the_phone_reads_them() {
        let numbers = Numbers::new(Region::JP);
        assert_eq!(numbers.read("050-1234-5678"), Ok(815_012_345_678));
        assert_eq!(numbers.read("+81 50 1234 5678"), Ok(815_012_345_678));
        for protected in ["110", "119", "118", "911", "#9110", "188", "１１０"] {
            assert_eq!(
                numbers.read(protected),
                Err(Dropped::Protected),
                "{protected}"
            );
        }
        // The Ministry of Internal Affairs and Communications' switchboard.
        assert_eq!(numbers.read("03-5253-5111"), Err(Dropped::Official));
        for bad in ["", "hello", "+83 1234 5678", "非通知"] {
            assert_eq!(numbers.read(bad), Err(Dropped::InvalidNumber), "{bad}");
        }
    }
}
