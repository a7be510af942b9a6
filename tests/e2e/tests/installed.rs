//! The Debian package, installed with dpkg: Cutover starts from its
//! installed path on a first start and the demo opens, and the desktop
//! knows it (menu entry, icon). scripts/test.sh builds and installs the
//! package, then runs this with CUTOVER_APP=/usr/bin/cutover.

use cutover_e2e::{app_binary, workspace_root, App, Result};
use std::path::Path;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the installed package; scripts/test.sh installs it and runs this"]
async fn installed_package_starts_from_its_installed_path() -> Result<()> {
    let binary = app_binary();
    if binary.starts_with(workspace_root()) || !binary.starts_with("/usr") {
        return Err(format!(
            "{} is not an installed Cutover: install the package (bash scripts/package.sh, then dpkg -i) and set CUTOVER_APP=/usr/bin/cutover",
            binary.display()
        )
        .into());
    }
    let entry = std::fs::read_to_string("/usr/share/applications/Cutover.desktop")?;
    assert!(entry.contains("Exec=cutover"), "{entry}");
    assert!(Path::new("/usr/share/icons/hicolor/128x128/apps/cutover.png").exists());

    let mut app = App::launch_in("installed", tempfile::tempdir()?).await?;
    app.wait_for(r#"[data-testid="welcome"]"#).await?;
    app.screenshot("first-start").await?;
    app.explore_demo().await?;
    app.screenshot("demo").await?;
    app.close().await
}
