#!/usr/bin/env bash
# Builds Cutover's Debian package with Tauri's bundler (the tauri-cli from
# the UI's npm packages): a release build by default, or with --debug the
# debug build scripts/build.sh made for the tests, as it is (no second
# compile). Prints the package's path.
#   bash scripts/package.sh            -> target/release/bundle/deb/Cutover_<version>_amd64.deb
#   bash scripts/package.sh --debug    -> target/debug/bundle/deb/...
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
profile=release
[ "${1:-}" = "--debug" ] && profile=debug
if [ "$profile" = release ]; then
  (cd ui && npm run --silent build) >&2
  cargo build --locked --release -p cutover >&2
elif [ ! -x target/debug/cutover ]; then
  bash scripts/build.sh >&2
fi
rm -rf "target/$profile/bundle/deb"
flags=(--bundles deb --ci)
[ "$profile" = debug ] && flags+=(--debug)
(cd src-tauri && ../ui/node_modules/.bin/tauri bundle "${flags[@]}") >&2
ls "target/$profile/bundle/deb/"*.deb
