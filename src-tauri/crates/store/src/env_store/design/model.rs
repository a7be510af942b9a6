//! Making apps and tables without changelog entries — a new store's first
//! model, from the designer's first version of a table or from a source
//! database — for every backend.

use super::DesignTx;
use crate::env_store::{ModelField, ModelTable};
use cutover_core::change::validate_entity_name;
use cutover_core::definitions::{AppDef, FieldDef, FieldType, TableDef};
use cutover_core::{Error, Result};

/// Makes apps, in order.
pub fn make_apps(tx: &mut dyn DesignTx, apps: &[String]) -> Result<Vec<AppDef>> {
    apps.iter()
        .map(|name| {
            let name = validate_entity_name("app", name)?;
            let id = tx.insert_app(&name)?.ok_or_else(|| {
                Error::conflict(format!("An app named \"{name}\" already exists."))
            })?;
            Ok(AppDef { id, name })
        })
        .collect()
}

/// Makes `tables`, each in the apps of `app_ids` its `apps` name by place:
/// every table (and its record table) first, so that links can name any
/// of them, themselves included; then their fields.
pub fn make_tables(
    tx: &mut dyn DesignTx,
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
        let Some((first, others)) = app_ids.split_first() else {
            return Err(Error::invalid("A table must belong to at least one app."));
        };
        if app_ids.len() != table.apps.len() {
            return Err(Error::invalid("A table must belong to at least one app."));
        }
        let name = validate_entity_name("table", &table.name)?;
        tx.app(*first)?;
        let id = tx.insert_table(*first, &name)?.ok_or_else(|| {
            Error::conflict(format!(
                "A table named \"{name}\" already exists; share it instead of creating another."
            ))
        })?;
        for app_id in others {
            tx.app(*app_id)?;
            tx.share_table(id, *app_id)?;
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
        for (field_name, field) in &table.fields {
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
            let id = tx
                .insert_field(table_id, &field_name, &field_type)?
                .ok_or_else(|| {
                    Error::conflict(format!(
                        "Table \"{}\" has two fields named \"{field_name}\".",
                        made[n].name
                    ))
                })?;
            made[n].fields.push(FieldDef {
                id,
                table_id,
                name: field_name,
                field_type,
            });
        }
    }
    Ok(made)
}

/// One table with its fields, in the given apps.
pub fn make_table(
    tx: &mut dyn DesignTx,
    app_ids: &[i64],
    name: &str,
    fields: &[(&str, FieldType)],
) -> Result<TableDef> {
    let table = ModelTable {
        name: name.to_string(),
        apps: (0..app_ids.len()).collect(),
        fields: fields
            .iter()
            .map(|(n, t)| (n.to_string(), ModelField::Plain(t.clone())))
            .collect(),
    };
    make_tables(tx, app_ids, &[table])?
        .into_iter()
        .next()
        .ok_or_else(|| Error::internal("A table was made but not returned."))
}

/// Apps and their tables; returns both in order.
pub fn make_model(
    tx: &mut dyn DesignTx,
    apps: &[String],
    tables: &[ModelTable],
) -> Result<(Vec<AppDef>, Vec<TableDef>)> {
    let made_apps = make_apps(tx, apps)?;
    let ids: Vec<i64> = made_apps.iter().map(|a| a.id).collect();
    let made = make_tables(tx, &ids, tables)?;
    Ok((made_apps, made))
}
