//! Integrations: external systems connected to an environment, which must
//! be paused while a promotion or an upgrade changes it (seeds 001 and
//! 003). On a server an integration can name the database role its
//! application writes with; pausing it then takes that role's login and
//! write privileges, and resuming gives back exactly what it had.

use crate::account::EnvironmentId;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum IntegrationKind {
    CrmSync,
    Webhook,
    DataFeed,
    Other,
}

text_enum!(IntegrationKind {
    CrmSync = "crm_sync",
    Webhook = "webhook",
    DataFeed = "data_feed",
    Other = "other",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Integration {
    pub id: i64,
    pub environment_id: EnvironmentId,
    pub name: String,
    pub kind: IntegrationKind,
    pub active: bool,
    /// Paused by this running promotion, which will resume it.
    pub paused_by_promotion: Option<i64>,
    /// Paused by this upgrade run, which will resume it.
    pub paused_by_upgrade: Option<i64>,
    /// The database role its application writes to the environment with
    /// (environments on a server only).
    pub db_role: Option<String>,
    /// Paused with the role's login and write privileges taken, to be given
    /// back on resume.
    pub role_held: bool,
}

/// A trimmed database role name: 1 to 63 bytes (PostgreSQL's limit), no
/// control characters; `None` for an empty one.
pub fn validate_db_role(role: Option<&str>) -> Result<Option<String>> {
    let Some(role) = role.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if role.len() > 63 || role.chars().any(char::is_control) {
        return Err(Error::invalid(
            "A database role name has 1 to 63 bytes and no control characters: give the user name the application logs in with.",
        ));
    }
    Ok(Some(role.to_string()))
}

/// A trimmed integration name of 1 to 80 characters.
pub fn validate_integration_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(Error::invalid(
            "Name the integration with 1 to 80 characters.",
        ));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_names_are_bounded() {
        for k in [
            IntegrationKind::CrmSync,
            IntegrationKind::Webhook,
            IntegrationKind::DataFeed,
            IntegrationKind::Other,
        ] {
            assert_eq!(IntegrationKind::parse(k.as_str()).unwrap(), k);
        }
        assert_eq!(validate_integration_name(" CRM ").unwrap(), "CRM");
        assert!(validate_integration_name("").is_err());
        assert!(validate_integration_name(&"x".repeat(81)).is_err());
        assert_eq!(validate_db_role(Some("  ")).unwrap(), None);
        assert_eq!(validate_db_role(None).unwrap(), None);
        assert_eq!(
            validate_db_role(Some(" crm_writer ")).unwrap().as_deref(),
            Some("crm_writer")
        );
        assert!(validate_db_role(Some(&"r".repeat(64))).is_err());
        assert!(validate_db_role(Some("a\nb")).is_err());
    }
}
