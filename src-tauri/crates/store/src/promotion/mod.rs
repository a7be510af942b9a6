//! promotion

pub(crate) mod history;
pub(crate) mod plan;
pub(crate) mod recovery;
pub(crate) mod run;
pub(crate) mod undo;
