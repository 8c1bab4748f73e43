#!/usr/bin/env bash
# Configures and builds refrain in build/ (Release). Extra arguments go to
# CMake's configure step, e.g. scripts/build.sh -DREFRAIN_WERROR=ON.
#   scripts/build.sh --target refrain_cli [CMAKE_ARGS...]   builds one target
#   only (quick start's first command: the CLI, without the tests and
#   benchmarks, takes 40% of the full build's time).
set -euo pipefail
cd "$(dirname "$0")/.."
target=()
if [ "${1:-}" = --target ]; then
  target=(--target "$2")
  shift 2
fi
generator=()
command -v ninja >/dev/null && [ ! -f build/CMakeCache.txt ] && generator=(-G Ninja)
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build --parallel "$(nproc)" "${target[@]}"
