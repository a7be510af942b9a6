//! A folder of CSV files as a source: one table per `.csv` file, its
//! first line naming the columns. The files are read once into a
//! temporary SQLite database in the data folder's `tmp/` (values kept as
//! text, no declared types), which the rest of `sources` reads like any
//! database: types are then inferred from the values alone, and records
//! numbered in file order.
//!
//! Invariants: the CSV files are only read; the temporary database is
//! removed when the read is done (and by the start-up recovery after a
//! stop); a file that is not UTF-8, or a line with more values than its
//! header names, is refused with where, rather than read in part.

use super::read::quote;
use crate::Context;
use cutover_core::{Error, Result};
use rusqlite::Connection;
use std::path::{Path, PathBuf};

/// The key of a table made from a CSV file: the line's place in the file.
pub const ROW_KEY: &str = "row";
/// SQLite's default limit on the columns of a table.
const MAX_COLUMNS: usize = 2000;

/// The temporary database made from a folder, removed when dropped.
pub struct Converted {
    pub path: PathBuf,
    /// What the CSV files weigh together.
    pub size_bytes: u64,
}

impl Drop for Converted {
    fn drop(&mut self) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let mut p = self.path.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    }
}

/// The `.csv` files of `folder`, in name order.
pub fn csv_files(folder: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(folder).map_err(|e| {
        Error::invalid(format!(
            "{} cannot be read ({e}). Choose a folder you may read.",
            folder.display()
        ))
    })?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::invalid(format!(
            "{} holds no .csv files. Choose the folder that holds one CSV file per table.",
            folder.display()
        )));
    }
    if files.len() > super::read::MAX_TABLES {
        return Err(Error::invalid(format!(
            "{} holds {} CSV files; Cutover makes at most {} tables from one source.",
            folder.display(),
            files.len(),
            super::read::MAX_TABLES
        )));
    }
    Ok(files)
}

/// Column names from a header: blanks named by place, repeats numbered.
fn column_names(header: &csv::StringRecord) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, h) in header.iter().enumerate() {
        let base = match h.trim() {
            "" => format!("column {}", i + 1),
            t => t.to_string(),
        };
        let mut name = base.clone();
        let mut n = 2;
        while name.eq_ignore_ascii_case(ROW_KEY)
            || out.iter().any(|o| o.eq_ignore_ascii_case(&name))
        {
            name = format!("{base} {n}");
            n += 1;
        }
        out.push(name);
    }
    out
}

fn bad_csv(file: &Path, e: &csv::Error) -> Error {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => Error::invalid(format!(
            "{} is not UTF-8 text (line {line}). Save it as \"CSV UTF-8\" and try again.",
            file.display()
        )),
        _ => Error::invalid(format!(
            "{} is not valid CSV (line {line}: {e}). Save it as CSV and try again.",
            file.display()
        )),
    }
}

/// Reads every CSV file of `folder` into a new database under `tmp_dir`.
pub fn convert(folder: &Path, tmp_dir: &Path) -> Result<Converted> {
    let files = csv_files(folder)?;
    std::fs::create_dir_all(tmp_dir).context("making the temporary folder")?;
    let mut converted = Converted {
        path: tmp_dir.join(format!("csv-{}.sqlite", uuid::Uuid::new_v4().simple())),
        size_bytes: 0,
    };
    let mut size = 0u64;
    let mut conn = Connection::open(&converted.path).context("making a temporary database")?;
    conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
        .context("making a temporary database")?;
    let tx = conn.transaction().context("making a temporary database")?;
    for file in &files {
        size += std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        let table = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_path(file)
            .map_err(|e| Error::invalid(format!("{} cannot be read ({e}).", file.display())))?;
        let header = reader.headers().map_err(|e| bad_csv(file, &e))?.clone();
        let names = column_names(&header);
        if names.is_empty() || header.iter().all(|h| h.trim().is_empty()) {
            return Err(Error::invalid(format!(
                "{} has no header line. Its first line must name the columns.",
                file.display()
            )));
        }
        if names.len() > MAX_COLUMNS {
            return Err(Error::invalid(format!(
                "{} has {} columns; a table holds at most {MAX_COLUMNS}.",
                file.display(),
                names.len()
            )));
        }
        let mut columns = vec![format!("{} INTEGER PRIMARY KEY", quote(ROW_KEY))];
        columns.extend(names.iter().map(|n| quote(n)));
        tx.execute_batch(&format!(
            "CREATE TABLE {} ({});",
            quote(&table),
            columns.join(", ")
        ))
        .map_err(|e| Error::invalid(format!("{} cannot be a table: {e}.", file.display())))?;
        let marks: Vec<String> = (1..=names.len() + 1).map(|i| format!("?{i}")).collect();
        let mut insert = tx
            .prepare(&format!(
                "INSERT INTO {} VALUES ({})",
                quote(&table),
                marks.join(", ")
            ))
            .context("reading a CSV file")?;
        let mut record = csv::StringRecord::new();
        let mut row = 0i64;
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(bad_csv(file, &e)),
            }
            row += 1;
            if record.len() > names.len() {
                let line = record.position().map(|p| p.line()).unwrap_or(0);
                return Err(Error::invalid(format!(
                    "{} line {line} has {} values but the header names {} columns. Fix the line (a comma in a value needs quotes) and try again.",
                    file.display(),
                    record.len(),
                    names.len()
                )));
            }
            let values: Vec<Option<&str>> = (0..names.len())
                .map(|i| record.get(i).filter(|v| !v.is_empty()))
                .collect();
            insert
                .execute(rusqlite::params_from_iter(
                    std::iter::once(&row as &dyn rusqlite::ToSql)
                        .chain(values.iter().map(|v| v as &dyn rusqlite::ToSql)),
                ))
                .context("reading a CSV file")?;
        }
    }
    tx.commit().context("making a temporary database")?;
    converted.size_bytes = size;
    Ok(converted)
}

/// A source opened for reading: a database file as it is, or a folder of
/// CSV files through its temporary database (removed after the reader).
pub struct Opened {
    pub db: super::read::SourceDb,
    _converted: Option<Converted>,
}

/// Opens `path`: a folder is read as CSV files, anything else as a
/// SQLite database.
pub fn open(path: &Path, tmp_dir: &Path) -> Result<Opened> {
    if !path.is_dir() {
        return Ok(Opened {
            db: super::read::SourceDb::open(path)?,
            _converted: None,
        });
    }
    let converted = convert(path, tmp_dir)?;
    let mut db = super::read::SourceDb::open(&converted.path)?;
    db.path = path.to_path_buf();
    db.size_bytes = converted.size_bytes;
    db.from_folder = true;
    Ok(Opened {
        db,
        _converted: Some(converted),
    })
}
