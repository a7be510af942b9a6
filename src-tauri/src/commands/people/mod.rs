//! Commands of the store's `people` area: admins and the inbox.

pub mod admins;
pub mod inbox;
