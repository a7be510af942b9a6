//! The cumulative "my version → target" view as one printable HTML file,
//! for reading on paper or sharing with people who do not run Cutover. It
//! embeds its own styles and no script or remote content.

use crate::releases::notes::escape_marked;
use crate::Workspace;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use cutover_core::account::EnvironmentId;
use cutover_core::admin::Admin;
use cutover_core::release_view::Cumulative;
use cutover_core::{Error, Result};
use std::path::Path;

const STYLE: &str = "body{font:14px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;color:#1d2430}
h1{font-size:1.4rem}h2{font-size:1.05rem;margin:1.4rem 0 .2rem}
.meta{color:#555}.tag{display:inline-block;border:1px solid #999;border-radius:3px;padding:0 .35rem;margin-right:.3rem;font-size:.8rem}
.action{border-left:4px solid #b42318;padding-left:.8rem}.action .tag.req{border-color:#b42318;color:#b42318}
.item{break-inside:avoid;margin-bottom:1rem}@media print{body{margin:0}}";

/// The document for `view`, dated `now` in the account's zone `tz`.
pub fn cumulative_html(view: &Cumulative, admin: &str, tz: Tz, now: DateTime<Utc>) -> String {
    let e = escape_marked;
    let mut html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>What changes for {env}: {from} → {to}</title><style>{STYLE}</style></head><body>\
         <h1>What changes for {env}: {from} → {to}</h1>\
         <p class=\"meta\">Versions {versions}. Areas: {areas}. {count} items ({reviewed} reviewed by {admin}); \
         {left_out} items of other areas left out. Exported {at}.</p>",
        env = e(&view.environment_name),
        from = e(&view.from_version),
        to = e(&view.to_version),
        versions = e(&view.versions.join(", ")),
        areas = e(&view.areas.join(", ")),
        count = view.notes.len(),
        reviewed = view.reviewed_count,
        admin = e(admin),
        left_out = view.left_out,
        at = now.with_timezone(&tz).format("%-d %b %Y %H:%M %Z"),
    );
    for note in &view.notes {
        html.push_str(&format!(
            "<div class=\"item{cls}\"><h2>{title}</h2><p>{req}<span class=\"tag\">{version}</span>\
             <span class=\"tag\">{area}</span><span class=\"tag\">{kind}</span>{done}</p>{body}</div>",
            cls = if note.action_required { " action" } else { "" },
            title = e(&note.title),
            req = if note.action_required { "<span class=\"tag req\">Action required</span>" } else { "" },
            version = e(&note.version),
            area = e(&note.area),
            kind = note.kind.as_str(),
            done = if note.reviewed_at.is_some() { "<span class=\"tag\">Reviewed</span>" } else { "" },
            // Sanitised when imported.
            body = note.html,
        ));
    }
    html.push_str("</body></html>\n");
    html
}

impl Workspace {
    /// Writes the cumulative view to `path` (an .html file).
    pub fn export_cumulative(
        &self,
        environment_id: EnvironmentId,
        target: &str,
        path: &Path,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<String> {
        let view = self.cumulative_notes(environment_id, target, admin)?;
        let account_id = self.account_of(environment_id)?;
        let account = self
            .accounts()?
            .into_iter()
            .find(|a| a.id == account_id)
            .ok_or_else(|| Error::not_found("That account no longer exists."))?;
        let tz: Tz = account.time_zone.parse().unwrap_or(Tz::UTC);
        if path.as_os_str().is_empty() {
            return Err(Error::invalid("Choose where to save the file."));
        }
        let html = cumulative_html(&view, &admin.name, tz, now);
        std::fs::write(path, html).map_err(|e| {
            Error::invalid(format!(
                "Could not write {}: {e}. Choose another folder.",
                path.display()
            ))
        })?;
        Ok(path.display().to_string())
    }
}
