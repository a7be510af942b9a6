//! What only the server backend promises: records in real PostgreSQL
//! types that another application reads as such, and key names that can
//! never be read as SQL.

mod common;

use common::pg::FreshDatabase;
use cutover_core::definitions::{FieldType, Value};
use cutover_core::Result;
use cutover_store::env_store::StoreBackend;

#[test]
fn records_are_in_real_types_that_another_application_reads() -> Result<()> {
    let db = FreshDatabase::new();
    let backend = db.backend();
    let mut store = backend.create("prod", "10.0.1")?;
    let app = store.create_app("HR")?;
    let table = store.create_table(
        &[app.id],
        "Employees",
        &[
            ("Name", FieldType::Text),
            ("Salary", FieldType::Number),
            ("Start", FieldType::Date),
            ("Active", FieldType::Boolean),
        ],
    )?;
    store.insert_records(
        table.id,
        &[vec![
            Value::Text("Ada".into()),
            Value::Number(5200.5),
            Value::Text("2024-02-29".into()),
            Value::Bool(true),
        ]],
    )?;
    let bad_day = store
        .insert_records(
            table.id,
            &[vec![
                Value::Text("Bob".into()),
                Value::Null,
                Value::Text("2023-02-29".into()),
                Value::Null,
            ]],
        )
        .expect_err("no such day");
    assert!(bad_day.message.contains("Start"), "{}", bad_day.message);

    let mut other = db
        .settings
        .connect(Some(&db.secret))
        .expect("another application");
    let types: Vec<String> = other
        .query(
            "SELECT data_type FROM information_schema.columns
             WHERE table_schema = 'env_prod' AND table_name = $1 ORDER BY ordinal_position",
            &[&format!("rec_{}", table.id)],
        )
        .expect("columns")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        types,
        ["bigint", "text", "double precision", "date", "boolean"]
    );
    let row = other
        .query_one(
            &format!(
                "SELECT f_{} + 1, f_{} > 5000 FROM env_prod.rec_{}",
                table.fields[2].id, table.fields[1].id, table.id
            ),
            &[],
        )
        .expect("date arithmetic");
    assert_eq!(
        row.get::<_, chrono::NaiveDate>(0).to_string(),
        "2024-03-01",
        "a date, not text"
    );
    assert!(row.get::<_, bool>(1));
    Ok(())
}

#[test]
fn a_key_that_could_be_read_as_sql_is_refused() {
    let db = FreshDatabase::new();
    let backend = db.backend();
    for key in ["x\"; DROP SCHEMA public; --", "", "a b", &"k".repeat(42)] {
        assert!(backend.create(key, "10.0.1").is_err(), "{key:?}");
    }
    assert!(backend.create("b5e0c1d2-before-3", "10.0.1").is_ok());
}
