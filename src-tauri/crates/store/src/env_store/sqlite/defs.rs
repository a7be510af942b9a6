//! Reading definitions from a SQLite store, on any connection or open
//! transaction, so that a change can read what it is about to alter inside
//! the transaction that alters it.

use crate::control::fault::column;
use crate::Context;
use cutover_core::definitions::{AppDef, Definitions, FieldDef, TableDef, ViewDef};
use cutover_core::{Error, Result};
use rusqlite::{Connection, OptionalExtension, Row};

pub(super) fn fields(conn: &Connection, table_id: i64) -> Result<Vec<FieldDef>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, table_id, name, field_type FROM platform_fields WHERE table_id = ?1 ORDER BY position, id",
        )
        .context("reading fields")?;
    let raw = stmt
        .query_map([table_id], raw_field)
        .context("reading fields")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading fields")?;
    raw.into_iter().map(finish_field).collect()
}

type RawField = (i64, i64, String, String);

fn raw_field(r: &Row<'_>) -> rusqlite::Result<RawField> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn finish_field((id, table_id, name, json): RawField) -> Result<FieldDef> {
    Ok(FieldDef {
        id,
        table_id,
        name,
        field_type: serde_json::from_str(&json).context("decoding a field type")?,
    })
}

pub(super) fn field(conn: &Connection, id: i64) -> Result<FieldDef> {
    let raw = conn
        .query_row(
            "SELECT id, table_id, name, field_type FROM platform_fields WHERE id = ?1",
            [id],
            raw_field,
        )
        .optional()
        .context("reading a field")?
        .ok_or_else(|| {
            Error::not_found(format!("Field {id} no longer exists. Reload the designer."))
        })?;
    finish_field(raw)
}

pub(super) fn app(conn: &Connection, id: i64) -> Result<AppDef> {
    conn.query_row(
        "SELECT id, name FROM platform_apps WHERE id = ?1",
        [id],
        |r| {
            Ok(AppDef {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        },
    )
    .optional()
    .context("reading an app")?
    .ok_or_else(|| Error::not_found(format!("App {id} no longer exists. Reload the designer.")))
}

pub(super) fn table(conn: &Connection, id: i64) -> Result<TableDef> {
    let name: String = conn
        .query_row(
            "SELECT name FROM platform_tables WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()
        .context("reading a table")?
        .ok_or_else(|| {
            Error::not_found(format!("Table {id} no longer exists. Reload the designer."))
        })?;
    Ok(TableDef {
        id,
        name,
        app_ids: column(
            conn,
            "SELECT app_id FROM platform_app_tables WHERE table_id = ?1 ORDER BY app_id",
            [id],
            "reading table owners",
        )?,
        fields: fields(conn, id)?,
    })
}

type RawView = (i64, i64, i64, String, String, Option<String>);

fn raw_view(r: &Row<'_>) -> rusqlite::Result<RawView> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
    ))
}

fn finish_view((id, app_id, table_id, name, fields, filter): RawView) -> Result<ViewDef> {
    Ok(ViewDef {
        id,
        app_id,
        table_id,
        name,
        field_ids: serde_json::from_str(&fields).context("decoding a view")?,
        filter: filter
            .map(|f| serde_json::from_str(&f))
            .transpose()
            .context("decoding a view filter")?,
    })
}

const VIEW_COLUMNS: &str = "id, app_id, table_id, name, field_ids, filter";

pub(super) fn view(conn: &Connection, id: i64) -> Result<ViewDef> {
    let raw = conn
        .query_row(
            &format!("SELECT {VIEW_COLUMNS} FROM platform_views WHERE id = ?1"),
            [id],
            raw_view,
        )
        .optional()
        .context("reading a view")?
        .ok_or_else(|| {
            Error::not_found(format!("View {id} no longer exists. Reload the designer."))
        })?;
    finish_view(raw)
}

pub(super) fn views(conn: &Connection) -> Result<Vec<ViewDef>> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {VIEW_COLUMNS} FROM platform_views ORDER BY id"
        ))
        .context("reading views")?;
    let raw = stmt
        .query_map([], raw_view)
        .context("reading views")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .context("reading views")?;
    raw.into_iter().map(finish_view).collect()
}

pub(super) fn definitions(conn: &Connection) -> Result<Definitions> {
    let mut stmt = conn
        .prepare("SELECT id, name FROM platform_apps ORDER BY id")
        .context("reading apps")?;
    let apps = stmt
        .query_map([], |r| {
            Ok(AppDef {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })
        .context("reading apps")?
        .collect::<rusqlite::Result<_>>()
        .context("reading apps")?;
    let table_ids: Vec<i64> = column(
        conn,
        "SELECT id FROM platform_tables ORDER BY id",
        [],
        "listing tables",
    )?;
    Ok(Definitions {
        apps,
        tables: table_ids
            .into_iter()
            .map(|id| table(conn, id))
            .collect::<Result<_>>()?,
        views: views(conn)?,
    })
}
