#!/usr/bin/env bash
# Checks that two builds write the same outputs for one input: every file
# of --out byte for byte, report.html without its timings table (the only
# part that differs between runs). For refactors and speed-ups, which must
# not change a result.
#   bench/cmp_outputs.sh OLD_BINARY NEW_BINARY INPUT... [SCAN_ARGS...]
# e.g. bench/cmp_outputs.sh /tmp/old/refrain build/refrain ../shared/data/bbc-news/bbc
# Exit 0 and "identical: ..." when they match, 1 and the differing files
# otherwise.
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,9p' "$0"; exit 2; }
old=$1 new=$2; shift 2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$old" scan "$@" --quiet --out "$tmp/old"
"$new" scan "$@" --quiet --out "$tmp/new"
status=0
if ! diff <(cd "$tmp/old" && ls) <(cd "$tmp/new" && ls) >/dev/null; then
  echo "the two runs wrote different files"; status=1
fi
for f in "$tmp"/old/*; do
  name=$(basename "$f")
  [ -f "$tmp/new/$name" ] || continue
  case "$name" in
    *.html) cmp -s <(grep -v ' s</td>' "$f") <(grep -v ' s</td>' "$tmp/new/$name") ;;
    *) cmp -s "$f" "$tmp/new/$name" ;;
  esac || { echo "differs: $name"; status=1; }
done
[ $status -eq 0 ] && echo "identical: $(cd "$tmp/old" && ls | tr '\n' ' ')"
exit $status
