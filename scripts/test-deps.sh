#!/usr/bin/env bash
# Installs and starts what the test suite needs and is missing:
# PostgreSQL (with PostGIS) and Chromium from Debian's packages, and
# axe-core from the npm registry. Safe to run again; prints the
# environment for the tests on its last line as NAME=value pairs.
set -euo pipefail

need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
dpkg -s postgresql-15-postgis-3 >/dev/null 2>&1 || need+=(postgresql-15-postgis-3)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "test-deps: installing ${need[*]}" >&2
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >&2
fi

# PostgreSQL: start the first cluster Debian made, and a role and database
# for the tests.
sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
  $sudo pg_createcluster "$ver" main >&2
  cluster="$ver main"
fi
port=$(pg_lsclusters -h | awk 'NR==1 {print $3}')
if ! pg_lsclusters -h | awk 'NR==1 {print $4}' | grep -q online; then
  $sudo pg_ctlcluster $cluster start >&2
fi
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
for i in $(seq 1 30); do
  (cd /tmp && as_postgres psql -p "$port" -qtAc 'SELECT 1' >/dev/null 2>&1) && break
  sleep 1
done
psql_admin() { (cd /tmp && as_postgres psql -p "$port" -v ON_ERROR_STOP=1 -qtA "$@"); }
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname='noaber'")" != 1 ]; then
  psql_admin -c "CREATE ROLE noaber LOGIN PASSWORD 'noaber' SUPERUSER" >&2
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname='noaber_test'")" != 1 ]; then
  psql_admin -c "CREATE DATABASE noaber_test OWNER noaber" >&2
fi
psql_admin -d noaber_test -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS btree_gist" >&2

# axe-core for the accessibility checks in the browser tests.
axe_dir="${XDG_CACHE_HOME:-$HOME/.cache}/noaber/axe-core"
if [ ! -f "$axe_dir/axe.min.js" ]; then
  mkdir -p "$axe_dir"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent axe-core@4 >/dev/null && tar -xzf axe-core-*.tgz)
  cp "$tmp/package/axe.min.js" "$axe_dir/axe.min.js"
  rm -rf "$tmp"
fi

echo "NOABER_TEST_POSTGRES_URL=postgres://noaber:noaber@127.0.0.1:$port/noaber_test?sslmode=disable NOABER_TEST_AXE=$axe_dir/axe.min.js NOABER_TEST_CHROMIUM=/usr/bin/chromium"
