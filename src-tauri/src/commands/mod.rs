//! Command handlers, one module per area. Each is thin: arguments in, a call
//! into the store or core through [`crate::state::run_blocking`], a
//! data-transfer type out.

pub mod app;
pub mod backups;
pub mod environments;
