//! backups

pub(crate) mod backup;
pub(crate) mod platform;
pub(crate) mod recovery;
