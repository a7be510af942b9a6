//! The in-app inbox: notices about operations that finished on their own
//! time (a promotion, or its automatic restore), also sent to the desktop.

use chrono::{DateTime, Utc};
use serde::Serialize;
use specta::Type;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub title: String,
    pub body: String,
    pub read: bool,
    /// Why the desktop notification could not be shown, if it could not.
    pub undelivered: Option<String>,
    /// Not shown on the desktop yet.
    pub desktop_pending: bool,
}
