// Helpers shared by the tests: temporary directories, file writing,
// compressed fixtures and running the CLI.
#ifndef REFRAIN_TESTS_TEST_UTIL_H_
#define REFRAIN_TESTS_TEST_UTIL_H_

#include <sys/mount.h>
#include <sys/wait.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace refrain::testing {

inline std::string SourceDir() { return REFRAIN_SOURCE_DIR; }
inline std::string CorpusDir() { return SourceDir() + "/corpus"; }

// A fresh directory under the test temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "refrain-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void WriteFile(const std::string& path, const std::string& bytes) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteGzip(const std::string& path, const std::string& bytes) {
  gzFile g = gzopen(path.c_str(), "wb");
  gzwrite(g, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(g);
}

// One zstd frame; `checksum`: with its content checksum, as zstd(1) writes
// by default (the library's default is none).
inline void WriteZstd(const std::string& path, const std::string& bytes,
                      bool checksum = false) {
  std::string out(ZSTD_compressBound(bytes.size()), '\0');
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
  ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, checksum ? 1 : 0);
  size_t n =
      ZSTD_compress2(c, out.data(), out.size(), bytes.data(), bytes.size());
  ZSTD_freeCCtx(c);
  out.resize(ZSTD_isError(n) ? 0 : n);
  WriteFile(path, out);
}

// `text` in UTF-16 with its byte-order mark, little- or big-endian.
inline std::string Utf16(std::u16string_view text, bool big_endian) {
  std::string out;
  auto put = [&](char16_t c) {
    const char hi = static_cast<char>(c >> 8), lo = static_cast<char>(c);
    out.push_back(big_endian ? hi : lo);
    out.push_back(big_endian ? lo : hi);
  };
  put(u'\uFEFF');
  for (char16_t c : text) put(c);
  return out;
}

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// A small tmpfs mounted on a fresh directory, unmounted on destruction.
// Mounting needs root (CAP_SYS_ADMIN); ok() is false where it is not allowed.
class Tmpfs {
 public:
  explicit Tmpfs(const std::string& dir, const std::string& size) : dir_(dir) {
    std::filesystem::create_directories(dir);
    mounted_ =
        mount("tmpfs", dir.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
  }
  ~Tmpfs() {
    if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
  }
  bool ok() const { return mounted_; }
  bool RemountReadOnly() {
    return mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY,
                 nullptr) == 0;
  }

 private:
  std::string dir_;
  bool mounted_ = false;
};

// Runs the refrain CLI with `args` (already shell-quoted as needed).
inline CommandResult RunRefrain(const std::string& args) {
  TempDir tmp;
  std::string cmd = std::string(REFRAIN_BINARY) + " " + args + " >" + (tmp / "out") +
                    " 2>" + (tmp / "err");
  int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(tmp / "out");
  r.err = ReadFile(tmp / "err");
  return r;
}

// A chain of edits, A ~ B ~ C, from the first 300 words of `text`: every
// 30th word changed, in the first half for B, in both halves for C. Each
// change takes 5 word 5-shingles out of about 300 (Jaccard about 0.84 from
// one to the next, 0.71 from end to end: A and C are no pair at 0.8).
inline std::vector<std::string> ChainOfEdits(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string w; in >> w && words.size() < 300;) words.push_back(w);
  auto edited = [&](size_t upto) {
    std::string out;
    for (size_t k = 0; k < words.size(); ++k) {
      if (k > 0) out += ' ';
      out += k >= 12 && k < upto && (k - 12) % 30 == 0
                 ? "edit" + std::to_string(k)
                 : words[k];
    }
    return out;
  };
  return {edited(0), edited(150), edited(300)};
}

// `fold -s -w width` with `eol` line ends: each line longer than `width`
// bytes broken after its last space that keeps it within them.
inline std::string Fold(std::string_view text, size_t width,
                        std::string_view eol) {
  std::string out;
  while (!text.empty()) {
    const size_t nl = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, nl);
    while (line.size() > width) {
      size_t cut = line.substr(0, width).rfind(' ');
      cut = cut == std::string_view::npos ? width : cut + 1;
      out += line.substr(0, cut);
      out += eol;
      line.remove_prefix(cut);
    }
    out += line;
    if (nl < text.size()) out += eol;
    text.remove_prefix(std::min(nl + 1, text.size()));
  }
  return out;
}

}  // namespace refrain::testing

#endif  // REFRAIN_TESTS_TEST_UTIL_H_
