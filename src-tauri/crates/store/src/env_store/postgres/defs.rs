//! Reading definitions in an environment's schema on a server, on any
//! client or open transaction (the schema is on its search path).
//!
//! Queries name their parameters' types (`query_typed`): the server then
//! answers in one round trip instead of two (prepare, then execute), which
//! is most of what a promotion's apply costs under production's lock.

use crate::Context;
use cutover_core::definitions::{AppDef, Definitions, FieldDef, TableDef, ViewDef};
use cutover_core::{Error, Result};
use postgres::error::SqlState;
use postgres::types::Type;
use postgres::{GenericClient, Row};

pub(super) fn is_unique_violation(e: &postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

fn field_of(r: &Row) -> Result<FieldDef> {
    Ok(FieldDef {
        id: r.get(0),
        table_id: r.get(1),
        name: r.get(2),
        field_type: serde_json::from_str(r.get(3)).context("decoding a field type")?,
    })
}

pub(super) fn fields(client: &mut impl GenericClient, table_id: i64) -> Result<Vec<FieldDef>> {
    client
        .query_typed(
            "SELECT id, table_id, name, field_type FROM platform_fields WHERE table_id = $1 ORDER BY position, id",
            &[(&table_id, Type::INT8)],
        )
        .context("reading fields")?
        .iter()
        .map(field_of)
        .collect()
}

pub(super) fn table(client: &mut impl GenericClient, id: i64) -> Result<TableDef> {
    let row = client
        .query_typed_opt(
            "SELECT name, ARRAY(SELECT app_id FROM platform_app_tables WHERE table_id = t.id ORDER BY app_id)
             FROM platform_tables t WHERE id = $1",
            &[(&id, Type::INT8)],
        )
        .context("reading a table")?
        .ok_or_else(|| {
            Error::not_found(format!("Table {id} no longer exists. Reload the designer."))
        })?;
    Ok(TableDef {
        id,
        name: row.get(0),
        app_ids: row.get(1),
        fields: fields(client, id)?,
    })
}

pub(super) fn app(client: &mut impl GenericClient, id: i64) -> Result<AppDef> {
    client
        .query_typed_opt(
            "SELECT id, name FROM platform_apps WHERE id = $1",
            &[(&id, Type::INT8)],
        )
        .context("reading an app")?
        .map(|r| AppDef {
            id: r.get(0),
            name: r.get(1),
        })
        .ok_or_else(|| Error::not_found(format!("App {id} no longer exists. Reload the designer.")))
}

pub(super) fn field(client: &mut impl GenericClient, id: i64) -> Result<FieldDef> {
    let row = client
        .query_typed_opt(
            "SELECT id, table_id, name, field_type FROM platform_fields WHERE id = $1",
            &[(&id, Type::INT8)],
        )
        .context("reading a field")?
        .ok_or_else(|| {
            Error::not_found(format!("Field {id} no longer exists. Reload the designer."))
        })?;
    field_of(&row)
}

const VIEW_COLUMNS: &str = "id, app_id, table_id, name, field_ids, filter";

fn view_of(r: &Row) -> Result<ViewDef> {
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
        .query_typed_opt(
            &format!("SELECT {VIEW_COLUMNS} FROM platform_views WHERE id = $1"),
            &[(&id, Type::INT8)],
        )
        .context("reading a view")?
        .ok_or_else(|| {
            Error::not_found(format!("View {id} no longer exists. Reload the designer."))
        })?;
    view_of(&row)
}

pub(super) fn views(client: &mut impl GenericClient) -> Result<Vec<ViewDef>> {
    client
        .query_typed(
            &format!("SELECT {VIEW_COLUMNS} FROM platform_views ORDER BY id"),
            &[],
        )
        .context("reading views")?
        .iter()
        .map(view_of)
        .collect()
}

/// Every definition, in four queries whatever the number of tables.
pub(super) fn definitions(client: &mut impl GenericClient) -> Result<Definitions> {
    let apps = client
        .query_typed("SELECT id, name FROM platform_apps ORDER BY id", &[])
        .context("reading apps")?
        .iter()
        .map(|r| AppDef {
            id: r.get(0),
            name: r.get(1),
        })
        .collect();
    let mut tables: Vec<TableDef> = client
        .query_typed(
            "SELECT id, name, ARRAY(SELECT app_id FROM platform_app_tables WHERE table_id = t.id ORDER BY app_id)
             FROM platform_tables t ORDER BY id",
            &[],
        )
        .context("listing tables")?
        .iter()
        .map(|r| TableDef {
            id: r.get(0),
            name: r.get(1),
            app_ids: r.get(2),
            fields: Vec::new(),
        })
        .collect();
    let fields = client
        .query_typed(
            "SELECT id, table_id, name, field_type FROM platform_fields ORDER BY table_id, position, id",
            &[],
        )
        .context("reading fields")?;
    for row in &fields {
        let field = field_of(row)?;
        if let Some(t) = tables.iter_mut().find(|t| t.id == field.table_id) {
            t.fields.push(field);
        }
    }
    let views = views(client)?;
    Ok(Definitions {
        apps,
        tables,
        views,
    })
}
