//! Reading definitions in an environment's schema on a server, on any
//! client or open transaction (the schema is on its search path).

use crate::Context;
use cutover_core::definitions::{AppDef, Definitions, FieldDef, TableDef, ViewDef};
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
