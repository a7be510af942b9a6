#!/usr/bin/env bash
# Sets everything up and runs every check and test: formatting, lints, type
# checks, UI unit tests, Rust tests (including the stale-bindings check),
# the end-to-end scenarios through the real app, and the Debian package
# (built, installed with dpkg, started from its installed path).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# Each phase says when it started, so the log shows where the time goes.
say() { printf '\033[1m==> %s (%s)\033[0m\n' "$*" "$(date -u +%T)"; }

bash scripts/setup.sh
# Independent iCalendar readers for the calendar export's checks (store and E2E).
[ -x target/py/bin/python ] || python3 -m venv target/py
target/py/bin/pip install --quiet --disable-pip-version-check icalendar==7.3.0 recurring-ical-events==3.8.2 vobject==0.9.9

# Everything below is also written to a log, to total the tests at the end.
log=$(mktemp)
# A throwaway PostgreSQL server for the server backend's tests, stopped and
# removed however this script ends.
pg_dir=$(mktemp -d /tmp/cutover-pg.XXXXXX)
trap 'bash scripts/pg-server.sh stop "$pg_dir"; rm -f "$log"' EXIT
trap 'exit 130' INT TERM
bash scripts/pg-server.sh start "$pg_dir" >/dev/null
export CUTOVER_TEST_PG_DIR=$pg_dir
exec > >(tee "$log") 2>&1

say "UI: type check and unit tests"
(cd ui && npx --no-install tsc --noEmit && npx --no-install vitest run)

say "Build (UI, then the app)"
bash scripts/build.sh

say "Rust: formatting and lints"
cargo fmt --all --check
cargo clippy --locked --workspace --all-targets -- -D warnings

say "Rust: unit and integration tests"
cargo test --locked --workspace

say "Fuzz: the package reader, 30 seconds per target"
bash scripts/fuzz.sh 30

say "End to end: the real app under Xvfb through tauri-driver"
bash scripts/e2e.sh

say "Package: the .deb from Tauri's bundler, installed with dpkg and started from /usr/bin"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
deb=$(bash scripts/package.sh --debug)
as_root dpkg -i "$deb"
dpkg-query -W -f='${Package} ${Version} ${Status}\n' cutover
CUTOVER_APP=/usr/bin/cutover xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test --locked --workspace -- --ignored --exact installed_package_starts_from_its_installed_path

# One closing line for every runner above (vitest, cargo test).
strip() { sed 's/\x1b\[[0-9;]*m//g' "$log"; }
rust=$(strip | awk '/^test result: ok\./ { n += $4 } END { print n + 0 }')
ui=$(strip | awk '$1 == "Tests" && $3 == "passed" { n += $2 } END { print n + 0 }')
echo "Rust tests: $rust passed; UI tests: $ui passed"
echo "$((rust + ui)) passed, 0 failed ($(date -u +%T))"
