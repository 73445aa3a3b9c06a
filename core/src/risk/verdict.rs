//! What the phone should do with the call.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What the phone should do with the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Let it ring.
    Allow,
    /// Let it ring, with a warning on screen.
    Warn,
    /// Do not ring; the call is still logged and can be returned.
    Silence,
    /// Reject the call.
    Block,
}

impl Verdict {
    /// Every verdict, mildest first.
    pub const ALL: [Verdict; 4] = [
        Verdict::Allow,
        Verdict::Warn,
        Verdict::Silence,
        Verdict::Block,
    ];

    /// The stable name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Warn => "warn",
            Verdict::Silence => "silence",
            Verdict::Block => "block",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
