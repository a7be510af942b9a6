//! A plain X client, for what a window manager or the user's title bar
//! does to the app: ask its window to close (`WM_DELETE_WINDOW`, as the ×
//! button does) and see whether it is still shown.

use crate::Result;
use x11rb::connection::Connection;
use x11rb::errors::ReplyError;
use x11rb::protocol::xproto::{
    AtomEnum, ClientMessageEvent, ConnectionExt, EventMask, MapState, Window,
};
use x11rb::protocol::ErrorKind;
use x11rb::rust_connection::RustConnection;

/// Whether a reply failed only because its window is gone: windows come
/// and go while the tree is walked (GTK's own helper windows, a window
/// being destroyed as the app quits), and a vanished window is simply not
/// one of the app's windows any more.
fn vanished(error: &ReplyError) -> bool {
    matches!(error, ReplyError::X11Error(e) if e.error_kind == ErrorKind::Window)
}

/// The app's top-level windows titled `title`, on the display of `DISPLAY`.
fn windows_titled(conn: &RustConnection, root: Window, title: &str) -> Result<Vec<Window>> {
    let mut found = Vec::new();
    let mut stack = vec![root];
    while let Some(window) = stack.pop() {
        let name = match conn
            .get_property(false, window, AtomEnum::WM_NAME, AtomEnum::STRING, 0, 256)?
            .reply()
        {
            Ok(name) => name,
            Err(e) if vanished(&e) => continue,
            Err(e) => return Err(e.into()),
        };
        if name.value == title.as_bytes() {
            found.push(window);
        }
        match conn.query_tree(window)?.reply() {
            Ok(tree) => stack.extend(tree.children),
            Err(e) if vanished(&e) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(found)
}

fn connect() -> Result<(RustConnection, Window)> {
    let (conn, screen) = x11rb::connect(None)?;
    let root = conn.setup().roots[screen].root;
    Ok((conn, root))
}

/// Sends `WM_DELETE_WINDOW` to every window titled `title`: what clicking
/// the title bar's × asks. Errors when there is no such window.
pub fn ask_to_close(title: &str) -> Result<()> {
    let (conn, root) = connect()?;
    let protocols = conn.intern_atom(false, b"WM_PROTOCOLS")?.reply()?.atom;
    let delete = conn.intern_atom(false, b"WM_DELETE_WINDOW")?.reply()?.atom;
    let windows = windows_titled(&conn, root, title)?;
    if windows.is_empty() {
        return Err(format!("no window titled {title:?} to close").into());
    }
    for window in windows {
        let event = ClientMessageEvent::new(32, window, protocols, [delete, 0, 0, 0, 0]);
        conn.send_event(false, window, EventMask::NO_EVENT, event)?;
    }
    conn.flush()?;
    Ok(())
}

/// Whether any window titled `title` is on screen (mapped and viewable).
pub fn shown(title: &str) -> Result<bool> {
    let (conn, root) = connect()?;
    for window in windows_titled(&conn, root, title)? {
        match conn.get_window_attributes(window)?.reply() {
            Ok(attributes) if attributes.map_state == MapState::VIEWABLE => return Ok(true),
            Ok(_) => {}
            Err(e) if vanished(&e) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(false)
}

/// Whether any window titled `title` exists at all, shown or hidden: a
/// window closed to the tray still exists; one whose app quit does not.
pub fn exists(title: &str) -> Result<bool> {
    let (conn, root) = connect()?;
    Ok(!windows_titled(&conn, root, title)?.is_empty())
}

/// Asks every window titled `title` to close and waits until none is shown.
/// Asks up to three times, four seconds apart: under Xvfb with no window
/// manager, about one run in six lost a first request sent right after the
/// app started (GTK never reported it), and a second one was obeyed.
pub fn close_until_hidden(title: &str) -> Result<()> {
    for _ in 0..3 {
        ask_to_close(title)?;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(4);
        while std::time::Instant::now() < deadline {
            if !shown(title)? {
                return Ok(());
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
    Err(format!("the window {title:?} was asked to close three times and is still shown").into())
}
