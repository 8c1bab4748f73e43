#include "sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <string>
#include <vector>

#include "refrain/report.h"
#include "test_util.h"

namespace refrain::internal {
namespace {

using testing::ReadFile;
using testing::TempDir;

// Lines of JSON, 6 MB in pieces of every size up to 64 KiB: several of
// the gzip sink's 128 KiB output buffers and zstd's blocks. Fixed seed.
std::vector<std::string> Pieces() {
  std::vector<std::string> out;
  uint64_t rng = 11;
  size_t total = 0;
  for (int i = 0; total < (6u << 20); ++i) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    std::string p = "{\"id\":\"" + std::to_string(i) + "\",\"text\":\"";
    const size_t len = (rng >> 33) % 65536;
    for (size_t j = 0; j < len; ++j)
      p.push_back(static_cast<char>('a' + (rng >> (j % 50)) % 26));
    p += "\"}\n";
    total += p.size();
    out.push_back(std::move(p));
  }
  return out;
}

// What zlib's gzread (not the ISA-L reader refrain uses) makes of a file.
std::string Gunzip(const std::string& path) {
  gzFile g = gzopen(path.c_str(), "rb");
  EXPECT_NE(g, nullptr);
  std::string out;
  char buf[1 << 16];
  for (int n; (n = gzread(g, buf, sizeof buf)) > 0;) out.append(buf, n);
  int err = Z_OK;
  gzerror(g, &err);
  EXPECT_EQ(err, Z_OK);
  EXPECT_EQ(gzdirect(g), 0);  // It was gzip, not passed through.
  gzclose(g);
  return out;
}

std::string Unzstd(const std::string& path) {
  const std::string z = ReadFile(path);
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  ZSTD_inBuffer in{z.data(), z.size(), 0};
  std::string out;
  std::vector<char> buf(1 << 16);
  size_t left = 1;
  while (in.pos < in.size || left != 0) {
    ZSTD_outBuffer o{buf.data(), buf.size(), 0};
    left = ZSTD_decompressStream(dctx, &o, &in);
    if (ZSTD_isError(left)) {
      ADD_FAILURE() << ZSTD_getErrorName(left);
      break;
    }
    out.append(buf.data(), o.pos);
    if (o.pos == 0 && in.pos == in.size) break;
  }
  ZSTD_freeDCtx(dctx);
  return out;
}

TEST(Sink, CompressedFilesDecompressToWhatWasWritten) {
  TempDir d;
  const std::vector<std::string> pieces = Pieces();
  std::string all;
  for (const std::string& p : pieces) all += p;
  for (const char* name : {"out.jsonl.gz", "out.jsonl.zst", "out.jsonl"}) {
    for (bool atomic : {false, true}) {
      SCOPED_TRACE(std::string(name) + (atomic ? " atomic" : ""));
      const std::string path = d / name;
      absl::StatusOr<std::unique_ptr<Sink>> s = Sink::Open(path, atomic);
      ASSERT_TRUE(s.ok()) << s.status();
      for (const std::string& p : pieces) ASSERT_TRUE((*s)->Write(p).ok());
      ASSERT_TRUE((*s)->Write("").ok());
      ASSERT_TRUE((*s)->Close().ok());
      const std::string back = std::string(name).ends_with(".gz") ? Gunzip(path)
                               : std::string(name).ends_with(".zst")
                                   ? Unzstd(path)
                                   : ReadFile(path);
      EXPECT_EQ(back.size(), all.size());
      EXPECT_TRUE(back == all);
    }
  }
  // Nothing written: a valid, empty gzip file.
  const std::string empty = d / "empty.gz";
  absl::StatusOr<std::unique_ptr<Sink>> s = Sink::Open(empty, true);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->Close().ok());
  EXPECT_EQ(Gunzip(empty), "");
}

// The files in `dir`, hidden ones included.
std::vector<std::string> Listing(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Temporaries are listed from creation to rename or removal, so that a
// signal handler removes exactly those being written.
TEST(Sink, TemporariesBeingWrittenAreWhatRemoveTemporaryFilesRemoves) {
  TempDir d;
  absl::StatusOr<TemporaryFile> renamed = CreateTemporaryBeside(d / "a.json");
  absl::StatusOr<TemporaryFile> removed = CreateTemporaryBeside(d / "b.json");
  absl::StatusOr<TemporaryFile> pending = CreateTemporaryBeside(d / "c.json");
  ASSERT_TRUE(renamed.ok() && removed.ok() && pending.ok());
  for (int fd : {renamed->fd, removed->fd, pending->fd}) close(fd);
  ASSERT_TRUE(RenameOver(renamed->name, d / "a.json").ok());
  RemoveTemporary(removed->name);
  EXPECT_EQ(Listing(d.path()).size(), 2u);  // a.json and c's temporary.
  RemoveTemporaryFiles();
  EXPECT_EQ(Listing(d.path()), std::vector<std::string>{"a.json"});
  // An atomic sink destroyed before Close() unlists its temporary too.
  { ASSERT_TRUE(Sink::Open(d / "d.jsonl", true).ok()); }
  EXPECT_EQ(Listing(d.path()), std::vector<std::string>{"a.json"});
  RemoveTemporary(pending->name);  // Already gone: only unlisted.
}

// Where an atomic write lands (review, twenty-ninth session: every output
// was a temporary renamed over its name, so a symbolic link became a file
// and its target was never written, a device or FIFO was replaced by a
// regular file (as root, `--truth /dev/null` broke /dev/null), and every
// file was 0644 whatever the umask).
TEST(Sink, WritesThroughLinksIntoDevicesAndWithTheUmask) {
  TempDir d;
  auto write = [](const std::string& path, const std::string& text) {
    absl::StatusOr<std::unique_ptr<Sink>> s = Sink::Open(path, true);
    if (!s.ok()) return s.status();
    if (absl::Status st = (*s)->Write(text); !st.ok()) return st;
    return (*s)->Close();
  };
  // A link: its file is replaced, the link stays.
  testing::WriteFile(d / "real.jsonl", "old\n");
  std::filesystem::create_symlink("real.jsonl", d / "link.jsonl");
  ASSERT_TRUE(write(d / "link.jsonl", "new\n").ok());
  EXPECT_TRUE(std::filesystem::is_symlink(d / "link.jsonl"));
  EXPECT_EQ(ReadFile(d / "real.jsonl"), "new\n");
  // A FIFO: the bytes go to its reader, and it stays a FIFO.
  // (Its reader is opened first, without waiting for a writer, so that
  // the write's open does not wait either; the pipe holds the bytes.)
  ASSERT_EQ(mkfifo((d / "fifo").c_str(), 0600), 0);
  const int reader = open((d / "fifo").c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  const absl::Status to_fifo = write(d / "fifo", "piped\n");
  char buf[64];
  const ssize_t n = read(reader, buf, sizeof buf);
  close(reader);
  EXPECT_TRUE(to_fifo.ok()) << to_fifo;
  EXPECT_EQ(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0), "piped\n");
  EXPECT_EQ(std::filesystem::status(d / "fifo").type(),
            std::filesystem::file_type::fifo);
  EXPECT_EQ(Listing(d.path()),
            (std::vector<std::string>{"fifo", "link.jsonl", "real.jsonl"}));
  // A directory is refused, not renamed over.
  std::filesystem::create_directory(d / "dir.jsonl");
  EXPECT_NE(write(d / "dir.jsonl", "x").message().find("is a directory"),
            std::string_view::npos);
  // Modes: a new file's from the umask, a replaced file's its own.
  const mode_t old_mask = umask(077);
  const absl::Status fresh = write(d / "private.jsonl", "x\n");
  testing::WriteFile(d / "shared.jsonl", "x\n");
  std::filesystem::permissions(d / "shared.jsonl",
                               std::filesystem::perms(0640));
  const absl::Status replaced = write(d / "shared.jsonl", "y\n");
  umask(old_mask);
  ASSERT_TRUE(fresh.ok() && replaced.ok());
  auto mode = [](const std::string& path) {
    struct stat st {};
    stat(path.c_str(), &st);
    return st.st_mode & 07777;
  };
  EXPECT_EQ(mode(d / "private.jsonl"), 0600u);
  EXPECT_EQ(mode(d / "shared.jsonl"), 0640u);
}

// A kill (or Ctrl-C) while a file is written: the process dies of the
// signal, as it would have, and the temporary is gone. A signal ignored
// from the start (nohup's SIGHUP) stays ignored.
TEST(SinkDeathTest, InterruptedWritesLeaveNoTemporary) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TempDir d;
  const std::string out = d / "kept.jsonl.zst";
  auto write_then = [&](int sig) {
    InstallTemporaryFileCleanup();
    absl::StatusOr<std::unique_ptr<Sink>> s = Sink::Open(out, true);
    if (!s.ok() || !(*s)->Write("{\"id\":1}\n").ok()) std::exit(3);
    if (Listing(d.path()).size() != 1) std::exit(4);  // Its temporary.
    std::raise(sig);
    std::exit(5);
  };
  // As an interactive shell starts it, whatever this test inherited.
  EXPECT_EXIT(
      {
        std::signal(SIGTERM, SIG_DFL);
        write_then(SIGTERM);
      },
      ::testing::KilledBySignal(SIGTERM), "");
  EXPECT_TRUE(Listing(d.path()).empty());
  // A closed pipe (`scan --out - --write-kept k.jsonl | head`).
  EXPECT_EXIT(
      {
        std::signal(SIGPIPE, SIG_DFL);
        write_then(SIGPIPE);
      },
      ::testing::KilledBySignal(SIGPIPE), "");
  EXPECT_TRUE(Listing(d.path()).empty());
  EXPECT_EXIT(
      {
        std::signal(SIGHUP, SIG_IGN);
        write_then(SIGHUP);
      },
      ::testing::ExitedWithCode(5), "");
}

}  // namespace
}  // namespace refrain::internal
