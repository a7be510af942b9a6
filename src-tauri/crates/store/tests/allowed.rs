//! What the UI is told an admin may do agrees with what the operations do:
//! for every refusal `allowed` announces, the operation itself refuses with
//! the same message (and changes nothing, as its own tests check).

mod common;

use common::boss;
use common::uat::{now, sam, setup};
use cutover_core::allowed::{AccountAction, EnvironmentAction};
use cutover_core::backup::BackupReason;
use cutover_core::Result;

fn refusal_of(
    ws: &cutover_store::Workspace,
    admin: &cutover_core::admin::Admin,
    env: i64,
    action: EnvironmentAction,
) -> Result<Option<String>> {
    Ok(ws
        .allowed(admin)?
        .environments
        .into_iter()
        .find(|e| e.environment_id == env)
        .and_then(|e| e.actions.into_iter().find(|a| a.action == action))
        .and_then(|a| a.refusal))
}

fn message<T: std::fmt::Debug>(outcome: Result<T>) -> String {
    outcome.expect_err("the operation refuses").message
}

#[test]
fn every_announced_refusal_is_the_operations_own() -> Result<()> {
    let s = setup()?;
    let ws = &s.ws;
    let backup = ws.take_backup(s.uat, BackupReason::Manual, &boss(), now(), &|_| {})?;
    let dir = tempfile::tempdir().expect("temp dir");

    // An app-admin: everything a super-admin alone may do is announced and refused alike.
    let app = sam();
    let cases: Vec<(EnvironmentAction, String)> = vec![
        (
            EnvironmentAction::Refresh,
            message(ws.refresh(s.uat, &app, now(), &|_| {})),
        ),
        (
            EnvironmentAction::Restore,
            message(ws.restore_backup(backup.id, false, &app, now(), &|_| {})),
        ),
        (
            EnvironmentAction::Export,
            message(ws.export_environment(s.uat, &dir.path().join("x.sqlite"), &app, now())),
        ),
        (
            EnvironmentAction::Upgrade,
            message(ws.start_upgrade(s.uat, "10.0.2", &app, now())),
        ),
        (
            EnvironmentAction::InstallExtension,
            message(ws.install_extension(s.uat, 1, &app, now())),
        ),
    ];
    for (action, refused) in cases {
        assert_eq!(
            refusal_of(ws, &app, s.uat, action)?.as_deref(),
            Some(refused.as_str()),
            "{action:?}"
        );
    }
    let account = &ws.allowed(&app)?.accounts[0];
    assert!(account.actions.iter().all(|a| a.refusal.is_some()));
    assert!(account
        .actions
        .iter()
        .any(|a| a.action == AccountAction::Schedule
            && a.refusal
                .as_deref()
                .is_some_and(|r| r.contains("Only a super-admin may schedule"))));

    // A super-admin: production cannot be deleted or refreshed, and says so.
    let deleted = message(ws.delete_environment(s.production, &boss(), now()));
    assert_eq!(
        refusal_of(ws, &boss(), s.production, EnvironmentAction::Delete)?.as_deref(),
        Some(deleted.as_str())
    );
    let refreshed = message(ws.refresh(s.production, &boss(), now(), &|_| {}));
    assert_eq!(
        refusal_of(ws, &boss(), s.production, EnvironmentAction::Refresh)?.as_deref(),
        Some(refreshed.as_str())
    );
    // ...and may do the rest.
    for action in [
        EnvironmentAction::Refresh,
        EnvironmentAction::Delete,
        EnvironmentAction::Restore,
        EnvironmentAction::Upgrade,
    ] {
        assert_eq!(refusal_of(ws, &boss(), s.uat, action)?, None, "{action:?}");
    }
    Ok(())
}

/// The run says why its data upgrade cannot start until every package is
/// signed off, with the message starting it would give.
#[test]
fn the_data_upgrade_is_off_until_every_package_is_signed_off() -> Result<()> {
    let s = setup()?;
    let run = s.ws.start_upgrade(s.uat, "10.0.2", &boss(), now())?;
    let run = s.ws.prepare_upgrade(run.id, &now)?;
    let said = run
        .data_upgrade_refusal
        .clone()
        .expect("off before sign-off");
    assert!(said.contains("is not signed off yet"), "{said}");
    let refused = message(s.ws.start_data_upgrade(run.id, &boss(), &now));
    assert_eq!(said, refused);
    let mut run = run;
    for _ in 0..run.packages.len() {
        s.ws.apply_next_package(run.id, &boss(), &now)?;
        run = s.ws.sign_off_package(run.id, &boss(), now())?;
    }
    assert_eq!(run.data_upgrade_refusal, None);
    Ok(())
}

/// Each catalog extension is offered to an environment with the refusal
/// installing it would give: made for a newer platform, already installed.
#[test]
fn extensions_are_offered_with_the_installs_own_refusal() -> Result<()> {
    let s = setup()?;
    let catalog = s.ws.extension_catalog(s.account)?;
    let offers = s.ws.install_refusals(s.production)?;
    assert_eq!(offers.len(), catalog.len());
    let mut refused_for_platform = false;
    for (e, offer) in catalog.iter().zip(&offers) {
        assert_eq!(offer.extension_id, e.id);
        if let Some(said) = &offer.refusal {
            let refused = message(s.ws.install_extension(s.production, e.id, &boss(), now()));
            assert_eq!(said, &refused, "{} {}", e.name, e.version);
            refused_for_platform |= said.contains("this environment runs 10.0.1");
        }
    }
    assert!(refused_for_platform, "{offers:?}");
    Ok(())
}
