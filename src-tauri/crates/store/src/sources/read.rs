//! Reading a SQLite database of any schema, only reading: its tables,
//! columns, declared types, keys and foreign keys, and its rows in key
//! order.
//!
//! Invariant: the source is opened read-only with `query_only` on and
//! untrusted schema, so that nothing it declares (triggers, generated
//! columns calling functions) can change it or anything else.

use cutover_core::source::Cell;
use cutover_core::{Error, Result};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// More tables than this is not a business platform's data.
pub const MAX_TABLES: usize = 1000;

pub struct SourceDb {
    conn: Connection,
    pub path: PathBuf,
    pub size_bytes: u64,
    /// Read from a folder of CSV files (see `csv`).
    pub from_folder: bool,
}

/// A column as the source declares it.
#[derive(Debug, Clone)]
pub struct ColumnInfo {
    pub name: String,
    pub declared: String,
}

/// A single-column foreign key.
#[derive(Debug, Clone)]
pub struct ForeignKey {
    pub column: String,
    pub table: String,
    /// The referenced column; `None` for the target's primary key.
    pub to: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TableInfo {
    pub name: String,
    pub columns: Vec<ColumnInfo>,
    /// Primary key columns in key order.
    pub key: Vec<String>,
    pub foreign_keys: Vec<ForeignKey>,
    /// Why the table cannot be imported, found from its schema alone.
    pub problem: Option<String>,
    /// The key is the table's rowid (`INTEGER PRIMARY KEY` of a rowid
    /// table): always a whole number, its smallest found at once.
    pub rowid_key: bool,
}

pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// What a failure to read the source means for the admin.
fn unreadable(path: &Path, e: rusqlite::Error) -> Error {
    let file = path.display();
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => Error::invalid(format!(
            "{file} is not a SQLite database, or it is encrypted. Choose a SQLite database file (.sqlite, .db); an encrypted one must be decrypted first (for example exported with the tool that encrypted it)."
        )),
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => Error::invalid(format!(
            "{file} is damaged (SQLite reports it malformed). Repair it first (sqlite3's .recover makes a readable copy) or choose a good copy."
        )),
        Some(rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::PermissionDenied) => {
            Error::invalid(format!(
                "{file} cannot be opened. Check that the file exists and that you may read it."
            ))
        }
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            Error::conflict(format!(
                "{file} is locked by another program that is writing to it. Close that program, or copy the file, and try again."
            ))
        }
        _ => Error::invalid(format!("{file} could not be read: {e}.")),
    }
}

/// How the source is opened. Opening a database in WAL mode, even to read,
/// leaves `-wal` and `-shm` files beside it; when it has no WAL content of
/// its own (no `-wal` file, or an empty one) it is opened as immutable,
/// which reads the one file and writes nothing anywhere. A database with
/// WAL content (in use, or not closed cleanly) is read with it.
fn uri(path: &Path) -> Result<String> {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let has_wal = std::fs::metadata(PathBuf::from(wal)).is_ok_and(|m| m.len() > 0);
    let absolute = std::path::absolute(path)
        .map_err(|e| Error::invalid(format!("{} cannot be read ({e}).", path.display())))?;
    let mut text = String::new();
    for c in absolute.to_string_lossy().chars() {
        match c {
            '%' => text.push_str("%25"),
            '?' => text.push_str("%3f"),
            '#' => text.push_str("%23"),
            c => text.push(c),
        }
    }
    Ok(format!(
        "file:{text}{}",
        if has_wal {
            "?mode=ro"
        } else {
            "?mode=ro&immutable=1"
        }
    ))
}

impl SourceDb {
    pub fn open(path: &Path) -> Result<Self> {
        let meta = std::fs::metadata(path).map_err(|e| {
            Error::invalid(format!(
                "{} cannot be read ({e}). Choose a file that exists and that you may read.",
                path.display()
            ))
        })?;
        if !meta.is_file() {
            return Err(Error::invalid(format!(
                "{} is not a file. Choose a database file, or a folder of CSV files.",
                path.display()
            )));
        }
        let conn = Connection::open_with_flags(
            uri(path)?,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|e| unreadable(path, e))?;
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA trusted_schema = OFF;")
            .map_err(|e| unreadable(path, e))?;
        let db = Self {
            conn,
            path: path.to_path_buf(),
            size_bytes: meta.len(),
            from_folder: false,
        };
        // Reading the schema is where a file that is not a database fails.
        db.conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
            .map_err(|e| unreadable(path, e))?;
        Ok(db)
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn fail(&self, e: rusqlite::Error) -> Error {
        unreadable(&self.path, e)
    }

    /// Every ordinary table, in name order (an environment file's in the
    /// order they were made), with its schema; virtual tables
    /// are listed with why they cannot come, their shadow tables not at all.
    pub fn tables(&self) -> Result<Vec<TableInfo>> {
        let listed: Vec<(String, String)> = {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT name, type FROM pragma_table_list WHERE schema = 'main' ORDER BY name",
                )
                .map_err(|e| self.fail(e))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(|e| self.fail(e))?;
            rows.collect::<rusqlite::Result<_>>()
                .map_err(|e| self.fail(e))?
        };
        let model = self.file_model()?;
        let is_file = model.is_some();
        let mut listed: Vec<_> = listed
            .into_iter()
            .filter(|(name, kind)| {
                let lower = name.to_ascii_lowercase();
                let internal =
                    lower.starts_with("sqlite_") || (is_file && lower.starts_with("cutover_"));
                !internal && (kind == "table" || kind == "virtual")
            })
            .collect();
        if let Some(m) = &model {
            listed.sort_by_key(|(name, _)| {
                m.tables
                    .iter()
                    .position(|t| t.eq_ignore_ascii_case(name))
                    .unwrap_or(usize::MAX)
            });
        }
        if listed.len() > MAX_TABLES {
            return Err(Error::invalid(format!(
                "The database has {} tables; Cutover makes at most {MAX_TABLES} from one source. Export the tables your platform needs into a smaller database.",
                listed.len()
            )));
        }
        let mut out = Vec::new();
        for (name, kind) in listed {
            if kind == "virtual" {
                out.push(TableInfo {
                    name: name.clone(),
                    columns: Vec::new(),
                    key: Vec::new(),
                    foreign_keys: Vec::new(),
                    rowid_key: false,
                    problem: Some(format!(
                        "\"{name}\" is a virtual table (a full-text index or a module's table), which holds no rows of its own; it is left out."
                    )),
                });
                continue;
            }
            out.push(self.table(&name)?);
        }
        Ok(out)
    }

    fn table(&self, name: &str) -> Result<TableInfo> {
        let mut columns = Vec::new();
        let mut keyed: Vec<(i64, String)> = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT name, type, pk FROM pragma_table_info(?1) ORDER BY cid")
                .map_err(|e| self.fail(e))?;
            let mut rows = stmt.query([name]).map_err(|e| self.fail(e))?;
            while let Some(r) = rows.next().map_err(|e| self.fail(e))? {
                let column: String = r.get(0).map_err(|e| self.fail(e))?;
                let pk: i64 = r.get(2).map_err(|e| self.fail(e))?;
                if pk > 0 {
                    keyed.push((pk, column.clone()));
                }
                columns.push(ColumnInfo {
                    name: column,
                    declared: r
                        .get::<_, Option<String>>(1)
                        .map_err(|e| self.fail(e))?
                        .unwrap_or_default(),
                });
            }
        }
        keyed.sort();
        let key: Vec<String> = keyed.into_iter().map(|(_, c)| c).collect();
        let mut foreign_keys = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare(r#"SELECT id, "from", "table", "to", (SELECT count(*) FROM pragma_foreign_key_list(?1) b WHERE b.id = a.id) FROM pragma_foreign_key_list(?1) a"#)
                .map_err(|e| self.fail(e))?;
            let mut rows = stmt.query([name]).map_err(|e| self.fail(e))?;
            while let Some(r) = rows.next().map_err(|e| self.fail(e))? {
                let width: i64 = r.get(4).map_err(|e| self.fail(e))?;
                if width == 1 {
                    foreign_keys.push(ForeignKey {
                        column: r.get(1).map_err(|e| self.fail(e))?,
                        table: r.get(2).map_err(|e| self.fail(e))?,
                        to: r.get(3).map_err(|e| self.fail(e))?,
                    });
                }
            }
        }
        let without_rowid: i64 = self
            .conn
            .query_row(
                "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?1",
                [name],
                |r| r.get(0),
            )
            .map_err(|e| self.fail(e))?;
        let rowid_key = without_rowid == 0
            && key.len() == 1
            && columns
                .iter()
                .any(|c| c.name == key[0] && c.declared.eq_ignore_ascii_case("INTEGER"));
        let problem = key.is_empty().then(|| {
            format!(
                "\"{name}\" has no primary key, so its rows cannot be told apart and kept as records. Give it a primary key in the source (or leave it out)."
            )
        });
        Ok(TableInfo {
            name: name.to_string(),
            columns,
            key,
            foreign_keys,
            problem,
            rowid_key,
        })
    }

    pub fn count(&self, table: &str) -> Result<u64> {
        self.conn
            .query_row(&format!("SELECT count(*) FROM {}", quote(table)), [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(|e| self.fail(e))
    }

    /// Calls `row` with every row of `table`'s `columns`, in key order,
    /// until it returns false.
    pub fn scan(
        &self,
        table: &TableInfo,
        columns: &[String],
        row: &mut dyn FnMut(&mut [Cell]) -> Result<bool>,
    ) -> Result<()> {
        let list: Vec<String> = columns.iter().map(|c| quote(c)).collect();
        let order: Vec<String> = table.key.iter().map(|c| quote(c)).collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            if list.is_empty() {
                "NULL".into()
            } else {
                list.join(", ")
            },
            quote(&table.name),
            order.join(", ")
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.fail(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.fail(e))?;
        let mut cells = Vec::with_capacity(columns.len());
        while let Some(r) = rows.next().map_err(|e| self.fail(e))? {
            cells.clear();
            for i in 0..columns.len() {
                cells.push(match r.get_ref(i).map_err(|e| self.fail(e))? {
                    ValueRef::Null => Cell::Null,
                    ValueRef::Integer(n) => Cell::Integer(n),
                    ValueRef::Real(x) => Cell::Real(x),
                    ValueRef::Text(t) => match std::str::from_utf8(t) {
                        Ok(s) => Cell::Text(s.to_string()),
                        Err(_) => Cell::Blob(t.len()),
                    },
                    ValueRef::Blob(b) => Cell::Blob(b.len()),
                });
            }
            if !row(&mut cells)? {
                break;
            }
        }
        Ok(())
    }

    /// Values of `column` that name no row of `target` by its key
    /// `target_key`: how many, and a few of them.
    pub fn dangling(
        &self,
        table: &str,
        column: &str,
        target: &str,
        target_key: &str,
    ) -> Result<(u64, Vec<String>)> {
        let from = format!(
            "FROM {t} c WHERE c.{col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {p} p WHERE p.{k} = c.{col})",
            t = quote(table),
            col = quote(column),
            p = quote(target),
            k = quote(target_key)
        );
        let count: i64 = self
            .conn
            .query_row(&format!("SELECT count(*) {from}"), [], |r| r.get(0))
            .map_err(|e| self.fail(e))?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT CAST(c.{} AS TEXT) {from} LIMIT 3",
                quote(column)
            ))
            .map_err(|e| self.fail(e))?;
        let examples = stmt
            .query_map([], |r| r.get::<_, Option<String>>(0))
            .map_err(|e| self.fail(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.fail(e))?
            .into_iter()
            .map(|v| {
                format!(
                    "{} names no row of \"{target}\"",
                    cutover_core::source::shorten(&v.unwrap_or_default())
                )
            })
            .collect();
        Ok((count as u64, examples))
    }
}
