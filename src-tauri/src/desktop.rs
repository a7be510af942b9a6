//! Showing the inbox's notices on the desktop (freedesktop notifications
//! over the D-Bus session bus). Delivery is best effort: the inbox keeps
//! every notice, and records why one could not be shown.

use cutover_store::Workspace;

/// Shows every notice not shown yet, oldest first.
pub fn deliver_pending(ws: &Workspace) {
    let pending = match ws.pending_desktop() {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "could not read the inbox");
            return;
        }
    };
    for notice in pending {
        let shown = notify_rust::Notification::new()
            .appname("Cutover")
            .summary(&notice.title)
            .body(&notice.body)
            .show()
            .map(|_| ())
            .map_err(|e| format!("The desktop did not accept the notification ({e})."));
        if let Err(why) = &shown {
            tracing::warn!(notice = notice.id, %why, "desktop notification not shown");
        }
        if let Err(e) = ws.notice_delivered(notice.id, shown) {
            tracing::error!(error = %e, "could not record a desktop notification");
        }
    }
}
