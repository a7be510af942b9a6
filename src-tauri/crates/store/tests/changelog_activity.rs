//! The Changelog tab's chart: changes per author per week, the account's
//! weeks (Europe/London for the demo) across the October clock change.

mod common;

use common::{desk, instant as at};
use cutover_core::change::Change;
use cutover_core::changelog::AuthorCount;
use cutover_core::definitions::FieldType;
use cutover_core::Result;

fn counts(pairs: &[(&str, u32)]) -> Vec<AuthorCount> {
    pairs
        .iter()
        .map(|(a, n)| AuthorCount {
            author: a.to_string(),
            entries: *n,
        })
        .collect()
}

#[test]
fn changes_are_counted_per_author_in_the_accounts_weeks() -> Result<()> {
    let d = desk()?;
    let employees =
        d.ws.definitions(d.sandbox)?
            .tables
            .into_iter()
            .find(|t| t.name == "Employees")
            .map(|t| t.id)
            .expect("Employees");
    let mut n = 0;
    let mut add = |who: &cutover_core::admin::Admin, when: &str| {
        n += 1;
        d.ws.apply_change(
            d.sandbox,
            &Change::AddField {
                table_id: employees,
                name: format!("Field {n}"),
                field_type: FieldType::Text,
            },
            who,
            at(when),
            false,
        )
        .map(|_| ())
    };
    // 23:30 UTC on Sunday 18 Oct is 00:30 BST on Monday 19 Oct: that week.
    add(&d.alex, "2026-10-18T23:30:00Z")?;
    add(&d.priya, "2026-10-21T10:00:00Z")?;
    add(&d.alex, "2026-10-25T23:30:00Z")?; // 23:30 GMT, still Sunday 25 Oct
    add(&d.priya, "2026-10-27T10:00:00Z")?;
    add(&d.priya, "2026-10-28T10:00:00Z")?;

    let weeks =
        d.ws.changelog_activity(d.sandbox, at("2026-10-29T12:00:00Z"), 3)?;
    let starts: Vec<String> = weeks.iter().map(|w| w.starts.to_string()).collect();
    assert_eq!(starts, ["2026-10-12", "2026-10-19", "2026-10-26"]);
    // The demo's own entries are older than these weeks.
    assert_eq!(weeks[0].authors, []);
    assert_eq!(
        weeks[1].authors,
        counts(&[("Alex Morgan", 2), ("Priya Shah", 1)])
    );
    assert_eq!(weeks[2].authors, counts(&[("Priya Shah", 2)]));
    Ok(())
}
