//! The admins who use Cutover on this desktop.
//!
//! Several people may share one desktop console; every change and every
//! operation records who did it, and only a super-admin may run the
//! operations that overwrite an environment (refresh, restore, promote).

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use specta::Type;

pub type AdminId = i64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// May do everything, including refresh, restore and promotion.
    SuperAdmin,
    /// May design and edit data, but not overwrite environments.
    AppAdmin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SuperAdmin => "super_admin",
            Self::AppAdmin => "app_admin",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "super_admin" => Ok(Self::SuperAdmin),
            "app_admin" => Ok(Self::AppAdmin),
            other => Err(Error::internal(format!("Unknown admin role {other:?}."))),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SuperAdmin => "super-admin",
            Self::AppAdmin => "app-admin",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Admin {
    pub id: AdminId,
    pub name: String,
    pub role: Role,
}

/// The admins of this desktop and which one is acting now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Admins {
    pub admins: Vec<Admin>,
    pub current: Admin,
    /// True while the only admin is the one made so that someone could act
    /// ("Administrator"): the first account's form asks who you are.
    pub unnamed: bool,
}

/// A trimmed admin name of 1 to 60 characters.
pub fn validate_admin_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("Enter the admin's name."));
    }
    if name.chars().count() > 60 {
        return Err(Error::invalid(
            "An admin's name must be at most 60 characters.",
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "An admin's name cannot contain control characters.",
        ));
    }
    Ok(name.to_string())
}

/// Refuses an operation that overwrites an environment unless `admin` is a
/// super-admin. `action` completes "Only a super-admin may …".
pub fn ensure_super_admin(admin: &Admin, action: &str) -> Result<()> {
    match admin.role {
        Role::SuperAdmin => Ok(()),
        Role::AppAdmin => Err(Error::forbidden(format!(
            "Only a super-admin may {action}. {} is an app-admin: switch to a super-admin in the title bar.",
            admin.name
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admin(role: Role) -> Admin {
        Admin {
            id: 1,
            name: "Sam".into(),
            role,
        }
    }

    #[test]
    fn only_super_admins_may_overwrite_environments() {
        assert!(ensure_super_admin(&admin(Role::SuperAdmin), "restore a backup").is_ok());
        let e = ensure_super_admin(&admin(Role::AppAdmin), "restore a backup").unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::Forbidden);
        assert!(e
            .message
            .contains("Only a super-admin may restore a backup"));
        assert!(e.message.contains("Sam is an app-admin"));
    }

    #[test]
    fn admin_names_are_trimmed_and_bounded() {
        assert_eq!(validate_admin_name("  Ana  ").unwrap(), "Ana");
        assert!(validate_admin_name("   ").is_err());
        assert!(validate_admin_name(&"x".repeat(61)).is_err());
        assert!(validate_admin_name("a\u{7}b").is_err());
    }

    #[test]
    fn roles_round_trip() {
        for r in [Role::SuperAdmin, Role::AppAdmin] {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        assert!(Role::parse("root").is_err());
    }
}
