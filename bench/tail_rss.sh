#!/usr/bin/env bash
# Splits one scan's wall time and RSS at the end of the scan proper: the
# summary line's own total ("(30.6 MB, 3.74 s)") marks where the reports
# start, so what follows it is report rendering, writing and exit.
#   bench/tail_rss.sh BIN INPUT [SCAN_ARGS...]
# Samples VmRSS every 20 ms; prints wall, scan total, the time after it, and
# the max RSS on either side.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,7p' "$0"; exit 2; }
bin=$1 in=$2; shift 2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
start=$(date +%s.%N)
"$bin" scan "$in" "$@" --out "$tmp/out" >"$tmp/summary" 2>"$tmp/err" &
pid=$!
while kill -0 $pid 2>/dev/null; do
  r=$(awk '/VmRSS/{print $2}' /proc/$pid/status 2>/dev/null || true)
  [ -n "$r" ] && echo "$(date +%s.%N) $r" >>"$tmp/samples"
  sleep 0.02
done
# A failed scan, or one with no summary to time (--quiet), says why.
if ! wait $pid; then
  cat "$tmp/err" >&2
  echo "tail_rss.sh: the scan failed" >&2
  exit 1
fi
end=$(date +%s.%N)
total=$(grep -o '[0-9.]* s)' "$tmp/summary" | head -1 | tr -d ' s)' || true)
if [ -z "$total" ]; then
  echo "tail_rss.sh: no summary line to split the time at (drop --quiet)" >&2
  exit 1
fi
python3 - "$start" "$end" "$total" "$tmp/samples" "$bin" <<'PY'
import sys
start, end, total = map(float, sys.argv[1:4])
during = after = 0
for line in open(sys.argv[4]):
    t, kb = line.split()
    if float(t) - start < total:
        during = max(during, int(kb))
    else:
        after = max(after, int(kb))
print(f"{sys.argv[5]}: wall {end - start:.2f} s, scan total {total:.2f} s, "
      f"after it {end - start - total:.2f} s; max RSS during the scan "
      f"{during / 1024:.0f} MB, after it {after / 1024:.0f} MB")
PY
