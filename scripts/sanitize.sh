#!/usr/bin/env bash
# Runs the tests under sanitizers; any report fails the script.
#
# 1. ASan + UBSan (REFRAIN_SANITIZE=address,undefined, UBSan findings
#    fatal) in build-asan/: the ctest suite without the browser tests, and
#    the fuzz corpora replayed (label "fuzz"). Built with clang-14 and
#    REFRAIN_FUZZ=ON, so the fuzz targets are libFuzzer binaries and
#    `FUZZ_BUILD_DIR=build-asan scripts/fuzz.sh` (as .ci/run does) reuses
#    this build instead of compiling the library a third time. With MPI:
#    the MPI scan test (mpirun -np 2 and 3) runs under ASan + UBSan too,
#    with LeakSanitizer off for it alone (Open MPI's own allocations).
# 2. TSan in build-tsan/: clang-14 with LLVM's OpenMP runtime and its Archer
#    tool, which tells TSan about OpenMP's barriers, locks and task
#    dependences. (GCC's libgomp is not instrumented, so TSan over it reports
#    races on every parallel loop's shared data: false positives that would
#    need suppressions broad enough to hide real races too.) Runs the scan
#    determinism test, the report writer's waves (chunks_test) and `refrain
#    generate` + `refrain scan --threads N` of a generated corpus, with 2
#    and 4 threads (oversubscribed on purpose).
#
#   scripts/sanitize.sh [--asan-only | --tsan-only] [--ci] [CTEST_ARGS...]
# --ci (.ci/run) leaves out of the ASan run the two slowest end-to-end tests
# (4 and 6 times slower there than in the release build .ci/run has just
# run them in): Determinism.* (the threaded scan is still covered by TSan)
# and Index.KilledWriterLeavesAllOrNothing.
# Environment: SANITIZE_JOBS (default nproc) for build and ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
asan=1 tsan=1
exclude=()
while [ $# -gt 0 ]; do
  case "$1" in
    --asan-only) tsan=0 ;;
    --tsan-only) asan=0 ;;
    --ci) exclude=(-E '^(Determinism\.|Index\.KilledWriterLeavesAllOrNothing$)') ;;
    *) break ;;
  esac
  shift
done
jobs=${SANITIZE_JOBS:-$(nproc)}
scripts/deps.sh --fuzz --mpi

configure() {  # DIR ARGS...
  local dir=$1; shift
  local generator=()
  [ ! -f "$dir/CMakeCache.txt" ] && generator=(-G Ninja)
  # -O1 -g1 (line tables): half the compile time of -O2 -g, file:line in
  # every report; NDEBUG is not defined, so the library's asserts run too.
  cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DREFRAIN_WERROR=ON \
    -DREFRAIN_BUILD_BENCHMARKS=OFF "$@" >/dev/null
}

if [ $asan -eq 1 ]; then
  echo "sanitize.sh: ASan + UBSan build (build-asan)" >&2
  configure build-asan -DCMAKE_CXX_COMPILER=clang++-14 \
    -DREFRAIN_SANITIZE=address,undefined -DREFRAIN_FUZZ=ON \
    -DREFRAIN_BUILD_TESTS=ON -DREFRAIN_MPI=ON
  cmake --build build-asan --parallel "$jobs"
  # halt_on_error / abort: the first report fails the test that caused it.
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  (cd build-asan && ctest --output-on-failure --timeout 900 -j "$jobs" \
     -LE browser "${exclude[@]}" "$@")
  unset ASAN_OPTIONS UBSAN_OPTIONS
fi

if [ $tsan -eq 1 ]; then
  echo "sanitize.sh: TSan build (build-tsan, clang-14 + libomp + Archer)" >&2
  configure build-tsan -DCMAKE_CXX_COMPILER=clang++-14 \
    -DREFRAIN_SANITIZE=thread -DREFRAIN_MPI=OFF
  cmake --build build-tsan --parallel "$jobs" --target refrain_cli scan_test chunks_test
  if ldd build-tsan/refrain | grep -q libgomp; then
    echo "sanitize.sh: build-tsan/refrain links GCC's libgomp, not libomp" >&2
    exit 1
  fi
  archer=/usr/lib/llvm-14/lib/libarcher.so
  [ -f "$archer" ] || { echo "sanitize.sh: $archer missing" >&2; exit 1; }
  # ignore_noninstrumented_modules: accesses made inside uninstrumented
  # libraries (libomp's own allocator, ICU, Abseil) are not checked, as
  # Archer's documentation asks; every access of refrain's code still is.
  export OMP_TOOL_LIBRARIES=$archer ARCHER_OPTIONS=verbose=1
  export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 ignore_noninstrumented_modules=1"
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/refrain-tsan.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # Canary: this setup must still see a real OpenMP race, and must not
  # report a reduction or a critical section.
  cat >"$tmp/canary.cc" <<'CANARY'
#include <cstdio>
int main() {
  long sum = 0;
  int v[1000];
  for (int& x : v) x = 1;
#if RACE
#pragma omp parallel for num_threads(2)
  for (int i = 0; i < 1000; ++i) sum += v[i];
#else
#pragma omp parallel for num_threads(2) reduction(+ : sum)
  for (int i = 0; i < 1000; ++i) sum += v[i];
#pragma omp parallel num_threads(2)
  {
#pragma omp critical
    sum += 1;
  }
#endif
  std::printf("%ld\n", sum);
}
CANARY
  for race in 0 1; do
    clang++-14 -DRACE=$race -fsanitize=thread -fopenmp=libomp -g -O1 \
      "$tmp/canary.cc" -o "$tmp/canary$race" -L/usr/lib/llvm-14/lib \
      -Wl,-rpath,/usr/lib/llvm-14/lib
    rc=0
    "$tmp/canary$race" >/dev/null 2>"$tmp/canary.err" || rc=$?
    if { [ $race -eq 0 ] && [ $rc -ne 0 ]; } || { [ $race -eq 1 ] && [ $rc -ne 66 ]; }; then
      cat "$tmp/canary.err" >&2
      echo "sanitize.sh: TSan canary RACE=$race exited $rc: the setup is unsound" >&2
      exit 1
    fi
  done
  # Archer says once per process (on stdout) that it is active; without it
  # every OpenMP barrier would look like a race, so its absence is an error.
  check_archer() {
    grep -q "Archer detected OpenMP application with TSan" "$1" || {
      cat "$1" >&2
      echo "sanitize.sh: Archer was not loaded ($1)" >&2
      exit 1
    }
  }
  build-tsan/tests/scan_test --gtest_filter='Scan.SameReportForOneAndTwoThreads' \
    >"$tmp/test.err" 2>&1 || { cat "$tmp/test.err" >&2; exit 1; }
  check_archer "$tmp/test.err"
  # The report files' waves: take() of one beside the rendering of the next.
  build-tsan/tests/chunks_test >"$tmp/chunks.err" 2>&1 || {
    cat "$tmp/chunks.err" >&2; exit 1; }
  check_archer "$tmp/chunks.err"
  build-tsan/refrain generate --docs 1500 --seed 3 --out "$tmp/g.jsonl.zst" \
    >"$tmp/gen.err" 2>&1 || { cat "$tmp/gen.err" >&2; exit 1; }
  for threads in 2 4; do
    build-tsan/refrain scan "$tmp/g.jsonl.zst" --threads "$threads" \
      --out "$tmp/out$threads" --quiet \
      >"$tmp/scan.err" 2>&1 || { cat "$tmp/scan.err" >&2; exit 1; }
    check_archer "$tmp/scan.err"
  done
  cmp "$tmp/out2/report.json" "$tmp/out4/report.json"
  echo "sanitize.sh: TSan: determinism test, report waves and threaded scans clean" >&2
fi
echo "sanitize.sh: no sanitizer reports" >&2
