//! Generates the Tauri context and the permissions of Cutover's own commands.
//!
//! Every command is listed here so that a capability must grant it before
//! the window may call it (see capabilities/main.json).

const COMMANDS: &[&str] = &[
    "environments_overview",
    "create_environment",
    "delete_environment",
    "list_backups",
    "take_backup",
    "verify_backup",
    "restore_backup",
    "delete_backup",
    "backup_retention",
    "set_backup_retention",
    "list_admins",
    "switch_admin",
    "add_admin",
    "environment_definitions",
    "apply_change",
    "changelog",
    "record_page",
    "insert_record",
    "update_record",
    "delete_record",
    "preview_csv",
    "start_import",
    "cancel_import",
    "refresh_preview",
    "refresh_environment",
    "environment_activity",
    "promotion_plan",
    "promote",
    "list_promotions",
    "undo_preview",
    "undo_promotion",
    "list_inbox",
    "mark_inbox_read",
    "list_integrations",
    "add_integration",
    "set_integration_active",
    "release_catalog",
    "import_release",
    "set_version_window",
    "trust_key",
    "distrust_key",
    "release_notes",
    "search_notes",
    "cumulative_notes",
    "set_note_reviewed",
    "export_cumulative",
    "account_calendar",
    "set_account_calendar",
    "schedule_upgrade",
    "cancel_upgrade",
    "scheduled_upgrades",
    "calendar_events",
    "export_calendar",
    "list_recipients",
    "add_contact",
    "set_recipient_category",
    "report_interactive",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to run tauri-build");
}
