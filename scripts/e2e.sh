#!/usr/bin/env bash
# Runs the end-to-end scenarios against the built app on a virtual display,
# one at a time (they are #[ignore]d; the same --workspace flags as every
# other cargo call, so nothing is rebuilt). The other #[ignore]d functions,
# named child_process_*, are child processes that fault tests start with
# their orders: they refuse to run alone, so they are skipped here. So is
# installed_*, which needs the installed package (scripts/test.sh). Screenshots land in tests/e2e/screenshots/ (git-ignored).
# Scenarios named offline_* run inside a network namespace with only
# loopback, so they prove the app works without a network.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
# Read the (large, debug) app binary once so that the first scenario's
# launch is not slowed by a cold disk cache past WebKitWebDriver's patience.
cat target/debug/cutover > /dev/null 2>&1 || true
xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test --locked --workspace -- --ignored --test-threads=1 --skip offline_ --skip child_process_ --skip installed_ "$@"
# The namespace needs root (CI runs as root) or unprivileged user namespaces.
if [ "$(id -u)" -eq 0 ]; then unshare_flags=(--net); else unshare_flags=(--net --map-root-user); fi
CUTOVER_E2E_OFFLINE=1 unshare "${unshare_flags[@]}" bash -c '
  ip link set lo up
  xvfb-run -a -s "-screen 0 1280x800x24" \
    cargo test --locked --offline --workspace -- --ignored --test-threads=1 offline_ "$@"
' offline "$@"
