#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks: Debian's server binaries, a fresh
# data folder under /tmp, a loopback TCP port and a socket folder of its own, run as an
# unprivileged user (PostgreSQL refuses to run as root), password authentication on TCP.
#
#   eval "$(.ci/postgres.sh start)"   # prints export lines: FILLWISE_TEST_POSTGRES, FILLWISE_TEST_POSTGRES_DIR
#   .ci/postgres.sh stop "$FILLWISE_TEST_POSTGRES_DIR"
#
# Nothing outside the data folder is touched; stop removes it.
set -uo pipefail

say() { printf '[postgres.sh] %s\n' "$*" >&2; }

bin_dir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && printf '%s' "$d"
}

free_port() {
  local p
  for p in $(seq 55432 55532); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then printf '%s' "$p"; return 0; fi
  done
  return 1
}

# Runs a command as the cluster's owner: ourselves when unprivileged, else the 'postgres' user.
as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bin dir port password
  bin=$(bin_dir) || { say "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)"; return 1; }
  if [ "$(id -u)" = "0" ] && ! id postgres >/dev/null 2>&1; then say "running as root but there is no 'postgres' user to own the cluster"; return 1; fi
  dir=$(mktemp -d /tmp/fillwise-pg.XXXXXX) || return 1
  chmod 0755 "$dir"
  mkdir -p "$dir/data" "$dir/socket"
  [ "$(id -u)" = "0" ] && chown -R postgres: "$dir"
  password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
  printf '%s\n' "$password" > "$dir/pwfile"
  [ "$(id -u)" = "0" ] && chown postgres: "$dir/pwfile"
  chmod 0600 "$dir/pwfile"
  local owner; owner=$([ "$(id -u)" = "0" ] && echo postgres || id -un)
  if ! as_owner "$bin/initdb" -D "$dir/data" -U "$owner" --pwfile="$dir/pwfile" --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    say "initdb failed:"; cat "$dir/initdb.log" >&2; rm -rf "$dir"; return 1
  fi
  rm -f "$dir/pwfile"
  port=$(free_port) || { say "no free port in 55432..55532"; rm -rf "$dir"; return 1; }
  if ! as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-k $dir/socket -p $port -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=64MB" start >/dev/null 2>&1; then
    say "the server did not start:"; cat "$dir/server.log" >&2; rm -rf "$dir"; return 1
  fi
  local psql="$bin/psql"; [ -x "$psql" ] || psql=psql
  as_owner "$psql" -h "$dir/socket" -p "$port" -U "$owner" -d postgres -qAt -c "CREATE DATABASE fillwise_test;" >/dev/null \
    || { say "could not create the test database"; stop "$dir"; return 1; }
  say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data $dir)"
  printf 'export FILLWISE_TEST_POSTGRES=%q\n' "Host=127.0.0.1;Port=$port;Username=$owner;Password=$password;Database=fillwise_test"
  printf 'export FILLWISE_TEST_POSTGRES_DIR=%q\n' "$dir"
}

stop() {
  local dir=${1:-} bin
  [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
  bin=$(bin_dir) && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) say "usage: $0 start | stop <dir>"; exit 2 ;;
esac
