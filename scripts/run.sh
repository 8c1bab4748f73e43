#!/usr/bin/env bash
# Quick start, command 1: installs what is missing, builds, and scans corpus/
# (or the paths given) with the embedded defaults. The report goes to
# refrain-out/report.json. Paths and --out are taken from the directory the
# command is run in, as the binary itself would take them.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
"$repo/scripts/deps.sh"
"$repo/scripts/build.sh" --target refrain_cli
if [ $# -eq 0 ]; then
  # From the repository: corpus/ (the quick start). From elsewhere: the
  # repository's corpus/, the report in this directory's refrain-out/.
  set -- "$(realpath --relative-to=. "$repo/corpus")"
fi
exec "$repo/build/refrain" scan "$@"
