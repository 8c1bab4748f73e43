#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang-14 (ASan + UBSan,
# REFRAIN_FUZZ=ON) in build-fuzz/ (or $FUZZ_BUILD_DIR: .ci/run reuses
# scripts/sanitize.sh's build-asan) and runs each for SECONDS (default 60),
# one after the other, starting from its checked-in corpus
# tests/fuzz/corpus/<target>/. New inputs go to a scratch corpus that is
# thrown away; a finding leaves its input in BUILD/artifacts/ and makes
# the script exit 1 (copy the input into the target's corpus once fixed, so
# ctest replays it in every build).
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 600 fuzz_report
# Environment: FUZZ_NICE (default 10) is the niceness of the fuzzing
# processes on a shared machine; FUZZ_JOBS (default nproc) the build's jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_ingest fuzz_normalize fuzz_report fuzz_html fuzz_wordnet)
case "$seconds" in '' | *[!0-9]*)
  echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;;
esac

scripts/deps.sh --fuzz
build=${FUZZ_BUILD_DIR:-build-fuzz}
generator=()
[ ! -f "$build/CMakeCache.txt" ] && generator=(-G Ninja)
# -O1 -g1 as scripts/sanitize.sh: quick to build, asserts on. Only the fuzz
# targets (and the library) are built, whatever else the directory holds.
cmake -S . -B "$build" "${generator[@]}" -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" \
  -DREFRAIN_FUZZ=ON -DREFRAIN_WERROR=ON -DREFRAIN_BUILD_BENCHMARKS=OFF \
  >/dev/null
cmake --build "$build" --parallel "${FUZZ_JOBS:-$(nproc)}" --target "${targets[@]}"

work=$(mktemp -d "${TMPDIR:-/tmp}/refrain-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/artifacts" "$work/tmp"
status=0
for t in "${targets[@]}"; do
  mkdir -p "$work/$t"
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  # -timeout: one input running 60 s is a hang; -rss_limit_mb: a leak or a
  # blow-up. The harnesses write their scratch files under TMPDIR.
  if TMPDIR="$work/tmp" nice -n "${FUZZ_NICE:-10}" "$build/tests/fuzz/$t" \
      -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2560 \
      -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
      "${dict[@]}" "$work/$t" "tests/fuzz/corpus/$t" >"$work/$t.log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t.log")
    cov=$(grep -o 'cov: [0-9]*' "$work/$t.log" | tail -1)
    echo "fuzz.sh: $t: ${seconds} s, ${runs:-?} inputs (${rate:-?}/s), ${cov:-cov: ?}, no findings"
  else
    status=1
    echo "fuzz.sh: $t FAILED; its log ends with:" >&2
    grep -v -e '^#[0-9]*.*\(NEW\|REDUCE\|pulse\)' "$work/$t.log" | tail -40 >&2
    echo "fuzz.sh: the input is in $build/artifacts/ (replay it with" \
         "$build/tests/fuzz/$t FILE)" >&2
  fi
done
exit $status
