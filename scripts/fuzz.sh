#!/usr/bin/env bash
# Fuzzes the package reader with cargo fuzz (libFuzzer): the manifest and
# notes parsers, then whole package files, each for SECONDS (default 60),
# starting from the demo packages and the malformed fixtures. A panic or
# crash fails the run. cargo fuzz needs nightly features; RUSTC_BOOTSTRAP
# enables them on the stable toolchain that is all this machine has.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
seconds=${1:-60}
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz@0.13.2
export RUSTC_BOOTSTRAP=1
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
mkdir -p "$corpus/manifest" "$corpus/package"
for d in packages/demo/10.0.*; do
  cp "$d/manifest.json" "$corpus/manifest/$(basename "$d")-manifest.json"
  cp "$d/notes.md" "$corpus/manifest/$(basename "$d")-notes.md"
done
cp packages/demo/*.zip src-tauri/crates/package/tests/malformed/*.zip "$corpus/package/"
for target in manifest package; do
  cargo fuzz run --fuzz-dir fuzz "$target" "$corpus/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -print_final_stats=1
done
