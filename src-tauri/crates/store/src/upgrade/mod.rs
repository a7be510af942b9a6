//! upgrade

pub(crate) mod data;
pub(crate) mod finish;
pub(crate) mod packages;
pub(crate) mod rollback;
pub(crate) mod run;
pub(crate) mod view;
