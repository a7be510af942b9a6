#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: Debian's own packages, its own
# data directory and a free port on 127.0.0.1, owned by an unprivileged user
# (the server refuses to run as root), password authentication over TLS or
# plain TCP.
#
#   bash scripts/pg-server.sh start DIR   # prints the admin URL, writes DIR/url
#   bash scripts/pg-server.sh stop DIR    # stops it and removes DIR
#
# The URL names the superuser `cutover` and its password; tests read it from
# CUTOVER_TEST_PG. A self-signed certificate (DIR/data/server.crt) lets the
# tests try each TLS mode.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
RUN_AS=cutover-pg

bin_dir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [ -n "$d" ] && [ -x "$d/initdb" ] || return 1
  echo "$d"
}

as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$RUN_AS" -- "$@"; else "$@"; fi
}

start() {
  local dir=$1
  if ! bin_dir >/dev/null || ! command -v openssl >/dev/null; then
    echo "==> Installing PostgreSQL (and openssl, for its test certificate) from the distribution's packages" >&2
    as_root apt-get update -q >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      postgresql postgresql-contrib openssl >&2
  fi
  local bin
  bin=$(bin_dir)
  if [ "$(id -u)" -eq 0 ] && ! id "$RUN_AS" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_AS"
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local password port
  password=$(head -c 18 /dev/urandom | base64 | tr -d '+/=')
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  printf '%s\n' "$password" > "$dir/pwfile"
  [ "$(id -u)" -ne 0 ] || chown -R "$RUN_AS" "$dir"
  as_server "$bin/initdb" -D "$dir/data" -U cutover --pwfile="$dir/pwfile" \
    --auth=scram-sha-256 --no-sync --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$dir/pwfile"
  as_server openssl req -new -x509 -days 2 -nodes -subj "/CN=localhost" \
    -keyout "$dir/data/server.key" -out "$dir/data/server.crt" 2>/dev/null
  chmod 600 "$dir/data/server.key"
  cat >> "$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
ssl = on
max_connections = 200
fsync = on
EOF
  as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
  local url="postgresql://cutover:$password@127.0.0.1:$port/postgres"
  printf '%s\n' "$url" > "$dir/url"
  echo "$url"
}

stop() {
  local dir=$1 bin
  bin=$(bin_dir) || true
  if [ -n "${bin:-}" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_server "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:?a directory for the server}" ;;
  stop) stop "${2:?the directory the server was started in}" ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
