//! The evidence pack a change board receives: a folder with one
//! self-contained HTML report (styles inline, images as `data:` URLs, no
//! script, no remote reference; printable to PDF), the evidence files, and
//! `SHA256SUMS` over all of them (`sha256sum -c SHA256SUMS` checks it).
//! The history's and the activity log's hash chains are verified while the
//! pack is written, and the report says where one breaks.

use super::cases::label;
use crate::people::chain::{self, Chain, ChainCheck};
use crate::releases::notes::escape_html as e;
use crate::{Context, Workspace};
use base64::Engine;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use cutover_core::admin::Admin;
use cutover_core::uat::CycleId;
use cutover_core::uat_view::CycleDetail;
use cutover_core::upgrade_view::UpgradeRun;
use cutover_core::{Error, Result};
use serde::Serialize;
use sha2::{Digest, Sha256};
use specta::Type;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const STYLE: &str = "body{font:14px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#1d2430}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin:1.6rem 0 .4rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.meta{color:#555}.bad{color:#b42318;font-weight:600}.ok{color:#1a7f4b;font-weight:600}
.mono{font-family:monospace;font-size:12px}img{max-width:14rem;max-height:10rem;border:1px solid #ccc}
tr,li{break-inside:avoid}@media print{body{margin:0}}";

/// The largest image embedded in the report, and all embedded images
/// together; bigger ones are only listed (their files are in the pack).
const MAX_EMBEDDED: usize = 2 * 1024 * 1024;
const EMBED_BUDGET: usize = 40 * 1024 * 1024;

/// Where the pack was written and what its checks found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PackExported {
    pub folder: String,
    pub files: u32,
    /// Where a log's hash chain breaks; empty when both hold.
    pub chain_problems: Vec<String>,
}

impl Workspace {
    /// Writes the cycle's evidence pack into a new folder inside `parent`.
    pub fn export_uat_pack(
        &self,
        cycle_id: CycleId,
        parent: &Path,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<PackExported> {
        if parent.as_os_str().is_empty() || !parent.is_dir() {
            return Err(Error::invalid(format!(
                "{} is not a folder; choose the folder to write the evidence pack in.",
                parent.display()
            )));
        }
        let detail = self.uat_cycle(cycle_id, now)?;
        let c = &detail.cycle;
        let tz: Tz = c.time_zone.parse().unwrap_or(Tz::UTC);
        let conn = self.connect()?;
        let history_chain = chain::verify(&conn, Chain::UatHistory(cycle_id))?;
        let activity_chain = chain::verify(&conn, Chain::Activity)?;
        let run = self.production_run_to(c.account_id, &c.version)?;
        let name = folder_name(&format!(
            "UAT {} {} {}",
            c.version,
            c.account_name,
            now.with_timezone(&tz).format("%Y-%m-%d")
        ));
        let target = free_name(parent, &name);
        let partial = parent.join(format!(".{name}.partial-{}", uuid::Uuid::new_v4().simple()));
        let written = self.write_pack(
            &partial,
            &detail,
            run.as_ref(),
            [&history_chain, &activity_chain],
            admin,
            now,
            tz,
        );
        let files = match written {
            Ok(n) => n,
            Err(err) => {
                let _ = std::fs::remove_dir_all(&partial);
                return Err(err);
            }
        };
        std::fs::rename(&partial, &target).map_err(|err| {
            let _ = std::fs::remove_dir_all(&partial);
            Error::invalid(format!(
                "Could not write the pack in {}: {err}. Choose another folder.",
                parent.display()
            ))
        })?;
        let problems = [
            ("UAT history", &history_chain),
            ("activity log", &activity_chain),
        ]
        .into_iter()
        .filter_map(|(what, c)| {
            c.broken
                .as_ref()
                .map(|b| format!("The {what}'s chain breaks: {b}."))
        })
        .collect();
        self.log_activity(
            now,
            &admin.name,
            None,
            cutover_core::activity::ActivityAction::Exported,
            &format!(
                "Evidence pack of UAT {} for {} to {}",
                c.version,
                c.account_name,
                target.display()
            ),
        );
        Ok(PackExported {
            folder: target.display().to_string(),
            files,
            chain_problems: problems,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn write_pack(
        &self,
        folder: &Path,
        d: &CycleDetail,
        run: Option<&UpgradeRun>,
        chains: [&ChainCheck; 2],
        admin: &Admin,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> Result<u32> {
        let write_err = |err: std::io::Error| {
            Error::invalid(format!(
                "Could not write the evidence pack: {err}. Choose another folder."
            ))
        };
        std::fs::create_dir_all(folder.join("evidence")).map_err(write_err)?;
        let mut sums = Vec::new();
        let mut thumbs = std::collections::HashMap::new();
        let mut embedded = 0usize;
        for case in &d.cases {
            for ev in &case.evidence {
                // Checked against its checksum as it is read.
                let (file_name, image_type, bytes) = self.read_evidence(ev.id)?;
                let stored = format!("evidence/{}-{}", &ev.sha256[..12], folder_name(&file_name));
                std::fs::write(folder.join(&stored), &bytes).map_err(write_err)?;
                sums.push((ev.sha256.clone(), stored.clone()));
                // The report embeds images up to a budget, so its size (and
                // the memory it is built in) stays bounded; the rest are
                // named with their checksum, their files beside it.
                match image_type {
                    Some(t)
                        if bytes.len() <= MAX_EMBEDDED
                            && embedded + bytes.len() <= EMBED_BUDGET =>
                    {
                        embedded += bytes.len();
                        let data = base64::engine::general_purpose::STANDARD.encode(&bytes);
                        thumbs.insert(ev.id, format!("data:{t};base64,{data}"));
                    }
                    _ => {}
                }
            }
        }
        let html = report(
            d,
            run,
            chains,
            &thumbs,
            &self.restore_point(run)?,
            admin,
            now,
            tz,
        );
        std::fs::write(folder.join("report.html"), &html).map_err(write_err)?;
        sums.insert(
            0,
            (
                format!("{:x}", Sha256::digest(html.as_bytes())),
                "report.html".into(),
            ),
        );
        let manifest: String = sums.iter().map(|(h, p)| format!("{h}  {p}\n")).collect();
        std::fs::write(folder.join("SHA256SUMS"), manifest).map_err(write_err)?;
        Ok(sums.len() as u32 + 1)
    }

    /// Production's latest run to `version`, if any.
    fn production_run_to(&self, account_id: i64, version: &str) -> Result<Option<UpgradeRun>> {
        let conn = self.connect()?;
        let production = self
            .environment_rows(&conn, account_id)?
            .into_iter()
            .find(|r| r.environment.kind == cutover_core::environment::EnvironmentKind::Production);
        let Some(p) = production else { return Ok(None) };
        Ok(self
            .upgrade_history(p.environment.id)?
            .into_iter()
            .filter(|r| r.to_version == version)
            .max_by_key(|r| r.started_at))
    }

    /// The restore point's checksum and when it was taken.
    fn restore_point(&self, run: Option<&UpgradeRun>) -> Result<Option<(String, DateTime<Utc>)>> {
        let Some(id) = run.and_then(|r| r.restore_backup_id) else {
            return Ok(None);
        };
        use rusqlite::OptionalExtension;
        self.connect()?
            .query_row(
                "SELECT sha256, taken_at FROM backups WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .context("reading the restore point")
    }
}

#[allow(clippy::too_many_arguments)]
fn report(
    d: &CycleDetail,
    run: Option<&UpgradeRun>,
    chains: [&ChainCheck; 2],
    thumbs: &std::collections::HashMap<i64, String>,
    restore: &Option<(String, DateTime<Utc>)>,
    admin: &Admin,
    now: DateTime<Utc>,
    tz: Tz,
) -> String {
    let c = &d.cycle;
    let at = |t: DateTime<Utc>| {
        t.with_timezone(&tz)
            .format("%-d %b %Y %H:%M %Z")
            .to_string()
    };
    let day = |t: Option<chrono::NaiveDate>| {
        t.map(|d| d.format("%a %-d %b %Y").to_string())
            .unwrap_or_else(|| "—".into())
    };
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <title>UAT of {v} — {a}</title><style>{STYLE}</style></head><body>\
         <h1>UAT of {v} — {a}</h1><p class=\"meta\">Exported by {by} on {when}. Times in {tz}. \
         Refresh {r}; testing {s} to {en} ({n} business days); production {w}{p}.</p>",
        v = e(&c.version),
        a = e(&c.account_name),
        by = e(&admin.name),
        when = at(now),
        tz = e(&c.time_zone),
        r = day(c.refresh),
        s = day(c.test_start),
        en = day(c.test_end),
        n = c.business_days,
        w = c.wave.as_deref().map(e).unwrap_or_default(),
        p = c.production_at.map(|t| format!(", {}", at(t))).unwrap_or_default(),
    );
    let sign = match (&c.signed_off_at, &c.signed_off_by, &c.override_reason) {
        (Some(t), Some(by), _) => format!(
            "<p class=\"ok\">Signed off by {} on {}: happy to take the upgrade to live.</p>",
            e(by),
            at(*t)
        ),
        (_, _, Some(reason)) => format!(
            "<p class=\"bad\">Not signed off; production cleared by an override: {}</p>",
            e(reason)
        ),
        _ => format!(
            "<p class=\"bad\">Not signed off. {}</p>",
            e(d.sign_off_refusal.as_deref().unwrap_or(""))
        ),
    };
    let _ = write!(
        h,
        "<h2>Sign-off</h2>{sign}<p>{}</p>",
        e(&c.progress.describe())
    );
    h.push_str("<h2>Test plan</h2><table><tr><th>Case</th><th>Area</th><th>Tester</th><th>Result</th><th>Run</th><th>Evidence</th></tr>");
    for x in &d.cases {
        let mut ev = String::new();
        for f in &x.evidence {
            let img = match (thumbs.get(&f.id), &f.image_type) {
                (Some(src), _) => format!("<img src=\"{src}\" alt=\"{}\"><br>", e(&f.file_name)),
                (None, Some(_)) => "<span class=\"meta\">(not embedded: too large; its file is in evidence/)</span><br>".into(),
                (None, None) => String::new(),
            };
            let _ = write!(
                ev,
                "<div>{img}{} ({} bytes)<br><span class=\"mono\">SHA-256 {}</span></div>",
                e(&f.file_name),
                f.bytes,
                e(&f.sha256)
            );
        }
        let why = if x.reason.is_empty() {
            String::new()
        } else {
            format!("<br>{}", e(&x.reason))
        };
        let notes = if x.notes.is_empty() {
            String::new()
        } else {
            format!("<br><span class=\"meta\">{}</span>", e(&x.notes))
        };
        let _ = write!(
            h,
            "<tr><td><strong>{}</strong><br><span class=\"meta\">{}</span>{notes}</td><td>{}</td><td>{}</td><td>{}{why}</td><td>{}</td><td>{ev}</td></tr>",
            e(&x.title),
            e(&x.steps),
            e(&x.area),
            e(if x.tester.is_empty() { x.run_by.as_deref().unwrap_or("") } else { &x.tester }),
            label(x.result),
            x.run_at.map(|t| format!("{} by {}", at(t), e(x.run_by.as_deref().unwrap_or("")))).unwrap_or_default(),
        );
    }
    h.push_str("</table><h2>Upgrade issues and decisions</h2>");
    if d.issues.is_empty() {
        h.push_str("<p>None raised.</p>");
    } else {
        h.push_str(
            "<table><tr><th>Issue</th><th>Severity</th><th>Status</th><th>Decision</th></tr>",
        );
        for i in &d.issues {
            let decision = match (&i.decision, &i.decided_by, i.decided_at) {
                (Some(dec), Some(by), Some(t)) => {
                    format!("{} — {} on {}", e(&dec.describe()), e(by), at(t))
                }
                _ => "—".into(),
            };
            let _ = write!(
                h,
                "<tr><td><strong>{}</strong><br>{}<br><span class=\"meta\">{} · raised by {} on {}</span></td><td>{}</td><td>{}</td><td>{decision}</td></tr>",
                e(&i.title), e(&i.detail), e(&i.area), e(&i.raised_by), at(i.raised_at), i.severity.as_str(), i.status.as_str().replace('_', " "),
            );
        }
        h.push_str("</table>");
    }
    h.push_str("<h2>Production's upgrade</h2>");
    match run {
        None => h.push_str("<p>Production has not been upgraded to this version yet.</p>"),
        Some(r) => {
            let downtime = match (r.data_started_at, r.data_finished_at) {
                (Some(s), Some(f)) => format!("{} s", (f - s).num_seconds()),
                _ => "—".into(),
            };
            let _ = write!(
                h,
                "<p>Run by {} from {} to {}, started {}; outcome: <strong>{}</strong>{}.</p>\
                 <p>Downtime {downtime} against a prediction of {} s.</p><p>Restore point: {}</p><ul>",
                e(&r.author),
                e(&r.from_version),
                e(&r.to_version),
                at(r.started_at),
                r.state.as_str().replace('_', " "),
                r.reason.as_deref().map(|x| format!(" ({})", e(x))).unwrap_or_default(),
                r.predicted_ms.map(|ms| (ms / 1000).to_string()).unwrap_or_else(|| "—".into()),
                restore.as_ref().map(|(sha, t)| format!("taken {}, SHA-256 <span class=\"mono\">{}</span>", at(*t), e(sha))).unwrap_or_else(|| "none".into()),
            );
            for p in &r.packages {
                let _ = write!(
                    h,
                    "<li>{} — signed off by {} {}</li>",
                    e(&p.label),
                    e(p.signed_off_by.as_deref().unwrap_or("nobody")),
                    p.signed_off_at.map(at).unwrap_or_default()
                );
            }
            h.push_str("</ul>");
        }
    }
    h.push_str("<h2>History</h2><ol>");
    for x in &d.history {
        let _ = write!(
            h,
            "<li>{} — {}: {}</li>",
            at(x.at),
            e(&x.author),
            e(&x.text)
        );
    }
    h.push_str("</ol><h2>Integrity</h2><ul>");
    for (what, check) in [("UAT history", chains[0]), ("Activity log", chains[1])] {
        let state = match &check.broken {
            None => format!(
                "<span class=\"ok\">chain verified</span> over {} entries",
                check.entries
            ),
            Some(b) => format!("<span class=\"bad\">chain broken</span>: {}", e(b)),
        };
        let last = check
            .last_hash
            .as_deref()
            .map(|x| format!("; last entry SHA-256 <span class=\"mono\">{}</span>", e(x)))
            .unwrap_or_default();
        let _ = write!(h, "<li>{what}: {state}{last}.</li>");
    }
    h.push_str("</ul><p class=\"meta\">SHA256SUMS beside this report lists the checksum of this file and of every evidence file; check them with <code>sha256sum -c SHA256SUMS</code>.</p></body></html>\n");
    h
}

/// A file or folder name without separators or characters that trouble
/// other systems.
fn folder_name(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " .-_()".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = cleaned
        .trim_matches(|c: char| c == '.' || c == ' ')
        .to_string();
    if trimmed.is_empty() {
        "file".into()
    } else {
        trimmed.chars().take(120).collect()
    }
}

/// `name`, or `name (2)`… when that exists.
fn free_name(parent: &Path, name: &str) -> PathBuf {
    let mut path = parent.join(name);
    let mut n = 2;
    while path.exists() {
        path = parent.join(format!("{name} ({n})"));
        n += 1;
    }
    path
}
