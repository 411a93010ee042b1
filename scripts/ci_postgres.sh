#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server, then stop the server.
#
#   scripts/ci_postgres.sh make test
#
# Installs PostgreSQL with apt when initdb/pg_ctl are missing (root only), initialises a
# cluster in a temporary directory, starts it on 127.0.0.1 at a free port as a non-root
# user (the dedicated system user `pgci` when run as root), creates a role with CREATEDB
# (pytest-django creates test_<db> itself) and a database owned by it, and runs the
# command with DATABASE_URL pointing at it. The server is stopped and the directory removed
# on every exit, including failures and interrupts. The command's exit status is returned.
#
# Settings (environment): PGCI_OS_USER (default pgci), PGCI_DB (default portal),
# PGCI_ROLE (default portal).
set -euo pipefail

OS_USER="${PGCI_OS_USER:-pgci}"
DB_NAME="${PGCI_DB:-portal}"
DB_ROLE="${PGCI_ROLE:-portal}"

log() { printf 'ci_postgres: %s\n' "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}

[ "$#" -gt 0 ] || die "usage: $0 COMMAND [ARGS...]"
command -v python3 >/dev/null || die "python3 is needed (to pick a free port)"

is_root() { [ "$(id -u)" = 0 ]; }

# Debian keeps the server binaries in /usr/lib/postgresql/<version>/bin, off PATH.
find_pg_bin() {
    local found dir
    if found="$(command -v pg_ctl 2>/dev/null)"; then
        dir="$(dirname "$(readlink -f "$found")")"
        if [ -x "$dir/initdb" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
    fi
    while IFS= read -r dir; do
        if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
            printf '%s\n' "$dir"
            return 0
        fi
    done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -V -r)
    return 1
}

install_postgres() {
    is_root || die "PostgreSQL is not installed and this is not root: sudo apt-get install postgresql"
    command -v apt-get >/dev/null || die "PostgreSQL is not installed and there is no apt-get"
    log "PostgreSQL not found: installing it with apt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # As the official postgres image does: no "main" cluster (nor a server on port 5432)
    # from the package's post-install; this script runs its own cluster.
    apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null
    if [ -f /etc/postgresql-common/createcluster.conf ]; then
        sed -ri 's/^#?[[:space:]]*(create_main_cluster)[[:space:]]*=.*$/\1 = false/' \
            /etc/postgresql-common/createcluster.conf
    fi
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

PG_BIN="$(find_pg_bin)" || {
    install_postgres
    PG_BIN="$(find_pg_bin)" || die "PostgreSQL was installed but initdb/pg_ctl are not found"
}
PSQL="$PG_BIN/psql"
[ -x "$PSQL" ] || PSQL="$(command -v psql)" || die "psql is not found"

# The server refuses to run as root: use a dedicated unprivileged system user.
if is_root; then
    if ! id -u "$OS_USER" >/dev/null 2>&1; then
        log "creating system user $OS_USER"
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$OS_USER"
    fi
    if command -v runuser >/dev/null; then
        as_pg() { runuser -u "$OS_USER" -- "$@"; }
    else
        as_pg() { su -s /bin/sh "$OS_USER" -c "$(printf '%q ' "$@")"; }
    fi
    WORK="$(mktemp -d /tmp/pgci.XXXXXX)"
    chown "$OS_USER": "$WORK"
else
    as_pg() { "$@"; }
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/pgci.XXXXXX")"
fi
chmod 700 "$WORK"
DATA="$WORK/data"
SERVER_LOG="$WORK/server.log"

stop_server() {
    [ -f "$DATA/postmaster.pid" ] || return 0
    log "stopping the server"
    as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null 2>&1 ||
        as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
        log "WARNING: the server in $DATA did not stop"
}

# shellcheck disable=SC2329  # called by the EXIT trap
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_server
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

locale_args=(--no-locale)
if command -v locale >/dev/null && locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
    locale_args=(--locale=C.UTF-8)
fi

log "initialising a cluster with $PG_BIN/initdb as $(as_pg id -un)"
as_pg "$PG_BIN/initdb" -D "$DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 "${locale_args[@]}" --no-sync >"$WORK/initdb.log" 2>&1 || {
    cat "$WORK/initdb.log" >&2
    die "initdb failed"
}

# Durability is not needed for a throw-away test server; speed is.
server_options="-c listen_addresses=127.0.0.1 -k $WORK -c fsync=off -c synchronous_commit=off"
server_options+=" -c full_page_writes=off -c max_connections=100"
PORT=""
for attempt in 1 2 3; do
    candidate="$(free_port)"
    if as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$SERVER_LOG" -w -t 60 \
        -o "$server_options -p $candidate" start >/dev/null; then
        PORT="$candidate"
        break
    fi
    log "the server did not start on port $candidate (attempt $attempt):"
    tail -n 20 "$SERVER_LOG" >&2 || true
    stop_server
done
[ -n "$PORT" ] || die "could not start PostgreSQL"

PASSWORD="$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
as_pg "$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$WORK" -p "$PORT" -U postgres -d postgres \
    -c "CREATE ROLE \"$DB_ROLE\" LOGIN CREATEDB PASSWORD '$PASSWORD'" \
    -c "CREATE DATABASE \"$DB_NAME\" OWNER \"$DB_ROLE\""
version="$(as_pg "$PSQL" -X -A -t -h "$WORK" -p "$PORT" -U postgres -d postgres \
    -c 'SHOW server_version')"
log "PostgreSQL $version on 127.0.0.1:$PORT, database $DB_NAME, role $DB_ROLE (CREATEDB)"

export DATABASE_URL="postgres://$DB_ROLE:$PASSWORD@127.0.0.1:$PORT/$DB_NAME"
set +e
"$@"
status=$?
set -e
if [ "$status" -ne 0 ] && grep -qE 'FATAL|PANIC' "$SERVER_LOG" 2>/dev/null; then
    log "command failed ($status); the server logged:"
    grep -E 'FATAL|PANIC' "$SERVER_LOG" | tail -n 30 >&2 || true
fi
exit "$status"
