//! Records on a server: the reads and writes `env_store::edits` makes for
//! record edits and imports, and a page of a table's records (sorted,
//! searched in every field, filtered on one) as the SQLite store gives it.

use super::schema::ident;
use super::{defs, values};
use crate::env_store::edits::RecordTx;
use crate::env_store::edits::{checked_filter, like_escaped, page_order, page_search};
use crate::Context;
use cutover_core::change::{FilterOp, ViewFilter};
use cutover_core::definitions::{Definitions, FieldDef, FieldType, Record, TableDef, Value};
use cutover_core::records::{RecordPage, RecordQuery, MAX_RECORD_PAGE};
use cutover_core::{Error, Result};
use postgres::types::{ToSql, Type};
use postgres::GenericClient;

fn rec(table_id: i64) -> String {
    ident(&format!("rec_{table_id}"))
}

fn select_list(fields: &[FieldDef]) -> String {
    std::iter::once("id".to_string())
        .chain(fields.iter().map(|f| format!("f_{}", f.id)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn to_record(r: &postgres::Row, fields: &[FieldDef]) -> Result<Record> {
    Ok(Record {
        id: r.get(0),
        values: fields
            .iter()
            .enumerate()
            .map(|(i, f)| values::read(r, i + 1, &f.field_type))
            .collect::<Result<_>>()?,
    })
}

/// A client or open transaction on the environment's schema, as
/// `env_store::edits` reads and writes records through it.
pub(super) struct Rows<'a, C: GenericClient>(pub &'a mut C);

impl<C: GenericClient> Rows<'_, C> {
    fn params(table: &TableDef, values: &[(i64, Value)]) -> Result<Vec<Box<dyn ToSql + Sync>>> {
        values
            .iter()
            .map(|(field_id, v)| {
                let field = table
                    .fields
                    .iter()
                    .find(|f| f.id == *field_id)
                    .ok_or_else(|| {
                        Error::invalid(format!("Field {field_id} is not in this table."))
                    })?;
                values::param(v, &field.field_type, &field.name)
            })
            .collect()
    }
}

impl<C: GenericClient> RecordTx for Rows<'_, C> {
    fn table(&mut self, id: i64) -> Result<TableDef> {
        defs::table(self.0, id)
    }

    fn definitions(&mut self) -> Result<Definitions> {
        defs::definitions(self.0)
    }

    fn record(&mut self, table_id: i64, fields: &[FieldDef], id: i64) -> Result<Option<Record>> {
        self.0
            .query_opt(
                &format!(
                    "SELECT {} FROM {} WHERE id = $1",
                    select_list(fields),
                    rec(table_id)
                ),
                &[&id],
            )
            .context("reading a record")?
            .map(|r| to_record(&r, fields))
            .transpose()
    }

    fn insert(&mut self, table: &TableDef, values: &[(i64, Value)]) -> Result<i64> {
        let sql = if values.is_empty() {
            format!("INSERT INTO {} DEFAULT VALUES RETURNING id", rec(table.id))
        } else {
            let cols: Vec<String> = values.iter().map(|(f, _)| format!("f_{f}")).collect();
            let marks: Vec<String> = (1..=values.len()).map(|i| format!("${i}")).collect();
            format!(
                "INSERT INTO {} ({}) VALUES ({}) RETURNING id",
                rec(table.id),
                cols.join(", "),
                marks.join(", ")
            )
        };
        let params = Self::params(table, values)?;
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.as_ref()).collect();
        Ok(self
            .0
            .query_one(&sql, &refs)
            .context("adding a record")?
            .get(0))
    }

    fn update(&mut self, table: &TableDef, id: i64, values: &[(i64, Value)]) -> Result<()> {
        let sets: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, (f, _))| format!("f_{f} = ${}", i + 2))
            .collect();
        let params = Self::params(table, values)?;
        let mut refs: Vec<&(dyn ToSql + Sync)> = vec![&id];
        refs.extend(params.iter().map(|p| p.as_ref()));
        self.0
            .execute(
                &format!(
                    "UPDATE {} SET {} WHERE id = $1",
                    rec(table.id),
                    sets.join(", ")
                ),
                &refs,
            )
            .context("saving a record")?;
        Ok(())
    }

    fn delete(&mut self, table_id: i64, id: i64) -> Result<()> {
        self.0
            .execute(
                &format!("DELETE FROM {} WHERE id = $1", rec(table_id)),
                &[&id],
            )
            .context("deleting a record")?;
        Ok(())
    }

    fn links_to(&mut self, table_id: i64, field_id: i64, id: i64) -> Result<u64> {
        let n: i64 = self
            .0
            .query_one(
                &format!(
                    "SELECT count(*) FROM {} WHERE f_{field_id} = $1",
                    rec(table_id)
                ),
                &[&id],
            )
            .context("checking links")?
            .get(0);
        Ok(n as u64)
    }

    fn meta(&mut self, key: &str) -> Result<Option<String>> {
        Ok(self
            .0
            .query_typed_opt(
                "SELECT value FROM platform_meta WHERE key = $1",
                &[(&key, Type::TEXT)],
            )
            .context("reading the store's settings")?
            .map(|r| r.get(0)))
    }

    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.0
            .query_typed(
                "INSERT INTO platform_meta (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[(&key, Type::TEXT), (&value, Type::TEXT)],
            )
            .context("recording a store setting")?;
        Ok(())
    }
}

pub(super) fn page(
    client: &mut impl GenericClient,
    table_id: i64,
    q: &RecordQuery,
) -> Result<RecordPage> {
    let table = defs::table(client, table_id)?;
    let order = page_order(&table, q)?;
    let search = page_search(q)?;
    let mut conditions: Vec<String> = Vec::new();
    let mut bound: Vec<Box<dyn ToSql + Sync>> = Vec::new();
    if let Some(s) = search {
        // A value holds the text, in any case; % and _ typed by the user
        // are themselves, not wildcards.
        bound.push(Box::new(format!("%{}%", like_escaped(s))));
        let n = bound.len();
        let any: Vec<String> = table
            .fields
            .iter()
            .map(|f| format!("f_{}::text ILIKE ${n} ESCAPE '\\'", f.id))
            .collect();
        conditions.push(if any.is_empty() {
            "false".to_string()
        } else {
            format!("({})", any.join(" OR "))
        });
    }
    if let Some(filter) = &q.filter {
        conditions.push(filter_condition(filter, &table.fields, &mut bound)?);
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let limit = i64::from(q.limit.clamp(1, MAX_RECORD_PAGE));
    let offset = i64::from(q.offset);
    let mut refs: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b.as_ref()).collect();
    let conditions_only = refs.clone();
    refs.push(&limit);
    refs.push(&offset);
    let rows = client
        .query(
            &format!(
                "SELECT {} FROM {} {filter} ORDER BY {order} LIMIT ${} OFFSET ${}",
                select_list(&table.fields),
                rec(table_id),
                refs.len() - 1,
                refs.len()
            ),
            &refs,
        )
        .context("reading records")?;
    let records = rows
        .iter()
        .map(|r| to_record(r, &table.fields))
        .collect::<Result<_>>()?;
    let count = |client: &mut _, sql: String, params: &[&(dyn ToSql + Sync)]| -> Result<i64> {
        Ok(GenericClient::query_one(client, &sql, params)
            .context("counting records")?
            .get(0))
    };
    let in_table = count(
        client,
        format!("SELECT count(*) FROM {}", rec(table_id)),
        &[],
    )?;
    let total = if conditions.is_empty() {
        in_table
    } else {
        count(
            client,
            format!("SELECT count(*) FROM {} {filter}", rec(table_id)),
            &conditions_only,
        )?
    };
    Ok(RecordPage {
        fields: table.fields,
        records,
        total: total as u32,
        in_table: in_table as u32,
    })
}

/// The SQL condition of a filter on one field, its value read as the
/// field's type (a bad value is refused at the filter's value input).
fn filter_condition(
    filter: &ViewFilter,
    fields: &[FieldDef],
    bound: &mut Vec<Box<dyn ToSql + Sync>>,
) -> Result<String> {
    let (field, value) = checked_filter(filter, fields)?;
    let column = format!("f_{}", field.id);
    Ok(match filter.op {
        FilterOp::IsEmpty => format!("{column} IS NULL"),
        FilterOp::IsNotEmpty => format!("{column} IS NOT NULL"),
        FilterOp::Contains => {
            bound.push(Box::new(format!("%{}%", like_escaped(filter.value.trim()))));
            format!("{column}::text ILIKE ${} ESCAPE '\\'", bound.len())
        }
        op => {
            // Text and choices compare ignoring case, as search does.
            let folded = matches!(field.field_type, FieldType::Text | FieldType::Choice { .. });
            bound.push(values::param(&value, &field.field_type, &field.name)?);
            let n = bound.len();
            let (l, r) = if folded {
                (format!("lower({column})"), format!("lower(${n})"))
            } else {
                (column.clone(), format!("${n}"))
            };
            match op {
                FilterOp::Equals => format!("{l} = {r}"),
                FilterOp::NotEquals => format!("({column} IS NULL OR {l} <> {r})"),
                FilterOp::GreaterThan => format!("{l} > {r}"),
                _ => format!("{l} < {r}"),
            }
        }
    })
}
