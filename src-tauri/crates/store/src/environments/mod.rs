//! environments

pub(crate) mod design;
pub(crate) mod extensions;
pub(crate) mod imports;
pub(crate) mod integrations;
pub mod refresh;
