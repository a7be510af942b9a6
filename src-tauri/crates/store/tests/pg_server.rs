//! Connecting to an account's PostgreSQL server: each way it can fail is
//! named as the user can act on it, against a real server, and the password
//! never shows.

mod common;

use common::pg;
use cutover_store::env_store::postgres::{Secret, ServerFailure, ServerSettings, TlsMode};

fn failure(settings: &ServerSettings, password: Option<&Secret>) -> (ServerFailure, String) {
    let p = settings.check(password).expect_err("the check should fail");
    (p.failure, p.message)
}

#[test]
fn a_url_gives_up_its_password_and_the_settings_never_show_it() {
    let (settings, secret) = ServerSettings::from_url(
        "postgresql://erp_admin:s3cr%3Ft@db.example.com:6543/erp",
        TlsMode::VerifyFull,
        None,
    )
    .expect("parsed");
    assert_eq!(secret.as_ref().map(Secret::expose), Some("s3cr?t"));
    assert_eq!(settings.display(), "erp_admin@db.example.com:6543/erp");
    let saved = serde_json::to_string(&settings).expect("json");
    assert!(!saved.contains("s3cr"), "{saved}");
    assert!(!format!("{settings:?} {secret:?}").contains("s3cr"));

    let no_user =
        ServerSettings::from_url("postgresql://db.example.com/erp", TlsMode::Require, None)
            .expect_err("no user");
    assert_eq!(no_user.fields[0].field, "url");
    let garbage = ServerSettings::from_url("postgresql://a:b:c@[::1", TlsMode::Require, None)
        .expect_err("not a URL");
    assert!(
        garbage.message.contains("postgresql://user@host"),
        "{}",
        garbage.message
    );
}

#[test]
fn a_good_server_reports_its_version_and_encryption() {
    let (plain, secret) = pg::admin(TlsMode::Disable);
    let report = plain.check(Some(&secret)).expect("connects");
    assert!(
        report.version.starts_with("15")
            || report.version.starts_with("16")
            || report.version.starts_with("17"),
        "{}",
        report.version
    );
    assert!(!report.encrypted);
    assert!(report.superuser);

    let (tls, secret) = pg::admin(TlsMode::Require);
    assert!(
        tls.check(Some(&secret))
            .expect("connects over TLS")
            .encrypted
    );
}

#[test]
fn verify_full_trusts_only_a_known_certificate_naming_the_host() {
    let (settings, secret) = pg::admin(TlsMode::VerifyFull);
    let (kind, message) = failure(&settings, Some(&secret));
    assert_eq!(kind, ServerFailure::Tls, "{message}");
    assert!(message.contains("certificate"), "{message}");

    // The server's certificate names "localhost", not 127.0.0.1.
    let trusted = ServerSettings {
        ca_file: Some(pg::certificate()),
        host: "localhost".into(),
        ..settings.clone()
    };
    assert!(trusted.check(Some(&secret)).expect("trusted").encrypted);

    let wrong_name = ServerSettings {
        ca_file: Some(pg::certificate()),
        ..settings.clone()
    };
    assert_eq!(failure(&wrong_name, Some(&secret)).0, ServerFailure::Tls);

    let missing = ServerSettings {
        ca_file: Some("/nowhere/ca.pem".into()),
        ..settings
    };
    let (kind, message) = failure(&missing, Some(&secret));
    assert_eq!(kind, ServerFailure::Tls);
    assert!(message.contains("cannot be read"), "{message}");
}

#[test]
fn a_wrong_password_is_an_authentication_failure_that_never_quotes_it() {
    let (settings, secret) = pg::admin(TlsMode::Disable);
    let wrong = Secret::new("hunter2-not-it");
    let (kind, message) = failure(&settings, Some(&wrong));
    assert_eq!(kind, ServerFailure::Authentication, "{message}");
    assert!(message.contains("“cutover”"), "{message}");
    assert!(
        !message.contains("hunter2") && !message.contains(secret.expose()),
        "{message}"
    );
    let (kind, message) = failure(&settings, None);
    assert_eq!(kind, ServerFailure::Authentication, "{message}");
}

#[test]
fn a_closed_port_is_unreachable() {
    let (settings, secret) = pg::admin(TlsMode::Disable);
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let (kind, message) = failure(&ServerSettings { port, ..settings }, Some(&secret));
    assert_eq!(kind, ServerFailure::Unreachable);
    assert!(
        message.contains("connection refused") && message.contains(&format!(":{port}")),
        "{message}"
    );
}

#[test]
fn a_missing_database_is_named() {
    let (settings, secret) = pg::admin(TlsMode::Disable);
    let (kind, message) = failure(&settings.with_database("no_such_erp"), Some(&secret));
    assert_eq!(kind, ServerFailure::NoDatabase);
    assert!(message.contains("“no_such_erp”"), "{message}");
}

#[test]
fn a_user_without_the_privileges_cutover_needs_is_told_which_to_grant() {
    let (settings, secret) = pg::admin(TlsMode::Disable);
    let mut admin = settings.connect(Some(&secret)).expect("admin");
    admin
        .batch_execute(
            "DROP ROLE IF EXISTS cutover_test_limited;
             CREATE ROLE cutover_test_limited LOGIN PASSWORD 'limited-pw';",
        )
        .expect("a limited role");
    let limited = ServerSettings {
        user: "cutover_test_limited".into(),
        ..settings
    };
    let (kind, message) = failure(&limited, Some(&Secret::new("limited-pw")));
    assert_eq!(kind, ServerFailure::Privilege, "{message}");
    assert!(
        message.contains("GRANT CREATE ON DATABASE \"postgres\" TO \"cutover_test_limited\""),
        "{message}"
    );
    assert!(message.contains("CREATEROLE"), "{message}");

    admin
        .batch_execute("ALTER ROLE cutover_test_limited CREATEROLE; GRANT CREATE ON DATABASE postgres TO cutover_test_limited;")
        .expect("granted");
    let report = limited
        .check(Some(&Secret::new("limited-pw")))
        .expect("now enough");
    assert!(!report.superuser);
    admin
        .batch_execute("REVOKE CREATE ON DATABASE postgres FROM cutover_test_limited; DROP ROLE cutover_test_limited;")
        .expect("cleaned up");
}
