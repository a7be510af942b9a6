//! Integrations: external systems connected to an environment, which must
//! be paused while a promotion (or, later, an upgrade) changes it (seeds
//! 001 and 003).

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
    }
}
