//! Working on one environment: designer changes and record edits with
//! their changelog, CSV imports (and their rejected rows written back), exports to a file, extensions, integrations, and refreshing a
//! sandbox or UAT from production.
//!
//! Invariants: every write checks the environment's rules first (locked,
//! an import running, production needs a confirmation); whatever can drop
//! data (uninstalling an extension, a refresh) takes a verified backup
//! first; an import commits all its accepted rows or none; integrations a
//! promotion or upgrade paused are resumed by exactly that operation.
//!
//! Calls: `env_store`, `backups` (the backup before a destructive change),
//! `releases` (the extension catalog's packages), `control`, `people`.

mod create;
mod design;
mod export;
mod extensions;
mod imports;
pub(crate) mod integrations;
pub mod refresh;
mod rejected;
mod role_pause;
