//! Command handlers, mirroring the store's areas (a folder where an area
//! has several modules). Each is thin: arguments in, a call
//! into the store or core through [`crate::state::run_blocking`], a
//! data-transfer type out.

use tauri::ipc::Channel;

/// Forwards progress to the UI; a closed window must not fail the work.
pub(crate) fn forward<T: tauri::ipc::IpcResponse + Clone>(channel: &Channel<T>) -> impl Fn(T) + '_ {
    move |p| {
        let _ = channel.send(p);
    }
}
pub mod accounts;
pub mod app;
pub mod backups;
pub mod environments;
pub mod people;
pub mod promotion;
pub mod releases;
pub mod schedule;
pub mod storage;
pub mod uat;
pub mod upgrade;
