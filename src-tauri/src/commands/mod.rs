//! Command handlers, one module per area. Each is thin: arguments in, a call
//! into the store or core through [`crate::state::run_blocking`], a
//! data-transfer type out.

pub mod admins;
pub mod app;
pub mod backups;
pub mod design;
pub mod environments;
pub mod inbox;
pub mod integrations;
pub mod promotion;
pub mod records;
pub mod refresh;
