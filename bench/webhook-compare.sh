#!/usr/bin/env bash
# Webhook load in one run: leakguard with durable SQLite writes, then the
# minimal bot on LINE's official Python SDK (plain and tuned uvicorn), all
# on loopback with the same generator (examples/webhook_load.rs) and the
# same signed one-text-event bodies. Each run is bounded by --seconds.
#
#   bench/webhook-compare.sh            # 8 s per run
#   RUN_SECONDS=5 bench/webhook-compare.sh
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${RUN_SECONDS:-8}"
port="${PORT:-8090}"
cargo build -q --release --bin leakguard --example webhook_load
load=target/release/examples/webhook_load

summary=()
run() { # label, then webhook_load arguments
  local label=$1; shift
  echo "== $label"
  local out; out=$("$load" --seconds "$secs" "$@")
  echo "$out"
  summary+=("$(printf '%-42s %s' "$label" "$(grep '^req/s' <<<"$out")")")
}

run "leakguard sqlite, 1 connection" --connections 1
run "leakguard sqlite, 32 connections" --connections 32

bot=""
trap '[ -n "$bot" ] && kill "$bot" 2>/dev/null; true' EXIT
for fast in 0 1; do
  FAST=$fast PORT=$port bash bench/python-bot/run.sh &
  bot=$!
  for _ in $(seq 1 300); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/webhook/line" -d '{}' || true)
    [ "$code" = 401 ] && break
    sleep 0.2
  done
  flavour=$([ "$fast" = 1 ] && echo "uvloop+httptools" || echo "plain uvicorn")
  run "python sdk bot ($flavour), 32 conn" --connections 32 --target "http://127.0.0.1:$port" --pid "$bot"
  kill "$bot"; wait "$bot" 2>/dev/null || true; bot=""
done

echo
echo "== summary ($(nproc) cores, $(date -u +%Y-%m-%d))"
printf '%s\n' "${summary[@]}"
