//! The list of commands and the TypeScript bindings generated from it.
//!
//! `ui/src/bindings.ts` is generated from these Rust signatures and
//! committed; the test below fails when it is stale. Regenerate with
//! `CUTOVER_WRITE_BINDINGS=1 cargo test -p cutover bindings`.

use crate::commands::environments::{design, extensions, integrations, records, refresh};
use crate::commands::people::{admins, inbox};
use crate::commands::{
    accounts, app, backups, environments, promotion, releases, schedule, storage, uat, upgrade,
};
use specta_typescript::Typescript;
use tauri_specta::{collect_commands, Builder};

/// Ids and sizes are 64-bit in Rust; SQLite row ids and byte counts stay far
/// below 2^53, so they are exported as plain numbers.
pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .dangerously_cast_bigints_to_number()
        .disable_serde_phases()
        .commands(collect_commands![
            environments::environments_overview,
            environments::create_environment,
            environments::delete_environment,
            backups::list_backups,
            backups::take_backup,
            backups::verify_backup,
            backups::restore_backup,
            backups::delete_backup,
            backups::backup_retention,
            backups::set_backup_retention,
            admins::list_admins,
            admins::switch_admin,
            admins::add_admin,
            design::environment_definitions,
            design::apply_change,
            design::changelog,
            records::record_page,
            records::insert_record,
            records::update_record,
            records::delete_record,
            records::preview_csv,
            records::start_import,
            records::cancel_import,
            refresh::refresh_preview,
            refresh::refresh_environment,
            environments::environment_activity,
            promotion::promotion_plan,
            promotion::promote,
            promotion::list_promotions,
            promotion::undo_preview,
            promotion::undo_promotion,
            inbox::list_inbox,
            inbox::mark_inbox_read,
            integrations::list_integrations,
            integrations::add_integration,
            integrations::set_integration_active,
            releases::release_catalog,
            releases::import_release,
            releases::set_version_window,
            releases::trust_key,
            releases::distrust_key,
            releases::release_notes,
            releases::search_notes,
            releases::cumulative_notes,
            releases::set_note_reviewed,
            releases::export_cumulative,
            schedule::account_calendar,
            schedule::set_account_calendar,
            schedule::schedule_upgrade,
            schedule::cancel_upgrade,
            schedule::scheduled_upgrades,
            schedule::calendar_events,
            schedule::export_calendar,
            schedule::list_recipients,
            schedule::add_contact,
            schedule::set_recipient_category,
            extensions::extension_catalog,
            extensions::import_extension,
            extensions::environment_extensions,
            extensions::install_extension,
            extensions::uninstall_extension,
            upgrade::open_upgrade,
            upgrade::upgrade_run,
            upgrade::upgrade_history,
            upgrade::start_upgrade,
            upgrade::prepare_upgrade,
            upgrade::apply_next_package,
            upgrade::sign_off_package,
            upgrade::roll_back_package,
            upgrade::start_data_upgrade,
            upgrade::resume_upgrade,
            upgrade::commit_upgrade,
            upgrade::upgrade_rollback_impact,
            upgrade::roll_back_upgrade,
            upgrade::cancel_upgrade_run,
            upgrade::tick_upgrade_action,
            app::app_now,
            backups::restore_platform_change,
            schedule::window_shifts,
            accounts::create_account,
            accounts::time_zones,
            accounts::key_fingerprint,
            accounts::add_demo_account,
            accounts::preview_source,
            accounts::start_account_from_source,
            accounts::cancel_source_job,
            environments::export_environment,
            accounts::account_deletion,
            accounts::delete_account,
            storage::storage_view,
            storage::purge_kept,
            storage::restore_retired,
            storage::set_storage_retention,
            accounts::edit_account,
            accounts::computer_user_name,
            accounts::describe_package,
            accounts::calendar_defaults,
            uat::uat_cycles,
            uat::uat_cycle,
            uat::generate_uat_plan,
            uat::add_uat_case,
            uat::record_uat_result,
            uat::attach_uat_evidence,
            uat::uat_evidence_image,
            uat::open_uat_evidence,
            uat::raise_uat_issue,
            uat::set_uat_issue_status,
            uat::decide_uat_issue,
            uat::uat_check_in,
            uat::uat_sign_off,
            uat::uat_override,
            uat::export_uat_pack,
            inbox::mark_notice_read,
            inbox::clear_read_notices,
            accounts::needs_you,
            admins::allowed_actions,
            extensions::extension_offers,
            releases::open_note_link,
            records::export_rejected_rows,
            app::start_at_login,
            app::set_start_at_login,
            app::decline_start_at_login,
            design::changelog_activity,
            backups::cancel_copy,
            accounts::check_server,
            accounts::unlock_account,
            accounts::change_account_server,
            accounts::move_account_environments,
            app::report_interactive,
        ])
}

pub fn typescript() -> Typescript {
    Typescript::default()
        .header("// Generated from the Rust commands by src-tauri/src/bindings.rs. Do not edit.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn bindings_are_current() {
        let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        let dir = tempfile::tempdir().expect("temp dir");
        let fresh = dir.path().join("bindings.ts");
        builder()
            .export(typescript(), &fresh)
            .expect("export bindings");
        let fresh = std::fs::read_to_string(fresh).expect("read fresh bindings");
        if std::env::var_os("CUTOVER_WRITE_BINDINGS").is_some() {
            std::fs::write(&committed, &fresh).expect("write bindings");
            return;
        }
        let old = std::fs::read_to_string(&committed).unwrap_or_default();
        assert!(
            old == fresh,
            "ui/src/bindings.ts is stale. Run: CUTOVER_WRITE_BINDINGS=1 cargo test -p cutover bindings"
        );
    }
}
