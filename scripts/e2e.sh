#!/usr/bin/env bash
# Runs the end-to-end scenarios against the built app on a virtual display,
# one at a time. Screenshots land in tests/e2e/screenshots/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test --locked -p cutover-e2e -- --ignored --test-threads=1 "$@"
