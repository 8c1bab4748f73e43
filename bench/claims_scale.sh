#!/usr/bin/env bash
# Macro benchmark of the claims stage: `refrain scan` with claims (the
# default) against `--no-claims`, on the BBC corpus, on BBC syndicated and on
# generated corpora. Prints one markdown table: claim units, copies (units of
# near-duplicate articles repeating one another), candidate pairs, scored
# pairs, matches, the claims stage's time, the whole scan's wall time with
# and without claims, their ratio, and peak RSS of both. One run per cell.
#
#   bench/claims_scale.sh [SIZES...]     default: 10000
#   BBC=/path/to/bbc  REFRAIN=build/refrain  WORK=/tmp/refrain-bench
#   THREADS=2  EXTRA="--claim-lsh-threshold 0.3"   (passed to the scans
#                   with claims: claim flags are refused with --no-claims)
#   DOC_EXTRA="--threshold 0.7"   (passed to every scan)
#   SYNDICATED=10   also BBC in 10 outlets: every article 10 times, copies
#                   with a new first line and 0.5% of words swapped
#                   (bench/bbc_scaled.py ... 0.005): near-duplicate clusters
#                   of 10, the wire-copy case; 0 to skip
#
# Generated corpora are shared with bench/scale.sh (same names and seed).
# A scan the claims stage refuses (--claim-max-candidates) shows the reason.
set -euo pipefail
cd "$(dirname "$0")/.."
REFRAIN=${REFRAIN:-build/refrain}
WORK=${WORK:-/tmp/refrain-bench}
BBC=${BBC:-../shared/data/bbc-news/bbc}
THREADS=${THREADS:-2}
EXTRA=${EXTRA:-}
DOC_EXTRA=${DOC_EXTRA:-}
SYNDICATED=${SYNDICATED:-10}
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(10000)
[ -x "$REFRAIN" ] || { echo "claims_scale.sh: no $REFRAIN (run scripts/build.sh first)" >&2; exit 1; }
mkdir -p "$WORK"

row() {  # row NAME INPUT
  local name=$1 input=$2 t0 rss0 t1 rss1 summary
  # shellcheck disable=SC2086  # EXTRA and DOC_EXTRA are lists of flags.
  /usr/bin/time -f "%e %M" -o "$WORK/claims-time.txt" "$REFRAIN" scan "$input" \
    --threads "$THREADS" --no-claims --quiet --out "$WORK/claims-out" $DOC_EXTRA
  read -r t0 rss0 < "$WORK/claims-time.txt"
  # shellcheck disable=SC2086
  if ! /usr/bin/time -f "%e %M" -o "$WORK/claims-time.txt" "$REFRAIN" scan "$input" \
      --threads "$THREADS" --out "$WORK/claims-out" $DOC_EXTRA $EXTRA \
      >"$WORK/claims-summary.txt" 2>"$WORK/claims-err.txt"; then
    read -r t1 rss1 < <(tail -1 "$WORK/claims-time.txt")
    printf '| %s | refused: %s | | | | | | %.2f | %.2f | | %d / %d |\n' "$name" \
      "$(grep -o 'would emit [0-9]* candidate pairs' "$WORK/claims-err.txt" || head -c 120 "$WORK/claims-err.txt")" \
      "$t0" "$t1" "$((rss0 / 1024))" "$((rss1 / 1024))"
    return
  fi
  read -r t1 rss1 < "$WORK/claims-time.txt"
  summary=$(grep -E '^claims: [0-9]+ units' "$WORK/claims-summary.txt")
  local stage
  stage=$(tr '\r' '\n' < "$WORK/claims-summary.txt" | grep -E '^  stages:' | sed -E 's/.*claims ([0-9.]+) s.*/\1/')
  # "claims: U units (S too short, B boilerplate excluded, P copies in
  # near-duplicates), C candidate pairs, K scored, M matches in L clusters"
  local units copies cand scored matches
  units=$(sed -E 's/^claims: ([0-9]+) units.*/\1/' <<<"$summary")
  copies=$(sed -E 's/.* ([0-9]+) copies in near-duplicates.*/\1/' <<<"$summary")
  cand=$(sed -E 's/.* ([0-9]+) candidate pairs?.*/\1/' <<<"$summary")
  scored=$(sed -E 's/.* ([0-9]+) scored.*/\1/' <<<"$summary")
  matches=$(sed -E 's/.* ([0-9]+) match(es)? in.*/\1/' <<<"$summary")
  awk -v n="$name" -v u="$units" -v p="$copies" -v c="$cand" -v k="$scored" \
      -v m="$matches" -v st="$stage" -v t0="$t0" -v t1="$t1" -v r0="$rss0" \
      -v r1="$rss1" 'BEGIN{
    printf "| %s | %d | %d | %d | %d | %d | %.2f | %.2f | %.2f | %.1f | %.0f / %.0f |\n",
      n, u, p, c, k, m, st, t0, t1, t1 / t0, r0 / 1024, r1 / 1024 }'
}

echo "| corpus | claim units | copies | candidate pairs | scored | matches | claims stage s | scan --no-claims s | scan s | ratio | peak RSS MB (no claims / claims) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
if [ -d "$BBC" ]; then
  row bbc "$BBC"
  if [ "$SYNDICATED" -gt 0 ]; then
    f="$WORK/bbc-syn$SYNDICATED.jsonl"
    [ -f "$f" ] || python3 bench/bbc_scaled.py "$BBC" "$SYNDICATED" "$f" 0.005 >/dev/null
    row "bbc-syn$SYNDICATED" "$f"
  fi
else
  echo "claims_scale.sh: no BBC folder at $BBC: its rows left out (set BBC=/path/to/bbc)" >&2
fi
for n in "${sizes[@]}"; do
  f="$WORK/gen-$n.jsonl.zst"
  if [ ! -f "$f" ]; then
    "$REFRAIN" generate --docs "$n" --seed 42 --out "$f" --truth "$WORK/gen-$n.truth.tsv" >/dev/null
  fi
  row "gen-$n" "$f"
done
