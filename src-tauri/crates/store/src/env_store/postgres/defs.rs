//! Reading and making definitions in an environment's schema on a server,
//! on any client or open transaction (the schema is on its search path).
//!
//! Invariant, as in the SQLite store: a table's definition rows and its
//! record table `rec_<id>` (one column `f_<field id>` per field, of the
//! field's real type) are made in the same transaction.

use super::schema::{column_type, ident};
use crate::env_store::{ModelField, ModelTable};
use crate::Context;
use cutover_core::change::validate_entity_name;
use cutover_core::definitions::{AppDef, Definitions, FieldDef, FieldType, TableDef, ViewDef};
use cutover_core::{Error, Result};
use postgres::error::SqlState;
use postgres::GenericClient;

pub(super) fn is_unique_violation(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

pub(super) fn fields(client: &mut impl GenericClient, table_id: i64) -> Result<Vec<FieldDef>> {
    client
        .query(
            "SELECT id, table_id, name, field_type FROM platform_fields WHERE table_id = $1 ORDER BY position, id",
            &[&table_id],
        )
        .context("reading fields")?
        .iter()
        .map(|r| {
            Ok(FieldDef {
                id: r.get(0),
                table_id: r.get(1),
                name: r.get(2),
                field_type: serde_json::from_str(r.get(3)).context("decoding a field type")?,
            })
        })
        .collect()
}

pub(super) fn table(client: &mut impl GenericClient, id: i64) -> Result<TableDef> {
    let row = client
        .query_opt("SELECT name FROM platform_tables WHERE id = $1", &[&id])
        .context("reading a table")?
        .ok_or_else(|| {
            Error::not_found(format!("Table {id} no longer exists. Reload the designer."))
        })?;
    let app_ids = client
        .query(
            "SELECT app_id FROM platform_app_tables WHERE table_id = $1 ORDER BY app_id",
            &[&id],
        )
        .context("reading table owners")?
        .iter()
        .map(|r| r.get(0))
        .collect();
    Ok(TableDef {
        id,
        name: row.get(0),
        app_ids,
        fields: fields(client, id)?,
    })
}

pub(super) fn app(client: &mut impl GenericClient, id: i64) -> Result<AppDef> {
    client
        .query_opt("SELECT id, name FROM platform_apps WHERE id = $1", &[&id])
        .context("reading an app")?
        .map(|r| AppDef {
            id: r.get(0),
            name: r.get(1),
        })
        .ok_or_else(|| Error::not_found(format!("App {id} no longer exists. Reload the designer.")))
}

pub(super) fn field(client: &mut impl GenericClient, id: i64) -> Result<FieldDef> {
    let row = client
        .query_opt(
            "SELECT id, table_id, name, field_type FROM platform_fields WHERE id = $1",
            &[&id],
        )
        .context("reading a field")?
        .ok_or_else(|| {
            Error::not_found(format!("Field {id} no longer exists. Reload the designer."))
        })?;
    Ok(FieldDef {
        id: row.get(0),
        table_id: row.get(1),
        name: row.get(2),
        field_type: serde_json::from_str(row.get(3)).context("decoding a field type")?,
    })
}

const VIEW_COLUMNS: &str = "id, app_id, table_id, name, field_ids, filter";

fn view_of(r: &postgres::Row) -> Result<ViewDef> {
    Ok(ViewDef {
        id: r.get(0),
        app_id: r.get(1),
        table_id: r.get(2),
        name: r.get(3),
        field_ids: serde_json::from_str(r.get(4)).context("decoding a view")?,
        filter: r
            .get::<_, Option<&str>>(5)
            .map(serde_json::from_str)
            .transpose()
            .context("decoding a view filter")?,
    })
}

pub(super) fn view(client: &mut impl GenericClient, id: i64) -> Result<ViewDef> {
    let row = client
        .query_opt(
            &format!("SELECT {VIEW_COLUMNS} FROM platform_views WHERE id = $1"),
            &[&id],
        )
        .context("reading a view")?
        .ok_or_else(|| {
            Error::not_found(format!("View {id} no longer exists. Reload the designer."))
        })?;
    view_of(&row)
}

pub(super) fn views(client: &mut impl GenericClient) -> Result<Vec<ViewDef>> {
    client
        .query(
            &format!("SELECT {VIEW_COLUMNS} FROM platform_views ORDER BY id"),
            &[],
        )
        .context("reading views")?
        .iter()
        .map(view_of)
        .collect()
}

pub(super) fn definitions(client: &mut impl GenericClient) -> Result<Definitions> {
    let apps = client
        .query("SELECT id, name FROM platform_apps ORDER BY id", &[])
        .context("reading apps")?
        .iter()
        .map(|r| AppDef {
            id: r.get(0),
            name: r.get(1),
        })
        .collect();
    let table_ids: Vec<i64> = client
        .query("SELECT id FROM platform_tables ORDER BY id", &[])
        .context("listing tables")?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let tables = table_ids
        .into_iter()
        .map(|id| table(client, id))
        .collect::<Result<_>>()?;
    let views = views(client)?;
    Ok(Definitions {
        apps,
        tables,
        views,
    })
}

pub(super) fn create_app(client: &mut impl GenericClient, name: &str) -> Result<AppDef> {
    let name = validate_entity_name("app", name)?;
    let row = client
        .query_one(
            "INSERT INTO platform_apps (name) VALUES ($1) RETURNING id",
            &[&name],
        )
        .map_err(|e| {
            if is_unique_violation(&e) {
                Error::conflict(format!("An app named \"{name}\" already exists."))
            } else {
                Error::internal(format!("Could not create the app: {e}."))
            }
        })?;
    Ok(AppDef {
        id: row.get(0),
        name,
    })
}

/// Makes `tables`, each in the apps of `app_ids` its `apps` name by place:
/// every table's row first, so that links can name any of them, then
/// fields and record tables.
pub(super) fn make_tables(
    client: &mut impl GenericClient,
    app_ids: &[i64],
    tables: &[ModelTable],
) -> Result<Vec<TableDef>> {
    let mut made = Vec::new();
    for table in tables {
        let app_ids: Vec<i64> = table
            .apps
            .iter()
            .filter_map(|i| app_ids.get(*i).copied())
            .collect();
        if app_ids.is_empty() || app_ids.len() != table.apps.len() {
            return Err(Error::invalid("A table must belong to at least one app."));
        }
        let name = validate_entity_name("table", &table.name)?;
        let id: i64 = client
            .query_one(
                "INSERT INTO platform_tables (name) VALUES ($1) RETURNING id",
                &[&name],
            )
            .map_err(|e| {
                if is_unique_violation(&e) {
                    Error::conflict(format!(
                        "A table named \"{name}\" already exists; share it instead of creating another."
                    ))
                } else {
                    Error::internal(format!("Could not create the table: {e}."))
                }
            })?
            .get(0);
        for app_id in &app_ids {
            client
                .execute(
                    "INSERT INTO platform_app_tables (app_id, table_id) VALUES ($1, $2)",
                    &[app_id, &id],
                )
                .map_err(|_| Error::not_found(format!("There is no app {app_id}.")))?;
        }
        made.push(TableDef {
            id,
            name,
            app_ids,
            fields: Vec::new(),
        });
    }
    for (n, table) in tables.iter().enumerate() {
        let table_id = made[n].id;
        let mut columns =
            vec!["id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY".to_string()];
        for (position, (field_name, field)) in table.fields.iter().enumerate() {
            let field_name = validate_entity_name("field", field_name)?;
            let field_type = match field {
                ModelField::Plain(t) => t.clone(),
                ModelField::LinkTo(i) => FieldType::Link {
                    table_id: made
                        .get(*i)
                        .ok_or_else(|| {
                            Error::internal(format!("A link to table {i} of {}.", made.len()))
                        })?
                        .id,
                },
            };
            let json = serde_json::to_string(&field_type).context("encoding a field type")?;
            let id: i64 = client
                .query_one(
                    "INSERT INTO platform_fields (table_id, name, field_type, position) VALUES ($1, $2, $3, $4) RETURNING id",
                    &[&table_id, &field_name, &json, &(position as i64)],
                )
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        Error::conflict(format!(
                            "Table \"{}\" has two fields named \"{field_name}\".",
                            made[n].name
                        ))
                    } else {
                        Error::internal(format!("Could not create the field: {e}."))
                    }
                })?
                .get(0);
            // Links are checked by Cutover, as in the SQLite store, so that
            // both backends refuse the same things with the same words.
            columns.push(format!("f_{id} {}", column_type(&field_type)));
            made[n].fields.push(FieldDef {
                id,
                table_id,
                name: field_name,
                field_type,
            });
        }
        client
            .batch_execute(&format!(
                "CREATE TABLE {} ({})",
                ident(&format!("rec_{table_id}")),
                columns.join(", ")
            ))
            .context("creating a record table")?;
    }
    Ok(made)
}
