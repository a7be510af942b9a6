//! Showing the inbox's notices on the desktop (freedesktop notifications
//! over the D-Bus session bus). Delivery is best effort: the inbox keeps
//! every notice, and records why one could not be shown.

use chrono::{DateTime, Utc};
use cutover_store::Workspace;

/// Shows every notice not shown yet, oldest first, to the admin acting at
/// `now` if they opted in to its category for its account; otherwise
/// records why it was not shown.
pub fn deliver_pending(ws: &Workspace, now: DateTime<Utc>) {
    let pending = match ws.pending_desktop() {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "could not read the inbox");
            return;
        }
    };
    let admin = match ws.current_admin(now) {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, "could not read the current admin");
            return;
        }
    };
    for notice in pending {
        match ws.desktop_refusal(&notice, &admin) {
            Ok(Some(why)) => {
                if let Err(e) = ws.notice_delivered(notice.id, Err(why)) {
                    tracing::error!(error = %e, "could not record a desktop notification");
                }
                continue;
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "could not read the admin's opt-ins"),
        }
        let shown = notify_rust::Notification::new()
            .appname("Cutover")
            .summary(&notice.title)
            .body(&notice.body)
            .show()
            .map(|_| ())
            .map_err(|e| {
                format!("Not shown on the desktop: it did not accept the notification ({e}).")
            });
        if let Err(why) = &shown {
            tracing::warn!(notice = notice.id, %why, "desktop notification not shown");
        }
        if let Err(e) = ws.notice_delivered(notice.id, shown) {
            tracing::error!(error = %e, "could not record a desktop notification");
        }
    }
}
