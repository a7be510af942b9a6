//! Evidence attached to a case: copied into `<data dir>/evidence/<sha256>`
//! (so a row's checksum names its file, and a file attached twice is kept
//! once), size-limited, images told apart by their bytes (not their name)
//! for inline display; read back only after its checksum is checked again.

use super::cases::case_of;
use super::cycles::add_history;
use crate::{Context, Workspace};
use base64::Engine;
use chrono::{DateTime, Utc};
use cutover_core::admin::Admin;
use cutover_core::uat::{self as rules, CaseId, CycleId};
use cutover_core::uat_view::{CycleDetail, Evidence};
use cutover_core::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const FOLDER: &str = "evidence";

impl Workspace {
    /// Attaches the file at `path` to a case. Refused past
    /// `MAX_EVIDENCE_BYTES`, or if it is not a readable file; a refusal
    /// changes nothing.
    pub fn attach_uat_evidence(
        &self,
        case_id: CaseId,
        path: &Path,
        admin: &Admin,
        now: DateTime<Utc>,
    ) -> Result<CycleDetail> {
        let conn = self.connect()?;
        let (cycle_id, title) = case_of(&conn, case_id)?;
        let shown = path.display().to_string();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .filter(|n| !n.trim().is_empty())
            .ok_or_else(|| Error::invalid("Choose a file to attach."))?;
        let meta = std::fs::metadata(path).map_err(|e| {
            Error::invalid(format!(
                "Cannot read {shown}: {e}. Choose a file that exists."
            ))
        })?;
        if !meta.is_file() {
            return Err(Error::invalid(format!(
                "{shown} is not a file; choose a file to attach."
            )));
        }
        let too_big = |bytes: u64| {
            Error::invalid(format!(
                "{file_name} is {}; evidence is limited to {}. Attach a smaller file (a cropped screenshot, a filtered export).",
                size(bytes),
                size(rules::MAX_EVIDENCE_BYTES)
            ))
        };
        if meta.len() > rules::MAX_EVIDENCE_BYTES {
            return Err(too_big(meta.len()));
        }
        let (sha256, bytes, head) = self.store_evidence(path, &shown).inspect_err(|_| {
            tracing::warn!(case_id, "evidence not stored");
        })?;
        if bytes > rules::MAX_EVIDENCE_BYTES {
            return Err(too_big(bytes));
        }
        let image_type = rules::image_type(&head);
        let mut conn = conn;
        let tx = conn.transaction().context("attaching evidence")?;
        tx.execute(
            "INSERT INTO uat_evidence (case_id, file_name, sha256, bytes, image_type, added_at, added_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![case_id, file_name, sha256, bytes as i64, image_type, now, admin.name],
        )
        .context("attaching evidence")?;
        add_history(
            &tx,
            cycle_id,
            now,
            &admin.name,
            &format!(
                "Evidence {file_name} ({}, SHA-256 {sha256}) attached to \u{201c}{title}\u{201d}.",
                size(bytes)
            ),
        )?;
        tx.commit().context("attaching evidence")?;
        self.uat_cycle(cycle_id, now)
    }

    /// Copies the file under a temporary name while hashing it (reading at
    /// most one byte past the limit, in case it grew), syncs it and renames
    /// it to its checksum. Returns the checksum, the size and the first
    /// bytes.
    fn store_evidence(&self, path: &Path, shown: &str) -> Result<(String, u64, Vec<u8>)> {
        let folder = self.root().join(FOLDER);
        std::fs::create_dir_all(&folder).context("making the evidence folder")?;
        let partial = folder.join(format!("{}.partial", uuid::Uuid::new_v4()));
        let copied = (|| {
            let mut source = File::open(path).map_err(|e| {
                Error::invalid(format!(
                    "Cannot read {shown}: {e}. Choose a file you can read."
                ))
            })?;
            let mut out = File::create(&partial).context("writing evidence")?;
            let mut hasher = Sha256::new();
            let mut head = Vec::new();
            let mut buf = vec![0u8; 64 * 1024];
            let mut total = 0u64;
            loop {
                let n = source
                    .read(&mut buf)
                    .map_err(|e| Error::invalid(format!("Cannot read {shown}: {e}.")))?;
                if n == 0 {
                    break;
                }
                total += n as u64;
                if total > rules::MAX_EVIDENCE_BYTES {
                    return Ok((String::new(), total, head));
                }
                if head.len() < 16 {
                    head.extend_from_slice(&buf[..n.min(16 - head.len())]);
                }
                hasher.update(&buf[..n]);
                out.write_all(&buf[..n]).context("writing evidence")?;
            }
            out.sync_all().context("writing evidence")?;
            Ok((format!("{:x}", hasher.finalize()), total, head))
        })();
        let result = copied.and_then(|(sha, total, head)| {
            if total > rules::MAX_EVIDENCE_BYTES {
                return Ok((sha, total, head));
            }
            std::fs::rename(&partial, folder.join(&sha)).context("placing evidence")?;
            if let Ok(dir) = File::open(&folder) {
                let _ = dir.sync_all();
            }
            Ok((sha, total, head))
        });
        let _ = std::fs::remove_file(&partial);
        result
    }

    /// An evidence image as a `data:` URL for the webview, after its
    /// checksum is checked; other files are opened with the system's
    /// application instead (`evidence_copy`).
    pub fn uat_evidence_image(&self, evidence_id: i64) -> Result<String> {
        let (_, image_type, bytes) = self.read_evidence(evidence_id)?;
        let image_type = image_type
            .ok_or_else(|| Error::invalid("That evidence is not an image; open it instead."))?;
        let data = base64::engine::general_purpose::STANDARD.encode(bytes);
        Ok(format!("data:{image_type};base64,{data}"))
    }

    /// A copy of the evidence under its own name in a fresh folder of
    /// `tmp/`, for the system's application to open (the stored file is
    /// named by its checksum and must not be edited in place).
    pub fn evidence_copy(&self, evidence_id: i64) -> Result<PathBuf> {
        let (file_name, _, bytes) = self.read_evidence(evidence_id)?;
        let folder = self
            .root()
            .join("tmp")
            .join(format!("evidence-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&folder).context("copying evidence")?;
        // The stored name came from Path::file_name, so it has no separator.
        let target = folder.join(&file_name);
        std::fs::write(&target, bytes).context("copying evidence")?;
        Ok(target)
    }

    pub(super) fn read_evidence(
        &self,
        evidence_id: i64,
    ) -> Result<(String, Option<String>, Vec<u8>)> {
        let (file_name, sha256, image_type): (String, String, Option<String>) = self
            .connect()?
            .query_row(
                "SELECT file_name, sha256, image_type FROM uat_evidence WHERE id = ?1",
                [evidence_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .context("reading evidence")?
            .ok_or_else(|| Error::not_found("That evidence no longer exists."))?;
        let path = self.root().join(FOLDER).join(&sha256);
        let mut bytes = Vec::new();
        File::open(&path)
            .and_then(|f| {
                f.take(rules::MAX_EVIDENCE_BYTES + 1)
                    .read_to_end(&mut bytes)
            })
            .map_err(|e| {
                Error::conflict(format!(
                    "The file of evidence {file_name} is missing from the data folder ({e})."
                ))
            })?;
        if format!("{:x}", Sha256::digest(&bytes)) != sha256 {
            return Err(Error::conflict(format!(
                "The file of evidence {file_name} was altered after it was attached: its SHA-256 no longer matches. It is not shown."
            )));
        }
        Ok((file_name, image_type, bytes))
    }

    pub(super) fn evidence_of(
        &self,
        conn: &Connection,
        cycle_id: CycleId,
    ) -> Result<HashMap<CaseId, Vec<Evidence>>> {
        let mut stmt = conn
            .prepare(
                "SELECT e.case_id, e.id, e.file_name, e.sha256, e.bytes, e.image_type, e.added_at, e.added_by
                 FROM uat_evidence e JOIN uat_cases c ON c.id = e.case_id WHERE c.cycle_id = ?1 ORDER BY e.id",
            )
            .context("reading evidence")?;
        let rows = stmt
            .query_map([cycle_id], |r| {
                Ok((
                    r.get::<_, CaseId>(0)?,
                    Evidence {
                        id: r.get(1)?,
                        file_name: r.get(2)?,
                        sha256: r.get(3)?,
                        bytes: r.get::<_, i64>(4)? as u64,
                        image_type: r.get(5)?,
                        added_at: r.get(6)?,
                        added_by: r.get(7)?,
                    },
                ))
            })
            .context("reading evidence")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .context("reading evidence")?;
        let mut out: HashMap<CaseId, Vec<Evidence>> = HashMap::new();
        for (case, e) in rows {
            out.entry(case).or_default().push(e);
        }
        Ok(out)
    }
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}
