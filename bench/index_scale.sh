#!/usr/bin/env bash
# Scale benchmark of the persistent index (`scan --index`): the time to add
# one dump of NEW generated articles to an index already holding BASE
# articles, against adding the same dump to an empty index. Prints one
# markdown table.
#
#   bench/index_scale.sh [BASES...]        default: 0 50000 200000
#   NEW=10000  MODE=--no-claims  REFRAIN=build/refrain  WORK=/tmp/refrain-index-bench
#   STEP=100000 (articles per dump when building the base indexes)
#   REPEAT=1 (runs per row; the best wall time is shown)
#
# All articles come from one generated corpus (seed 42): an index of BASE
# holds its first BASE articles, added in dumps of STEP; the new dump is the
# NEW articles after the largest base, so it holds planted near-duplicates of
# indexed articles. Base indexes are built once and cached in $WORK (about
# 7 kB per article without claims, 19 kB with); each row adds the new dump to
# a fresh copy of one, synced to disk, with the file in the page cache (it
# was just copied).
set -euo pipefail
cd "$(dirname "$0")/.."
REFRAIN=${REFRAIN:-build/refrain}
WORK=${WORK:-/tmp/refrain-index-bench}
NEW=${NEW:-10000}
MODE=${MODE---no-claims}
STEP=${STEP:-100000}
REPEAT=${REPEAT:-1}
bases=("$@")
[ ${#bases[@]} -eq 0 ] && bases=(0 50000 200000)
mkdir -p "$WORK"
tag=$( [ -n "$MODE" ] && echo "$MODE" | tr -dc 'a-z' || echo claims)
IFS=$'\n' bases=($(printf '%s\n' "${bases[@]}" | sort -n | uniq)); unset IFS
max=${bases[-1]}
corpus="$WORK/gen-$((max + NEW)).jsonl"
[ -f "$corpus" ] || "$REFRAIN" generate --docs $((max + NEW)) --seed 42 --out "$corpus" >/dev/null
new="$WORK/new-$max-$NEW.jsonl"
# lines FROM TO FILE: lines FROM..TO (1-based, inclusive) of FILE.
lines() { sed -n "$1,$2p;$2q" "$3"; }
[ -f "$new" ] || lines $((max + 1)) $((max + NEW)) "$corpus" > "$new"

# Base indexes, grown dump by dump; each is kept as the start of the next.
grow="$WORK/grow-$tag.db"
have=0
from=""
for b in "${bases[@]}"; do
  [ "$b" -eq 0 ] && continue
  db="$WORK/base-$b-$tag.db"
  if [ -f "$db" ]; then
    have=$b; from=$db; continue
  fi
  rm -f "$grow" "$grow-wal" "$grow-shm"
  [ -n "$from" ] && cp "$from" "$grow"
  while [ "$have" -lt "$b" ]; do
    n=$(( b - have < STEP ? b - have : STEP ))
    lines $((have + 1)) $((have + n)) "$corpus" > "$WORK/dump.jsonl"
    "$REFRAIN" scan "$WORK/dump.jsonl" --index "$grow" $MODE --quiet --out "$WORK/out-build" >&2
    have=$((have + n))
  done
  mv "$grow" "$db"
  from=$db
done
rm -f "$WORK/dump.jsonl"

echo "| indexed articles | index MB | kB/article | add $NEW: wall s | x empty | index step s | compared with | new-indexed pairs | new-indexed claim matches | peak RSS MB |"
echo "|---|---|---|---|---|---|---|---|---|---|"
empty_s=""
for b in "${bases[@]}"; do
  db="$WORK/run.db"
  size=0
  [ "$b" -gt 0 ] && size=$(stat -c %s "$WORK/base-$b-$tag.db")
  t="" rss=0 step=""
  for _ in $(seq "$REPEAT"); do
    rm -f "$db" "$db-wal" "$db-shm"
    [ "$b" -gt 0 ] && cp "$WORK/base-$b-$tag.db" "$db"
    sync  # No write-back of the copy competes with the run's commit.
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" \
      "$REFRAIN" scan "$new" --index "$db" $MODE --out "$WORK/out" > "$WORK/summary.txt"
    read -r t1 m < "$WORK/time.txt"
    [ "$m" -gt "$rss" ] && rss=$m
    if [ -z "$t" ] || awk "BEGIN{exit !($t1 < $t)}"; then
      t=$t1
      step=$(sed -nE 's/^index .* \(([0-9.]+) s\)$/\1/p' "$WORK/summary.txt")
    fi
  done
  [ -z "$empty_s" ] && empty_s=$t
  read -r compared pairs matches < <(python3 - "$WORK/out/report.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
pairs = sum(p.get("scope") == "new-indexed" for p in r["near_duplicates"]["pairs"])
matches = sum(m.get("scope") == "new-indexed" for m in r["claims"]["matches"])
print(r["index"]["compared"], pairs, matches)
EOF
)
  awk -v b="$b" -v size="$size" -v t="$t" -v e="$empty_s" -v step="$step" -v c="$compared" \
      -v p="$pairs" -v m="$matches" -v rss="$rss" 'BEGIN{
    printf "| %d | %.0f | %s | %.2f | %.2f | %s | %d | %d | %d | %.0f |\n",
      b, size/1e6, (b > 0 ? sprintf("%.1f", size/1e3/b) : "-"), t, t/e, step, c, p, m, rss/1024 }'
done
