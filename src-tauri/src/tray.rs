//! The system-tray icon: closing the window hides it and Cutover keeps
//! running (so reminders still fire); quitting is explicit, from the tray.

use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{App, AppHandle, Manager};

fn show(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Adds the tray icon. Returns false when the desktop has no tray, in which
/// case closing the window quits as usual.
pub fn install(app: &App) -> bool {
    let built = (|| -> tauri::Result<()> {
        let open = MenuItem::with_id(app, "open", "Open Cutover", true, None::<&str>)?;
        let quit = MenuItem::with_id(app, "quit", "Quit Cutover", true, None::<&str>)?;
        let menu = Menu::with_items(app, &[&open, &quit])?;
        let mut tray = TrayIconBuilder::with_id("cutover")
            .tooltip("Cutover: reminders stay on while the window is closed")
            .menu(&menu)
            .on_menu_event(|app, event| match event.id.as_ref() {
                "open" => show(app),
                "quit" => app.exit(0),
                _ => {}
            });
        if let Some(icon) = app.default_window_icon() {
            tray = tray.icon(icon.clone());
        }
        tray.build(app)?;
        Ok(())
    })();
    match built {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, "no system tray; closing the window quits Cutover");
            false
        }
    }
}
