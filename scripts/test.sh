#!/usr/bin/env bash
# Quick start, command 2: installs what is missing, builds with warnings as
# errors, and runs every test (ctest). .ci/run calls this script.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --browser --mpi
scripts/build.sh -DREFRAIN_WERROR=ON -DREFRAIN_BUILD_TESTS=ON -DREFRAIN_MPI=ON
cd build
ctest --output-on-failure --timeout 600 -j "$(nproc)"
