//! The harness every end-to-end scenario uses: it starts the real debug
//! build of Cutover through tauri-driver (which drives WebKitWebDriver) with
//! a temporary data directory, and gives the scenario a WebDriver client,
//! waits that never sleep-and-hope, and numbered screenshots.
//!
//! Needs a display (Xvfb) and `tauri-driver` on PATH or in ~/.cargo/bin;
//! `scripts/e2e.sh` provides both. Scenarios are `#[ignore]`d so that a plain
//! `cargo test` without a display does not start them.
//!
//! Adding a scenario: a file in `tests/` with
//! `let mut app = App::launch("name").await?;`, then `app.click(...)`,
//! `app.wait_for(...)`, `app.screenshot("step")`, and `app.close().await`.

mod inspect;
pub mod secrets;
pub mod tray;
pub mod x11;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How long a wait may take before the scenario fails with what it waited for.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A child started in a process group of its own; dropping it kills the whole
/// group. tauri-driver starts WebKitWebDriver, which starts the app: killing
/// only the driver would leave them running, holding the test's output open.
pub struct Group(pub Child);

impl Group {
    pub fn spawn(command: &mut Command) -> std::io::Result<Self> {
        command.process_group(0).spawn().map(Group)
    }

    pub fn kill(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
    }
}

pub struct App {
    pub client: Client,
    driver: Group,
    data_dir: TempDir,
    shots: PathBuf,
    shot: usize,
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn app_binary() -> PathBuf {
    std::env::var_os("CUTOVER_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/cutover"))
}

fn tauri_driver() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(p);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let cargo_bin = home.join(".cargo/bin/tauri-driver");
    if cargo_bin.exists() {
        cargo_bin
    } else {
        PathBuf::from("tauri-driver")
    }
}

/// Two different free ports: both listeners are held until both ports are
/// known, so the system cannot hand out the same one twice.
fn free_ports() -> Result<(u16, u16)> {
    let first = TcpListener::bind("127.0.0.1:0")?;
    let second = TcpListener::bind("127.0.0.1:0")?;
    Ok((first.local_addr()?.port(), second.local_addr()?.port()))
}

async fn wait_for_port(port: u16) -> Result<()> {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!("the WebDriver did not listen on port {port} within {PATIENCE:?}").into())
}

/// Starts tauri-driver on free ports and opens a session that launches the app.
async fn start_session(
    binary: &Path,
    data_path: &Path,
    env: &[(String, String)],
) -> Result<(Client, Group)> {
    let (port, native_port) = free_ports()?;
    // Beside the data, unless the scenario made the data directory's path
    // a file (to see that refused): then a folder of this test process.
    let xdg = if data_path.is_file() {
        std::env::temp_dir().join(format!("cutover-e2e-xdg-{}", std::process::id()))
    } else {
        data_path.join(".xdg")
    };
    let mut command = Command::new(tauri_driver());
    // Single instance goes through the session bus: keep the app off the
    // developer's bus, or a running Cutover would swallow this launch. A
    // scenario may give it a private bus instead (with a notification
    // daemon on it) in `env`.
    command.env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/cutover-e2e",
    );
    command.envs(env.iter().map(|(k, v)| (k, v)));
    let driver = Group::spawn(
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("CUTOVER_DATA_DIR", data_path)
            // The webview's own storage (the theme chosen, window state)
            // lives under the XDG folders: one set per scenario, so that
            // nothing carries over from the one before.
            .env("XDG_DATA_HOME", xdg.join("data"))
            .env("XDG_CONFIG_HOME", xdg.join("config"))
            .env("XDG_CACHE_HOME", xdg.join("cache"))
            .env("NO_AT_BRIDGE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit()),
    )
    .map_err(|e| {
        format!(
            "cannot start tauri-driver ({e}); install it with: cargo install tauri-driver --locked"
        )
    })?;
    // tauri-driver forwards to WebKitWebDriver, which it starts itself: a
    // session asked for before that one listens is dropped.
    wait_for_port(port).await?;
    wait_for_port(native_port).await?;
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({ "application": binary.canonicalize()? }),
    );
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await?;
    Ok((client, driver))
}

impl App {
    /// Starts Cutover with a fresh, empty data directory and, on its welcome
    /// screen, chooses to explore the demo account, as a new user would.
    pub async fn launch(scenario: &str) -> Result<Self> {
        let app = Self::launch_in(scenario, tempfile::tempdir()?).await?;
        app.explore_demo().await?;
        Ok(app)
    }

    /// On the welcome screen of a first start: "Explore the demo account",
    /// then waits until the demo is on the dashboard.
    pub async fn explore_demo(&self) -> Result<()> {
        self.click(r#"[data-testid="welcome-demo"]"#).await?;
        self.wait_for_text(r#"[data-testid="account"] h2"#, "Northwind Foods")
            .await?;
        Ok(())
    }

    /// In the open New account form: types an account's fields, with the
    /// demo vendor's key as the one to trust (`account` is name, platform,
    /// platform version, time zone, vendor).
    pub async fn fill_new_account(&self, account: [&str; 5]) -> Result<()> {
        let public =
            std::fs::read_to_string(workspace_root().join("packages/demo/vendor-demo.pub"))?;
        let fields = [
            "account-name",
            "account-platform",
            "account-version",
            "account-time-zone",
            "account-vendor",
        ];
        for (field, value) in fields.into_iter().zip(account) {
            self.type_into(&format!(r#"[data-testid="{field}"]"#), value)
                .await?;
        }
        self.type_into(r#"[data-testid="account-key"]"#, public.trim())
            .await
    }

    /// Starts Cutover on a data directory the scenario prepared.
    pub async fn launch_in(scenario: &str, data_dir: TempDir) -> Result<Self> {
        let path = data_dir.path().to_path_buf();
        Self::launch_at(scenario, data_dir, &path).await
    }

    /// Starts Cutover with `CUTOVER_DATA_DIR` set to `data_path`, which may be
    /// anything (a file, say) inside the temporary folder `holder`.
    pub async fn launch_at(scenario: &str, holder: TempDir, data_path: &Path) -> Result<Self> {
        Self::launch_with(scenario, holder, data_path, &[]).await
    }

    /// Starts Cutover with extra environment variables (such as
    /// `CUTOVER_CLOCK_START`, to run the app on a chosen day).
    pub async fn launch_with(
        scenario: &str,
        holder: TempDir,
        data_path: &Path,
        env: &[(String, String)],
    ) -> Result<Self> {
        let data_dir = holder;
        let binary = app_binary();
        if !binary.exists() {
            return Err(format!(
                "{} is missing: build the app first (cargo build)",
                binary.display()
            )
            .into());
        }
        // WebKitWebDriver occasionally drops a session as it starts; two
        // more tries with a new driver each, a moment apart, never more.
        let mut attempt = 0;
        let (client, driver) = loop {
            attempt += 1;
            match start_session(&binary, data_path, env).await {
                Ok(started) => break started,
                Err(e) if attempt < 3 => {
                    eprintln!(
                        "{scenario}: the WebDriver session failed to start ({e}); trying again"
                    );
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
                Err(e) => return Err(e),
            }
        };
        let shots = workspace_root()
            .join("tests/e2e/screenshots")
            .join(scenario);
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots)?;
        Ok(Self {
            client,
            driver,
            data_dir,
            shots,
            shot: 0,
        })
    }

    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// Waits until an element matching `css` exists and is displayed.
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if el.is_displayed().await.unwrap_or(false) {
                    return Ok(el);
                }
            }
            if Instant::now() > deadline {
                // What the window showed instead, for whoever reads the failure.
                let seen = self.shots.join("timed-out.png");
                if let Ok(png) = self.client.screenshot().await {
                    let _ = std::fs::write(&seen, png);
                }
                // The page's own account of where it is (a picture can lag).
                let at = self
                    .client
                    .execute(
                        "const h = document.querySelector('main h1, main h2'); const n = document.querySelector('nav .active'); \
                         return `screen ${n ? n.textContent : '?'}, heading ${h ? h.textContent : '?'}, dialogs ${document.querySelectorAll('[role=dialog]').length}, scrolled ${window.scrollY}`;",
                        Vec::new(),
                    )
                    .await
                    .map(|v| v.as_str().unwrap_or_default().to_string())
                    .unwrap_or_default();
                return Err(format!(
                    "nothing matching {css} appeared within {PATIENCE:?} ({at}; the window then: {})",
                    seen.display()
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the element matching `css` shows and can be used.
    pub async fn wait_enabled(&self, css: &str) -> Result<Element> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let el = self.wait_for(css).await?;
            if el.is_enabled().await.unwrap_or(false) {
                return Ok(el);
            }
            if Instant::now() > deadline {
                return Err(format!("{css} stayed disabled for {PATIENCE:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until no element matches `css`.
    pub async fn wait_gone(&self, css: &str) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if self.client.find_all(Locator::Css(css)).await?.is_empty() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!("{css} was still there after {PATIENCE:?}").into())
    }

    /// Waits until the element matching `css` shows `text` (a substring).
    pub async fn wait_for_text(&self, css: &str, text: &str) -> Result<Element> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let el = self.wait_for(css).await?;
            let shown = el.text().await.unwrap_or_default();
            if shown.contains(text) {
                return Ok(el);
            }
            if Instant::now() > deadline {
                return Err(format!("{css} shows {shown:?}, not {text:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the element, first scrolled to the middle of its scroll
    /// container, as a user scrolls to what they click: WebDriver's own
    /// scrolling puts it at the edge, under a dialog's sticky actions.
    /// Waits for it to be enabled too: a click on a button an action in
    /// progress still holds disabled would be lost.
    pub async fn click(&self, css: &str) -> Result<()> {
        let el = self.wait_enabled(css).await?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});",
                vec![serde_json::to_value(&el)?],
            )
            .await?;
        self.settle().await?;
        el.click().await?;
        Ok(())
    }

    pub async fn type_into(&self, css: &str, text: &str) -> Result<()> {
        let el = self.wait_for(css).await?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});",
                vec![serde_json::to_value(&el)?],
            )
            .await?;
        self.settle().await?;
        if text.is_empty() {
            // Emptied as a user does (select all, delete), so the page hears
            // an input event, which clearing alone does not send.
            el.send_keys("\u{E009}a\u{E009}\u{E003}").await?;
        } else {
            el.clear().await?;
            el.send_keys(text).await?;
        }
        Ok(())
    }

    /// Chooses the option with `value` in the select matching `css`.
    pub async fn select(&self, css: &str, value: &str) -> Result<()> {
        let select = self.wait_for(css).await?;
        select
            .find(Locator::Css(&format!(r#"option[value="{value}"]"#)))
            .await
            .map_err(|_| format!("{css} has no option {value:?}"))?
            .click()
            .await?;
        Ok(())
    }

    /// Chooses the option whose label contains `label`.
    pub async fn select_label(&self, css: &str, label: &str) -> Result<()> {
        let select = self.wait_for(css).await?;
        for option in select.find_all(Locator::Css("option")).await? {
            if option.text().await?.contains(label) {
                option.click().await?;
                return Ok(());
            }
        }
        Err(format!("{css} has no option labelled {label:?}").into())
    }

    /// Clicks the element matching `inner` inside the first match of `outer`.
    pub async fn click_in(&self, outer: &str, inner: &str) -> Result<()> {
        let el = self
            .wait_for(outer)
            .await?
            .find(Locator::Css(inner))
            .await
            .map_err(|_| format!("{outer} holds nothing matching {inner}"))?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});",
                vec![serde_json::to_value(&el)?],
            )
            .await?;
        self.settle().await?;
        el.click().await?;
        Ok(())
    }

    /// Dismisses every message in the notification area, as a user clears
    /// what covers the page before going on.
    pub async fn dismiss_notices(&self) -> Result<()> {
        for button in self
            .client
            .find_all(Locator::Css(r#"[data-testid="dismiss-notice"]"#))
            .await?
        {
            // One that left on its own meanwhile needs no click.
            let _ = button.click().await;
        }
        self.wait_gone(r#"[data-testid="notice"]"#).await
    }

    /// Resizes the window (the screen must be at least as large), for
    /// looking at a screen at another size.
    pub async fn resize(&self, width: u32, height: u32) -> Result<()> {
        self.client.set_window_size(width, height).await?;
        Ok(())
    }

    /// The text of every element matching `css`, in page order.
    pub async fn texts(&self, css: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for el in self.client.find_all(Locator::Css(css)).await? {
            out.push(el.text().await?);
        }
        Ok(out)
    }

    /// Runs `script` (a function body; `return` gives the value) in the page.
    pub async fn eval(&self, script: &str) -> Result<serde_json::Value> {
        Ok(self.client.execute(script, Vec::new()).await?)
    }

    /// Waits for two frames to be painted. Pictures are of the last frame
    /// painted, and a click is aimed at what that frame shows: after a
    /// scroll or a change, a loaded machine may not have painted it yet.
    pub async fn settle(&self) -> Result<()> {
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                Vec::new(),
            )
            .await?;
        Ok(())
    }

    /// Saves what the window shows as `NN-name.png` in
    /// `tests/e2e/screenshots/<scenario>/` (git-ignored).
    pub async fn screenshot(&mut self, name: &str) -> Result<PathBuf> {
        self.shot += 1;
        let path = self.shots.join(format!("{:02}-{name}.png", self.shot));
        self.settle().await?;
        std::fs::write(&path, self.client.screenshot().await?)?;
        Ok(path)
    }

    /// Ends the session (tauri-driver then closes the app) and stops the
    /// driver's process group. A scenario that fails early drops the `App`
    /// instead, which stops the group too.
    pub async fn close(mut self) -> Result<()> {
        let closed = self.client.clone().close().await;
        self.driver.kill();
        closed.map_err(Into::into)
    }

    /// Closes the app but keeps its data directory, to start it again on
    /// the same data (with `launch_with`).
    pub async fn close_keeping_data(mut self) -> Result<TempDir> {
        let closed = self.client.clone().close().await;
        self.driver.kill();
        closed?;
        Ok(self.data_dir)
    }

    /// After the app quit by itself (from its tray menu): stops the driver
    /// and keeps the data directory, to start it again on the same data.
    pub fn after_quit(mut self) -> TempDir {
        self.driver.kill();
        self.data_dir
    }
}

/// Whether a process running `binary` has `key=value` in its environment:
/// how a scenario tells its own app from any other Cutover on the machine.
pub fn running_with(binary: &Path, key: &str, value: &str) -> bool {
    let Ok(binary) = binary.canonicalize() else {
        return false;
    };
    let wanted = format!("{key}={value}");
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|entry| {
        let dir = entry.path();
        std::fs::read_link(dir.join("exe")).is_ok_and(|exe| exe == binary)
            && std::fs::read(dir.join("environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|v| v == wanted.as_bytes()))
    })
}

/// Starts a private D-Bus session bus with its socket in `dir`; returns the
/// daemon (stopped when dropped) and the bus address to give the app.
pub fn private_bus(dir: &Path) -> Result<(Group, String)> {
    use std::io::{BufRead, BufReader};
    let address = format!("unix:path={}", dir.join("bus").display());
    let mut daemon = Group::spawn(
        Command::new("dbus-daemon")
            .args([
                "--session",
                "--nofork",
                "--print-address",
                "--address",
                &address,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    )?;
    let mut line = String::new();
    BufReader::new(daemon.0.stdout.take().ok_or("no dbus output")?).read_line(&mut line)?;
    if !line.starts_with("unix:") {
        return Err(format!("dbus-daemon said {line:?}").into());
    }
    Ok((daemon, address))
}

/// The CSS selector of an environment's row on the dashboard.
pub fn env_row(name: &str) -> String {
    format!(r#"[data-testid="env-row"][data-env-name="{name}"]"#)
}

/// A real notification daemon (dunst) on a private D-Bus session bus, and
/// everything it printed: proof that a desktop notification was sent.
pub struct Dunst {
    pub address: String,
    seen: std::sync::Arc<std::sync::Mutex<String>>,
    _dunst: Group,
    _bus: Group,
}

/// Whether some client owns `name` on the bus at `address`.
pub fn bus_name_owned(address: &str, name: &str) -> bool {
    Command::new("dbus-send")
        .args([
            &format!("--bus={address}"),
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            &format!("string:{name}"),
        ])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
        .unwrap_or(false)
}

impl Dunst {
    /// Starts the bus (socket in `dir`) and dunst, and waits until dunst
    /// owns the notifications name.
    pub fn start(dir: &Path) -> Result<Self> {
        use std::io::{BufRead, BufReader};
        let (bus, address) = private_bus(dir)?;
        let mut dunst = Group::spawn(
            Command::new("dunst")
                .arg("-print")
                .env("DBUS_SESSION_BUS_ADDRESS", &address)
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        )?;
        let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let out = dunst.0.stdout.take().ok_or("no dunst output")?;
        let sink = std::sync::Arc::clone(&seen);
        std::thread::spawn(move || {
            for line in BufReader::new(out)
                .lines()
                .map_while(std::result::Result::ok)
            {
                if let Ok(mut s) = sink.lock() {
                    s.push_str(&line);
                    s.push('\n');
                }
            }
        });
        let deadline = Instant::now() + PATIENCE;
        while !bus_name_owned(&address, "org.freedesktop.Notifications") {
            if Instant::now() > deadline {
                return Err("dunst never took the notifications name".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Self {
            address,
            seen,
            _dunst: dunst,
            _bus: bus,
        })
    }

    pub fn printed(&self) -> String {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Waits up to `patience` until dunst has printed `text`.
    pub fn wait_for(&self, text: &str, patience: Duration) -> Result<String> {
        let deadline = Instant::now() + patience;
        loop {
            let printed = self.printed();
            if printed.contains(text) {
                return Ok(printed);
            }
            if Instant::now() > deadline {
                return Err(format!("dunst never showed {text:?}; it printed:\n{printed}").into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
