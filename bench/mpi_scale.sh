#!/usr/bin/env bash
# Scale-out benchmark (docs/scale-out.md): `refrain scan` as one process and
# under `mpirun -np N` on one generated corpus cut into FILES files. Prints a
# markdown table: wall time, time per phase on rank 0, bytes sent by all
# ranks (per document and per phase), and peak RSS of the largest rank; and
# checks that every N-rank report.json equals the single-process one.
#
#   bench/mpi_scale.sh [DOCS] [RANKS...]     default: 100000 2 4
#   REFRAIN=build/refrain WORK=/tmp/refrain-mpi-bench FILES=16 MODE=--no-claims
set -euo pipefail
cd "$(dirname "$0")/.."
REFRAIN=${REFRAIN:-build/refrain}
WORK=${WORK:-/tmp/refrain-mpi-bench}
FILES=${FILES:-16}
MODE=${MODE:---no-claims}
docs=${1:-100000}
[ $# -gt 0 ] && shift
ranks=("$@")
[ ${#ranks[@]} -eq 0 ] && ranks=(2 4)
mkdir -p "$WORK"
dump="$WORK/gen-$docs-$FILES"
if [ ! -d "$dump" ]; then
  "$REFRAIN" generate --docs "$docs" --seed 42 --out "$WORK/gen-$docs.jsonl" >/dev/null
  mkdir -p "$dump"
  split -n "l/$FILES" -d -a 3 --additional-suffix=.jsonl "$WORK/gen-$docs.jsonl" "$dump/part-"
  rm "$WORK/gen-$docs.jsonl"
fi
mb=$(du -sb "$dump" | awk '{print $1/1e6}')
export OMPI_MCA_btl_vader_single_copy_mechanism=none

echo "corpus: $docs generated articles, $mb MB in $FILES files; flags: $MODE; $(nproc) cores"
echo
echo "| ranks | wall s | sketch s | merge s | bands s | verify s | cluster s | claims s | sent MB | bytes/doc | merge B/doc | bands B/doc | verify B/doc | claims B/doc | peak RSS MB (max rank) | report = 1 rank |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
/usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$REFRAIN" scan "$dump" $MODE \
  --quiet --out "$WORK/out-1" 2>"$WORK/err-1.txt"
read -r wall rss <"$WORK/time.txt"
awk -v w="$wall" -v r="$rss" 'BEGIN{printf "| 1 (no MPI) | %.2f | | | | | | | 0 | 0 | 0 | 0 | 0 | 0 | %.0f | - |\n", w, r/1024}'
for np in "${ranks[@]}"; do
  # %M of mpirun is its own peak; each rank's peak comes from its own time.
  /usr/bin/time -f "%e" -o "$WORK/time.txt" \
    mpirun --allow-run-as-root --oversubscribe --bind-to none -np "$np" \
    sh -c '/usr/bin/time -f %M -o "$0-$OMPI_COMM_WORLD_RANK.txt" "$@"' \
    "$WORK/rss-$np" "$REFRAIN" scan "$dump" $MODE --out "$WORK/out-$np" \
    >/dev/null 2>"$WORK/err-$np.txt"
  wall=$(cat "$WORK/time.txt")
  rss=$(cat "$WORK"/rss-"$np"-*.txt 2>/dev/null | sort -n | tail -1)
  rm -f "$WORK"/rss-"$np"-*.txt
  same=$(python3 tests/mpi/same_report.py "$WORK/out-1/report.json" \
           "$WORK/out-$np/report.json" "$np" >/dev/null 2>&1 && echo yes || echo NO)
  python3 - "$WORK/err-$np.txt" "$np" "$wall" "${rss:-0}" "$same" "$docs" <<'PY'
import re, sys
err, np, wall, rss, same, docs = sys.argv[1:]
text = open(err).read()
phases = {m[0]: (float(m[1]), int(m[2])) for m in re.findall(
    r"mpi: phase (\w+): ([0-9.]+) s on rank 0, ([0-9]+) bytes", text)}
total = re.search(r"mpi: \d+ ranks, \d+ documents[^,]*, ([0-9]+) bytes sent \(([0-9]+) per", text)
d = int(docs)
cols = [phases.get(p, (0, 0))[0] for p in ("sketch", "merge", "bands", "verify", "cluster", "claims")]
per = [phases.get(p, (0, 0))[1] / d for p in ("merge", "bands", "verify", "claims")]
print(f"| {np} | {float(wall):.2f} | " + " | ".join(f"{c:.2f}" for c in cols) +
      f" | {int(total[1]) / 1e6:.1f} | {int(total[2])} | " + " | ".join(f"{x:.0f}" for x in per) +
      f" | {int(rss)/1024:.0f} | {same} |")
PY
done
