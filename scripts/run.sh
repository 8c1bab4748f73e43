#!/usr/bin/env bash
# Quick start, command 1: installs what is missing, builds, and scans corpus/
# (or the paths given) with the embedded defaults. The report goes to
# refrain-out/report.json.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh --target refrain
if [ $# -eq 0 ]; then set -- corpus; fi
exec build/refrain scan "$@"
