#!/usr/bin/env bash
# Queue load benchmark over real HTTP with wrk (not a test). Starts a release
# govhall on a throwaway database with the demo hall and request rate limits
# off, then measures taking tickets and calling them.
#   scripts/bench-queue.sh [sqlite|postgres] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
secs=${2:-10}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -n "${NO_BUILD:-}" ] || cargo build --release -p govhall -q 2>/dev/null || cargo build --release -p govhall
work=$(mktemp -d)
case "$backend" in
  sqlite) db="sqlite://$work/bench.db" ;;
  postgres) db="${GOVHALL_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}/govhall_bench_$$" ;;
  *) echo "backend: sqlite or postgres" >&2; exit 2 ;;
esac
port=18$((RANDOM % 900 + 100))
GOVHALL_RATE_LIMIT=off GOVHALL_OPENING_HOURS=off GOVHALL_LOG=warn target/release/govhall serve --demo --database "$db" --listen "127.0.0.1:$port" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/auth/login" -H 'content-type: application/json' \
  -d '{"username":"admin","password":"govhall-demo"}' | sed -E 's/.*"token":"([^"]+)".*/\1/')
echo "== $backend: take ticket, 32 connections, ${secs}s"
wrk -t2 -c32 -d"${secs}s" --latency -s benches/http/take_ticket.lua "http://127.0.0.1:$port" | tee "$work/take.txt"
echo "== $backend: call next, 32 connections, ${secs}s"
TOKEN=$token wrk -t2 -c32 -d"${secs}s" --latency -s benches/http/call_next.lua "http://127.0.0.1:$port" | tee "$work/call.txt"
echo "== server RSS"
grep VmRSS "/proc/$pid/status"
if [ "$backend" = postgres ]; then
  kill $pid; wait $pid 2>/dev/null || true
  psql "${GOVHALL_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}/postgres" -qc "DROP DATABASE IF EXISTS govhall_bench_$$ WITH (FORCE)" || true
fi
