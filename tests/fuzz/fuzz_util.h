// Helpers shared by the fuzz targets: a check that aborts (so libFuzzer
// saves the input as a crash) and a per-process scratch directory.
#ifndef REFRAIN_TESTS_FUZZ_FUZZ_UTIL_H_
#define REFRAIN_TESTS_FUZZ_FUZZ_UTIL_H_

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

// Aborts with the failed condition when `cond` is false. Always on (not
// assert: fuzz builds may define NDEBUG).
#define FUZZ_CHECK(cond)                                               \
  do {                                                                 \
    if (!(cond)) {                                                     \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, \
                   __LINE__, #cond);                                   \
      std::abort();                                                    \
    }                                                                  \
  } while (0)

namespace refrain::fuzz {

// A directory of this process, created on first use under $TMPDIR, else
// /dev/shm when writable (the many small files never touch a disk), and
// removed at a normal exit (not after a crash: scripts/fuzz.sh points TMPDIR
// at a directory it removes).
inline const std::string& ScratchDir() {
  static const std::string dir = [] {
    namespace fs = std::filesystem;
    std::error_code ec;
    const char* tmpdir = std::getenv("TMPDIR");
    fs::path base = tmpdir != nullptr && *tmpdir != '\0' ? fs::path(tmpdir)
                    : access("/dev/shm", W_OK) == 0
                        ? fs::path("/dev/shm")
                        : fs::temp_directory_path(ec);
    std::string tmpl = (base / "refrain-fuzz-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    static std::string to_remove;
    to_remove = tmpl;
    std::atexit([] {
      std::error_code e;
      std::filesystem::remove_all(to_remove, e);
    });
    return tmpl;
  }();
  return dir;
}

inline std::string TempPath(const std::string& name) {
  return ScratchDir() + "/" + name;
}

inline void WriteFileOrDie(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  FUZZ_CHECK(out.good());
}

}  // namespace refrain::fuzz

#endif  // REFRAIN_TESTS_FUZZ_FUZZ_UTIL_H_
