//! A real secret store for the app: GNOME Keyring's Secret Service on a
//! private D-Bus session bus, its login keyring made and unlocked with a
//! throwaway password, as a desktop session has it after login.

use crate::{bus_name_owned, private_bus, Group, Result};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct SecretService {
    /// The bus address to give the app (`DBUS_SESSION_BUS_ADDRESS`).
    pub address: String,
    _keyring: Group,
    _bus: Group,
}

impl SecretService {
    /// Starts the bus and the keyring daemon with their files in `dir`, and
    /// waits until the Secret Service answers on the bus.
    pub fn start(dir: &Path) -> Result<Self> {
        let (bus, address) = private_bus(dir)?;
        let runtime = dir.join("runtime");
        let home = dir.join("home");
        std::fs::create_dir_all(&home)?;
        std::fs::create_dir_all(&runtime)?;
        std::fs::set_permissions(
            &runtime,
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )?;
        let mut keyring = Group::spawn(
            Command::new("gnome-keyring-daemon")
                .args(["--foreground", "--unlock", "--components=secrets"])
                .env("DBUS_SESSION_BUS_ADDRESS", &address)
                .env("XDG_RUNTIME_DIR", &runtime)
                .env("HOME", &home)
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        // The login keyring's password, read once from stdin.
        let mut stdin = keyring.0.stdin.take().ok_or("no keyring stdin")?;
        stdin.write_all(b"throwaway")?;
        drop(stdin);
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if bus_name_owned(&address, "org.freedesktop.secrets") {
                break;
            }
            if Instant::now() > deadline {
                return Err("GNOME Keyring's Secret Service never came up on the test bus".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(Self {
            address,
            _keyring: keyring,
            _bus: bus,
        })
    }
}
