//! The system's secret store (the Secret Service on Linux: GNOME Keyring,
//! KWallet), where a server password is kept when the user asks Cutover to
//! remember it. Entries are named by service "Cutover" and the server's
//! address; without a secret store every call fails and Cutover asks for
//! the password at each start instead.

use cutover_core::{Error, Result};
use cutover_store::accounts::Keychain;
use cutover_store::env_store::postgres::Secret;

const SERVICE: &str = "Cutover";

pub struct SystemKeychain;

fn entry(name: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(SERVICE, name).map_err(unavailable)
}

fn unavailable(e: keyring::Error) -> Error {
    Error::unavailable(format!(
        "This computer's secret store cannot be used ({e}); Cutover will ask for the password at each start."
    ))
}

impl Keychain for SystemKeychain {
    fn get(&self, name: &str) -> Result<Option<Secret>> {
        match entry(name)?.get_password() {
            Ok(password) => Ok(Some(Secret::new(password))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn set(&self, name: &str, secret: &Secret) -> Result<()> {
        entry(name)?
            .set_password(secret.expose())
            .map_err(unavailable)
    }

    fn delete(&self, name: &str) -> Result<()> {
        match entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}
