//! How a promotion's plan runs on a server, under production's lock where
//! each round trip and each statement the server plans counts: the tables
//! read are kept for the transaction, the statements of each change are
//! prepared once for the whole plan, record tables' DDL waits and goes in
//! one batch, consecutive `ADD`/`DROP COLUMN`s of a table merged into one
//! `ALTER TABLE` (see `designer` for when the batch must run), and the
//! changelog entries are written together at the end.

use super::changelog::{Pending, Typed};
use crate::Context;
use cutover_core::definitions::TableDef;
use cutover_core::Result;
use postgres::types::{ToSql, Type};
use postgres::{Row, Statement, Transaction};
use std::collections::HashMap;

/// A record table's DDL waiting to run (`for_plan` only).
pub(super) enum Ddl {
    /// `ALTER TABLE <table> <clause>`, an `ADD` or `DROP COLUMN`: mergeable.
    Column {
        table: String,
        clause: String,
    },
    Statement(String),
}

impl Ddl {
    /// The statement on its own.
    pub(super) fn sql(self) -> String {
        match self {
            Self::Column { table, clause } => format!("ALTER TABLE {table} {clause}"),
            Self::Statement(sql) => sql,
        }
    }
}

#[derive(Default)]
pub(super) struct PlanState {
    pub(super) tables: HashMap<i64, TableDef>,
    pub(super) ddl: Vec<Ddl>,
    /// Statements prepared for this plan, by their SQL.
    statements: HashMap<&'static str, Statement>,
    /// The plan's changelog entries, written together at its end.
    pub(super) entries: Vec<Pending>,
}

impl PlanState {
    /// Runs the DDL waiting, in one batch.
    pub(super) fn flush(&mut self, tx: &mut Transaction) -> Result<()> {
        if self.ddl.is_empty() {
            return Ok(());
        }
        let mut batch: Vec<String> = Vec::new();
        let mut open: Option<(String, Vec<String>)> = None;
        let close = |open: &mut Option<(String, Vec<String>)>, batch: &mut Vec<String>| {
            if let Some((table, clauses)) = open.take() {
                batch.push(format!("ALTER TABLE {table} {}", clauses.join(", ")));
            }
        };
        for ddl in self.ddl.drain(..) {
            match ddl {
                Ddl::Column { table, clause } => match &mut open {
                    Some((t, clauses)) if *t == table => clauses.push(clause),
                    _ => {
                        close(&mut open, &mut batch);
                        open = Some((table, vec![clause]));
                    }
                },
                Ddl::Statement(sql) => {
                    close(&mut open, &mut batch);
                    batch.push(sql);
                }
            }
        }
        close(&mut open, &mut batch);
        tx.batch_execute(&batch.join(";\n"))
            .context("changing record tables")
    }

    /// Runs `sql` with typed parameters as a statement prepared once for
    /// the plan.
    pub(super) fn run(
        &mut self,
        tx: &mut Transaction,
        sql: &'static str,
        params: &Typed,
        doing: &str,
    ) -> Result<Vec<Row>> {
        let statement = match self.statements.get(sql) {
            Some(s) => s.clone(),
            None => {
                let types: Vec<Type> = params.iter().map(|(_, t)| t.clone()).collect();
                let s = tx.prepare_typed(sql, &types).context(doing)?;
                self.statements.insert(sql, s.clone());
                s
            }
        };
        let values: Vec<&(dyn ToSql + Sync)> = params.iter().map(|(v, _)| *v).collect();
        tx.query(&statement, &values).context(doing)
    }
}
