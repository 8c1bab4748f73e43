#include "sink.h"

#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "refrain/report.h"

namespace refrain::internal {

struct Sink::Gzip {
  isal_zstream stream;
  std::vector<uint8_t> level_buf = std::vector<uint8_t>(ISAL_DEF_LVL3_DEFAULT);
  std::vector<uint8_t> out = std::vector<uint8_t>(1 << 17);
};

namespace {

// fsync of a closed file, by name (fclose closed the descriptor).
absl::Status SyncFile(const std::string& name, const std::string& path) {
  const int fd = open(name.c_str(), O_RDONLY | O_CLOEXEC);
  const bool ok = fd >= 0 && fsync(fd) == 0;
  const int err = errno;
  if (fd >= 0) close(fd);
  if (ok) return absl::OkStatus();
  return absl::UnavailableError(
      absl::StrCat("cannot write ", path, ": fsync: ", std::strerror(err)));
}

// The temporaries being written, for RemoveTemporaryFiles(), which a signal
// handler calls: slots in static storage, never freed, each with a
// lock-free state, so the handler reads nothing another thread frees or
// holds a lock on. A temporary past the 64th at once, or with a name of
// PATH_MAX bytes or more, is not listed (then left behind by a signal, as
// every one was before).
struct TemporarySlot {
  enum State : int { kFree = 0, kBusy = 1, kListed = 2 };
  std::atomic<int> state{kFree};
  char name[PATH_MAX];
};
static_assert(std::atomic<int>::is_always_lock_free);
TemporarySlot g_temporaries[64];

void ListTemporary(const std::string& name) {
  if (name.size() >= PATH_MAX) return;
  for (TemporarySlot& s : g_temporaries) {
    int expected = TemporarySlot::kFree;
    if (s.state.compare_exchange_strong(expected, TemporarySlot::kBusy)) {
      std::memcpy(s.name, name.c_str(), name.size() + 1);
      s.state.store(TemporarySlot::kListed, std::memory_order_release);
      return;
    }
  }
}

void UnlistTemporary(const std::string& name) {
  for (TemporarySlot& s : g_temporaries) {
    if (s.state.load(std::memory_order_acquire) != TemporarySlot::kListed ||
        std::strcmp(s.name, name.c_str()) != 0) {
      continue;
    }
    int expected = TemporarySlot::kListed;
    if (s.state.compare_exchange_strong(expected, TemporarySlot::kFree)) {
      return;
    }
  }
}

// The file a write to `path` lands in: `path`, or the end of the chain of
// symbolic links it starts (at most 40, as the kernel follows).
std::string WriteTarget(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path p(path);
  for (int i = 0; i < 40; ++i) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(p, ec)) || ec) break;
    const fs::path to = fs::read_symlink(p, ec);
    if (ec) break;
    p = to.is_absolute() ? to : p.parent_path() / to;
  }
  return p.string();
}

// The process's umask, read without changing it (umask(2) can only be read
// by setting it, which would race with files other threads create).
// Read at each file created (a few a run), so a umask changed meanwhile
// holds.
mode_t ProcessUmask() {
  const mode_t mask = [] {
    std::FILE* f = std::fopen("/proc/self/status", "r");
    char line[256];
    unsigned int m = 022;
    bool found = false;
    while (f != nullptr && std::fgets(line, sizeof line, f) != nullptr) {
      if (std::sscanf(line, "Umask: %o", &m) == 1) {
        found = true;
        break;
      }
    }
    if (f != nullptr) std::fclose(f);
    if (!found) {
      m = umask(022);
      umask(static_cast<mode_t>(m));
    }
    return static_cast<mode_t>(m);
  }();
  return mask;
}

void RemoveTemporariesAndDie(int sig) {
  RemoveTemporaryFiles();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

absl::StatusOr<TemporaryFile> CreateTemporaryBeside(const std::string& path) {
  TemporaryFile t;
  auto failed = [&](const char* why) {
    return absl::UnavailableError(
        absl::StrCat("cannot write ", path, ": ", why));
  };
  struct stat st;  // Of what `path` leads to, through any links.
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", path, ": it is a directory"));
  }
  if (exists && !S_ISREG(st.st_mode)) {
    // Opened through the links (/proc/self/fd/1 names no file to find).
    t.fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (t.fd < 0) return failed(std::strerror(errno));
    t.name = t.target = path;
    t.direct = true;
    return t;
  }
  t.target = WriteTarget(path);
  const std::filesystem::path target(t.target);
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  t.name = (dir / absl::StrCat(".", target.filename().string(), ".tmp.XXXXXX"))
               .string();
  t.fd = mkstemp(t.name.data());
  if (t.fd < 0) return failed(std::strerror(errno));
  // mkstemp gives 0600: the file gets the mode it replaces, or a new
  // file's (umask 077 keeps embargoed text private).
  fchmod(t.fd, exists ? st.st_mode & 07777 : 0666 & ~ProcessUmask());
  ListTemporary(t.name);
  return t;
}

absl::Status RenameOver(const std::string& tmp, const std::string& path) {
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    RemoveTemporary(tmp);
    return absl::UnavailableError(
        absl::StrCat("cannot write ", path, ": rename: ", std::strerror(err)));
  }
  UnlistTemporary(tmp);
  return absl::OkStatus();
}

void RemoveTemporary(const std::string& name) {
  unlink(name.c_str());
  UnlistTemporary(name);
}

absl::StatusOr<std::unique_ptr<Sink>> Sink::Open(const std::string& path,
                                                 bool atomic) {
  auto s = std::unique_ptr<Sink>(new Sink());
  s->path_ = path;
  s->writing_ = path;
  s->atomic_ = atomic;
  int fd = -1;
  if (atomic) {
    absl::StatusOr<TemporaryFile> tmp = CreateTemporaryBeside(path);
    if (!tmp.ok()) return tmp.status();
    fd = tmp->fd;
    s->writing_ = std::move(tmp->name);
    s->target_ = std::move(tmp->target);
    // Straight into a device or FIFO: nothing to sync, rename or remove.
    s->atomic_ = atomic = !tmp->direct;
  }
  auto fail = [&] {
    if (fd >= 0) close(fd);
    if (atomic) RemoveTemporary(s->writing_);
    return absl::UnavailableError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  };
  s->f_ = fd >= 0 ? fdopen(fd, "wb") : std::fopen(path.c_str(), "wb");
  if (s->f_ == nullptr) return fail();
  // In any case, as the reader recognises them: "KEPT.JSONL.GZ".
  if (absl::EndsWithIgnoreCase(path, ".gz")) {
    s->gz_ = std::make_unique<Gzip>();
    isal_zstream& z = s->gz_->stream;
    isal_deflate_init(&z);
    z.gzip_flag = IGZIP_GZIP;
    z.level = 3;
    z.level_buf = s->gz_->level_buf.data();
    z.level_buf_size = static_cast<uint32_t>(s->gz_->level_buf.size());
    z.flush = NO_FLUSH;
  } else if (absl::EndsWithIgnoreCase(path, ".zst")) {
    s->zc_ = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(s->zc_, ZSTD_c_compressionLevel, 3);
    if (atomic) {
      // A fixed worker count: zstd's output depends on it, and the file
      // must not depend on --threads. (An error here, from a zstd built
      // without threads, leaves compression on this thread.)
      ZSTD_CCtx_setParameter(s->zc_, ZSTD_c_nbWorkers, 4);
    }
    s->zbuf_.resize(ZSTD_CStreamOutSize());
  }
  return s;
}

Sink::~Sink() {
  if (!closed_) (void)CloseStreams();
  if (atomic_ && !committed_) RemoveTemporary(writing_);
}

absl::Status Sink::Write(std::string_view data) {
  if (gz_ != nullptr) return Deflate(data, false);
  if (zc_ != nullptr) return Compress(data, ZSTD_e_continue);
  if (std::fwrite(data.data(), 1, data.size(), f_) != data.size()) {
    return absl::UnavailableError(
        absl::StrCat("write failed: ", path_, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status Sink::CloseStreams() {
  absl::Status st;
  if (gz_ != nullptr) {
    st = Deflate({}, true);
    gz_ = nullptr;
  }
  if (zc_ != nullptr) {
    st = Compress({}, ZSTD_e_end);
    ZSTD_freeCCtx(zc_);
    zc_ = nullptr;
  }
  if (f_ != nullptr) {
    if (std::fclose(f_) != 0 && st.ok()) {
      st = absl::UnavailableError("close failed: " + path_);
    }
    f_ = nullptr;
  }
  return st;
}

absl::Status Sink::Close() {
  absl::Status st = Finish();
  if (st.ok()) st = Commit();
  return st;
}

absl::Status Sink::Finish() {
  absl::Status st = CloseStreams();
  closed_ = true;
  if (atomic_) {
    if (st.ok()) st = SyncFile(writing_, path_);
    if (!st.ok()) {
      RemoveTemporary(writing_);
      committed_ = true;
    }
  } else {
    committed_ = true;
  }
  return st;
}

absl::Status Sink::Commit() {
  if (committed_) return absl::OkStatus();
  committed_ = true;
  return RenameOver(writing_, target_);  // Removes it on failure.
}

absl::Status Sink::Deflate(std::string_view data, bool end) {
  isal_zstream& z = gz_->stream;
  z.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uint32_t>(data.size());
  z.end_of_stream = end ? 1 : 0;
  for (;;) {
    z.next_out = gz_->out.data();
    z.avail_out = static_cast<uint32_t>(gz_->out.size());
    if (isal_deflate(&z) != COMP_OK) {
      return absl::InternalError(absl::StrCat("gzip failed: ", path_));
    }
    const size_t n = gz_->out.size() - z.avail_out;
    if (std::fwrite(gz_->out.data(), 1, n, f_) != n) {
      return absl::UnavailableError(
          absl::StrCat("write failed: ", path_, ": ", std::strerror(errno)));
    }
    const bool done = end ? z.internal_state.state == ZSTATE_END
                          : z.avail_in == 0 && z.avail_out != 0;
    if (done) return absl::OkStatus();
  }
}

absl::Status Sink::Compress(std::string_view data, ZSTD_EndDirective mode) {
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  for (;;) {
    ZSTD_outBuffer out{zbuf_.data(), zbuf_.size(), 0};
    size_t left = ZSTD_compressStream2(zc_, &out, &in, mode);
    if (ZSTD_isError(left)) return absl::InternalError(ZSTD_getErrorName(left));
    if (std::fwrite(zbuf_.data(), 1, out.pos, f_) != out.pos) {
      return absl::UnavailableError(
          absl::StrCat("write failed: ", path_, ": ", std::strerror(errno)));
    }
    if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size) break;
  }
  return absl::OkStatus();
}

}  // namespace refrain::internal

namespace refrain {

void RemoveTemporaryFiles() {
  for (internal::TemporarySlot& s : internal::g_temporaries) {
    if (s.state.load(std::memory_order_acquire) ==
        internal::TemporarySlot::kListed) {
      unlink(s.name);
    }
  }
}

void InstallTemporaryFileCleanup() {
  struct sigaction action = {};
  action.sa_handler = internal::RemoveTemporariesAndDie;
  sigemptyset(&action.sa_mask);
  // SIGPIPE: `scan --out - --write-kept k.jsonl | head` ends the scan
  // while the dataset's temporary waits to be renamed (review 42a-04).
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) {
    // A signal ignored from the start stays ignored: `nohup` ignores
    // SIGHUP, and a shell ignores SIGINT for its background jobs (an
    // ignored SIGPIPE makes the write fail, and the run clean up).
    struct sigaction old = {};
    if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) {
      continue;
    }
    sigaction(sig, &action, nullptr);
  }
}

}  // namespace refrain
