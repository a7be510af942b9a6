//! Hash chains over the append-only logs a change board reads: the
//! activity log, and each UAT cycle's history. Each entry holds the SHA-256
//! of the entry before it (in its chain) and of its own fields as stored,
//! so editing, inserting or removing an entry anywhere but at the end
//! breaks every later link; the evidence pack also records the last hash,
//! which catches a removal at the end.
//!
//! Invariant: an entry is sealed in the transaction that writes it (the
//! row is read back, so the hash covers the text exactly as stored).
//! Entries written before chaining existed have no hash and may only come
//! first.

use crate::Context;
use cutover_core::Result;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

/// A log that is chained: its table, the columns hashed, and which rows
/// form one chain.
#[derive(Clone, Copy)]
pub(crate) enum Chain {
    Activity,
    /// One chain per UAT cycle.
    UatHistory(i64),
}

impl Chain {
    fn table(self) -> &'static str {
        match self {
            Chain::Activity => "activity",
            Chain::UatHistory(_) => "uat_history",
        }
    }

    /// The columns hashed, as SQL expressions.
    fn fields(self) -> &'static [&'static str] {
        match self {
            // Not environment_id: deleting the environment sets it to NULL
            // (the name stays, for reading the history after).
            Chain::Activity => &[
                "at",
                "author",
                "coalesce(environment_name, '')",
                "action",
                "detail",
            ],
            Chain::UatHistory(_) => &["at", "author", "text"],
        }
    }

    fn scope(self) -> (String, i64) {
        match self {
            Chain::Activity => ("1 = ?1".into(), 1),
            Chain::UatHistory(cycle) => ("cycle_id = ?1".into(), cycle),
        }
    }
}

fn link(prev: &str, fields: &[String]) -> String {
    let mut h = Sha256::new();
    for part in std::iter::once(prev).chain(fields.iter().map(String::as_str)) {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    format!("{:x}", h.finalize())
}

fn stored_fields(conn: &Connection, chain: Chain, id: i64) -> Result<Vec<String>> {
    let n = chain.fields().len();
    conn.query_row(
        &format!(
            "SELECT {} FROM {} WHERE id = ?1",
            chain.fields().join(", "),
            chain.table()
        ),
        [id],
        |r| {
            (0..n)
                .map(|i| r.get_ref(i).map(text_of))
                .collect::<rusqlite::Result<Vec<_>>>()
        },
    )
    .context("reading a log entry")
}

fn text_of(v: rusqlite::types::ValueRef<'_>) -> String {
    use rusqlite::types::ValueRef as V;
    match v {
        V::Null => String::new(),
        V::Integer(i) => i.to_string(),
        V::Real(f) => f.to_string(),
        V::Text(t) | V::Blob(t) => String::from_utf8_lossy(t).into_owned(),
    }
}

/// Seals entry `id` of `chain`: call it in the transaction that wrote it.
pub(crate) fn seal(conn: &Connection, chain: Chain, id: i64) -> Result<()> {
    let (scope, arg) = chain.scope();
    let prev: Option<String> = conn
        .query_row(
            &format!(
                "SELECT hash FROM {} WHERE {scope} AND id < ?2 ORDER BY id DESC LIMIT 1",
                chain.table()
            ),
            params![arg, id],
            |r| r.get(0),
        )
        .optional()
        .context("reading the log's last entry")?
        .flatten();
    let hash = link(&prev.unwrap_or_default(), &stored_fields(conn, chain, id)?);
    conn.execute(
        &format!("UPDATE {} SET hash = ?2 WHERE id = ?1", chain.table()),
        params![id, hash],
    )
    .context("sealing a log entry")?;
    Ok(())
}

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    pub entries: usize,
    /// Hash of the last entry, for the record that quotes the chain.
    pub last_hash: Option<String>,
    /// Where the chain breaks, said for a person, if it does.
    pub broken: Option<String>,
}

/// Recomputes the whole chain.
pub(crate) fn verify(conn: &Connection, chain: Chain) -> Result<ChainCheck> {
    let (scope, arg) = chain.scope();
    let mut stmt = conn
        .prepare(&format!(
            "SELECT id, hash, at, author FROM {} WHERE {scope} ORDER BY id",
            chain.table()
        ))
        .context("reading the log")?;
    let rows = stmt
        .query_map([arg], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                text_of(r.get_ref(2)?),
                r.get::<_, String>(3)?,
            ))
        })
        .context("reading the log")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading the log")?;
    let mut prev: Option<String> = None;
    let mut broken = None;
    for (n, (id, hash, at, author)) in rows.iter().enumerate() {
        let expected = match (&hash, &prev) {
            // Entries from before chaining, at the start only.
            (None, None) => continue,
            (None, Some(_)) => None,
            (Some(_), _) => Some(link(
                prev.as_deref().unwrap_or(""),
                &stored_fields(conn, chain, *id)?,
            )),
        };
        if expected.is_none() || expected != *hash {
            let at = at
                .parse::<chrono::DateTime<chrono::Utc>>()
                .map(|t| t.format("%-d %b %Y %H:%M UTC").to_string())
                .unwrap_or_else(|_| at.clone());
            broken = Some(format!(
                "entry {} of {} ({at}, by {author}) does not match the entries before it: it, or one before it, was altered, inserted or removed after it was recorded",
                n + 1,
                rows.len()
            ));
            break;
        }
        prev = hash.clone();
    }
    Ok(ChainCheck {
        entries: rows.len(),
        last_hash: rows.last().and_then(|r| r.1.clone()),
        broken,
    })
}
