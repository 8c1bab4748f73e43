// A file written as a stream, compressed by its extension: ".gz" (gzip,
// written by ISA-L's igzip at its level 3: 15x zlib -6's speed on news
// JSONL, 229 against 15 MB/s, for a file 9% larger), ".zst" (zstd, level 3),
// anything else plain. Used for the files refrain writes
// record by record (generated corpora, the kept records of a scan).
#ifndef REFRAIN_SRC_SINK_H_
#define REFRAIN_SRC_SINK_H_

#include <zstd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace refrain::internal {

// Where a write to `path` goes, open for writing. Normally a new empty
// file beside `target` (same directory, so a rename can replace it
// atomically): `target` is `path`, or, when `path` is a symbolic link, the
// file the link leads to (the link stays a link, its file is replaced). Its
// mode is that of the file it replaces, else 0666 less the umask. When
// `target` is a device, FIFO or socket (`--truth /dev/null`), the bytes go
// straight into it (`direct`: `name` is `target`, nothing to rename or
// remove): replacing /dev/null with a file, as a rename would, broke it for
// the whole machine. Fails if `target` is a directory.
struct TemporaryFile {
  int fd = -1;
  std::string name;
  std::string target;
  bool direct = false;
};
absl::StatusOr<TemporaryFile> CreateTemporaryBeside(const std::string& path);

// Renames `tmp` over `path`; on failure removes `tmp`. Errors name `path`.
absl::Status RenameOver(const std::string& tmp, const std::string& path);

// Removes a temporary of CreateTemporaryBeside that will not be renamed.
// Every temporary ends by RenameOver or by this: until then it is listed
// for RemoveTemporaryFiles() (report.h), which a signal handler calls.
void RemoveTemporary(const std::string& name);

class Sink {
 public:
  // With `atomic`, the bytes go to a temporary file beside `path`, which
  // Close() flushes to disk and renames over `path`; a Sink destroyed
  // before a successful Close() removes it and leaves `path` untouched.
  static absl::StatusOr<std::unique_ptr<Sink>> Open(const std::string& path,
                                                    bool atomic = false);
  ~Sink();

  absl::Status Write(std::string_view data);
  // Ends the compressed stream and closes the file (atomic: syncs and
  // renames it). Errors name the file.
  absl::Status Close();
  // Close() in two steps, for an atomic Sink renamed together with other
  // files: Finish() ends the stream, closes and syncs the temporary file
  // (removed on failure); Commit() then renames it over the path.
  absl::Status Finish();
  absl::Status Commit();

 private:
  Sink() = default;
  absl::Status Compress(std::string_view data, ZSTD_EndDirective mode);
  absl::Status Deflate(std::string_view data, bool end);
  absl::Status CloseStreams();
  struct Gzip;  // ISA-L's deflate state, its level buffer and output buffer.

  std::string path_;     // The file asked for.
  std::string target_;   // What the temporary replaces (path_'s link's file).
  std::string writing_;  // The file being written (path_ or a temporary).
  FILE* f_ = nullptr;
  std::unique_ptr<Gzip> gz_;
  ZSTD_CCtx* zc_ = nullptr;
  std::vector<char> zbuf_;
  bool atomic_ = false;
  bool closed_ = false;     // Finish() ran: the streams are closed.
  bool committed_ = false;  // Nothing left to remove (renamed, or failed).
};

}  // namespace refrain::internal

#endif  // REFRAIN_SRC_SINK_H_
