//! releases

pub(crate) mod catalog;
pub mod export;
pub(crate) mod import;
pub(crate) mod index;
pub mod notes;
