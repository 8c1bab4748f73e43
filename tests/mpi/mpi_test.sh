#!/usr/bin/env bash
# The MPI scan gives the single-process report (issue 8): runs `refrain scan`
# as one process and under `mpirun -np 2` and `-np 3`, on corpus/ and on a
# generated dump cut into several files (one gzip-compressed) with bad
# records and an id repeated across shards, and compares the report.json
# files field by field (tests/mpi/same_report.py): only params.ranks may
# differ.
#   tests/mpi/mpi_test.sh REFRAIN_BINARY SOURCE_DIR
set -euo pipefail
refrain=$1
src=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/refrain-mpi.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Root in CI containers; oversubscribe: 3 ranks on a 2-core machine.
mpirun=(mpirun --allow-run-as-root --oversubscribe)
export OMPI_MCA_btl_vader_single_copy_mechanism=none  # containers: no CMA

# A generated dump in 7 files, plus edge cases spread over the shards.
"$refrain" generate --docs 3000 --seed 7 --out "$work/gen.jsonl" >/dev/null
mkdir -p "$work/dump"
split -n l/7 -d --additional-suffix=.jsonl "$work/gen.jsonl" "$work/dump/part-"
gzip "$work/dump/part-03.jsonl"
first_id=$(head -c 200 "$work/dump/part-00.jsonl" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
{
  echo '{"id":"'"$first_id"'","text":"The same id as the first article of part 00, in another shard."}'
  head -n 1 "$work/dump/part-00.jsonl"  # Delivered twice: skipped.
  echo '{"id":"bad", "text": '
  echo '{"id":"notext","title":"no text field"}'
  echo '{"id":"extra-1","text":"A short extra article about the harbour reopening on Monday after the storm."}'
} >"$work/dump/part-05b.jsonl"
echo 'not an article' >"$work/dump/part-06b.bin"
# Eight copies of an article in three shards: with it, a cluster of 9.
copy=$(sed -n 's/.*"text":"\([^"]*\)".*/\1/p' "$work/gen.jsonl" | sed -n 10p)
for f in 01b:1 04b:4 06c:3; do
  for i in $(seq "${f#*:}"); do
    echo '{"id":"copy-'"${f%:*}-$i"'","text":"'"$copy"'"}'
  done >"$work/dump/part-${f%:*}.jsonl"
done
: >"$work/dump/part-02b.jsonl"
# One footer line in six stories spread over the shards: boilerplate, which
# the ranks must agree on (their paragraph keys meet on rank 0).
for i in 1 2 3 4 5 6; do
  printf 'Harbour news %s\n\nThe council of town number %s voted on Tuesday to rebuild the old harbour wall after the storms of %s.\n\nSign up for our newsletter to get the top stories of the day in your inbox every morning.\n' \
    "$i" "$i" "$((1990 + i))" >"$work/dump/part-0${i}f.txt"
done

run() {  # LOG COMMAND... ; on failure shows the command's output
  local log=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    echo "FAILED: $*" >&2
    tail -40 "$log" >&2
    exit 1
  fi
}

check() {  # NAME PATHS... ; runs 1, 2 and 3 ranks and compares
  local name=$1
  shift
  run "$work/$name-1.log" "$refrain" scan "$@" --out "$work/$name-1" --quiet
  for np in 2 3; do
    run "$work/$name-$np.log" "${mpirun[@]}" -np $np "$refrain" scan "$@" \
      --out "$work/$name-$np" --quiet
    echo -n "$name, $np ranks: "
    python3 "$src/tests/mpi/same_report.py" "$work/$name-1/report.json" \
      "$work/$name-$np/report.json" $np
  done
}
# A claims stage stopped at a limit (scan exits 1, the document-level
# results written): the same report under 1, 2 and 3 ranks.
check_stopped() {  # NAME PATHS...
  local name=$1
  shift
  for np in 1 2 3; do
    local cmd=("$refrain")
    [ "$np" -gt 1 ] && cmd=("${mpirun[@]}" -np "$np" "$refrain")
    local rc=0
    "${cmd[@]}" scan "$@" --out "$work/$name-$np" --quiet \
      >"$work/$name-$np.log" 2>&1 || rc=$?
    if [ "$rc" -ne 1 ] ||
       ! grep -q "near-duplicate results are written" "$work/$name-$np.log"; then
      echo "FAILED: $name, $np ranks: exit $rc" >&2
      tail -20 "$work/$name-$np.log" >&2
      exit 1
    fi
    if [ "$np" -gt 1 ]; then
      echo -n "$name, $np ranks: "
      python3 "$src/tests/mpi/same_report.py" "$work/$name-1/report.json" \
        "$work/$name-$np/report.json" "$np"
    fi
  done
}
check corpus "$src/corpus"
# One JSON Lines file, read in pieces by every rank (a byte-order mark,
# CRLF lines, blank lines, bad records and records without an id, whose id
# is their file:line, spread over it): the same records, skips and line
# numbers as one process reads.
python3 - "$work/gen.jsonl" "$work/one.jsonl" <<'PY'
import json, random, sys
random.seed(5)
lines = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l]
out = []
for l in lines:
    r = random.random()
    if r < 0.01:
        out.append('{"id":"bad", "text": ')
    if r > 0.99:
        out.append("")
    if 0.5 < r < 0.51:
        d = json.loads(l)
        del d["id"]
        l = json.dumps(d)
    out.append(l)
n = len(out)
text = ("\ufeff" + "\n".join(out[: n // 4]) + "\r\n" +
        "\r\n".join(out[n // 4: n // 2]) + "\n" + "\n".join(out[n // 2:]))
open(sys.argv[2], "w", encoding="utf-8").write(text)
PY
check one-file "$work/one.jsonl"
for np in 2 3; do
  # Rank 0 sketched only its piece of the file.
  "${mpirun[@]}" -np $np "$refrain" scan "$work/one.jsonl" --no-claims \
    --out "$work/one-file-stats-$np" 2>&1 >/dev/null |
    grep '^mpi: .* ranks' | python3 -c '
import re, sys
line = sys.stdin.read()
total, on_root = map(int, re.search(r"(\d+) documents \(rank 0 sketched (\d+) records", line).groups())
assert 0 < on_root < total, line
print(f"one file, '"$np"' ranks: rank 0 sketched {on_root} of its {total} documents")'
done
check_stopped claims-over-memory "$src/corpus" --claim-max-memory 0.05
check_stopped claims-over-candidates "$work/dump" --claim-max-candidates 10
check generated "$work/dump"
check generated-no-claims "$work/dump" --no-claims --threshold 0.7
# A big cluster listed as pairs to its representative, measured across ranks.
check capped "$work/dump" --no-claims --max-cluster-pairs 2 --max-bucket 3
# The longest copy represents its cluster (text sizes travel to rank 0).
check keep-longest "$work/dump" --no-claims --keep longest --max-cluster-pairs 2
# Capped buckets pair their members with the copy --keep keeps, its rank
# from rank 0 (review 41b-01).
check capped-keep-longest "$work/dump" --no-claims --keep longest --max-bucket 3
check capped-keep-earliest "$work/dump" --no-claims --keep earliest --max-bucket 3
# The ranks bucket by the keys LshIndex buckets by (their top 32 bits):
# 100,000 documents (seed 3) hold 19 candidate pairs that only collide in
# 32 bits, which full 64-bit keys on the ranks did not list.
"$refrain" generate --docs 100000 --seed 3 --out "$work/large.jsonl" >/dev/null
run "$work/large-1.log" "$refrain" scan "$work/large.jsonl" --no-claims \
  --out "$work/large-1" --quiet
run "$work/large-2.log" "${mpirun[@]}" -np 2 "$refrain" scan \
  "$work/large.jsonl" --no-claims --out "$work/large-2" --quiet
echo -n "100,000 generated, 2 ranks: "
python3 "$src/tests/mpi/same_report.py" "$work/large-1/report.json" \
  "$work/large-2/report.json" 2

# The capped run did cap: a bucket over 3 members and a cluster listed
# as a tree of its verified pairs.
python3 - "$work/capped-3/report.json" <<'PY'
import json, sys
nd = json.load(open(sys.argv[1]))["near_duplicates"]
assert nd["capped_buckets"] > 0, nd["capped_buckets"]
big = [c for c in nd["clusters"] if c["pairs"] == "tree"]
assert big and max(c["size"] for c in big) == 9, big
print(f"capped: {nd['capped_buckets']} capped buckets, a cluster of 9 (an article and its 8 copies) as a tree of its verified pairs")
PY

# The shared footer was excluded as boilerplate in the 3-rank run too.
python3 - "$work/generated-3/report.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["claims"]
assert c["excluded_boilerplate"] >= 6, c["excluded_boilerplate"]
print(f"boilerplate units excluded in the 3-rank report: {c['excluded_boilerplate']}")
PY

# A failure on rank 0 alone (its scorer cannot load WordNet, after the other
# ranks have finished their part of the claims stage) fails the run with
# the reason, naming the rank and its host, and leaves no rank waiting in a collective (this used to hang).
rc=0
timeout 120 "${mpirun[@]}" -np 2 "$refrain" scan "$src/corpus" \
  --out "$work/fail" --quiet --wordnet-dir "$work/no-wordnet" \
  >"$work/fail.log" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ] ||
   ! grep -q "rank 0 of 2 on .*cannot load WordNet" "$work/fail.log"; then
  echo "FAILED: rank-0 failure under mpirun: exit $rc (124: hung), or its reason not naming the rank and host" >&2
  tail -20 "$work/fail.log" >&2
  exit 1
fi
echo "rank-0 failure: exit $rc with its reason, no hang"

# A named pipe is one stream: refused as standard input is (review 39d-01:
# the ranks' second open of it waited for ever, mpirun hung).
mkfifo "$work/pipe.jsonl"
rc=0
timeout 60 "${mpirun[@]}" -np 2 "$refrain" scan "$work/pipe.jsonl" \
  --out "$work/pipe-out" --quiet >"$work/pipe.log" 2>&1 || rc=$?
if [ "$rc" -ne 2 ] || ! grep -q "pipe.jsonl is a named pipe" "$work/pipe.log"; then
  echo "FAILED: a named pipe under mpirun: exit $rc (124: hung), want 2 with its reason" >&2
  tail -20 "$work/pipe.log" >&2
  exit 1
fi
echo "named pipe under mpirun: refused, exit 2"

# /dev/stdin is a pipe on rank 0 alone (mpirun gives the others
# /dev/null): the ranks agree on the refusal (review 51a-01: rank 0
# refused and the others waited for its list of files for ever).
rc=0
echo '{"id": "x", "text": "one record"}' |
  timeout 60 "${mpirun[@]}" -np 2 "$refrain" scan /dev/stdin \
    --out "$work/stdin-out" --quiet >"$work/stdin.log" 2>&1 || rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ] ||
  ! grep -q "/dev/stdin is a named pipe" "$work/stdin.log"; then
  echo "FAILED: /dev/stdin under mpirun: exit $rc (124: hung), want a refusal with its reason" >&2
  tail -20 "$work/stdin.log" >&2
  exit 1
fi
echo "/dev/stdin under mpirun: refused, exit $rc"

# The skipped records must be there, in input order, in every report.
python3 - "$work/generated-3/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
reasons = [s["reason"] for s in r["inputs"]["skipped"]]
assert any(x.startswith("repeats the record at") for x in reasons), reasons
renamed = [d for d in r["documents"] if "input_id" in d]
assert len(renamed) == 2 and r["inputs"]["renamed_ids"] == 2, renamed
for d in renamed:
    assert d["id"].startswith(d["input_id"] + "#") and len(d["id"]) == len(d["input_id"]) + 9, d
assert any(x.startswith("unsupported file type") for x in reasons), reasons
assert any(x.startswith("malformed JSON") for x in reasons), reasons
assert r["inputs"]["records"] == r["inputs"]["documents"] + r["inputs"]["skipped_count"]
print(f"skipped in the 3-rank report: {len(reasons)}: {sorted(set(x.split(' (')[0][:30] for x in reasons))}")
PY
