#!/usr/bin/env bash
# Runs every govhall test on a fresh machine: installs Chromium and its driver
# for the browser test and the Python OpenAPI validator and fuzzer for the API
# test, makes sure PostgreSQL is up for the PostgreSQL half of
# the storage and HTTP suites, then checks formatting, lints and tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need_apt+=(fonts-wqy-microhei)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# The OpenAPI checks: openapi-spec-validator validates the document and
# schemathesis fuzzes the API (crates/web/tests/it/openapi.rs).
py_tools=("openapi-spec-validator==0.9.0" "schemathesis==4.32.5")
if ! python3 -c 'import openapi_spec_validator, schemathesis' 2>/dev/null; then
  echo "== installing ${py_tools[*]}"
  python3 -m pip install -q "${py_tools[@]}" ||
    python3 -m pip install -q --break-system-packages "${py_tools[@]}"
fi

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
if ! pg_up; then
  echo "== starting PostgreSQL"
  version=$(ls /etc/postgresql | sort -n | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
  for _ in $(seq 1 60); do pg_up && break; sleep 0.5; done
  pg_up || { echo "PostgreSQL did not start" >&2; exit 1; }
fi
export GOVHALL_TEST_POSTGRES="${GOVHALL_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
export GOVHALL_BROWSER_TESTS=1
export GOVHALL_API_TESTS=1

echo "== cargo fmt"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
