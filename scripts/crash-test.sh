#!/usr/bin/env bash
# Crash durability, the full version (CI runs 3 cycles per backend inside
# `cargo test`): kiosks, windows, online raters and case staff load the real
# server while it is killed with SIGKILL and restarted, N times per backend.
# Everything answered 2xx must survive, the display must reconnect and miss
# nothing, and the background jobs must not do anything twice.
#   scripts/crash-test.sh [sqlite|postgres|both] [cycles]     (default: both 20)
# GOVHALL_CRASH_SEED repeats a run's random load durations.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-both}
cycles=${2:-20}
case "$which" in
  sqlite) tests=(crash_sqlite) ;;
  postgres) tests=(crash_postgres) ;;
  both) tests=(crash_sqlite crash_postgres) ;;
  *) echo "usage: $0 [sqlite|postgres|both] [cycles]" >&2; exit 2 ;;
esac
case "$cycles" in
  '' | *[!0-9]* | 0) echo "cycles: a positive number" >&2; exit 2 ;;
esac
if [ "$which" != sqlite ] && ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "PostgreSQL is not accepting connections on 127.0.0.1:5432 (scripts/test.sh starts it)" >&2
  exit 1
fi
export GOVHALL_TEST_POSTGRES="${GOVHALL_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
export GOVHALL_CRASH_CYCLES=$cycles

cargo test -p govhall --test durability --no-run -q
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
for t in "${tests[@]}"; do
  echo "== $t: $cycles SIGKILL cycles"
  # One backend at a time, so each gets the machine to itself.
  cargo test -q -p govhall --test durability -- --exact "$t" --nocapture 2>&1 | tee -a "$log" || status=1
done

echo
echo "== figures"
printf '%-9s %6s %9s %7s %9s %11s %6s %5s %7s %10s %8s\n' \
  backend cycles tickets cases finishes evaluations lost changed dupes display_missed seconds
grep '^CRASH-FIGURES' "$log" | while read -r _ fields; do
  declare -A f=()
  for kv in $fields; do f[${kv%%=*}]=${kv#*=}; done
  printf '%-9s %6s %9s %7s %9s %11s %6s %5s %7s %10s %8s\n' \
    "${f[backend]}" "${f[cycles]}" "${f[tickets]}" "${f[cases]}" "${f[finishes]}" "${f[evaluations]}" \
    "${f[lost]}" "${f[changed]}" "${f[duplicates]}" "${f[display_missed]}" "${f[seconds]}"
done
if [ "$status" -eq 0 ]; then
  echo "acknowledged records lost: 0 (every check passed)"
else
  echo "FAILED: see the findings above" >&2
fi
exit "$status"
