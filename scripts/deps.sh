#!/usr/bin/env bash
# Installs the Debian 12 packages refrain needs to build, test and benchmark.
# Idempotent: asks dpkg first and runs apt-get only for what is missing, so a
# second run costs well under a second.
#   scripts/deps.sh            build + test dependencies
#   scripts/deps.sh --browser  also Chromium (for the HTML report browser test)
#   scripts/deps.sh --mpi      also Open MPI
#   scripts/deps.sh --fuzz     also clang-14 with libFuzzer and the sanitizer
#                              runtimes, and LLVM's OpenMP (TSan-aware via
#                              Archer): scripts/fuzz.sh, scripts/sanitize.sh
set -euo pipefail

pkgs=(
  cmake ninja-build g++ pkg-config git
  libeigen3-dev libabsl-dev libgtest-dev libgmock-dev libbenchmark-dev
  libicu-dev libstemmer-dev libsqlite3-dev zlib1g-dev libzstd-dev libisal-dev
  libxxhash-dev libsimdjson-dev nlohmann-json3-dev libcli11-dev libhwy-dev
  libmimalloc-dev libssl-dev libxml2-dev
  wordnet-base liblingua-stopwords-perl liblucene++-contrib0v5 zstd gzip python3
)
for arg in "$@"; do
  case "$arg" in
    --browser) pkgs+=(chromium) ;;
    --mpi) pkgs+=(libopenmpi-dev openmpi-bin) ;;
    --fuzz) pkgs+=(clang-14 libclang-rt-14-dev libomp-14-dev) ;;
    *) echo "deps.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
