#!/usr/bin/env bash
# Runs the `extract` fuzz target once per format family, each seeded with
# that family's files from tests/fixtures/attachments, two families at a
# time (one per core). The target sends every input through the sandboxed
# child as the server does; a copy of the release binary is the child, so
# that rebuilding target/ during a run changes nothing.
#
#   fuzz/extract-families.sh              # 600 s per family
#   SECONDS_PER_FAMILY=60 fuzz/extract-families.sh text pdf
#
# Needs cargo-fuzz (cargo install cargo-fuzz) and Tesseract with chi_tra
# for the image family. Corpora and crash files go to target/fuzz-extract/;
# the last lines of each family's log are printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
per="${SECONDS_PER_FAMILY:-600}"
fixtures=tests/fixtures/attachments
out=target/fuzz-extract

declare -A seeds=(
  [text]="inspection-list-utf8.csv inspection-list-big5.csv harmless-notice.csv images/not-an-image.png"
  [sheet]="inspection-list.xlsx inspection-list.xls inspection-list.ods harmless-roster.xlsx many-cells.ods truncated.xlsx"
  [office]="patient-list.docx patient-list.odt patient-list.pptx secret-memo.docx harmless-minutes.docx harmless-notes.odt"
  [pdf]="patient-list.pdf patient-list-cns.pdf harmless-notes.pdf edit-locked.pdf encrypted.pdf nested.pdf"
  [archive]="patient-list.zip nested.zip encrypted.zip"
  [image]="images/inspection-notice-small.jpg images/screenshot.gif images/screenshot.webp images/truncated.png images/huge-header.png"
)
families=("$@")
[ ${#families[@]} -gt 0 ] || families=(text sheet office pdf archive image)

cargo build -q --release --bin leakguard
cargo fuzz build -O -s none -a extract
mkdir -p "$out"
cp target/release/leakguard "$out/leakguard"
export LEAKGUARD_BIN="$PWD/$out/leakguard"
fuzzer=fuzz/target/x86_64-unknown-linux-gnu/release/extract

run_family() {
  local family=$1 dir="$out/$1"
  mkdir -p "$dir/corpus" "$dir/seeds" "$dir/artifacts"
  for f in ${seeds[$family]}; do cp "$fixtures/$f" "$dir/seeds/"; done
  # The largest seed sets the longest input; the per-input timeout is
  # above the sandbox's own 5 s deadline, so a hang is the child's.
  "$fuzzer" "$dir/corpus" "$dir/seeds" -max_total_time="$per" -timeout=30 \
    -rss_limit_mb=2048 -artifact_prefix="$dir/artifacts/" -print_final_stats=1 \
    >"$dir/log" 2>&1 && echo "$family: done" || echo "$family: FAILED (see $dir/log)"
}

for ((i = 0; i < ${#families[@]}; i += 2)); do
  run_family "${families[i]}" &
  [ $((i + 1)) -lt ${#families[@]} ] && run_family "${families[i + 1]}" &
  wait
done

for family in "${families[@]}"; do
  echo "== $family"
  grep -E "^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^Done|ERROR|crash-" "$out/$family/log" || true
  ls "$out/$family/artifacts"
done
