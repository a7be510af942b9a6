//! A system-tray host on a private D-Bus session bus: what a desktop panel
//! does with the app's tray icon. It serves `org.kde.StatusNotifierWatcher`,
//! so the app's indicator registers with it, and it clicks the icon's menu
//! items through the item's `com.canonical.dbusmenu` menu, as a panel does
//! when the user picks one.

use crate::{private_bus, Group, Result, PATIENCE};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use zbus::blocking::connection::Builder;
use zbus::blocking::Connection;
use zbus::message::Header;
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

/// The items registered so far, as (bus name, object path).
type Items = Arc<Mutex<Vec<(String, String)>>>;

struct Watcher {
    items: Items,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    /// `service` is the item's object path on the caller's connection (as
    /// libayatana-appindicator sends it) or a bus name.
    fn register_status_notifier_item(&self, service: &str, #[zbus(header)] header: Header<'_>) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        let item = if service.starts_with('/') {
            (sender, service.to_string())
        } else {
            (service.to_string(), "/StatusNotifierItem".to_string())
        };
        if let Ok(mut items) = self.items.lock() {
            items.push(item);
        }
    }

    fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items
            .lock()
            .map(|items| {
                items
                    .iter()
                    .map(|(bus, path)| format!("{bus}{path}"))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

/// The tray host and its bus (stopped when dropped).
pub struct TrayHost {
    pub address: String,
    items: Items,
    connection: Connection,
    _bus: Group,
}

impl TrayHost {
    /// Starts a private bus with its socket in `dir` and serves the watcher
    /// on it; give the app `address` as its session bus.
    pub fn start(dir: &Path) -> Result<Self> {
        let (bus, address) = private_bus(dir)?;
        let items = Items::default();
        let watcher = Watcher {
            items: Arc::clone(&items),
        };
        let connection = Builder::address(address.as_str())?
            .name("org.kde.StatusNotifierWatcher")?
            .serve_at("/StatusNotifierWatcher", watcher)?
            .build()?;
        Ok(Self {
            address,
            items,
            connection,
            _bus: bus,
        })
    }

    /// Waits until an item has registered; returns its bus name and path.
    pub fn wait_for_item(&self) -> Result<(String, String)> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(item) = self.items.lock().ok().and_then(|i| i.last().cloned()) {
                return Ok(item);
            }
            if Instant::now() > deadline {
                return Err("no tray icon registered with the tray host".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn item_property(&self, (bus, path): &(String, String), name: &str) -> Result<OwnedValue> {
        let reply = self.connection.call_method(
            Some(bus.as_str()),
            path.as_str(),
            Some("org.freedesktop.DBus.Properties"),
            "Get",
            &("org.kde.StatusNotifierItem", name),
        )?;
        Ok(reply.body().deserialize::<OwnedValue>()?)
    }

    /// The icon's status: "Active" when a panel shows it.
    pub fn status(&self) -> Result<String> {
        let item = self.wait_for_item()?;
        Ok(self.item_property(&item, "Status")?.try_into()?)
    }

    /// The labels of the icon's menu, by item id.
    pub fn menu(&self) -> Result<Vec<(i32, String)>> {
        let item = self.wait_for_item()?;
        let menu: OwnedObjectPath = self.item_property(&item, "Menu")?.try_into()?;
        // The menu's layout as a panel reads it: the root's children, each
        // (id, properties, children); a panel shows the visible ones.
        let reply = self.connection.call_method(
            Some(item.0.as_str()),
            menu.as_str(),
            Some("com.canonical.dbusmenu"),
            "GetLayout",
            &(0i32, -1i32, Vec::<String>::new()),
        )?;
        type Node = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);
        let (_revision, (_root, _props, children)): (u32, Node) = reply.body().deserialize()?;
        let mut labels = Vec::new();
        for child in children {
            let child = Value::from(child);
            let child = match child {
                Value::Value(inner) => *inner,
                other => other,
            };
            let (id, props, _): (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>) =
                child.try_into()?;
            let hidden = props
                .get("visible")
                .is_some_and(|v| bool::try_from(v) == Ok(false));
            let label = props
                .get("label")
                .and_then(|v| String::try_from(v.try_clone().ok()?).ok());
            if let (false, Some(label)) = (hidden, label) {
                labels.push((id, label.replace('_', "")));
            }
        }
        Ok(labels)
    }

    /// Clicks the menu item labelled `label`, as a panel does when the user
    /// picks it from the icon's menu.
    pub fn click(&self, label: &str) -> Result<()> {
        let item = self.wait_for_item()?;
        let menu: OwnedObjectPath = self.item_property(&item, "Menu")?.try_into()?;
        let labels = self.menu()?;
        let Some((id, _)) = labels.iter().find(|(_, l)| l == label) else {
            return Err(format!("the tray menu has no {label:?}: {labels:?}").into());
        };
        self.connection.call_method(
            Some(item.0.as_str()),
            menu.as_str(),
            Some("com.canonical.dbusmenu"),
            "Event",
            &(*id, "clicked", Value::from(0i32), 0u32),
        )?;
        Ok(())
    }
}
