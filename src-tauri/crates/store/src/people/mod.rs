//! people

pub(crate) mod activity;
pub(crate) mod admins;
pub(crate) mod inbox;
pub mod recipients;
