#!/usr/bin/env bash
# Schema-driven fuzzing of the JSON API (schemathesis): builds govhall, starts
# `govhall serve --demo` on a fresh SQLite database on a free port, signs in as
# the demo administrator and runs schemathesis over every operation of
# /api/openapi.json with that token. Exits non-zero on any failure.
#   scripts/fuzz-api.sh [examples]     (examples per operation; default: schemathesis's own)
# Not fuzzed: POST /api/auth/logout (it would revoke the token every other request uses).
# GOVHALL_FUZZ_SEED repeats a run; GOVHALL_FUZZ_REPORT=DIR keeps schemathesis's JUnit report there.
# GOVHALL_FUZZ_URL=http://HOST:PORT fuzzes a server already running (demo data, rate limit off)
# instead of building and starting one: the test suite does so with its own in-process server.
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-}
case "$examples" in
  '' ) ;;
  *[!0-9]* | 0) echo "examples: a positive number" >&2; exit 2 ;;
esac
command -v schemathesis >/dev/null 2>&1 || python3 -c 'import schemathesis' 2>/dev/null || {
  echo "schemathesis is not installed (python3 -m pip install 'schemathesis==4.*')" >&2
  exit 1
}

work=$(mktemp -d)
server=
caller=
cleanup() {
  if [ -n "$caller" ]; then kill "$caller" 2>/dev/null || true; wait "$caller" 2>/dev/null || true; fi
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

base=${GOVHALL_FUZZ_URL:-}
if [ -z "$base" ]; then
  cargo build -q -p govhall
  bin=${CARGO_TARGET_DIR:-target}/debug/govhall

  # The security throttles (login, progress lookups, pairing) stay on by design.
  GOVHALL_RATE_LIMIT=off GOVHALL_OPENING_HOURS=off GOVHALL_LOG=warn \
    "$bin" serve --demo --database "sqlite://$work/fuzz.db" --listen 127.0.0.1:0 >"$work/out" 2>"$work/err" &
  server=$!
  for _ in $(seq 1 300); do
    base=$(sed -n 's|^govhall 已启动：\(http://[^/]*\)/.*|\1|p' "$work/out")
    [ -n "$base" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$work/err" >&2; echo "govhall did not start" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$base" ] || { echo "govhall did not start in 30 s" >&2; exit 1; }
fi

token=$(python3 - "$base" <<'PY'
import json, sys, urllib.request
req = urllib.request.Request(
    sys.argv[1] + "/api/auth/login",
    data=json.dumps({"username": "admin", "password": "govhall-demo"}).encode(),
    headers={"content-type": "application/json"},
)
print(json.load(urllib.request.urlopen(req))["token"])
PY
)

# The display stream is fuzzed like the rest: so that it has events to check
# against their schema, a helper takes and calls a ticket at window 1 twice a
# second while schemathesis runs.
python3 - "$base" "$token" <<'PY' &
import json, sys, time, urllib.request
base, token = sys.argv[1], sys.argv[2]
def send(method, path, body=None):
    req = urllib.request.Request(
        base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"authorization": "Bearer " + token, "content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read() or b"null")
    except Exception:
        return None
while True:
    send("POST", "/api/windows/1/status", {"status": "open"})
    send("POST", "/api/tickets", {"category": "A"})
    called = send("POST", "/api/windows/1/call")
    if called:
        send("POST", "/api/tickets/%s/finish" % called["ticket"]["id"])
    time.sleep(0.5)
PY
caller=$!

args=(run "$base/api/openapi.json"
  --checks all
  --exclude-checks positive_data_acceptance
  --header "Authorization: Bearer $token"
  --exclude-path /api/auth/logout
  --request-timeout 10
  --workers 2
  --suppress-health-check all)
[ -n "$examples" ] && args+=(--max-examples "$examples")
[ -n "${GOVHALL_FUZZ_SEED:-}" ] && args+=(--seed "$GOVHALL_FUZZ_SEED")
[ -n "${GOVHALL_FUZZ_REPORT:-}" ] && args+=(--report junit --report-dir "$GOVHALL_FUZZ_REPORT")

echo "== schemathesis against $base (examples per operation: ${examples:-default})"
start=$(date +%s)
status=0
python3 -m schemathesis.cli --config-file scripts/fuzz-api.toml "${args[@]}" || status=$?
echo "== fuzzing took $(( $(date +%s) - start )) s"
if [ -n "$server" ]; then
  if grep -q 'panicked' "$work/err"; then
    echo "the server panicked:" >&2
    grep -A5 'panicked' "$work/err" >&2
    status=1
  fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "the server is no longer running" >&2
    status=1
  fi
fi
exit "$status"
