//! Logs go to `<data dir>/logs/cutover.log.<date>`, rotated daily and kept
//! for two weeks, so a failed operation can be triaged after the fact.
//! `RUST_LOG` overrides the default level (info).

use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::EnvFilter;

/// Starts logging; the guard must live as long as the app so that buffered
/// lines are flushed on exit.
pub fn init(data_dir: &Path) -> Option<WorkerGuard> {
    let dir = data_dir.join("logs");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!(
            "cutover: cannot create the log folder {}: {e}",
            dir.display()
        );
        return None;
    }
    let appender = Builder::new()
        .rotation(Rotation::DAILY)
        .filename_prefix("cutover")
        .filename_suffix("log")
        .max_log_files(14)
        .build(&dir);
    let appender = match appender {
        Ok(a) => a,
        Err(e) => {
            eprintln!("cutover: cannot write logs in {}: {e}", data_dir.display());
            return None;
        }
    };
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init();
    installed.ok().map(|_| guard)
}
