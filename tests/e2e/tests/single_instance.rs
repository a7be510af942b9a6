//! A second launch focuses the first window and exits, on a private D-Bus
//! session bus (single instance on Linux goes through the session bus).

use cutover_e2e::{app_binary, private_bus, Group, Result, PATIENCE};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn launch(data: &Path, bus: &str) -> Result<Group> {
    Ok(Group::spawn(
        Command::new(app_binary())
            .env("CUTOVER_DATA_DIR", data)
            .env("DBUS_SESSION_BUS_ADDRESS", bus)
            .env("NO_AT_BRIDGE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )?)
}

fn log_mentions(data: &Path, needle: &str) -> bool {
    std::fs::read_dir(data.join("logs"))
        .map(|dir| {
            dir.flatten().any(|f| {
                std::fs::read_to_string(f.path())
                    .unwrap_or_default()
                    .contains(needle)
            })
        })
        .unwrap_or(false)
}

#[test]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
fn a_second_launch_exits_and_leaves_the_first_running() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (_daemon, address) = private_bus(dir.path())?;

    let data = dir.path().join("data");
    let mut first = launch(&data, &address)?;
    let deadline = Instant::now() + PATIENCE;
    while !log_mentions(&data, "dashboard interactive") {
        assert!(
            Instant::now() < deadline,
            "the first instance never showed its dashboard"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let mut second = launch(&data, &address)?;
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(status) = second.0.try_wait()? {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the second instance kept running"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "the second instance exited with {status}");
    assert!(
        first.0.try_wait()?.is_none(),
        "the first instance must keep running"
    );
    Ok(())
}
