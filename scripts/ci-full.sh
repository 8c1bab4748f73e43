#!/usr/bin/env bash
# The full CI run (.ci/run execs it; timed end to end on a fresh copy of the
# tree: 10-15 min, see docs/robustness.md): the README's test command, then the
# sanitizer runs and a short fuzzing run of every fuzz target. Prints the
# wall time of each step (the whole run must stay well under 15 minutes on a
# 2-core machine; docs/robustness.md has the measured figures).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
step() {  # NAME COMMAND...
  local name=$1 t0=$SECONDS
  shift
  echo "==> .ci/run: $name" >&2
  "$@"
  echo "==> .ci/run: $name: $((SECONDS - t0)) s (total $((SECONDS - start)) s)" >&2
}
step "tests (scripts/test.sh)" scripts/test.sh
step "sanitizers (scripts/sanitize.sh --ci)" scripts/sanitize.sh --ci
# The sanitizer build (clang, ASan + UBSan, libFuzzer instrumentation) also
# serves the fuzz targets: no third build of the library.
step "fuzzing (scripts/fuzz.sh 35)" env FUZZ_BUILD_DIR=build-asan scripts/fuzz.sh 35
