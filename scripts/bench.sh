#!/usr/bin/env bash
# Measures start-up and idle memory of the real app (figures go to
# BENCHMARKS.md). For each run it starts Cutover on a virtual display, reads
# the "dashboard interactive" line the app logs once the dashboard shows its
# data, waits for the app to go idle, and sums the memory of the app and
# its WebKit processes.
#
#   bash scripts/bench.sh [runs]      (default 5; builds the app first)
#   CUTOVER_APP=target/release/cutover bash scripts/bench.sh   (another build)
#   WEBKIT_DISABLE_DMABUF_RENDERER=1 bash scripts/bench.sh     (WebKit knobs pass through)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
runs=${1:-5}
idle_seconds=${IDLE_SECONDS:-8}
if [ -z "${DISPLAY:-}" ]; then
  bash scripts/build.sh >/dev/null 2>&1
  exec xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" "$@"
fi
app=${CUTOVER_APP:-$PWD/target/debug/cutover}

descendants() {
  local pid=$1
  echo "$pid"
  for child in $(pgrep -P "$pid" || true); do descendants "$child"; done
}

kib() { awk -v k="$1" '$1 == k":" { print $2 }' "$2" 2>/dev/null || true; }

measure() {
  local data=$1 label=$2
  local before log pid millis rss=0 pss=0 procs=0
  before=$(cat "$data"/logs/cutover.*.log 2>/dev/null | grep -c "dashboard interactive" || true)
  CUTOVER_DATA_DIR=$data "$app" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    log=$(cat "$data"/logs/cutover.*.log 2>/dev/null || true)
    [ "$(grep -c "dashboard interactive" <<<"$log" || true)" -gt "$before" ] && break
    sleep 0.1
  done
  millis=$(grep "dashboard interactive" <<<"$log" | tail -1 | sed -E 's/.*millis_since_launch=([0-9]+).*/\1/')
  sleep "$idle_seconds"
  for p in $(descendants "$pid"); do
    [ -r "/proc/$p/status" ] || continue
    rss=$((rss + $(kib VmRSS "/proc/$p/status")))
    pss=$((pss + $(kib Pss "/proc/$p/smaps_rollup")))
    procs=$((procs + 1))
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  printf '%-12s %8s ms %8d MiB RSS %8d MiB PSS  (%d processes)\n' "$label" "${millis:-?}" $((rss / 1024)) $((pss / 1024)) "$procs"
}

bench() {
  local data
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
  echo "app: $app ($(du -h "$app" | cut -f1)); WEBKIT_DISABLE_DMABUF_RENDERER=${WEBKIT_DISABLE_DMABUF_RENDERER:-unset}"
  for i in $(seq 1 "$runs"); do
    data=$(mktemp -d)
    measure "$data" "first-start"   # creates the demo account
    measure "$data" "restart"       # opens the existing data directory
    rm -rf "$data"
  done
}

bench
