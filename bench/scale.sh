#!/usr/bin/env bash
# Macro benchmark: `refrain scan` on generated corpora and on the BBC corpus.
# Prints one markdown table: docs/s, MB/s, ratio to the floor, peak RSS, RSS
# per document, recall of planted pairs at Jaccard >= 0.9 (the issue's
# figure) and at >= 0.8 (the scan's threshold, where a pair the LSH misses
# would show; review 48a-05), and the speed-up
# from 1 core to 2 (`taskset -c 0 ... --threads 1` against `--threads 2`).
#
#   bench/scale.sh [SIZES...]        default: 10000 100000 1000000
#   BBC=/path/to/bbc  REFRAIN=build/refrain  WORK=/tmp/refrain-bench
#   MODE=--no-claims (the default; MODE= scans with claims)
#   BBC_COPIES=45   also scan BBC repeated 45 times with perturbations
#                   (bench/bbc_scaled.py; 0 to skip): datasketch's corpus at
#                   a size whose time is stable, as plain JSONL (rows
#                   bbc-x45) and zstd-compressed (bbc-x45.zst)
#   DATASKETCH_MBS=2.8   datasketch's MB/s on BBC (one core), for the ratio
#
# Generated corpora are cached in $WORK (the 1M corpus is ~1.2 GB of zstd).
set -euo pipefail
cd "$(dirname "$0")/.."
REFRAIN=${REFRAIN:-build/refrain}
WORK=${WORK:-/tmp/refrain-bench}
BBC=${BBC:-../shared/data/bbc-news/bbc}
MODE=${MODE---no-claims}  # MODE= (empty): with claims, as in index_scale.sh
REPEAT=${REPEAT:-1}
BBC_COPIES=${BBC_COPIES:-45}
DATASKETCH_MBS=${DATASKETCH_MBS:-2.8}
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(10000 100000 1000000)
[ -x "$REFRAIN" ] || { echo "scale.sh: no $REFRAIN (run scripts/build.sh first)" >&2; exit 1; }
mkdir -p "$WORK"

# run [taskset -c N] ARGS...: best wall time (s) and peak RSS (KB) of REPEAT
# runs of refrain ARGS. The wall time is bash's EPOCHREALTIME (microseconds)
# around the run, not GNU time's %e, whose 10 ms steps were a tenth of a
# 10k-article run.
run() {
  local best="" rss=0 pin=() t0 t1 t m
  if [ "$1" = taskset ]; then pin=(taskset -c "$3"); shift 3; fi
  for _ in $(seq "$REPEAT"); do
    t0=$EPOCHREALTIME
    /usr/bin/time -f "%M" -o "$WORK/time.txt" "${pin[@]}" "$REFRAIN" "$@" >/dev/null 2>"$WORK/err.txt" || {
      cat "$WORK/err.txt" >&2; return 1; }
    t1=$EPOCHREALTIME
    t=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.4f", b - a}')
    read -r m < "$WORK/time.txt"
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  echo "$best $rss"
}

row() {  # row NAME DOCS MB INPUT... (inputs as scan paths)
  local name=$1 docs=$2 mb=$3; shift 3
  read -r tf _ < <(run scan "$@" --floor --quiet --out "$WORK/out")
  read -r t2 rss < <(run scan "$@" $MODE --threads 2 --quiet --out "$WORK/out")
  cp "$WORK/out/report.json" "$WORK/report-$name.json"
  # One core against two: the reader thread shares the single core.
  read -r t1 _ < <(run taskset -c 0 scan "$@" $MODE --threads 1 --quiet --out "$WORK/out1")
  local recall="n/a" recall8="n/a"
  if [ -f "$WORK/$name.truth.tsv" ]; then
    recall=$(python3 bench/check_pairs.py "$WORK/report-$name.json" "$WORK/$name.truth.tsv" \
               --min-jaccard 0.9 | sed -E 's/.*recall ([0-9.]+|n\/a).*/\1/' || true)
    recall8=$(python3 bench/check_pairs.py "$WORK/report-$name.json" "$WORK/$name.truth.tsv" \
               --min-jaccard 0.8 | sed -E 's/.*recall ([0-9.]+|n\/a).*/\1/' || true)
  fi
  awk -v n="$name" -v d="$docs" -v mb="$mb" -v tf="$tf" -v t1="$t1" -v t2="$t2" -v rss="$rss" -v r="$recall" -v r8="$recall8" -v ds="$DATASKETCH_MBS" 'BEGIN{
    printf "| %s | %d | %.1f | %.3f | %.3f | %.0f | %.1f | %.0f | %.2f | %.0f | %.0f | %s | %s | %.2f |\n",
      n, d, mb, t2, tf, d/t2, mb/t2, mb/t2/ds, t2/tf, rss/1024, rss*1024/d, r, r8, t1/t2 }'
}

echo "| corpus | docs | MB | scan s (2 thr) | floor s | docs/s | MB/s | x datasketch | x floor | peak RSS MB | RSS B/doc | recall J>=0.9 | recall J>=0.8 | 1->2 thr |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
if [ -d "$BBC" ]; then
  mb=$(du -sb "$BBC" | awk '{print $1/1e6}')
  # Every file the scan reads: BBC's 2,225 articles and its README.TXT.
  row bbc "$(find "$BBC" -type f | wc -l)" "$mb" "$BBC"
  if [ "$BBC_COPIES" -gt 0 ]; then
    # Plain JSONL, read as datasketch reads BBC (uncompressed text), and
    # zstd-compressed like the generated corpora when the zstd tool is
    # there (Debian package zstd): decompressing is work datasketch's
    # figure does not include, on the one reader thread.
    plain="$WORK/bbc-x$BBC_COPIES.jsonl"
    [ -f "$plain" ] || python3 bench/bbc_scaled.py "$BBC" "$BBC_COPIES" "$plain" >/dev/null
    inputs=("$plain")
    if command -v zstd >/dev/null; then
      [ -f "$plain.zst" ] || zstd -q -f -3 "$plain" -o "$plain.zst"
      inputs+=("$plain.zst")
    fi
    for f in "${inputs[@]}"; do
      summary=$("$REFRAIN" scan "$f" --floor 2>/dev/null)
      mb=$(sed -E 's/.* words, ([0-9.]+) MB.*/\1/' <<<"$summary")
      docs=$(sed -E 's/^floor: ([0-9]+) documents.*/\1/' <<<"$summary")
      name="bbc-x$BBC_COPIES"
      [ "${f%.zst}" != "$f" ] && name="$name.zst"
      row "$name" "$docs" "$mb" "$f"
    done
  fi
else
  echo "scale.sh: no BBC folder at $BBC: its rows left out (set BBC=/path/to/bbc)" >&2
fi
for n in "${sizes[@]}"; do
  f="$WORK/gen-$n.jsonl.zst"
  if [ ! -f "$f" ]; then
    "$REFRAIN" generate --docs "$n" --seed 42 --out "$f" --truth "$WORK/gen-$n.truth.tsv" >/dev/null
  fi
  mb=$("$REFRAIN" scan "$f" --floor 2>/dev/null | sed -E 's/.* words, ([0-9.]+) MB.*/\1/')
  row "gen-$n" "$n" "$mb" "$f"
done
