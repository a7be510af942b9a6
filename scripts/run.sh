#!/usr/bin/env bash
# Sets everything up, builds, and starts Cutover. On the first start the
# data directory is empty and a welcome screen offers one's own account or
# the demo account "Northwind Foods".
# CUTOVER_DATA_DIR chooses another data directory.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: starting Cutover on a virtual display (Xvfb). Use a desktop session to see the window." >&2
  exec xvfb-run -a -s "-screen 0 1280x800x24" target/debug/cutover
fi
exec target/debug/cutover
