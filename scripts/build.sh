#!/usr/bin/env bash
# Builds the UI (embedded into the binary at compile time) and then the app.
# Every cargo call uses the same flags, so no call rebuilds another's output.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
(cd ui && npm run --silent build)
cargo build --locked --workspace
