//! A whole environment that cannot move between backends is refused with
//! why before anything is written (an extension, a script's table, a value
//! the server's typed column refuses), and many records cross the server's
//! `COPY` batches.

#[macro_use]
mod common;

use common::whole::{at, fill, seen};
use cutover_core::definitions::{FieldType, Value};
use cutover_core::extension::InstalledExtension;
use cutover_core::Result;
use cutover_store::env_store::whole;
use cutover_store::env_store::StoreBackend;

fn what_only_one_engine_can_read_is_refused_with_why(
    from: &dyn StoreBackend,
    to: &dyn StoreBackend,
) -> Result<()> {
    let mut source = from.create("prod", "10.0.1")?;
    let (people, _) = fill(source.as_mut())?;
    let mut target = to.create("moved", "10.0.1")?;
    let empty = seen(target.as_ref())?;

    source.apply_release_scripts(
        "10.0.3",
        &[(
            "data/001.sql".into(),
            "CREATE TABLE audit_trail (id INTEGER)".into(),
        )],
        at(4, 0),
    )?;
    let e = whole::transfer(source.as_ref(), target.as_mut(), &|_| ()).expect_err("refused");
    assert!(
        e.message.contains("audit_trail") && e.message.contains("made by a package's script"),
        "{e}"
    );
    assert_eq!(seen(target.as_ref())?, empty);

    let ext = InstalledExtension {
        name: "Timesheets".into(),
        version: "1.2.0".into(),
        platform_from: "10.0.0".into(),
        platform_before: None,
        depends_on: vec![],
        adds: vec![],
        installed_at: at(5, 0),
        installed_by: "Alex Morgan".into(),
    };
    source.install_extension(&ext, &[], &[])?;
    let e = whole::transfer(source.as_ref(), target.as_mut(), &|_| ()).expect_err("refused");
    assert!(
        e.message.contains("Timesheets installed") && e.message.contains("uninstall it"),
        "{e}"
    );
    assert_eq!(seen(target.as_ref())?, empty);
    assert_eq!(source.records(people)?.len(), 2);
    Ok(())
}
pairs!(what_only_one_engine_can_read_is_refused_with_why);

/// More records than one batch of a server's `COPY`, in two tables whose
/// records interleave in neither order nor id.
fn many_records_cross_whole(from: &dyn StoreBackend, to: &dyn StoreBackend) -> Result<()> {
    let mut source = from.create("prod", "10.0.1")?;
    let app = source.create_app("Bench")?;
    let big = source.create_table(
        &[app.id],
        "Big",
        &[("N", FieldType::Number), ("Day", FieldType::Date)],
    )?;
    let small = source.create_table(&[app.id], "Small", &[("T", FieldType::Text)])?;
    let rows: Vec<Vec<Value>> = (0..12_345)
        .map(|i| {
            vec![
                Value::Number(f64::from(i) / 3.0),
                Value::Text(format!("2026-{:02}-{:02}", i % 12 + 1, i % 28 + 1)),
            ]
        })
        .collect();
    source.insert_records(big.id, &rows)?;
    source.insert_records(small.id, &[vec![Value::Text("only".into())]])?;
    let mut target = to.create("moved", "")?;
    whole::transfer(source.as_ref(), target.as_mut(), &|_| ())?;
    assert_eq!(target.records(big.id)?, source.records(big.id)?);
    assert_eq!(target.records(small.id)?, source.records(small.id)?);
    Ok(())
}
pairs!(many_records_cross_whole);

/// SQLite keeps whatever a column is given (another tool wrote a word into
/// a number field); the server's typed column refuses it, and the move
/// says which record of which table, leaving the new store empty.
#[test]
fn a_value_the_servers_column_cannot_take_is_named_and_nothing_moves() -> Result<()> {
    let dir = tempfile::tempdir().expect("temp dir");
    let local = cutover_store::env_store::sqlite::SqliteBackend::new(dir.path())?;
    let mut source = local.create("prod", "10.0.1")?;
    let (people, _) = fill(source.as_mut())?;
    let age = source
        .definitions()?
        .tables
        .iter()
        .find(|t| t.id == people)
        .expect("People")
        .fields[1]
        .id;
    rusqlite::Connection::open(local.path_of("prod"))
        .and_then(|c| {
            c.execute(
                &format!("UPDATE rec_{people} SET f_{age} = 'forty' WHERE id = 3"),
                [],
            )
        })
        .expect("another tool writes");
    let db = common::pg::FreshDatabase::new();
    let server = db.backend();
    let mut target = server.create("moved", "10.0.1")?;
    let empty = seen(target.as_ref())?;
    let e = whole::transfer(source.as_ref(), target.as_mut(), &|_| ()).expect_err("refused");
    assert!(
        e.message
            .starts_with("Record 3 of table People: Field \"Age\" cannot hold")
            && e.message
                .ends_with("Correct or delete it where it is, then move again."),
        "{e}"
    );
    assert_eq!(seen(target.as_ref())?, empty);
    Ok(())
}
