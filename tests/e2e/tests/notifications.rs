//! A real desktop notification: a promotion interrupted by a stop is settled
//! when Cutover starts (production restored), and the notice reaches a real
//! notification daemon (dunst) on a private D-Bus session bus.

use cutover_core::backup::BackupReason;
use cutover_core::change::Change;
use cutover_e2e::{app_binary, App, Dunst, Group, Result, PATIENCE};
use cutover_store::{demo, Workspace};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A data directory as a stop in the middle of a promotion leaves it.
fn interrupted_promotion(data: &Path) -> Result<()> {
    let ws = Workspace::open(data)?;
    let now = chrono::Utc::now();
    demo::ensure_demo(&ws, now)?;
    let envs = ws.overview()?[0].environments.clone();
    let id = |n: &str| {
        envs.iter()
            .find(|e| e.environment.name == n)
            .map(|e| e.environment.id)
            .ok_or("no env")
    };
    let (production, sandbox) = (id("Production")?, id("Promotable sandbox")?);
    let alex = ws.current_admin(now)?;
    let backup = ws.take_backup(
        production,
        BackupReason::BeforePromotion,
        &alex,
        now,
        &|_| {},
    )?;
    ws.apply_change(
        production,
        &Change::CreateApp {
            name: "Half promoted".into(),
        },
        &alex,
        now,
        true,
    )?;
    let conn = ws.connect()?;
    conn.execute(
        "UPDATE environments SET status = 'locked' WHERE id = ?1",
        [production],
    )?;
    conn.execute(
        "INSERT INTO promotions (sandbox_id, sandbox_name, production_id, author, started_at, locked_at, state, step, backup_id, plan)
         VALUES (?1, 'Promotable sandbox', ?2, 'Alex Morgan', ?3, ?3, 'running', 'verify', ?4, '[]')",
        rusqlite::params![sandbox, production, now, backup.id],
    )?;
    Ok(())
}

#[test]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
fn a_settled_promotion_is_notified_on_the_desktop() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    interrupted_promotion(&data)?;

    let dunst = Dunst::start(dir.path())?;

    let _app = Group::spawn(
        Command::new(app_binary())
            .env("CUTOVER_DATA_DIR", &data)
            .env("DBUS_SESSION_BUS_ADDRESS", &dunst.address)
            .env("NO_AT_BRIDGE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )?;
    let text = dunst.wait_for("Promotion to Production failed", PATIENCE)?;
    assert!(text.contains("is as it was before the promotion"), "{text}");
    let ws = Workspace::open(&data)?;
    let deadline = Instant::now() + PATIENCE;
    while ws.inbox()?.first().is_some_and(|n| n.desktop_pending) {
        assert!(Instant::now() < deadline, "the notice stayed pending");
        std::thread::sleep(Duration::from_millis(50));
    }
    let notice = &ws.inbox()?[0];
    assert_eq!(notice.undelivered, None);
    assert!(ws
        .definitions(ws.overview()?[0].environments[0].environment.id)?
        .apps
        .iter()
        .all(|a| a.name != "Half promoted"));
    Ok(())
}

/// Clicking the notification (dunst's default action, as a click on it
/// does) brings Cutover up on the promotion it is about.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real app; run with scripts/e2e.sh (Xvfb + tauri-driver)"]
async fn clicking_a_notification_opens_what_it_is_about() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    interrupted_promotion(&data)?;
    // The demo's own notices (a hotfix released) count as shown already, so
    // the promotion's is the one notification on screen.
    let ws = Workspace::open(&data)?;
    for notice in ws.pending_desktop()? {
        ws.notice_delivered(notice.id, Ok(()))?;
    }
    drop(ws);
    let dunst = Dunst::start(dir.path())?;
    let bus = [(
        "DBUS_SESSION_BUS_ADDRESS".to_string(),
        dunst.address.clone(),
    )];
    let mut app = App::launch_with("notification-click", dir, &data, &bus).await?;
    app.wait_for(r#"[data-testid="env-row"]"#).await?;
    dunst.wait_for("Promotion to Production failed", PATIENCE)?;
    assert!(!app.shown(r#"[data-testid="promotions"]"#).await?);
    let clicked = Command::new("dunstctl")
        .arg("action")
        .env("DBUS_SESSION_BUS_ADDRESS", &dunst.address)
        .status()?;
    assert!(clicked.success(), "dunstctl action: {clicked}");
    app.wait_for(r#"[data-testid="promotions"] [data-testid="promotion-row"]"#)
        .await?;
    app.screenshot("opened-from-notification").await?;
    drop(dunst);
    app.close().await
}
