//! Definitions and records of one SQLite environment store.
//!
//! Invariant: for every row of `platform_tables` there is a record table
//! `rec_<id>` with an `id` primary key and one column `f_<field id>` per row
//! of `platform_fields`, of the field type's SQL type. Every change keeps it
//! by touching definitions and record tables in the same transaction.

use super::designer::Design;
use super::{
    changelog, defs, designer, export, extensions, model, platform, promote, record_page, records,
    whole,
};
use crate::control::fault::{column, is_unique_violation};
use crate::env_store::whole::WholeSink;
use crate::env_store::{design, edits};
use crate::env_store::{CsvRow, EnvironmentStore, ModelTable, RecordSink, StoreStats};
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::change::{validate_entity_name, Change};
use cutover_core::changelog::{AuthorCount, ChangeEntry, ChangelogFilter, MatchCount};
use cutover_core::definitions::{AppDef, Definitions, FieldType, Record, TableDef, Value, ViewDef};
use cutover_core::promotion::PlanStep;
use cutover_core::records::{CellInput, RecordPage, RecordQuery, RejectedRow};
use cutover_core::{Error, Result};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, ToSql};
use std::path::{Path, PathBuf};

pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

impl SqliteStore {
    pub(super) fn new(conn: Connection, path: PathBuf) -> Self {
        Self { conn, path }
    }

    fn require_table(&self, table_id: i64) -> Result<()> {
        let found: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM platform_tables WHERE id = ?1",
                [table_id],
                |r| r.get(0),
            )
            .optional()
            .context("looking up a table")?;
        found
            .map(|_| ())
            .ok_or_else(|| Error::not_found(format!("There is no table {table_id}.")))
    }

    /// The file's size with its write-ahead log.
    fn size_bytes(&self) -> u64 {
        ["", "-wal"]
            .into_iter()
            .map(|suffix| {
                let mut p = self.path.as_os_str().to_owned();
                p.push(suffix);
                std::fs::metadata(PathBuf::from(p)).map_or(0, |m| m.len())
            })
            .sum()
    }

    fn table_ids(&self) -> Result<Vec<i64>> {
        column(
            &self.conn,
            "SELECT id FROM platform_tables ORDER BY id",
            [],
            "listing tables",
        )
    }
}

pub(super) struct SqlValue<'a>(pub &'a Value);

impl ToSql for SqlValue<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Bool(b) => ToSqlOutput::Owned((*b as i64).into()),
            Value::Integer(i) => ToSqlOutput::Owned((*i).into()),
            Value::Number(n) => ToSqlOutput::Owned((*n).into()),
            Value::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        })
    }
}

pub(super) fn read_value(v: ValueRef<'_>, field_type: &FieldType) -> Value {
    match (v, field_type) {
        (ValueRef::Null, _) => Value::Null,
        (ValueRef::Integer(i), FieldType::Boolean) => Value::Bool(i != 0),
        (ValueRef::Integer(i), _) => Value::Integer(i),
        (ValueRef::Real(r), _) => Value::Number(r),
        (ValueRef::Text(t) | ValueRef::Blob(t), _) => {
            Value::Text(String::from_utf8_lossy(t).into_owned())
        }
    }
}

impl EnvironmentStore for SqliteStore {
    fn definitions(&self) -> Result<Definitions> {
        defs::definitions(&self.conn)
    }

    fn stats(&self) -> Result<StoreStats> {
        let mut record_count = 0u64;
        for id in self.table_ids()? {
            let n: i64 = self
                .conn
                .query_row(&format!("SELECT count(*) FROM rec_{id}"), [], |r| r.get(0))
                .context("counting records")?;
            record_count += n as u64;
        }
        Ok(StoreStats {
            record_count,
            ..self.figures()?
        })
    }

    /// The counts the record tables' triggers keep (see `counts.rs`): as
    /// exact as `stats`, without reading a record.
    fn figures(&self) -> Result<StoreStats> {
        let app_count: i64 = self
            .conn
            .query_row("SELECT count(*) FROM platform_apps", [], |r| r.get(0))
            .context("counting apps")?;
        Ok(StoreStats {
            size_bytes: self.size_bytes(),
            record_count: super::counts::records(&self.conn)?,
            app_count: app_count as u32,
            table_count: self.table_ids()?.len() as u32,
            records_estimated: false,
        })
    }

    fn create_app(&mut self, name: &str) -> Result<AppDef> {
        let tx = self.conn.transaction().context("starting a transaction")?;
        let app = design::make_apps(&mut Design(&tx), &[name.to_string()])?;
        tx.commit().context("committing a new app")?;
        app.into_iter()
            .next()
            .ok_or_else(|| Error::internal("An app was made but not returned."))
    }

    fn create_table(
        &mut self,
        app_ids: &[i64],
        name: &str,
        fields: &[(&str, FieldType)],
    ) -> Result<TableDef> {
        let tx = self.conn.transaction().context("starting a transaction")?;
        let made = design::make_table(&mut Design(&tx), app_ids, name, fields)?;
        tx.commit().context("committing a new table")?;
        Ok(made)
    }

    fn export_to(&self, dest: &Path, about: &[(&str, String)]) -> Result<()> {
        export::export(&self.conn, dest, about)
    }

    fn create_model(
        &mut self,
        apps: &[String],
        tables: &[ModelTable],
    ) -> Result<(Vec<AppDef>, Vec<TableDef>)> {
        let tx = self.conn.transaction().context("starting a transaction")?;
        let made = design::make_model(&mut Design(&tx), apps, tables)?;
        tx.commit().context("committing a new model")?;
        Ok(made)
    }

    fn load(&mut self, fill: &mut dyn FnMut(&mut dyn RecordSink) -> Result<()>) -> Result<()> {
        model::load(&mut self.conn, &self.path, fill)
    }

    fn send_whole(&self, to: &mut dyn WholeSink) -> Result<()> {
        whole::send(&self.conn, to)
    }

    fn receive_whole(
        &mut self,
        fill: &mut dyn FnMut(&mut dyn WholeSink) -> Result<()>,
    ) -> Result<()> {
        model::fill_new(&mut self.conn, &self.path, &mut |tx| {
            whole::clear_meta(tx)?;
            fill(&mut whole::Receiver {
                tx,
                records: model::Sink::new(tx),
            })
        })
    }

    fn create_view(
        &mut self,
        app_id: i64,
        table_id: i64,
        name: &str,
        field_ids: &[i64],
    ) -> Result<ViewDef> {
        let name = validate_entity_name("view", name)?;
        let fields = defs::fields(&self.conn, table_id)?;
        if let Some(bad) = field_ids
            .iter()
            .find(|id| !fields.iter().any(|f| f.id == **id))
        {
            return Err(Error::invalid(format!(
                "Field {bad} is not a field of table {table_id}."
            )));
        }
        let json = serde_json::to_string(field_ids).context("encoding a view")?;
        match self.conn.execute(
            "INSERT INTO platform_views (app_id, table_id, name, field_ids) VALUES (?1, ?2, ?3, ?4)",
            params![app_id, table_id, name, json],
        ) {
            Ok(_) => Ok(ViewDef { id: self.conn.last_insert_rowid(), app_id, table_id, name, field_ids: field_ids.to_vec(), filter: None }),
            Err(e) if is_unique_violation(&e) => Err(Error::conflict(format!("This app already has a view named \"{name}\"."))),
            Err(e) => Err(e).context("creating a view"),
        }
    }

    fn insert_records(&mut self, table_id: i64, rows: &[Vec<Value>]) -> Result<usize> {
        self.require_table(table_id)?;
        let fields = defs::fields(&self.conn, table_id)?;
        let columns: Vec<String> = fields.iter().map(|f| format!("f_{}", f.id)).collect();
        let marks: Vec<String> = (1..=fields.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO rec_{table_id} ({}) VALUES ({})",
            columns.join(", "),
            marks.join(", ")
        );
        let tx = self.conn.transaction().context("starting a transaction")?;
        {
            let mut stmt = tx.prepare(&sql).context("preparing an insert")?;
            for (n, row) in rows.iter().enumerate() {
                if row.len() != fields.len() {
                    return Err(Error::invalid(format!(
                        "Row {} has {} values; table {table_id} has {} fields.",
                        n + 1,
                        row.len(),
                        fields.len()
                    )));
                }
                let values: Vec<SqlValue> = row.iter().map(SqlValue).collect();
                stmt.execute(rusqlite::params_from_iter(values))
                    .context("inserting a record")?;
            }
        }
        tx.commit().context("committing records")?;
        Ok(rows.len())
    }

    fn records(&self, table_id: i64) -> Result<Vec<Record>> {
        self.require_table(table_id)?;
        let fields = defs::fields(&self.conn, table_id)?;
        let mut columns = vec!["id".to_string()];
        columns.extend(fields.iter().map(|f| format!("f_{}", f.id)));
        let sql = format!(
            "SELECT {} FROM rec_{table_id} ORDER BY id",
            columns.join(", ")
        );
        let mut stmt = self.conn.prepare(&sql).context("reading records")?;
        let rows = stmt
            .query_map([], |r| {
                let mut values = Vec::with_capacity(fields.len());
                for (i, f) in fields.iter().enumerate() {
                    values.push(read_value(r.get_ref(i + 1)?, &f.field_type));
                }
                Ok(Record {
                    id: r.get(0)?,
                    values,
                })
            })
            .context("reading records")?;
        rows.collect::<rusqlite::Result<_>>()
            .context("reading records")
    }

    fn apply(&mut self, change: &Change, author: &str, at: DateTime<Utc>) -> Result<ChangeEntry> {
        designer::apply(&mut self.conn, change, author, at)
    }

    fn changelog(&self, filter: &ChangelogFilter) -> Result<(Vec<ChangeEntry>, MatchCount)> {
        changelog::page(&self.conn, filter)
    }

    fn changelog_authors(&self) -> Result<Vec<String>> {
        changelog::authors(&self.conn)
    }

    fn unpromoted_authors(&self) -> Result<Vec<AuthorCount>> {
        changelog::unpromoted_authors(&self.conn)
    }

    fn changelog_activity(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<AuthorCount>> {
        changelog::activity(&self.conn, from, until)
    }

    fn mark_copied(&mut self) -> Result<i64> {
        changelog::mark_base(&self.conn)
    }

    fn record_page(&self, table_id: i64, query: &RecordQuery) -> Result<RecordPage> {
        record_page::page(&self.conn, table_id, query)
    }

    fn insert_record(&mut self, table_id: i64, cells: &[CellInput]) -> Result<Record> {
        edits::insert(&mut records::Rows(&self.conn), table_id, cells)
    }

    fn update_record(
        &mut self,
        table_id: i64,
        record_id: i64,
        cells: &[CellInput],
    ) -> Result<Record> {
        edits::update(&mut records::Rows(&self.conn), table_id, record_id, cells)
    }

    fn delete_record(&mut self, table_id: i64, record_id: i64) -> Result<()> {
        edits::delete(&mut records::Rows(&self.conn), table_id, record_id)
    }

    fn import_rows(
        &mut self,
        import_id: i64,
        table_id: i64,
        mapping: &[Option<i64>],
        rows: &mut dyn Iterator<Item = Result<CsvRow>>,
        tick: &mut dyn FnMut(u32, &[RejectedRow]) -> Result<()>,
    ) -> Result<(u32, Vec<RejectedRow>)> {
        let tx = self.conn.transaction().context("starting an import")?;
        let done = edits::import(
            &mut records::Rows(&tx),
            import_id,
            table_id,
            mapping,
            rows,
            tick,
        )?;
        tx.commit().context("committing the import")?;
        Ok(done)
    }

    fn committed_import(&self, import_id: i64) -> Result<Option<u32>> {
        edits::committed_import(&mut records::Rows(&self.conn), import_id)
    }

    fn installed_extensions(&self) -> Result<Vec<cutover_core::extension::InstalledExtension>> {
        extensions::installed(&self.conn)
    }

    fn install_extension(
        &mut self,
        ext: &cutover_core::extension::InstalledExtension,
        install: &[(String, String)],
        uninstall: &[(String, String)],
    ) -> Result<()> {
        extensions::install(&mut self.conn, ext, install, uninstall)
    }

    fn uninstall_extension(&mut self, name: &str) -> Result<()> {
        extensions::uninstall(&mut self.conn, name)
    }

    fn apply_release_scripts(
        &mut self,
        release: &str,
        scripts: &[(String, String)],
        at: DateTime<Utc>,
    ) -> Result<usize> {
        platform::apply_release_scripts(&mut self.conn, release, scripts, at)
    }

    fn failing_checks(&self, checks: &[(String, String)]) -> Result<Vec<(String, String)>> {
        platform::failing_checks(&self.conn, checks)
    }

    fn platform_version(&self) -> Result<String> {
        platform::platform_version(&self.conn)
    }

    fn set_platform_version(&mut self, version: &str) -> Result<()> {
        platform::set_platform_version(&self.conn, version)
    }

    fn mark_promoted(&mut self, production_seq: i64) -> Result<()> {
        changelog::mark_promoted(&self.conn, production_seq)
    }

    fn set_marks(&mut self, copy_point: i64, production_point: i64) -> Result<()> {
        changelog::set_marks(&self.conn, copy_point, production_point)
    }

    fn production_point(&self) -> Result<i64> {
        changelog::production_point(&self.conn)
    }

    fn copy_point(&self) -> Result<i64> {
        changelog::base(&self.conn)
    }

    fn changelog_end(&self) -> Result<i64> {
        changelog::last_seq(&self.conn)
    }

    fn entries_after(&self, seq: i64) -> Result<Vec<ChangeEntry>> {
        promote::entries_after(&self.conn, seq)
    }

    fn apply_plan_locked(
        &mut self,
        steps: &[PlanStep],
        author: &str,
        at: DateTime<Utc>,
        under_lock: &mut dyn FnMut() -> Result<()>,
    ) -> Result<Vec<ChangeEntry>> {
        promote::apply_plan(&mut self.conn, steps, author, at, under_lock)
    }

    fn field_impact(&mut self, field_id: i64, to: Option<&FieldType>) -> Result<(u64, u64)> {
        promote::field_impact(&mut self.conn, field_id, to)
    }

    fn check(&self, tables: Option<&[i64]>) -> Result<Definitions> {
        promote::check(&self.conn, tables)
    }
}
