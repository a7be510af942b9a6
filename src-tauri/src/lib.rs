//! The desktop shell: the only crate that depends on Tauri.
//!
//! It resolves the data directory, starts logging, opens the workspace,
//! makes the demo account on first start, and exposes the commands. Rules
//! live in `cutover-core`, storage in `cutover-store`.

pub mod bindings;
mod commands;
mod desktop;
pub mod error;
mod keychain;
mod logging;
mod reminders;
mod state;
mod tray;

use cutover_core::clock::{Clock, ShiftedClock, SystemClock};
use cutover_core::Error;
use cutover_store::env_store::sqlite::{Pace, SqliteBackend};
use cutover_store::Workspace;
use state::AppState;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use tauri::Manager;
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// The environment variable that overrides the data directory (tests use a
/// temporary one).
pub const DATA_DIR_VAR: &str = "CUTOVER_DATA_DIR";

fn data_dir(app: &tauri::App) -> Result<PathBuf, Error> {
    if let Some(dir) = std::env::var_os(DATA_DIR_VAR).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    app.path().app_data_dir().map_err(|e| {
        Error::internal(format!(
            "Cutover cannot find your application data folder ({e}). Set {DATA_DIR_VAR} to a writable folder."
        ))
    })
}

fn open_workspace(dir: &std::path::Path, clock: &dyn Clock) -> Result<Workspace, Error> {
    let workspace = match std::env::var(COPY_PAUSE_VAR)
        .ok()
        .and_then(|ms| ms.parse().ok())
    {
        Some(ms) => {
            tracing::warn!(ms, "copies rest between steps: for end-to-end tests only");
            let backend = SqliteBackend::new(dir)?.with_pace(Pace {
                pause: std::time::Duration::from_millis(ms),
                ..Pace::default()
            });
            Workspace::with_backend(dir, Box::new(backend))?
        }
        None => Workspace::open(dir)?,
    };
    if let Some(point) = std::env::var(FAILPOINT_VAR).ok().filter(|p| !p.is_empty()) {
        tracing::warn!(
            point,
            "a failpoint is set: a data upgrade will fail on purpose"
        );
        workspace.set_failpoint(Some(cutover_store::control::failpoint::Failpoint::parse(
            &point,
        )?));
    }
    workspace.set_keychain(std::sync::Arc::new(keychain::SystemKeychain));
    let retired = workspace.recover(clock.now())?;
    if !retired.is_empty() {
        tracing::warn!(?retired, "retired stores left by an interrupted run");
    }
    // No demo is made silently: a first start shows the welcome screen,
    // which offers one's own account or the demo.
    Ok(workspace)
}

/// Set to a number of milliseconds, copies and backups rest that long
/// between steps, so that a test can act while one runs (cancel it).
pub const COPY_PAUSE_VAR: &str = "CUTOVER_COPY_PAUSE_MS";

/// Set to `<step>:<mode>` (see `cutover_store::control::failpoint`), a data upgrade
/// fails on purpose at that step: for end-to-end tests only.
pub const FAILPOINT_VAR: &str = "CUTOVER_FAILPOINT";

/// Set to an RFC 3339 instant, the app starts with its clock at that instant
/// (for end-to-end tests of dated rules); otherwise the system clock.
pub const CLOCK_START_VAR: &str = "CUTOVER_CLOCK_START";

fn clock() -> Arc<dyn Clock> {
    let start = std::env::var(CLOCK_START_VAR).ok().and_then(|s| {
        let parsed = chrono::DateTime::parse_from_rfc3339(s.trim());
        if parsed.is_err() {
            eprintln!("cutover: ignoring {CLOCK_START_VAR}={s:?}: not an RFC 3339 instant");
        }
        parsed.ok()
    });
    match start {
        Some(at) => Arc::new(ShiftedClock::starting_at(at.with_timezone(&chrono::Utc))),
        None => Arc::new(SystemClock),
    }
}

/// What of the main window is remembered between starts.
fn window_kept() -> StateFlags {
    StateFlags::all() - StateFlags::VISIBLE
}

pub fn run() {
    let launched = Instant::now();
    let commands = bindings::builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_dialog::init())
        // Size, place and maximised state come back at the next start. Not
        // whether the window was shown: one closed to the tray opens again.
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(window_kept())
                .build(),
        )
        // Off until the admin turns it on (Settings, or the offer made once a
        // reminder is pending): it writes the desktop's autostart entry.
        .plugin(tauri_plugin_autostart::Builder::new().build())
        .invoke_handler(commands.invoke_handler())
        .setup(move |app| {
            commands.mount_events(app);
            desktop::attach(app.handle().clone());
            let clock = clock();
            let workspace = data_dir(app).and_then(|dir| {
                std::fs::create_dir_all(&dir).map_err(|e| {
                    Error::internal(format!(
                        "Cutover cannot use {} as its data folder ({e}). Free that path or set {DATA_DIR_VAR} to a writable folder, then start Cutover again.",
                        dir.display()
                    ))
                })?;
                if let Some(guard) = logging::init(&dir) {
                    app.manage(guard);
                }
                tracing::info!(data_dir = %dir.display(), version = env!("CARGO_PKG_VERSION"), "starting");
                open_workspace(&dir, clock.as_ref())
            });
            if let Err(e) = &workspace {
                eprintln!("cutover: {}", e.message);
                tracing::error!(message = %e.message, "cannot open the workspace");
            }
            let state = Arc::new(AppState {
                workspace,
                clock,
                launched,
                imports: Default::default(),
                source_job: Default::default(),
                copies: Default::default(),
                wake: Default::default(),
            });
            // Notices filed while the app was away (a promotion settled at
            // start-up) go to the desktop without holding up the window.
            let courier = Arc::clone(&state);
            std::thread::spawn(move || {
                if let Ok(ws) = courier.workspace() {
                    desktop::deliver_pending(ws, courier.clock.now());
                }
            });
            reminders::spawn(Arc::clone(&state));
            app.manage(state);
            if tray::install(app) {
                // Closing the window hides it; Cutover keeps running in the
                // tray so reminders still fire.
                if let Some(window) = app.get_webview_window("main") {
                    let hidden = window.clone();
                    window.on_window_event(move |event| {
                        if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                            api.prevent_close();
                            // Saved now, not only at quit: a logout or a
                            // kill while in the tray keeps the place too.
                            if let Err(e) = hidden.app_handle().save_window_state(window_kept()) {
                                tracing::warn!(error = %e, "the window's place was not saved");
                            }
                            match hidden.hide() {
                                Ok(()) => tracing::info!("the window was closed to the tray"),
                                Err(e) => tracing::warn!(error = %e, "the window could not be hidden"),
                            }
                        }
                    });
                }
            }
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("cutover: the desktop shell failed to start: {e}");
        std::process::exit(1);
    }
}
