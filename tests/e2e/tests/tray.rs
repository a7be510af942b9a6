//! The tray icon through a real tray host: the icon registers with the
//! desktop's panel (a StatusNotifierWatcher on the session bus, as GNOME's,
//! KDE's and most panels run), the × closes the window to it, *Open
//! Cutover* brings the window back, and *Quit Cutover* ends the app
//! cleanly: its process exits and it starts again on the same data.

use cutover_e2e::{app_binary, running_with, tray::TrayHost, x11, App, Result};
use std::time::{Duration, Instant};

async fn until(what: &str, mut done: impl FnMut() -> Result<bool>) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !done()? {
        if Instant::now() > deadline {
            return Err(format!("never {what}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn the_tray_opens_the_window_and_quits_the_app() -> Result<()> {
    let bus_dir = tempfile::tempdir()?;
    let host = TrayHost::start(bus_dir.path())?;
    let holder = tempfile::tempdir()?;
    let data = holder.path().to_path_buf();
    let env = [("DBUS_SESSION_BUS_ADDRESS".to_string(), host.address.clone())];
    let mut app = App::launch_with("tray", holder, &data, &env).await?;
    app.explore_demo().await?;

    // The icon is on the panel, shown, with its menu.
    host.wait_for_item()?;
    assert_eq!(host.status()?, "Active");
    let labels: Vec<String> = host.menu()?.into_iter().map(|(_, l)| l).collect();
    assert_eq!(labels, ["Open Cutover", "Quit Cutover"]);

    // The ×: hidden, still running.
    x11::close_until_hidden("Cutover")?;
    assert!(x11::exists("Cutover")?, "hidden, not destroyed");
    assert_eq!(app.eval("return 6 * 7").await?, serde_json::json!(42));

    // Open Cutover from the tray: the window is back, on the same screen.
    host.click("Open Cutover")?;
    until("shown again", || x11::shown("Cutover")).await?;
    app.wait_for_text(r#"[data-testid="account"] h2"#, "Northwind Foods")
        .await?;
    app.screenshot("opened-from-tray").await?;

    // Quit Cutover from the tray: the process ends and its window with it.
    let binary = app_binary();
    assert!(running_with(
        &binary,
        "DBUS_SESSION_BUS_ADDRESS",
        &host.address
    ));
    host.click("Quit Cutover")?;
    until("quit", || {
        Ok(!running_with(
            &binary,
            "DBUS_SESSION_BUS_ADDRESS",
            &host.address,
        ))
    })
    .await?;
    assert!(!x11::exists("Cutover")?, "no window left behind");

    // A clean quit: started again on the same data, straight to the demo.
    let holder = app.after_quit();
    let app = App::launch_with("tray-again", holder, &data, &env).await?;
    app.wait_for(r#"[data-testid="env-row"]"#).await?;
    app.close().await
}
