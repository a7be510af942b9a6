//! Accounts and the read models the dashboard shows.
//!
//! An admin may manage several platform accounts; each owns its
//! environments. These types cross to the frontend, so their TypeScript
//! twins are generated from them.

use crate::environment::{EnvironmentKind, EnvironmentStatus};
use crate::error::FieldProblem;
use crate::records::ImportJob;
use crate::Error;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;

pub type AccountId = i64;
pub type EnvironmentId = i64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    /// The business platform the account runs on, e.g. "Northwind Cloud ERP".
    pub platform: String,
    /// IANA time zone of the account; its windows and reminders are in it.
    pub time_zone: String,
    /// A demo account made on first start; labelled as such everywhere.
    pub is_demo: bool,
}

/// What the admin enters to create an account of their own: production
/// starts empty (built in the designer, filled by CSV import) on the
/// platform version it runs, and the vendor's key is trusted at once so
/// that its packages can be imported.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct NewAccount {
    pub name: String,
    /// The platform's name as the vendor's manifests give it.
    pub platform: String,
    /// The platform version production runs, e.g. "10.0.1".
    pub platform_version: String,
    /// IANA time zone, e.g. "Europe/London".
    pub time_zone: String,
    /// Who the signing key belongs to, e.g. the vendor's name.
    pub vendor_name: String,
    /// The vendor's Ed25519 public key (base64, as in its `.pub` file).
    pub vendor_key: String,
    /// Who is setting it up, to name the desktop's unnamed first admin;
    /// ignored (and may be empty) once admins have names.
    #[serde(default)]
    pub your_name: String,
    /// Business days, holidays, maintenance windows, notice and reminder
    /// time; the documented defaults when `None`.
    #[serde(default)]
    pub calendar: Option<crate::schedule::CalendarSettings>,
    /// Where its environments live: `None` on this computer (SQLite files
    /// in the data folder), or on a PostgreSQL server.
    #[serde(default)]
    pub server: Option<crate::server::ServerChoice>,
}

/// Every problem with a new account's form at once, each by the form's
/// field (`NewAccount`'s field names, as the UI sends them).
pub fn new_account_problems(
    new: &NewAccount,
    key_problem: Option<String>,
    zone_problem: Option<String>,
) -> Vec<FieldProblem> {
    let mut out = Vec::new();
    let mut add = |field: &str, message: String| {
        out.push(FieldProblem {
            field: field.into(),
            message,
        })
    };
    let text = |value: &str, example: &str| {
        let n = value.trim().chars().count();
        (n == 0 || n > 80).then(|| format!("Enter 1 to 80 characters, e.g. {example}."))
    };
    if let Some(p) = text(&new.name, "\"Contoso Finance\"") {
        add("name", p);
    }
    if let Some(p) = text(&new.platform, "the name in the vendor's release notes") {
        add("platform", p);
    }
    if let Some(p) = text(&new.vendor_name, "the vendor's name") {
        add("vendorName", p);
    }
    if let Err(e) = crate::release::Version::parse(new.platform_version.trim()) {
        add("platformVersion", e.message);
    }
    let zone_ok = zone_problem.is_none();
    if let Some(p) = zone_problem {
        add("timeZone", p);
    }
    if let Some(p) = key_problem {
        add("vendorKey", p);
    }
    if !new.your_name.trim().is_empty() {
        if let Err(e) = crate::admin::validate_admin_name(&new.your_name) {
            add("yourName", e.message);
        }
    }
    // The calendar is read in the zone: checked once the zone is valid.
    if let (Some(settings), true) = (&new.calendar, zone_ok) {
        if let Err(e) = crate::schedule::Calendar::new(new.time_zone.trim(), settings.clone()) {
            add("calendar", e.message);
        }
    }
    out
}

/// How the new account form labels each of its fields, for messages.
fn account_field_label(field: &str) -> &str {
    match field {
        "name" => "Account name",
        "platform" => "Platform",
        "vendorName" => "Signing key belongs to",
        "platformVersion" => "Platform version",
        "timeZone" => "Time zone",
        "vendorKey" => "Vendor's public key",
        "yourName" => "Your name",
        "calendar" => "Calendar",
        "server" => "PostgreSQL server",
        other => other,
    }
}

/// What a release package says of itself, read to fill a new account's
/// form (the signer is shown, not trusted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PackageFacts {
    pub platform: String,
    pub version: String,
    pub upgrades_from: Vec<String>,
    pub signer_fingerprint: String,
}

/// What can be changed about an account after it is made. (Trusted keys
/// are kept in Releases; the calendar in Calendar.)
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountEdit {
    pub name: String,
    pub platform: String,
    pub time_zone: String,
}

/// Every problem with an edit, named by its field's label.
pub fn account_edit_problems(edit: &AccountEdit, zone_problem: Option<String>) -> Vec<String> {
    let mut out = Vec::new();
    for (label, value, example) in [
        ("Account name", &edit.name, "\"Contoso Finance\""),
        (
            "Platform",
            &edit.platform,
            "the name in the vendor's release notes",
        ),
    ] {
        let n = value.trim().chars().count();
        if n == 0 || n > 80 {
            out.push(format!(
                "{label}: enter 1 to 80 characters, e.g. {example}."
            ));
        }
    }
    if let Some(p) = zone_problem {
        out.push(format!("Time zone: {p}"));
    }
    out
}

/// The refusal listing every problem, one per line.
pub fn ensure_new_account_valid(problems: Vec<FieldProblem>) -> crate::Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {}", account_field_label(&p.field), p.message))
        .collect();
    let mut e = Error::invalid(format!(
        "Nothing was created. Fix these and try again:\n{}",
        lines.join("\n")
    ));
    e.fields = problems;
    Err(e)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    pub id: EnvironmentId,
    pub account_id: AccountId,
    pub name: String,
    pub kind: EnvironmentKind,
    /// The platform version the environment runs, e.g. "10.0.1".
    pub version: String,
    pub status: EnvironmentStatus,
    pub created_at: DateTime<Utc>,
    /// The environment this one was copied from, if it still exists.
    pub copied_from: Option<EnvironmentId>,
}

/// One row of the dashboard: an environment and the facts measured from its
/// data store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentOverview {
    pub environment: Environment,
    /// Bytes on disk of the environment's data store.
    pub data_size_bytes: u64,
    /// Records across all tables of the environment.
    pub record_count: u64,
    /// `record_count` is the server's estimate from its statistics (an
    /// environment on a PostgreSQL server); on this computer it is counted.
    pub record_count_estimated: bool,
    pub app_count: u32,
    pub table_count: u32,
    /// When the newest verified backup was taken; `None` when there is none.
    pub last_backup_at: Option<DateTime<Utc>>,
    /// Why the store could not be read (the counts above are then zero); one
    /// broken environment must not hide the others.
    pub store_error: Option<Error>,
    /// The CSV import running in it, if any; writes and promotion wait.
    pub running_import: Option<ImportJob>,
    /// Hotfixes in the catalog that fix the version it runs.
    pub hotfixes: Vec<crate::release_view::HotfixMark>,
    /// Its open upgrade run, if any.
    pub upgrade: Option<crate::upgrade_view::UpgradeBadge>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountOverview {
    pub account: Account,
    pub environments: Vec<EnvironmentOverview>,
    /// Its PostgreSQL server, when its environments are on one.
    pub server: Option<crate::server::AccountServer>,
}

/// Why `zone` is not an IANA time zone, if it is not.
pub fn time_zone_problem(zone: &str) -> Option<String> {
    match zone.trim().parse::<chrono_tz::Tz>() {
        Ok(_) => None,
        Err(_) => Some(format!(
            "{} is not an IANA time zone; pick one from the list, such as Europe/London.",
            crate::error::quote(zone.trim())
        )),
    }
}

/// The IANA time zones to choose from: the computer's own first (when it
/// is one), then the rest by name.
pub fn time_zone_choices(local: Option<&str>) -> Vec<String> {
    let local = local.filter(|z| time_zone_problem(z).is_none());
    let mut zones: Vec<String> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|z| z.name().to_string())
        .filter(|z| Some(z.as_str()) != local)
        .collect();
    zones.sort();
    local.map(str::to_owned).into_iter().chain(zones).collect()
}

#[cfg(test)]
mod new_account_tests {
    use super::*;

    fn valid() -> NewAccount {
        NewAccount {
            name: "Contoso Finance".into(),
            platform: "Contoso ERP".into(),
            platform_version: "4.2.0".into(),
            time_zone: "America/New_York".into(),
            vendor_name: "Contoso".into(),
            vendor_key: "ignored here".into(),
            your_name: String::new(),
            calendar: None,
            server: None,
        }
    }

    #[test]
    fn a_valid_account_has_no_problems() {
        assert!(
            new_account_problems(&valid(), None, time_zone_problem("America/New_York")).is_empty()
        );
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let new = NewAccount {
            name: "  ".into(),
            platform: "x".repeat(81),
            platform_version: "four".into(),
            time_zone: "Mars/Olympus".into(),
            vendor_name: "".into(),
            vendor_key: "".into(),
            your_name: "y".repeat(61),
            calendar: None,
            server: None,
        };
        let problems = new_account_problems(
            &new,
            Some("not a key".into()),
            time_zone_problem(&new.time_zone),
        );
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "platform",
                "vendorName",
                "platformVersion",
                "timeZone",
                "vendorKey",
                "yourName"
            ]
        );
        let e = ensure_new_account_valid(problems).expect_err("refused");
        assert_eq!(e.kind, crate::ErrorKind::Invalid);
        assert!(
            e.message.starts_with("Nothing was created."),
            "{}",
            e.message
        );
        assert!(
            e.message
                .contains("Time zone: \"Mars/Olympus\" is not an IANA time zone"),
            "{}",
            e.message
        );
        assert_eq!(e.fields.len(), 7, "each at its field too");
    }

    #[test]
    fn unicode_names_count_characters_not_bytes() {
        let mut new = valid();
        new.name = "é".repeat(80);
        assert!(new_account_problems(&new, None, None).is_empty());
        new.name = "é".repeat(81);
        assert_eq!(new_account_problems(&new, None, None).len(), 1);
    }

    #[test]
    fn the_computers_zone_comes_first_and_only_once() {
        let zones = time_zone_choices(Some("Europe/Paris"));
        assert_eq!(zones[0], "Europe/Paris");
        assert_eq!(zones.iter().filter(|z| *z == "Europe/Paris").count(), 1);
        assert!(zones.len() > 400);
        assert!(zones[1..].windows(2).all(|w| w[0] <= w[1]), "sorted");
        // Not a zone: the list starts with the sorted zones.
        assert_eq!(
            time_zone_choices(Some("Nowhere"))[0],
            time_zone_choices(None)[0]
        );
    }
}

/// What deleting an account takes away, shown before the admin types its
/// name to confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AccountDeletion {
    pub account_id: AccountId,
    pub name: String,
    /// Each environment: its name, kind and record count.
    pub environments: Vec<(String, crate::environment::EnvironmentKind, u64)>,
    pub backups: u32,
    pub releases: u32,
    pub is_demo: bool,
}
