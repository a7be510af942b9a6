//! A second launch brings the first window back and exits, on a private
//! D-Bus session bus (single instance on Linux goes through the session
//! bus). A real window manager (openbox) runs for this test only, since
//! minimising and the active window are the window manager's: the first
//! window is minimised, and after the second launch it must be shown again
//! and be the active window.

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

/// Runs an X client tool on the test's display and returns what it printed.
fn x(tool: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(tool)
        .args(args)
        .stderr(Stdio::null())
        .output()?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Waits for `what` to hold, or fails naming it.
fn wait_for(what: &str, mut done: impl FnMut() -> Result<bool>) -> Result<()> {
    let deadline = Instant::now() + PATIENCE;
    while !done()? {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// The window manager's idea of a window's state: "Iconic" or "Normal".
fn wm_state(window: &str) -> Result<String> {
    let out = x("xprop", &["-id", window, "WM_STATE"])?;
    Ok(out
        .lines()
        .find_map(|l| l.trim().strip_prefix("window state: "))
        .unwrap_or("")
        .to_owned())
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
fn a_second_launch_brings_back_the_first_window_and_exits() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (_daemon, address) = private_bus(dir.path())?;
    let _wm = Group::spawn(
        Command::new("openbox")
            .arg("--sm-disable")
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )?;
    wait_for("openbox manages the display", || {
        Ok(x("xprop", &["-root", "_NET_SUPPORTING_WM_CHECK"])?.contains("window id"))
    })?;

    let data = dir.path().join("data");
    let mut first = launch(&data, &address)?;
    wait_for("the first instance shows its dashboard", || {
        Ok(log_mentions(&data, "dashboard interactive"))
    })?;
    let pid = first.0.id().to_string();
    let window = x("xdotool", &["search", "--onlyvisible", "--pid", &pid])?
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(
        !window.is_empty(),
        "the first instance has a visible window"
    );
    x("xdotool", &["windowminimize", "--sync", &window])?;
    wait_for("the first window is minimised", || {
        Ok(wm_state(&window)? == "Iconic")
    })?;
    assert_ne!(x("xdotool", &["getactivewindow"])?, window);

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
    wait_for("the first window is shown and active again", || {
        Ok(wm_state(&window)? == "Normal" && x("xdotool", &["getactivewindow"])? == window)
    })?;
    assert!(
        first.0.try_wait()?.is_none(),
        "the first instance must keep running"
    );
    Ok(())
}
