#!/usr/bin/env bash
# Scale checks of degenerate dumps that are too slow for ctest (the tests in
# tests/robustness_test.cc run smaller versions): prints one table row per
# case with wall time and peak memory (GNU time).
#   1. one million tiny documents {"text":"a b"} (one cluster of 1e6);
#   2. 5,000 and 20,000 copies of one article: one cluster; the time ratio
#      should stay near 4 (linear), far from 16 (quadratic);
#   3. a 100 MB single JSONL line between two small ones (skipped).
#   bench/robustness.sh [REFRAIN_BINARY]     (default build/refrain)
# Environment: THREADS (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/refrain}
threads=${THREADS:-2}
[ -x "$bin" ] || { echo "robustness.sh: no binary $bin (scripts/build.sh)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/refrain-robust.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

article='Officials in the capital said on Friday that the new bridge over the river would open to traffic next spring, two years later than planned. The regional governor blamed rising steel prices and a shortage of engineers for the delay. Residents on both banks have waited almost a decade for the crossing, which will replace a ferry service.'

run() {  # NAME INPUT
  local name=$1 input=$2
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$bin" scan "$input" --quiet \
    --threads "$threads" --out "$tmp/out" 2>"$tmp/err" || {
    cat "$tmp/err" >&2; exit 1; }
  read -r secs kb <"$tmp/time"
  local docs pairs
  docs=$(grep -o '"documents": [0-9]*' "$tmp/out/report.json" | head -1 | grep -o '[0-9]*$')
  pairs=$(($(wc -l <"$tmp/out/pairs.csv") - 1))
  printf '| %-28s | %9s | %9s | %8.2f | %8d |\n' "$name" "$docs" "$pairs" \
    "$secs" $((kb / 1024))
  echo "$secs" >"$tmp/last_secs"
  rm -rf "$tmp/out"
}

echo "| case                         | documents | pairs     | wall s   | peak MB  |"
echo "|------------------------------|-----------|-----------|----------|----------|"
awk 'BEGIN { for (i = 0; i < 1000000; ++i) print "{\"text\":\"a b\"}" }' \
  >"$tmp/tiny.jsonl"
run "1,000,000 tiny documents" "$tmp/tiny.jsonl"
rm -f "$tmp/tiny.jsonl"

for n in 5000 20000; do
  awk -v n="$n" -v t="$article" \
    'BEGIN { for (i = 0; i < n; ++i) printf "{\"id\":\"c%d\",\"text\":\"%s\"}\n", i, t }' \
    >"$tmp/same$n.jsonl"
  run "$n identical articles" "$tmp/same$n.jsonl"
  cp "$tmp/last_secs" "$tmp/secs$n"
  rm -f "$tmp/same$n.jsonl"
done
awk -v a="$(cat "$tmp/secs5000")" -v b="$(cat "$tmp/secs20000")" \
  'BEGIN { printf "time ratio 20k / 5k identical: %.2f (linear: 4, quadratic: 16)\n", b / a }'

{
  echo '{"id":"first","text":"a small article"}'
  printf '{"id":"huge","text":"'
  head -c $((100 << 20)) /dev/zero | tr '\0' 'w'
  echo '"}'
  echo '{"id":"last","text":"another small one"}'
} >"$tmp/huge.jsonl"
run "100 MB line (skipped)" "$tmp/huge.jsonl"
