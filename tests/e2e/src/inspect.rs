//! Looking at a screen the way a user and an assistive technology would:
//! layout faults measured in the page (nothing scrolls sideways, no control
//! outside the window or cut by its container, no cut text without a
//! tooltip) and an accessibility audit by axe-core, injected into the page
//! from the UI's node_modules (a pinned dev dependency, so the audit is the
//! same on every machine).

use crate::{workspace_root, App, Result};

const LAYOUT: &str = include_str!("layout.js");

/// The axe-core build the audit injects.
fn axe_source() -> Result<String> {
    let path = workspace_root().join("ui/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {} ({e}); run `npm ci` in ui/", path.display()).into())
}

impl App {
    /// Whether the first element matching `css` is shown (has a box).
    pub async fn shown(&self, css: &str) -> Result<bool> {
        let css = serde_json::to_string(css)?;
        let shown = self
            .eval(&format!(
                "const e = document.querySelector({css}); return !!e && e.getClientRects().length > 0"
            ))
            .await?;
        Ok(shown == serde_json::json!(true))
    }

    /// Every layout fault on the page as it stands, one line each.
    pub async fn layout_faults(&self) -> Result<Vec<String>> {
        let found = self.client.execute(LAYOUT, Vec::new()).await?;
        Ok(serde_json::from_value(found)?)
    }

    /// The serious and critical accessibility violations axe-core finds on
    /// the page, one line each with the first elements it names.
    pub async fn accessibility_faults(&self) -> Result<Vec<String>> {
        let loaded = self.eval("return typeof window.axe === 'object'").await?;
        if loaded != serde_json::json!(true) {
            self.client.execute(&axe_source()?, Vec::new()).await?;
        }
        let found = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                axe.run(document, { resultTypes: ["violations"] })
                  .then((r) => done(r.violations
                    .filter((v) => v.impact === "serious" || v.impact === "critical")
                    .map((v) => `${v.id} (${v.impact}): ${v.help} — ` +
                      v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join("; "))))
                  .catch((e) => done([`axe failed: ${e}`]));"#,
                Vec::new(),
            )
            .await?;
        Ok(serde_json::from_value(found)?)
    }

    /// Takes a screenshot named `name` and returns every layout and
    /// accessibility fault on the page, each prefixed with `name`, so that a
    /// scenario can visit every screen and then list all that is wrong.
    pub async fn inspect(&mut self, name: &str) -> Result<Vec<String>> {
        // Let a resize or an opened dialog settle before measuring.
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        self.screenshot(name).await?;
        let mut faults = self.layout_faults().await?;
        faults.extend(self.accessibility_faults().await?);
        Ok(faults.into_iter().map(|f| format!("{name}: {f}")).collect())
    }
}
