#!/usr/bin/env bash
# Schemathesis against the REST API's own OpenAPI schema, on a real server with a real
# credential (CI's API step, `make test-api-schema`).
#
# Makes a throw-away installation in a temporary directory (SQLite, local encrypted file
# store, the demo data), creates an API client with every scope through the portal's own
# action, asks the token endpoint for an access token with curl, serves the portal on a
# free loopback port (`manage.py runserver --noreload`) and runs `schemathesis run` with
# every check: no 5xx, answers that match the schema (status codes, content types,
# headers, bodies), refusals of bad input, and `ignored_auth` (every operation refuses a
# call without the token). The server is stopped and the directory removed on every exit;
# the exit status is schemathesis's.
#
#   API_SCHEMA_PORT (default: a free port) is the server's loopback port;
#   SCHEMATHESIS_MAX_EXAMPLES (default 25) and SCHEMATHESIS_MAX_TIME (seconds, default
#   600) bound the run.
set -euo pipefail

log() { printf 'ci_api_schema: %s\n' "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="$HERE/.venv/bin/python"
ST="$HERE/.venv/bin/schemathesis"
[ -x "$ST" ] || die "schemathesis not found: make install-dev"
command -v curl >/dev/null || die "curl is needed"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/apici.XXXXXX")"
chmod 700 "$WORK"
SERVER_PID=""

# shellcheck disable=SC2329  # called by the EXIT trap
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        log "stopping the server"
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT="${API_SCHEMA_PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
BASE="http://127.0.0.1:$PORT"
export PYTHONPATH="$HERE/src" DJANGO_SETTINGS_MODULE=pensionportal.settings
export DATABASE_URL="sqlite:///$WORK/portal.sqlite3"
export PORTAL_STORAGE_DIR="$WORK/storage"
export PORTAL_BASE_URL="$BASE"
export PORTAL_SECRET_KEY="ci-api-schema-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
export PORTAL_EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
# Files are checked at once (in the request's commit), so later calls see checked files.
export PORTAL_TASK_BACKEND=django_tasks.backends.immediate.ImmediateBackend
export PORTAL_LOG_LEVEL=WARNING
cd "$WORK"

log "installing into $WORK"
"$PY" "$HERE/manage.py" migrate --noinput -v 0
"$PY" "$HERE/manage.py" createcachetable
"$PY" "$HERE/manage.py" load_demo_data >/dev/null

# A client with every scope and a rate limit schemathesis will not reach.
read -r CLIENT_ID CLIENT_SECRET <<<"$("$PY" - <<'PYTHON'
import django

django.setup()
from pensionportal.accounts.models import Organization, User
from pensionportal.core.demo import DEMO_DOMAIN, DEMO_EMPLOYER
from pensionportal.integrations import actions
from pensionportal.integrations.models import Scope

made = actions.create_client(
    User.objects.get(email=f"admin@{DEMO_DOMAIN}"),
    Organization.objects.get(name=DEMO_EMPLOYER),
    name="schemathesis",
    scopes=[scope.value for scope in Scope],
    rate_limit_per_minute=actions.MAX_RATE,
)
print(made.client.client_id, made.secret)
PYTHON
)"

"$PY" "$HERE/manage.py" runserver --noreload --nothreading "127.0.0.1:$PORT" \
    >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$BASE/api/v1/openapi.json" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server stopped"; }
    sleep 0.3
done

TOKEN="$(curl -fsS -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials \
    "$BASE/api/v1/oauth/token" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')"
[ -n "$TOKEN" ] || die "no access token"
log "serving $BASE; token for $CLIENT_ID"

status=0
"$ST" --config-file "$HERE/scripts/schemathesis.toml" run "$BASE/api/v1/openapi.json" \
    --header "Authorization: Bearer $TOKEN" \
    --checks all \
    --workers 1 \
    --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-25}" \
    --max-time "${SCHEMATHESIS_MAX_TIME:-600}" \
    --request-timeout 60 \
    --suppress-health-check too_slow \
    --seed 19 \
    || status=$?
if [ "$status" -ne 0 ]; then
    log "server log (last 60 lines):"
    tail -n 60 "$WORK/server.log" >&2 || true
fi
exit "$status"
