#!/usr/bin/env bash
# Runs every test of Fillwise. Installs what the tests need when it is missing, then prints the
# totals as its last line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"

log() { printf '[test.sh] %s\n' "$*" >&2; }

if ! command -v dotnet >/dev/null 2>&1; then
  log "the .NET 10 SDK is required (dotnet on PATH)"; exit 1
fi

apt_updated=0
apt_install() {
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    log "cannot install $* (needs root and apt-get); tests that need it will skip or fail loudly"; return 0
  fi
  if [ "$apt_updated" = 0 ]; then apt-get update -qq >/dev/null 2>&1 || true; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 || log "apt-get install $* failed"
}

# Node and npm drive the conformance test with Kalshi's official TypeScript client, and rebuild the
# dashboard when its sources changed (a clean checkout uses its committed build).
command -v node >/dev/null 2>&1 || apt_install nodejs npm
command -v npm >/dev/null 2>&1 || apt_install npm
# Debian's Chromium runs the dashboard's browser tests (Playwright drives it by its path).
[ -x "${FILLWISE_CHROMIUM:-/usr/bin/chromium}" ] || apt_install chromium
# Playwright never downloads a browser here.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# PostgreSQL: the journal contract, fencing and archive tests run against a throwaway cluster on a
# loopback port (.ci/postgres.sh), unless FILLWISE_TEST_POSTGRES already names a database.
pg_dir=""
if [ -z "${FILLWISE_TEST_POSTGRES:-}" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
  if pg_env=$(.ci/postgres.sh start); then
    eval "$pg_env"
    pg_dir=$FILLWISE_TEST_POSTGRES_DIR
    trap '.ci/postgres.sh stop "$pg_dir"' EXIT
  else
    log "no PostgreSQL: its tests skip loudly (and fail when CI=true)"
  fi
fi

results=TestResults
rm -rf "$results"
dotnet test Fillwise.slnx --logger "trx" --results-directory "$results" "$@"
rc=$?

passed=0; failed=0; skipped=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  total=$(get total); executed=$(get executed)
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + total - executed))
done

if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
  log "dotnet test exited $rc without a failed test: a build error or a crashed test host (see above)"
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$rc" != 0 ] || [ "$failed" != 0 ]; then exit 1; fi
if [ "$passed" = 0 ]; then log "no test ran"; exit 1; fi
exit 0
