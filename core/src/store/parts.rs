//! What the reader's in-memory view is made of, as the store's features name it: a feature
//! that writes asks for the parts it needs and patches the part it changed, without knowing how
//! the view loads them (`view.rs`).

/// Which parts of the view a caller needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Need {
    pub lists: bool,
    pub reports: bool,
    pub calls: bool,
}

impl Need {
    /// Everything: what a look-up needs.
    pub const ALL: Need = Need {
        lists: true,
        reports: true,
        calls: true,
    };
    /// The lists only.
    pub const LISTS: Need = Need {
        lists: true,
        reports: false,
        calls: false,
    };
}

/// The parts of the view a write of this store can patch in place.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Part {
    /// The lists.
    Lists,
    /// Reported numbers.
    Reports,
    /// The call log.
    Calls,
}
