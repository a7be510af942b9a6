//! Definitions and records of one environment on a PostgreSQL server: a
//! client acting as the environment's role, whose search path is the
//! environment's schema.
//!
//! Invariant, as in the SQLite store: for every row of `platform_tables`
//! there is a record table `rec_<id>` with an `id` key and one column
//! `f_<field id>` per field, kept by changing both in one transaction.
//!
//! Package SQL (release scripts, checks, extensions) runs confined to the
//! environment's role (`confine.rs`).

use super::designer::Design;
use super::records::{self, Rows};
use super::schema::{self, ident};
use super::{changelog, defs, values};
use super::{confine, export, platform, promote, whole};
use crate::env_store::design::{self, DesignTx};
use crate::env_store::edits;
use crate::env_store::whole::WholeSink;
use crate::env_store::{CsvRow, EnvironmentStore, ModelTable, RecordSink, StoreStats};
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::change::{validate_entity_name, Change};
use cutover_core::changelog::{AuthorCount, ChangeEntry, ChangelogFilter, MatchCount};
use cutover_core::definitions::{
    AppDef, Definitions, FieldDef, FieldType, Record, TableDef, Value, ViewDef,
};
use cutover_core::extension::InstalledExtension;
use cutover_core::promotion::PlanStep;
use cutover_core::records::{CellInput, RecordPage, RecordQuery, RejectedRow};
use cutover_core::{Error, Result};
use postgres::types::Type;
use postgres::{Client, GenericClient};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

const BASE_KEY: &str = "promoted_through";
const PRODUCTION_KEY: &str = "production_seen";

/// Makes the session look at who holds a lock it waits for after 20 ms
/// instead of the server's default second (`deadlock_timeout`), when the
/// login may set it (a superuser, or granted `SET ON PARAMETER
/// deadlock_timeout`): an autovacuum of a production table holding the lock
/// a promotion waits for is cancelled then (it runs again later), not after
/// a second in which every writer queues behind the promotion. Measured:
/// one promotion in three at 100 MB was locked for 1,030 ms, not 30.
const LOOK_AT_LOCK_HOLDERS_SOON: &str = "
    DO $look$ DECLARE allowed boolean := current_setting('is_superuser')::boolean; BEGIN
        IF NOT allowed AND current_setting('server_version_num')::int >= 150000 THEN
            EXECUTE 'SELECT has_parameter_privilege(''deadlock_timeout'', ''SET'')' INTO allowed;
        END IF;
        IF allowed AND current_setting('deadlock_timeout')::interval > interval '20ms' THEN
            PERFORM set_config('deadlock_timeout', '20ms', false);
        END IF;
    END $look$;";

pub struct PgStore {
    client: RefCell<Client>,
    schema: String,
}

impl PgStore {
    /// A store over `client`, acting as the environment's `role` (which
    /// can reach nothing but its schema), the schema on its search path.
    pub(super) fn new(mut client: Client, schema: String, role: String) -> Result<Self> {
        client
            .batch_execute(&format!(
                "{LOOK_AT_LOCK_HOLDERS_SOON} SET ROLE {}; SET search_path TO {}",
                ident(&role),
                ident(&schema)
            ))
            .context("choosing the environment's schema")?;
        // One typed read of the version per open, not a per-process memo:
        // another desktop, or a restore, can put an older schema back.
        schema::bring_up_to_date(&mut client, &schema)?;
        confine::make_runner(&mut client, &schema)?;
        Ok(Self {
            client: RefCell::new(client),
            schema,
        })
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        edits::RecordTx::meta(&mut Rows(&mut *self.client.borrow_mut()), key)
    }

    fn set_meta(client: &mut impl GenericClient, key: &str, value: &str) -> Result<()> {
        edits::RecordTx::set_meta(&mut Rows(client), key, value)
    }

    fn fields_of(&self, table_id: i64) -> Result<Vec<FieldDef>> {
        let mut client = self.client.borrow_mut();
        defs::table(&mut *client, table_id)
            .map_err(|_| Error::not_found(format!("There is no table {table_id}.")))?;
        defs::fields(&mut *client, table_id)
    }
}

/// Takes records for [`EnvironmentStore::load`] with one prepared insert
/// per table, inside the loading transaction.
struct Sink<'a, 'b> {
    tx: &'a mut postgres::Transaction<'b>,
    inserts: HashMap<i64, (postgres::Statement, Vec<FieldDef>)>,
}

impl<'a, 'b> Sink<'a, 'b> {
    fn new(tx: &'a mut postgres::Transaction<'b>) -> Self {
        Self {
            tx,
            inserts: HashMap::new(),
        }
    }
}

impl RecordSink for Sink<'_, '_> {
    fn put(&mut self, table_id: i64, id: i64, values: &[Value]) -> Result<()> {
        if !self.inserts.contains_key(&table_id) {
            let fields = defs::fields(self.tx, table_id)?;
            let mut columns = vec!["id".to_string()];
            columns.extend(fields.iter().map(|f| format!("f_{}", f.id)));
            let marks: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES ({})",
                ident(&format!("rec_{table_id}")),
                columns.join(", "),
                marks.join(", ")
            );
            let stmt = self.tx.prepare(&sql).context("preparing an insert")?;
            self.inserts.insert(table_id, (stmt, fields));
        }
        let Some((stmt, fields)) = self.inserts.get(&table_id) else {
            return Err(Error::internal("An insert was not prepared."));
        };
        if values.len() != fields.len() {
            return Err(Error::internal(format!(
                "A record of table {table_id} with {} values for {} fields.",
                values.len(),
                fields.len()
            )));
        }
        let mut params: Vec<values::Param> = vec![Box::new(id)];
        for (v, f) in values.iter().zip(fields) {
            params.push(values::param(v, &f.field_type, &f.name)?);
        }
        let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
            params.iter().map(|p| p.as_ref()).collect();
        self.tx.execute(stmt, &refs).map_err(|e| {
            if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) {
                Error::invalid(format!("Two records of table {table_id} have the id {id}."))
            } else {
                Error::internal(format!("Could not write a record: {e}."))
            }
        })?;
        Ok(())
    }
}

impl EnvironmentStore for PgStore {
    fn definitions(&self) -> Result<Definitions> {
        defs::definitions(&mut *self.client.borrow_mut())
    }

    fn stats(&self) -> Result<StoreStats> {
        let mut client = self.client.borrow_mut();
        let tables: Vec<i64> = client
            .query("SELECT id FROM platform_tables ORDER BY id", &[])
            .context("listing tables")?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut record_count = 0u64;
        for id in &tables {
            let n: i64 = client
                .query_one(
                    &format!("SELECT count(*) FROM {}", ident(&format!("rec_{id}"))),
                    &[],
                )
                .context("counting records")?
                .get(0);
            record_count += n as u64;
        }
        let row = client
            .query_one(
                "SELECT (SELECT count(*) FROM platform_apps),
                        coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = $1 AND c.relkind = 'r'",
                &[&self.schema],
            )
            .context("measuring the store")?;
        Ok(StoreStats {
            size_bytes: row.get::<_, i64>(1) as u64,
            record_count,
            app_count: row.get::<_, i64>(0) as u32,
            table_count: tables.len() as u32,
            records_estimated: false,
        })
    }

    fn figures(&self) -> Result<StoreStats> {
        super::figures::figures_in(&mut *self.client.borrow_mut(), &self.schema)
    }

    fn create_app(&mut self, name: &str) -> Result<AppDef> {
        let mut tx = self
            .client
            .get_mut()
            .transaction()
            .context("starting a transaction")?;
        let app = design::make_apps(&mut Design::new(&mut tx), &[name.to_string()])?;
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
        let mut tx = self
            .client
            .get_mut()
            .transaction()
            .context("starting a transaction")?;
        let made = design::make_table(&mut Design::new(&mut tx), app_ids, name, fields)?;
        tx.commit().context("committing a new table")?;
        Ok(made)
    }

    fn create_model(
        &mut self,
        apps: &[String],
        tables: &[ModelTable],
    ) -> Result<(Vec<AppDef>, Vec<TableDef>)> {
        let mut tx = self
            .client
            .get_mut()
            .transaction()
            .context("starting a transaction")?;
        let made = design::make_model(&mut Design::new(&mut tx), apps, tables)?;
        tx.commit().context("committing a new model")?;
        Ok(made)
    }

    fn load(&mut self, fill: &mut dyn FnMut(&mut dyn RecordSink) -> Result<()>) -> Result<()> {
        let mut tx = self
            .client
            .get_mut()
            .transaction()
            .context("starting a transaction")?;
        fill(&mut Sink::new(&mut tx))?;
        super::schema::restart_identities(&mut tx, &self.schema)?;
        tx.commit().context("committing the records")
    }

    fn export_to(&self, dest: &Path, about: &[(&str, String)]) -> Result<()> {
        export::export(&mut self.client.borrow_mut(), dest, about)
    }

    fn send_whole(&self, to: &mut dyn WholeSink) -> Result<()> {
        whole::send(&mut self.client.borrow_mut(), &self.schema, to)
    }

    fn receive_whole(
        &mut self,
        fill: &mut dyn FnMut(&mut dyn WholeSink) -> Result<()>,
    ) -> Result<()> {
        whole::receive(self.client.get_mut(), &self.schema, fill)
    }

    fn create_view(
        &mut self,
        app_id: i64,
        table_id: i64,
        name: &str,
        field_ids: &[i64],
    ) -> Result<ViewDef> {
        let name = validate_entity_name("view", name)?;
        let fields = self.fields_of(table_id)?;
        if let Some(bad) = field_ids
            .iter()
            .find(|id| !fields.iter().any(|f| f.id == **id))
        {
            return Err(Error::invalid(format!(
                "Field {bad} is not a field of table {table_id}."
            )));
        }
        let view = ViewDef {
            id: 0,
            app_id,
            table_id,
            name,
            field_ids: field_ids.to_vec(),
            filter: None,
        };
        let mut tx = self
            .client
            .get_mut()
            .transaction()
            .context("creating a view")?;
        let id = Design::new(&mut tx).save_view(&view)?.ok_or_else(|| {
            Error::conflict(format!(
                "This app already has a view named \"{}\".",
                view.name
            ))
        })?;
        tx.commit().context("creating a view")?;
        Ok(ViewDef { id, ..view })
    }

    fn insert_records(&mut self, table_id: i64, rows: &[Vec<Value>]) -> Result<usize> {
        let fields = self.fields_of(table_id)?;
        let columns: Vec<String> = fields.iter().map(|f| format!("f_{}", f.id)).collect();
        let marks: Vec<String> = (1..=fields.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            ident(&format!("rec_{table_id}")),
            columns.join(", "),
            marks.join(", ")
        );
        let mut tx = self
            .client
            .get_mut()
            .transaction()
            .context("starting a transaction")?;
        let stmt = tx.prepare(&sql).context("preparing an insert")?;
        for (n, row) in rows.iter().enumerate() {
            if row.len() != fields.len() {
                return Err(Error::invalid(format!(
                    "Row {} has {} values; table {table_id} has {} fields.",
                    n + 1,
                    row.len(),
                    fields.len()
                )));
            }
            let params = row
                .iter()
                .zip(&fields)
                .map(|(v, f)| values::param(v, &f.field_type, &f.name))
                .collect::<Result<Vec<_>>>()?;
            let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                params.iter().map(|p| p.as_ref()).collect();
            tx.execute(&stmt, &refs).context("inserting a record")?;
        }
        tx.commit().context("committing records")?;
        Ok(rows.len())
    }

    fn records(&self, table_id: i64) -> Result<Vec<Record>> {
        let fields = self.fields_of(table_id)?;
        let mut columns = vec!["id".to_string()];
        columns.extend(fields.iter().map(|f| format!("f_{}", f.id)));
        let rows = self
            .client
            .borrow_mut()
            .query(
                &format!(
                    "SELECT {} FROM {} ORDER BY id",
                    columns.join(", "),
                    ident(&format!("rec_{table_id}"))
                ),
                &[],
            )
            .context("reading records")?;
        rows.iter()
            .map(|r| {
                let values = fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| values::read(r, i + 1, &f.field_type))
                    .collect::<Result<_>>()?;
                Ok(Record {
                    id: r.get(0),
                    values,
                })
            })
            .collect()
    }

    fn apply(&mut self, change: &Change, author: &str, at: DateTime<Utc>) -> Result<ChangeEntry> {
        let mut tx = self
            .client
            .get_mut()
            .transaction()
            .context("starting a change")?;
        let entry = design::checked_apply(&mut Design::new(&mut tx), change, author, at)?;
        tx.commit().context("committing a change")?;
        Ok(entry)
    }

    fn changelog(&self, filter: &ChangelogFilter) -> Result<(Vec<ChangeEntry>, MatchCount)> {
        changelog::page(&mut *self.client.borrow_mut(), filter)
    }

    fn changelog_authors(&self) -> Result<Vec<String>> {
        changelog::authors(&mut *self.client.borrow_mut())
    }

    fn unpromoted_authors(&self) -> Result<Vec<AuthorCount>> {
        changelog::unpromoted_authors(&mut *self.client.borrow_mut())
    }

    fn changelog_activity(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<AuthorCount>> {
        changelog::activity(&mut *self.client.borrow_mut(), from, until)
    }

    fn mark_copied(&mut self) -> Result<i64> {
        let mut tx = self
            .client
            .get_mut()
            .transaction()
            .context("marking a copy")?;
        let last = changelog::last_seq(&mut tx)?;
        Self::set_meta(&mut tx, BASE_KEY, &last.to_string())?;
        Self::set_meta(&mut tx, PRODUCTION_KEY, &last.to_string())?;
        tx.commit().context("marking a copy")?;
        Ok(last)
    }

    // One statement (atomic on its own): it runs under production's lock.
    fn mark_promoted(&mut self, production_seq: i64) -> Result<()> {
        self.client
            .get_mut()
            .query_typed(
                "INSERT INTO platform_meta (key, value)
                 VALUES ($1, (SELECT coalesce(max(seq), 0) FROM platform_changelog)::text), ($2, $3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[
                    (&BASE_KEY, Type::TEXT),
                    (&PRODUCTION_KEY, Type::TEXT),
                    (&production_seq.to_string(), Type::TEXT),
                ],
            )
            .context("marking a promotion")?;
        Ok(())
    }

    fn production_point(&self) -> Result<i64> {
        Ok(self
            .meta(PRODUCTION_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    fn set_marks(&mut self, copy_point: i64, production_point: i64) -> Result<()> {
        let mut tx = self
            .client
            .get_mut()
            .transaction()
            .context("marking the changelog")?;
        Self::set_meta(&mut tx, BASE_KEY, &copy_point.to_string())?;
        Self::set_meta(&mut tx, PRODUCTION_KEY, &production_point.to_string())?;
        tx.commit().context("marking the changelog")
    }

    fn record_page(&self, table_id: i64, query: &RecordQuery) -> Result<RecordPage> {
        records::page(&mut *self.client.borrow_mut(), table_id, query)
    }

    fn insert_record(&mut self, table_id: i64, cells: &[CellInput]) -> Result<Record> {
        edits::insert(&mut Rows(self.client.get_mut()), table_id, cells)
    }

    fn update_record(
        &mut self,
        table_id: i64,
        record_id: i64,
        cells: &[CellInput],
    ) -> Result<Record> {
        edits::update(&mut Rows(self.client.get_mut()), table_id, record_id, cells)
    }

    fn delete_record(&mut self, table_id: i64, record_id: i64) -> Result<()> {
        edits::delete(&mut Rows(self.client.get_mut()), table_id, record_id)
    }

    fn import_rows(
        &mut self,
        import_id: i64,
        table_id: i64,
        mapping: &[Option<i64>],
        rows: &mut dyn Iterator<Item = Result<CsvRow>>,
        tick: &mut dyn FnMut(u32, &[RejectedRow]) -> Result<()>,
    ) -> Result<(u32, Vec<RejectedRow>)> {
        let mut tx = self
            .client
            .get_mut()
            .transaction()
            .context("starting an import")?;
        let done = edits::import(&mut Rows(&mut tx), import_id, table_id, mapping, rows, tick)?;
        tx.commit().context("committing the import")?;
        Ok(done)
    }

    fn copy_point(&self) -> Result<i64> {
        Ok(self
            .meta(BASE_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    fn changelog_end(&self) -> Result<i64> {
        changelog::last_seq(&mut *self.client.borrow_mut())
    }

    fn entries_after(&self, seq: i64) -> Result<Vec<ChangeEntry>> {
        changelog::entries_after(&mut *self.client.borrow_mut(), seq)
    }

    fn apply_plan_locked(
        &mut self,
        steps: &[PlanStep],
        author: &str,
        at: DateTime<Utc>,
        under_lock: &mut dyn FnMut() -> Result<()>,
    ) -> Result<Vec<ChangeEntry>> {
        promote::apply_plan(
            self.client.get_mut(),
            &self.schema,
            steps,
            author,
            at,
            under_lock,
        )
    }

    fn field_impact(&mut self, field_id: i64, to: Option<&FieldType>) -> Result<(u64, u64)> {
        promote::field_impact(self.client.get_mut(), field_id, to)
    }

    fn check(&self, tables: Option<&[i64]>) -> Result<Definitions> {
        promote::check(&mut *self.client.borrow_mut(), &self.schema, tables)
    }

    fn committed_import(&self, import_id: i64) -> Result<Option<u32>> {
        edits::committed_import(&mut Rows(&mut *self.client.borrow_mut()), import_id)
    }

    fn installed_extensions(&self) -> Result<Vec<InstalledExtension>> {
        platform::installed(&mut *self.client.borrow_mut(), "platform_extensions")
    }

    fn install_extension(
        &mut self,
        ext: &InstalledExtension,
        install: &[(String, String)],
        uninstall: &[(String, String)],
    ) -> Result<()> {
        platform::install(self.client.get_mut(), ext, install, uninstall)
    }

    fn uninstall_extension(&mut self, name: &str) -> Result<()> {
        platform::uninstall(self.client.get_mut(), name)
    }

    fn apply_release_scripts(
        &mut self,
        release: &str,
        scripts: &[(String, String)],
        at: DateTime<Utc>,
    ) -> Result<usize> {
        platform::apply_release_scripts(self.client.get_mut(), release, scripts, at)
    }

    fn failing_checks(&self, checks: &[(String, String)]) -> Result<Vec<(String, String)>> {
        platform::failing_checks(&mut self.client.borrow_mut(), checks)
    }

    fn platform_version(&self) -> Result<String> {
        self.meta("platform_version")?
            .ok_or_else(|| Error::internal("The store does not record its platform version."))
    }

    fn set_platform_version(&mut self, version: &str) -> Result<()> {
        Self::set_meta(self.client.get_mut(), "platform_version", version)
    }
}
