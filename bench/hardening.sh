#!/usr/bin/env bash
# The public port under attack, before and after its bounds (issue 15,
# rows 1-4): examples/port_attack.rs against the binary of a base revision
# (default b7a1f11, the main before the bounds; built in a temporary git
# worktree with its own target directory) and against this checkout's.
# Loopback only; every row is bounded (WINDOW seconds, 20-60; 2,200 attack
# connections at most). Builds first, then measures, so that no build
# runs while the figures are taken.
#
#   bench/hardening.sh                      # rows 1-4, 30 s windows
#   BASE_BIN=/path/to/leakguard ROWS=13 bench/hardening.sh
set -euo pipefail
cd "$(dirname "$0")/.."
base_rev="${BASE_REV:-b7a1f11}"
window="${WINDOW:-30}"
rows="${ROWS:-1234}"
target="${CARGO_TARGET_DIR:-target}"

cargo build -q --release --bin leakguard --example port_attack
if [ -z "${BASE_BIN:-}" ]; then
  tree=$(mktemp -d)
  trap 'git worktree remove --force "$tree" 2>/dev/null || true; rm -rf "$tree"' EXIT
  git worktree add -q --detach "$tree" "$base_rev"
  CARGO_TARGET_DIR="$target/hardening-base" cargo build -q --release --bin leakguard \
    --manifest-path "$tree/Cargo.toml"
  BASE_BIN="$target/hardening-base/release/leakguard"
fi

attack="$target/release/examples/port_attack"
echo "== before ($base_rev)"
"$attack" --binary "$BASE_BIN" --rows "$rows" --window "$window"
echo "== after ($(git rev-parse --short HEAD)$(git diff --quiet || echo +changes))"
"$attack" --binary "$target/release/leakguard" --rows "$rows" --window "$window"
echo "== $(nproc) cores, $(date -u +%Y-%m-%d)"
