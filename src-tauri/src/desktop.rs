//! Showing the inbox's notices on the desktop (freedesktop notifications
//! over the D-Bus session bus). Delivery is best effort: the inbox keeps
//! every notice, and records why one could not be shown. Clicking a notice
//! about something (a run, a promotion, a release) brings the window up on
//! it, as the inbox's Open does.

use chrono::{DateTime, Utc};
use cutover_core::target::Target;
use cutover_store::Workspace;
use std::sync::OnceLock;
use tauri::{AppHandle, Emitter, Manager};

/// The event the window hears when a notification is clicked: its target.
pub const OPEN_TARGET: &str = "open-target";

/// The running app, for the clicks on notifications shown from any thread.
static APP: OnceLock<AppHandle> = OnceLock::new();

/// Set once at start-up; before that, notifications are shown unclickable.
pub fn attach(app: AppHandle) {
    let _ = APP.set(app);
}

fn open(app: &AppHandle, target: Target) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    if let Err(e) = app.emit(OPEN_TARGET, target) {
        tracing::warn!(error = %e, "could not open a notification's object");
    }
}

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
        let mut shown = notify_rust::Notification::new();
        shown
            .appname("Cutover")
            .summary(&notice.title)
            .body(&notice.body);
        let clickable = notice.target.zip(APP.get().cloned());
        if clickable.is_some() {
            // "default" is the action of a click on the notification itself.
            shown.action("default", "Open");
        }
        let shown = shown
            .show()
            .map(|handle| {
                if let Some((target, app)) = clickable {
                    // Waits until the notification is clicked or closed.
                    std::thread::spawn(move || {
                        handle.wait_for_action(|action| {
                            if action == "default" {
                                open(&app, target);
                            }
                        })
                    });
                }
            })
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
