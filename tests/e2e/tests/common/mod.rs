//! What the E2E scenarios check after the words on screen: the data itself,
//! read from the app's data directory through the store.

#![allow(dead_code)]

use cutover_core::definitions::{Definitions, Record};
use cutover_e2e::{env_row, App, Result};
use cutover_store::Workspace;
use std::path::Path;

pub mod server;

/// An environment's data as a user would compare it: its platform version
/// (read from its store), installed extensions, definitions, and every
/// record of every table.
#[derive(Debug, PartialEq)]
pub struct EnvironmentData {
    pub version: String,
    pub extensions: Vec<(String, String)>,
    pub definitions: Definitions,
    pub records: Vec<(String, Vec<Record>)>,
}

pub fn environment_data(data_dir: &Path, name: &str) -> Result<EnvironmentData> {
    let ws = Workspace::open(data_dir)?;
    let id = ws
        .overview()?
        .into_iter()
        .flat_map(|a| a.environments)
        .find(|e| e.environment.name == name)
        .ok_or_else(|| format!("no environment {name}"))?
        .environment
        .id;
    let store = ws.store(id)?;
    let definitions = store.definitions()?;
    let records = definitions
        .tables
        .iter()
        .map(|t| Ok((t.name.clone(), store.records(t.id)?)))
        .collect::<Result<_>>()?;
    Ok(EnvironmentData {
        version: store.platform_version()?,
        extensions: store
            .installed_extensions()?
            .into_iter()
            .map(|e| (e.name, e.version))
            .collect(),
        definitions,
        records,
    })
}

/// Opens `env`'s Upgrade tab from the dashboard.
pub async fn open_upgrade_tab(app: &App, env: &str) -> Result<()> {
    app.click(r#"[data-testid="nav-environments"]"#).await?;
    app.click_in(&env_row(env), r#"[data-testid="open-env"]"#)
        .await?;
    app.click(r#"[data-testid="tab-upgrade"]"#).await?;
    app.wait_for(r#"[data-testid="upgrade-start"]"#).await?;
    Ok(())
}

/// Under Releases, schedules production's upgrade to `version` on the wave
/// of `day` (YYYY-MM-DD) and closes the dialog, as an admin does.
pub async fn schedule_wave(app: &App, version: &str, day: &str) -> Result<()> {
    app.click(r#"[data-testid="nav-releases"]"#).await?;
    app.click_in(
        &format!(r#"[data-testid="release-row"][data-version="{version}"]"#),
        r#"[data-testid="schedule-release"]"#,
    )
    .await?;
    let wave = format!(r#"[data-testid="wave"][data-date="{day}"]"#);
    app.click(&wave).await?;
    app.wait_for(&format!("{wave} input:checked")).await?;
    app.click(r#"[data-testid="schedule"]"#).await?;
    app.wait_for_text(r#"[data-testid="plan"]"#, "Scheduled:")
        .await?;
    app.click_in(r#"[data-testid="schedule-dialog"]"#, "button.secondary")
        .await
}
