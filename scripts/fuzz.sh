#!/usr/bin/env bash
# Fuzzes the package reader with cargo fuzz (libFuzzer): the manifest and
# notes parsers, whole package files (starting from the demo packages and
# the malformed fixtures), and package contents signed with the trusted key
# (so the checks after the signature are reached), each for SECONDS
# (default 60). A panic or
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
mkdir -p "$corpus/manifest" "$corpus/package" "$corpus/signed"
for d in packages/demo/10.0.*; do
  cp "$d/manifest.json" "$corpus/manifest/$(basename "$d")-manifest.json"
  cp "$d/notes.md" "$corpus/manifest/$(basename "$d")-notes.md"
  # The signed target's input: manifest, notes, a migration, a check, NUL-separated.
  { cat "$d/manifest.json"; printf '\0'; cat "$d/notes.md"; printf '\0'
    cat "$d"/migrations/*.sql 2>/dev/null || true; printf '\0'
    cat "$d"/checks/*.sql 2>/dev/null || true; } > "$corpus/signed/$(basename "$d")"
done
cp packages/demo/*.zip src-tauri/crates/package/tests/malformed/*.zip "$corpus/package/"
for target in manifest package signed; do
  cargo fuzz run --fuzz-dir fuzz "$target" "$corpus/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -print_final_stats=1
done
