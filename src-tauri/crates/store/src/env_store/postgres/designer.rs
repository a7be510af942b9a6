//! Designer changes on a server: the reads and writes `env_store::design`
//! asks of an open transaction. DDL is transactional in PostgreSQL, so a
//! change's new column and its definition rows commit or vanish together.
//!
//! A promotion's plan (`Design::for_plan`) is run as `plan_batch` says.
//!
//! Invariants: only this transaction writes definitions while it is open,
//! so a kept table is the table, as long as every write here updates or
//! forgets it; waiting DDL runs before anything reads or writes record
//! tables' rows, and before the caller commits (`finish`).

use super::changelog::Typed;
use super::plan_batch::{Ddl, PlanState};
use super::schema::{column_type, ident};
use super::{changelog, defs, values};
use crate::env_store::design::{DesignTx, Outcome};
use crate::Context;
use chrono::{DateTime, Utc};
use cutover_core::changelog::ChangeEntry;
use cutover_core::definitions::{AppDef, FieldDef, FieldType, TableDef, Value, ViewDef};
use cutover_core::Result;
use postgres::types::{ToSql, Type};
use postgres::{Row, Transaction};

/// Runs a write whose name may be taken: `Ok(None)` when it is.
fn unless_taken<T>(written: Result<T, postgres::Error>, doing: &str) -> Result<Option<T>> {
    match written {
        Ok(v) => Ok(Some(v)),
        Err(e) if defs::is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e).context(doing),
    }
}

fn rec(table_id: i64) -> String {
    ident(&format!("rec_{table_id}"))
}

pub(super) struct Design<'a, 'b> {
    tx: &'a mut Transaction<'b>,
    /// `None`: DDL runs at once, nothing is kept.
    plan: Option<PlanState>,
}

impl<'a, 'b> Design<'a, 'b> {
    /// One change, or anything that commits right after.
    pub(super) fn new(tx: &'a mut Transaction<'b>) -> Self {
        Self { tx, plan: None }
    }

    /// A promotion's plan; call `finish` before committing.
    pub(super) fn for_plan(tx: &'a mut Transaction<'b>) -> Self {
        Self {
            tx,
            plan: Some(PlanState::default()),
        }
    }

    /// Runs the DDL still waiting and writes the plan's changelog entries:
    /// their seqs, in the order the changes were made.
    pub(super) fn finish(mut self) -> Result<Vec<i64>> {
        self.flush()?;
        match &mut self.plan {
            Some(plan) => changelog::write_pending(self.tx, &plan.entries),
            None => Ok(Vec::new()),
        }
    }

    fn flush(&mut self) -> Result<()> {
        match &mut self.plan {
            Some(plan) => plan.flush(self.tx),
            None => Ok(()),
        }
    }

    /// Runs `ddl` now, or keeps it for `flush` in a plan.
    fn ddl(&mut self, ddl: Ddl, doing: &str) -> Result<()> {
        match &mut self.plan {
            Some(plan) => {
                plan.ddl.push(ddl);
                Ok(())
            }
            None => self.tx.batch_execute(&ddl.sql()).context(doing),
        }
    }

    /// Runs `sql` with typed parameters: in a plan, as a statement the
    /// server parses and plans once for the whole plan, not once a change.
    fn run(&mut self, sql: &'static str, params: &Typed, doing: &str) -> Result<Vec<Row>> {
        match &mut self.plan {
            Some(plan) => plan.run(self.tx, sql, params, doing),
            None => self.tx.query_typed(sql, params).context(doing),
        }
    }

    /// `run` for a statement returning at most one row.
    fn run_opt(&mut self, sql: &'static str, params: &Typed, doing: &str) -> Result<Option<Row>> {
        Ok(self.run(sql, params, doing)?.into_iter().next())
    }

    /// Forgets the tables kept: a write changed one.
    fn forget_tables(&mut self) {
        if let Some(plan) = &mut self.plan {
            plan.tables.clear();
        }
    }

    /// Within a savepoint, so that a taken name leaves the transaction
    /// usable (PostgreSQL aborts a transaction at its first error).
    fn attempt<T>(
        &mut self,
        doing: &str,
        write: impl FnOnce(&mut Transaction) -> Result<T, postgres::Error>,
    ) -> Result<Option<T>> {
        let mut sp = self.tx.savepoint("attempt").context(doing)?;
        match unless_taken(write(&mut sp), doing)? {
            Some(v) => {
                sp.commit().context(doing)?;
                Ok(Some(v))
            }
            None => Ok(None),
        }
    }

    fn write_values(
        &mut self,
        table_id: i64,
        column: &str,
        field_type: &FieldType,
        values: &[(i64, Value)],
    ) -> Result<()> {
        self.flush()?;
        let stmt = self
            .tx
            .prepare(&format!(
                "UPDATE {} SET {column} = $2 WHERE id = $1",
                rec(table_id)
            ))
            .context("writing values")?;
        for (id, v) in values {
            let value = values::param(v, field_type, column)?;
            let params: [&(dyn ToSql + Sync); 2] = [id, value.as_ref()];
            self.tx.execute(&stmt, &params).context("writing values")?;
        }
        Ok(())
    }

    fn write_type(&mut self, field_id: i64, to: &FieldType) -> Result<()> {
        self.forget_tables();
        let json = serde_json::to_string(to).context("encoding a field type")?;
        self.tx
            .execute(
                "UPDATE platform_fields SET field_type = $2 WHERE id = $1",
                &[&field_id, &json],
            )
            .context("saving a field type")?;
        Ok(())
    }
}

impl DesignTx for Design<'_, '_> {
    fn app(&mut self, id: i64) -> Result<AppDef> {
        defs::app(self.tx, id)
    }

    fn table(&mut self, id: i64) -> Result<TableDef> {
        if let Some(kept) = self.plan.as_ref().and_then(|p| p.tables.get(&id)) {
            return Ok(kept.clone());
        }
        let table = defs::table(self.tx, id)?;
        if let Some(plan) = &mut self.plan {
            plan.tables.insert(id, table.clone());
        }
        Ok(table)
    }

    fn field(&mut self, id: i64) -> Result<FieldDef> {
        defs::field(self.tx, id)
    }

    fn view(&mut self, id: i64) -> Result<ViewDef> {
        defs::view(self.tx, id)
    }

    fn views(&mut self) -> Result<Vec<ViewDef>> {
        defs::views(self.tx)
    }

    fn values_of(&mut self, field: &FieldDef) -> Result<Vec<(i64, Value)>> {
        self.flush()?;
        self.tx
            .query(
                &format!(
                    "SELECT id, f_{0} FROM {1} WHERE f_{0} IS NOT NULL ORDER BY id",
                    field.id,
                    rec(field.table_id)
                ),
                &[],
            )
            .context("reading a field's values")?
            .iter()
            .map(|r| Ok((r.get(0), values::read(r, 1, &field.field_type)?)))
            .collect()
    }

    // Inserts take a name that may be taken: `ON CONFLICT DO NOTHING`
    // answers "taken" (no row) in the one round trip a savepoint would
    // take three for, which matters under a promotion's lock.
    fn insert_app(&mut self, name: &str) -> Result<Option<i64>> {
        Ok(self
            .run_opt(
                "INSERT INTO platform_apps (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id",
                &[(&name, Type::TEXT)],
                "creating an app",
            )?
            .map(|r| r.get(0)))
    }

    fn insert_table(&mut self, app_id: i64, name: &str) -> Result<Option<i64>> {
        let Some(id) = self
            .run_opt(
                "INSERT INTO platform_tables (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id",
                &[(&name, Type::TEXT)],
                "creating a table",
            )?
            .map(|r| r.get::<_, i64>(0))
        else {
            return Ok(None);
        };
        self.share_table(id, app_id)?;
        self.ddl(
            Ddl::Statement(format!(
                "CREATE TABLE {} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)",
                rec(id)
            )),
            "creating a record table",
        )?;
        Ok(Some(id))
    }

    fn share_table(&mut self, table_id: i64, app_id: i64) -> Result<()> {
        self.forget_tables();
        self.run(
            "INSERT INTO platform_app_tables (app_id, table_id) VALUES ($1, $2)",
            &[(&app_id, Type::INT8), (&table_id, Type::INT8)],
            "adding a table to an app",
        )?;
        Ok(())
    }

    fn insert_field(
        &mut self,
        table_id: i64,
        name: &str,
        field_type: &FieldType,
    ) -> Result<Option<i64>> {
        let json = serde_json::to_string(field_type).context("encoding a field type")?;
        let Some(id) = self
            .run_opt(
                "INSERT INTO platform_fields (table_id, name, field_type, position)
                 VALUES ($1, $2, $3, (SELECT coalesce(max(position), -1) + 1 FROM platform_fields WHERE table_id = $1))
                 ON CONFLICT DO NOTHING RETURNING id",
                &[(&table_id, Type::INT8), (&name, Type::TEXT), (&json, Type::TEXT)],
                "adding a field",
            )?
            .map(|r| r.get::<_, i64>(0))
        else {
            return Ok(None);
        };
        // Last in its table (the largest position), as a fresh read says.
        if let Some(kept) = self.plan.as_mut().and_then(|p| p.tables.get_mut(&table_id)) {
            kept.fields.push(FieldDef {
                id,
                table_id,
                name: name.to_string(),
                field_type: field_type.clone(),
            });
        }
        self.ddl(
            Ddl::Column {
                table: rec(table_id),
                clause: format!("ADD COLUMN f_{id} {}", column_type(field_type)),
            },
            "adding a column",
        )?;
        Ok(Some(id))
    }

    fn rename_field(&mut self, field_id: i64, name: &str) -> Result<bool> {
        self.forget_tables();
        Ok(self
            .attempt("renaming a field", |tx| {
                tx.execute(
                    "UPDATE platform_fields SET name = $2 WHERE id = $1",
                    &[&field_id, &name],
                )
            })?
            .is_some())
    }

    fn delete_field(&mut self, table_id: i64, field_id: i64) -> Result<()> {
        self.forget_tables();
        self.tx
            .execute("DELETE FROM platform_fields WHERE id = $1", &[&field_id])
            .context("deleting a field")?;
        self.ddl(
            Ddl::Column {
                table: rec(table_id),
                clause: format!("DROP COLUMN f_{field_id}"),
            },
            "dropping a column",
        )
    }

    fn retype_field(
        &mut self,
        table_id: i64,
        field_id: i64,
        to: &FieldType,
        values: &[(i64, Value)],
    ) -> Result<()> {
        // Same column name afterwards, so record reads and views need no
        // change; the values were converted and checked by the caller.
        let t = rec(table_id);
        self.ddl(
            Ddl::Column {
                table: t.clone(),
                clause: format!("ADD COLUMN f_{field_id}_new {}", column_type(to)),
            },
            "adding the retyped column",
        )?;
        self.write_values(table_id, &format!("f_{field_id}_new"), to, values)?;
        self.ddl(
            Ddl::Column {
                table: t.clone(),
                clause: format!("DROP COLUMN f_{field_id}"),
            },
            "replacing the retyped column",
        )?;
        // `RENAME COLUMN` cannot be merged with other subcommands.
        self.ddl(
            Ddl::Statement(format!(
                "ALTER TABLE {t} RENAME COLUMN f_{field_id}_new TO f_{field_id}"
            )),
            "replacing the retyped column",
        )?;
        self.write_type(field_id, to)
    }

    fn rewrite_field(
        &mut self,
        table_id: i64,
        field_id: i64,
        to: &FieldType,
        values: &[(i64, Value)],
    ) -> Result<()> {
        self.write_values(table_id, &format!("f_{field_id}"), to, values)?;
        self.write_type(field_id, to)
    }

    fn save_view(&mut self, view: &ViewDef) -> Result<Option<i64>> {
        let fields_json = serde_json::to_string(&view.field_ids).context("encoding a view")?;
        let filter_json = view
            .filter
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .context("encoding a view filter")?;
        let view = view.clone();
        self.attempt("saving a view", |tx| {
            if view.id == 0 {
                tx.query_one(
                    "INSERT INTO platform_views (app_id, table_id, name, field_ids, filter)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &[&view.app_id, &view.table_id, &view.name, &fields_json, &filter_json],
                )
                .map(|r| r.get(0))
            } else {
                tx.execute(
                    "UPDATE platform_views SET name = $2, field_ids = $3, filter = $4 WHERE id = $1",
                    &[&view.id, &view.name, &fields_json, &filter_json],
                )
                .map(|_| view.id)
            }
        })
    }

    fn record(&mut self, outcome: Outcome, author: &str, at: DateTime<Utc>) -> Result<ChangeEntry> {
        if let Some(plan) = &mut self.plan {
            let pending = changelog::Pending::new(outcome, author, at);
            let entry = pending.entry.clone();
            plan.entries.push(pending);
            return Ok(entry);
        }
        changelog::record(
            |sql, params| {
                self.run_opt(sql, params, "writing the changelog")?
                    .ok_or_else(|| {
                        cutover_core::Error::internal("The changelog entry was not written.")
                    })
            },
            outcome,
            author,
            at,
        )
    }
}
