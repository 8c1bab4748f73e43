#include "refrain/ingest.h"

#include <isa-l/igzip_lib.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/utf8.h>
#include <unicode/utypes.h>
// ZSTD_d_forceIgnoreChecksum and ZSTD_getFrameHeader (ZstdSource).
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "cpus.h"
#include "hash.h"
#include "html.h"
#include "refrain/report.h"
#include "utf8.h"

namespace refrain {
namespace {

namespace fs = std::filesystem;

// "path" or "path:line", as documents and skips name their record. A file
// name is bytes, not always UTF-8 ("caf\xe9.txt" from a Latin-1 system):
// made valid here, the id and location are the same text in every output
// (report.json, the CSVs, --write-kept). Each byte of an invalid sequence
// is written as the ASCII text \xhh, as a shell's $'...' writes it, not
// repaired to U+FFFD as an article's text is: two names that differ in
// such bytes ("caf\xe9.txt", "caf\xe8.txt") stay two ids, where the
// second was skipped as a duplicate of the first, and the user can find
// the file the name stands for.
std::string LocationOf(const std::string& path, uint64_t line,
                       uint64_t column = 0) {
  std::string s;
  if (internal::IsValidUtf8(path)) {
    s = path;
  } else {
    const auto* const p = reinterpret_cast<const uint8_t*>(path.data());
    const auto n = static_cast<int32_t>(path.size());
    for (int32_t i = 0; i < n;) {
      const int32_t start = i;
      UChar32 c;
      U8_NEXT(p, i, n, c);
      if (c >= 0) {
        s.append(path, start, i - start);
        continue;
      }
      for (int32_t k = start; k < i; ++k) {
        absl::StrAppend(&s, "\\x", absl::Hex(p[k], absl::kZeroPad2));
      }
    }
  }
  if (line != 0) absl::StrAppend(&s, ":", line);
  if (line != 0 && column != 0) absl::StrAppend(&s, ":", column);
  return s;
}

enum class Compression { kNone, kGzip, kZstd };

struct FileKind {
  Compression compression = Compression::kNone;
  std::optional<RecordFormat> format;  // Empty: unsupported.
  // A .json file: one JSON document, an array of records (or one record),
  // whose elements become kJsonLine records.
  bool json_document = false;
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

FileKind Classify(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  FileKind kind;
  std::string_view n = name;
  if (EndsWith(n, ".gz")) {
    kind.compression = Compression::kGzip;
    n.remove_suffix(3);
  } else if (EndsWith(n, ".zst")) {
    kind.compression = Compression::kZstd;
    n.remove_suffix(4);
  }
  if (EndsWith(n, ".txt")) {
    kind.format = RecordFormat::kText;
  } else if (EndsWith(n, ".html") || EndsWith(n, ".htm")) {
    kind.format = RecordFormat::kHtml;
  } else if (EndsWith(n, ".jsonl") || EndsWith(n, ".ndjson")) {
    kind.format = RecordFormat::kJsonLine;
  } else if (EndsWith(n, ".json")) {
    kind.format = RecordFormat::kJsonLine;
    kind.json_document = true;
  }
  return kind;
}

// Why a file Classify() gives no format is skipped, with what is read
// instead.
std::string UnsupportedReason() {
  return "unsupported file type (read: .txt, .html, .htm, .jsonl, .ndjson, "
         ".json, each also .gz or .zst)";
}

// A sequential stream of (decompressed) bytes. Read() returns the number of
// bytes read, 0 at a clean end, or an error naming what went wrong.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual absl::StatusOr<size_t> Read(char* buf, size_t n) = 0;
  // True once a Read found UTF-16 text and gives it converted (Utf8Source).
  virtual bool FromUtf16() const { return false; }
};

std::string ErrnoText() { return std::strerror(errno); }

// A file; standard input is one that is not closed at the end.
class PlainSource : public ByteSource {
 public:
  explicit PlainSource(FILE* f, bool close = true) : f_(f), close_(close) {}
  ~PlainSource() override {
    if (close_) std::fclose(f_);
  }
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    // A short fread has already met the end (unbuffered, it asked the
    // system for the rest and got 0): asking again would cost a third read
    // call for every small file of a folder.
    if (std::feof(f_)) return size_t{0};
    size_t got = std::fread(buf, 1, n, f_);
    if (got == 0 && std::ferror(f_)) {
      return absl::DataLossError(absl::StrCat("read error: ", ErrnoText()));
    }
    return got;
  }

 private:
  FILE* f_;
  bool close_;
};

// Decompresses what `raw` reads (a file, or standard input). Each frame's
// checksum is checked here, not by zstd: zstd reports a bad checksum from
// the call that also decoded the frame's last block, and the bytes that
// call wrote are then lost (a 50-record frame gave 2 records and an error).
// Checked here, every decoded byte is given first, and the error at the
// next read, as GzipSource does.
class ZstdSource : public ByteSource {
 public:
  explicit ZstdSource(std::unique_ptr<ByteSource> raw)
      : raw_(std::move(raw)),
        dctx_(ZSTD_createDCtx()),
        in_buf_(ZSTD_DStreamInSize()) {
    ZSTD_DCtx_setParameter(dctx_, ZSTD_d_forceIgnoreChecksum,
                           ZSTD_d_ignoreChecksum);
    XXH64_reset(&hash_, 0);
  }
  ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (!pending_.ok()) return pending_;
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos == 0) {
      if (in_.pos == in_.size) {
        absl::StatusOr<size_t> got = raw_->Read(in_buf_.data(), in_buf_.size());
        if (!got.ok()) return got.status();
        if (*got == 0) {
          if (last_ret_ != 0) {
            return absl::DataLossError("truncated zstd stream");
          }
          return size_t{0};
        }
        in_ = ZSTD_inBuffer{in_buf_.data(), *got, 0};
      }
      const size_t in_before = in_.pos, out_before = out.pos;
      const bool frame_start = last_ret_ == 0;
      last_ret_ = ZSTD_decompressStream(dctx_, &out, &in_);
      // Bytes after the last frame that do not start another: every frame
      // before was decoded and checked, so their records are sound, as
      // gzip's are (review 45a-04: all were marked damaged).
      if (ZSTD_isError(last_ret_) && frame_start && frames_ > 0 &&
          ZSTD_getErrorCode(last_ret_) == ZSTD_error_prefix_unknown) {
        return absl::DataLossError(
            "data after the last zstd frame is not zstd");
      }
      if (ZSTD_isError(last_ret_)) {
        return absl::DataLossError(absl::StrCat("corrupt zstd stream: ",
                                                ZSTD_getErrorName(last_ret_)));
      }
      Consumed(
          std::string_view(in_buf_.data() + in_before, in_.pos - in_before));
      XXH64_update(&hash_, buf + out_before, out.pos - out_before);
      // 0: a frame is decoded and flushed whole (a call ends there; the
      // next one starts the next frame).
      if (last_ret_ == 0) {
        ++frames_;
        if (!ChecksumMatches()) {
          pending_ = absl::DataLossError(
              "corrupt zstd stream: Restored data doesn't match checksum (the "
              "records read from this frame may be damaged)");
          if (out.pos == 0) return pending_;
          break;
        }
        head_.clear();
        tail_.clear();
        XXH64_reset(&hash_, 0);
      }
    }
    return out.pos;
  }

 private:
  // Keeps the first bytes of the frame (its header: at most 18) and the
  // last four read (at its end, its checksum).
  void Consumed(std::string_view bytes) {
    if (head_.size() < ZSTD_FRAMEHEADERSIZE_MAX) {
      head_.append(bytes.substr(
          0, std::min(bytes.size(), ZSTD_FRAMEHEADERSIZE_MAX - head_.size())));
    }
    tail_.append(
        bytes.substr(bytes.size() - std::min<size_t>(bytes.size(), 4)));
    if (tail_.size() > 4) tail_.erase(0, tail_.size() - 4);
  }
  // At a frame's end: whether its content checksum (if it has one: the
  // low 32 bits of XXH64 of the content, little-endian) matches.
  bool ChecksumMatches() const {
    ZSTD_frameHeader h;
    if (ZSTD_getFrameHeader(&h, head_.data(), head_.size()) != 0 ||
        h.frameType != ZSTD_frame || !h.checksumFlag || tail_.size() != 4) {
      return true;
    }
    const auto digest = static_cast<uint32_t>(XXH64_digest(&hash_));
    uint32_t stored = 0;
    for (int i = 3; i >= 0; --i) {
      stored = stored << 8 | static_cast<unsigned char>(tail_[i]);
    }
    return digest == stored;
  }

  std::unique_ptr<ByteSource> raw_;
  ZSTD_DCtx* dctx_;
  std::vector<char> in_buf_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  size_t last_ret_ = 0;
  uint64_t frames_ = 0;      // Frames decoded to their end.
  std::string head_, tail_;  // Of the current frame: Consumed().
  XXH64_state_t hash_;       // Of the current frame's content.
  absl::Status pending_;     // An error met after the last bytes given.
};

// `prefix` (bytes already read from `rest` to look at them), then `rest`.
class PrefixedSource : public ByteSource {
 public:
  PrefixedSource(std::string prefix, std::unique_ptr<ByteSource> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (at_ < prefix_.size()) {
      const size_t k = std::min(n, prefix_.size() - at_);
      std::memcpy(buf, prefix_.data() + at_, k);
      at_ += k;
      return k;
    }
    return rest_->Read(buf, n);
  }

 private:
  std::string prefix_;
  size_t at_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

// gzip members (one or more, concatenated, as `cat a.gz b.gz` gives) read
// from `raw`, a file or standard input, with ISA-L's inflate (igzip): 2.6x
// zlib's speed here (850 against 330 MB/s on BBC x45), and this runs on the
// one reader thread every worker waits for. Every member's CRC is checked.
// Bytes after the last member that do not start another are an error, not
// ignored as gzip(1) and zlib's gzread ignore them: nothing is dropped
// unreported.
class GzipSource : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> raw)
      : raw_(std::move(raw)),
        state_(std::make_unique<inflate_state>()),
        in_buf_(1 << 17) {
    isal_inflate_init(state_.get());
    state_->crc_flag = ISAL_GZIP;
  }
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (!pending_.ok()) return pending_;
    inflate_state& st = *state_;
    st.next_out = reinterpret_cast<uint8_t*>(buf);
    st.avail_out = static_cast<uint32_t>(std::min<size_t>(n, 1u << 30));
    const uint32_t room = st.avail_out;
    while (st.avail_out == room) {  // Until some output, or the end.
      if (st.avail_in == 0 && !at_end_) {
        absl::StatusOr<size_t> got = raw_->Read(in_buf_.data(), in_buf_.size());
        if (!got.ok()) return got.status();
        if (*got == 0) {
          at_end_ = true;
        } else {
          st.next_in = reinterpret_cast<uint8_t*>(in_buf_.data());
          st.avail_in = static_cast<uint32_t>(*got);
        }
      }
      if (st.avail_in == 0 && at_end_) {
        if (!in_member_) break;
        // Cut inside a member. ISA-L may still hold bytes it inflated from
        // the last input: given first, read by read, the truncation said
        // once none is left (review 45a-03: a file cut at 4 KiB or less
        // lost every record after the first read's).
        const int rc = isal_inflate(&st);
        if (st.block_state == ISAL_BLOCK_FINISH) {
          in_member_ = false;
          ++members_;
          continue;
        }
        if (st.avail_out == room ||
            (rc != ISAL_DECOMP_OK && rc != ISAL_END_INPUT &&
             rc != ISAL_OUT_OVERFLOW)) {
          if (st.avail_out == room) {
            return absl::DataLossError("truncated gzip stream");
          }
          pending_ = absl::DataLossError("truncated gzip stream");
        }
        break;
      }
      if (!in_member_) {
        // Another member starts (ISA-L reads its header, magic included),
        // or the data is not gzip.
        if (st.next_in[0] != 0x1f) {
          return absl::DataLossError(
              members_ == 0 ? "not a gzip stream"
                            : "data after the last gzip member is not gzip");
        }
        uint8_t* const next = st.next_in;
        const uint32_t avail = st.avail_in;
        isal_inflate_reset(&st);
        st.crc_flag = ISAL_GZIP;
        st.next_in = next;
        st.avail_in = avail;
        in_member_ = true;
      }
      const int rc = isal_inflate(&st);
      if (rc != ISAL_DECOMP_OK && rc != ISAL_END_INPUT &&
          rc != ISAL_OUT_OVERFLOW) {
        // What was inflated before the error is given first (a member
        // whose checksum fails has been inflated whole: its records were
        // dropped with the error), the error at the next read.
        if (st.avail_out == room) return Corrupt(rc);
        pending_ = Corrupt(rc);
        break;
      }
      if (st.block_state == ISAL_BLOCK_FINISH) {
        in_member_ = false;
        ++members_;
      }
    }
    return size_t{room - st.avail_out};
  }

 private:
  absl::Status Corrupt(int rc) const {
    if (rc == ISAL_INVALID_WRAPPER && members_ == 0) {
      return absl::DataLossError("not a gzip stream");
    }
    const char* what = "error";
    switch (rc) {
      case ISAL_INVALID_BLOCK:
        what = "invalid deflate block";
        break;
      case ISAL_INVALID_SYMBOL:
        what = "invalid deflate symbol";
        break;
      case ISAL_INVALID_LOOKBACK:
        what = "invalid distance too far back";
        break;
      case ISAL_INVALID_WRAPPER:
        what = "invalid gzip header";
        break;
      case ISAL_UNSUPPORTED_METHOD:
        what = "unknown compression method";
        break;
      case ISAL_INCORRECT_CHECKSUM:
        what =
            "incorrect data check (the records read from this member may be "
            "damaged)";
        break;
    }
    return absl::DataLossError(absl::StrCat("corrupt gzip stream: ", what));
  }

  std::unique_ptr<ByteSource> raw_;
  std::unique_ptr<inflate_state> state_;  // ~100 KB: not on the stack.
  std::vector<char> in_buf_;
  bool in_member_ = false;  // Inside a member (its header may be ahead).
  bool at_end_ = false;     // raw_ has nothing more to give.
  uint64_t members_ = 0;    // Members read to their end.
  absl::Status pending_;    // An error met after the last bytes given.
};

// Reads from `src` into `head` until `enough(head)` or the end; the bytes
// read are put back in front of the rest (src becomes a PrefixedSource).
template <typename Enough>
absl::Status Peek(std::unique_ptr<ByteSource>& src, std::string* head,
                  Enough enough) {
  char buf[4096];
  while (!enough(*head)) {
    absl::StatusOr<size_t> got = src->Read(buf, sizeof buf);
    if (!got.ok()) return got.status();
    if (*got == 0) break;
    head->append(buf, *got);
  }
  src = std::make_unique<PrefixedSource>(*head, std::move(src));
  return absl::OkStatus();
}

// ICU callbacks that turn each unpaired surrogate, or a cut last byte, of
// UTF-16 input into the byte 0xFF, which is never UTF-8: the record it
// lands in is then repaired and counted like any invalid UTF-8
// (Document::invalid_utf8), where ICU's own substitution (U+FFFD) went
// uncounted. The UTF-16 side passes a lone low surrogate on, and the UTF-8
// side, which cannot encode it, writes the byte.
void PassLoneSurrogate(const void*, UConverterToUnicodeArgs* args, const char*,
                       int32_t, UConverterCallbackReason reason,
                       UErrorCode* err) {
  if (reason > UCNV_IRREGULAR) return;  // Reset, close, clone.
  *err = U_ZERO_ERROR;
  const UChar lone = 0xDFFF;
  ucnv_cbToUWriteUChars(args, &lone, 1, 0, err);
}
void WriteInvalidByte(const void*, UConverterFromUnicodeArgs* args,
                      const UChar*, int32_t, UChar32,
                      UConverterCallbackReason reason, UErrorCode* err) {
  if (reason > UCNV_IRREGULAR) return;
  *err = U_ZERO_ERROR;
  ucnv_cbFromUWriteBytes(args, "\xFF", 1, 0, err);
}

// UTF-16 text (what Windows tools save as "Unicode"), converted to UTF-8 by
// ICU as it is read. Its byte-order mark becomes UTF-8's, which the readers
// drop; unpaired surrogates and a cut last byte become 0xFF bytes, repaired
// to U+FFFD and counted with their record.
class Utf16Source : public ByteSource {
 public:
  Utf16Source(std::unique_ptr<ByteSource> raw, const char* charset)
      : raw_(std::move(raw)), in_buf_(1 << 16) {
    UErrorCode err = U_ZERO_ERROR;
    from_ = ucnv_open(charset, &err);
    to_ = ucnv_open("UTF-8", &err);
    if (U_SUCCESS(err)) {
      ucnv_setToUCallBack(from_, PassLoneSurrogate, nullptr, nullptr, nullptr,
                          &err);
      ucnv_setFromUCallBack(to_, WriteInvalidByte, nullptr, nullptr, nullptr,
                            &err);
    }
    open_error_ = err;
  }
  ~Utf16Source() override {
    if (from_ != nullptr) ucnv_close(from_);
    if (to_ != nullptr) ucnv_close(to_);
  }
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (U_FAILURE(open_error_)) {
      return absl::InternalError(absl::StrCat(
          "cannot open ICU's UTF-16 converter: ", u_errorName(open_error_)));
    }
    char* target = buf;
    while (target == buf && !done_) {
      if (in_pos_ == in_len_ && !eof_) {
        absl::StatusOr<size_t> got = raw_->Read(in_buf_.data(), in_buf_.size());
        if (!got.ok()) return got.status();
        eof_ = *got == 0;
        in_pos_ = 0;
        in_len_ = *got;
      }
      const char* source = in_buf_.data() + in_pos_;
      UErrorCode err = U_ZERO_ERROR;
      ucnv_convertEx(to_, from_, &target, buf + n, &source,
                     in_buf_.data() + in_len_, pivot_, &pivot_source_,
                     &pivot_target_, pivot_ + kPivot, /*reset=*/first_,
                     /*flush=*/eof_, &err);
      first_ = false;
      in_pos_ = static_cast<size_t>(source - in_buf_.data());
      if (err == U_BUFFER_OVERFLOW_ERROR) break;  // `buf` is full.
      if (U_FAILURE(err)) {
        return absl::DataLossError(
            absl::StrCat("cannot convert UTF-16 text: ", u_errorName(err)));
      }
      done_ = eof_;  // Flushed whole.
    }
    return static_cast<size_t>(target - buf);
  }

 private:
  static constexpr size_t kPivot = 1024;
  std::unique_ptr<ByteSource> raw_;
  UConverter* from_ = nullptr;
  UConverter* to_ = nullptr;
  UErrorCode open_error_ = U_ZERO_ERROR;
  std::vector<char> in_buf_;
  size_t in_pos_ = 0, in_len_ = 0;
  UChar pivot_[kPivot];
  UChar* pivot_source_ = pivot_;
  UChar* pivot_target_ = pivot_;
  bool first_ = true, eof_ = false, done_ = false;
};

// ICU's name of the UTF-16 variant whose byte-order mark starts `head`
// (FF FE little-endian, FE FF big-endian), or null.
const char* Utf16Charset(std::string_view head) {
  if (head.starts_with("\xFF\xFE")) return "UTF-16LE";
  if (head.starts_with("\xFE\xFF")) return "UTF-16BE";
  return nullptr;
}

// What a stream's first bytes (gzip's and zstd's magic numbers) say.
Compression CompressionOf(std::string_view head) {
  if (head.starts_with("\x1f\x8b")) return Compression::kGzip;
  if (head.starts_with(std::string_view("\x28\xb5\x2f\xfd", 4))) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

// `raw` as UTF-8: converted if it starts with a UTF-16 byte-order mark
// (FF FE little-endian, FE FF big-endian), else as it is; an error if it
// starts with gzip's or zstd's magic number. It looks at the first bytes
// on the first Read, so that a read error there is reported where the
// reader meets it (the first line), as without it (a file's first bytes
// were read by Open already).
class Utf8Source : public ByteSource {
 public:
  explicit Utf8Source(std::unique_ptr<ByteSource> raw) : src_(std::move(raw)) {}
  absl::StatusOr<size_t> Read(char* buf, size_t n) override {
    if (!decided_) {
      std::string head;
      if (absl::Status s = Peek(
              src_, &head, [](const std::string& h) { return h.size() >= 4; });
          !s.ok()) {
        return s;
      }
      // Only decompressed bytes can start so here (Open refuses a plain
      // file that does, OpenStdin decompresses it): a file compressed
      // twice, whose bytes would be read as a text of U+FFFD.
      if (const Compression again = CompressionOf(head);
          again != Compression::kNone) {
        return absl::InvalidArgumentError(absl::StrCat(
            "the file is compressed twice (its decompressed bytes start with ",
            again == Compression::kGzip ? "gzip" : "zstd", "'s magic number)"));
      }
      decided_ = true;
      if (const char* charset = Utf16Charset(head)) {
        src_ = std::make_unique<Utf16Source>(std::move(src_), charset);
        utf16_ = true;
      }
    }
    return src_->Read(buf, n);
  }
  bool FromUtf16() const override { return utf16_; }

 private:
  std::unique_ptr<ByteSource> src_;
  bool decided_ = false;
  bool utf16_ = false;
};

// A file's first bytes, read ahead of its turn (ReadAhead).
struct FileHead {
  std::string bytes;
  // The file, open just past `bytes`, if it may hold more; else null.
  FILE* rest = nullptr;
  int open_errno = 0;  // Non-zero: it could not be opened.
};

// Reads nothing: the end of a file read whole ahead.
class EmptySource : public ByteSource {
 public:
  absl::StatusOr<size_t> Read(char*, size_t) override { return size_t{0}; }
};

// Opens `path` for reading, unbuffered: every read here is of 4 KiB or
// more, into buffers of the readers' own, so stdio's buffer would only add
// a copy, and the fstat that sizes it a system call per file (a third of
// those of a folder of small files).
FILE* OpenUnbuffered(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f != nullptr) std::setvbuf(f, nullptr, _IONBF, 0);
  return f;
}

// `path` read raw: from its head read ahead if given, else opened now.
absl::StatusOr<std::unique_ptr<ByteSource>> OpenRaw(const std::string& path,
                                                    FileHead* head) {
  if (head == nullptr) {
    FILE* f = OpenUnbuffered(path);
    if (f == nullptr) {
      return absl::NotFoundError(absl::StrCat("cannot open: ", ErrnoText()));
    }
    return std::make_unique<PlainSource>(f);
  }
  if (head->open_errno != 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot open: ", std::strerror(head->open_errno)));
  }
  std::unique_ptr<ByteSource> rest;
  if (head->rest != nullptr) {
    rest = std::make_unique<PlainSource>(std::exchange(head->rest, nullptr));
  } else {
    rest = std::make_unique<EmptySource>();
  }
  return std::make_unique<PrefixedSource>(std::move(head->bytes),
                                          std::move(rest));
}

absl::StatusOr<std::unique_ptr<ByteSource>> Open(const std::string& path,
                                                 Compression c,
                                                 FileHead* head = nullptr) {
  absl::StatusOr<std::unique_ptr<ByteSource>> raw = OpenRaw(path, head);
  if (!raw.ok()) return raw.status();
  std::unique_ptr<ByteSource> src = *std::move(raw);
  // The name decides how a file is read (MPI cuts plain files at byte
  // offsets), so a compressed file under another name is refused with the
  // reason, not read as hundreds of malformed lines.
  std::string magic;
  if (auto s =
          Peek(src, &magic, [](const std::string& h) { return h.size() >= 4; });
      !s.ok()) {
    return s;
  }
  const Compression by_magic = CompressionOf(magic);
  if (by_magic != Compression::kNone && by_magic != c) {
    const char* ext = by_magic == Compression::kGzip ? ".gz" : ".zst";
    std::filesystem::path name = std::filesystem::path(path).filename();
    if (c == Compression::kNone) {
      name += ext;
    } else {
      name.replace_extension(ext);
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "the file is ", by_magic == Compression::kGzip ? "gzip" : "zstd",
        "-compressed (its first bytes say so), but its name does not end in ",
        ext, ": rename it, e.g. to ", name.string()));
  }
  if (c == Compression::kZstd) {
    src = std::make_unique<ZstdSource>(std::move(src));
  } else if (c == Compression::kGzip) {
    src = std::make_unique<GzipSource>(std::move(src));
  }
  return std::make_unique<Utf8Source>(std::move(src));
}

// Makes `src` read its bytes decompressed and as UTF-8 when its first bytes
// say they are gzip or zstd, or UTF-16 with a byte-order mark: for a stream
// without a name (standard input) or a side file whatever its name.
absl::Status DecodeByContent(std::unique_ptr<ByteSource>& src) {
  std::string magic;
  if (auto s =
          Peek(src, &magic, [](const std::string& h) { return h.size() >= 4; });
      !s.ok()) {
    return s;
  }
  if (CompressionOf(magic) == Compression::kGzip) {
    src = std::make_unique<GzipSource>(std::move(src));
  } else if (CompressionOf(magic) == Compression::kZstd) {
    src = std::make_unique<ZstdSource>(std::move(src));
  }
  src = std::make_unique<Utf8Source>(std::move(src));
  return absl::OkStatus();
}

// Standard input: gzip and zstd recognised by their magic bytes, then JSONL
// when it starts as an object does ('{', then '"' or '}'), a JSON array of
// them when it starts '[', then '{' or ']', else one text document (an
// article starting "[UPDATED 10:42] ..." was read as malformed JSON).
// Blanks may come between and before them.
absl::StatusOr<std::pair<std::unique_ptr<ByteSource>, FileKind>> OpenStdin() {
  std::unique_ptr<ByteSource> in =
      std::make_unique<PlainSource>(stdin, /*close=*/false);
  if (auto s = DecodeByContent(in); !s.ok()) return s;
  // Blank lines, and a byte-order mark before them, may lead a JSONL
  // stream; 64 KiB of blanks decide nothing.
  std::string head;
  constexpr std::string_view kBlank = " \t\r\n";
  auto first_byte = [&](const std::string& h) {
    if (h.size() < internal::kUtf8Bom.size() &&
        internal::kUtf8Bom.starts_with(h)) {
      return std::string::npos;  // Maybe a mark, not all read yet.
    }
    return h.find_first_not_of(kBlank, h.starts_with(internal::kUtf8Bom)
                                           ? internal::kUtf8Bom.size()
                                           : 0);
  };
  // The byte after the first non-blank one that is not blank either.
  auto second_byte = [&](const std::string& h) {
    const size_t first = first_byte(h);
    return first == std::string::npos ? first
                                      : h.find_first_not_of(kBlank, first + 1);
  };
  // A stream that opens with anything else is read on to its ninth line,
  // for the test below.
  constexpr size_t kLines = 9;
  if (auto s = Peek(in, &head,
                    [&](const std::string& h) {
                      const size_t f = first_byte(h);
                      if (h.size() >= 65536) return true;
                      if (f == std::string::npos) return false;
                      if (h[f] == '{' || h[f] == '[') {
                        return second_byte(h) != std::string::npos;
                      }
                      return static_cast<size_t>(std::count(
                                 h.begin() + static_cast<ptrdiff_t>(f), h.end(),
                                 '\n')) >= kLines;
                    });
      !s.ok()) {
    return s;
  }
  const size_t first = first_byte(head);
  const size_t second = second_byte(head);
  // Nothing after the bracket: read as JSON, which says what is wrong.
  const char next = second == std::string::npos ? '\0' : head[second];
  FileKind kind;
  kind.format = RecordFormat::kText;
  if (first != std::string::npos &&
      ((head[first] == '{' && (next == '"' || next == '}' || next == '\0')) ||
       (head[first] == '[' && (next == '{' || next == ']' || next == '\0')))) {
    kind.format = RecordFormat::kJsonLine;
    kind.json_document = head[first] == '[';
  } else if (first != std::string::npos) {
    // JSON Lines led by a line that is not a record (a scraper's header,
    // a stream cut inside a record) were one text of every record (review
    // 45a-02): when most of the next complete lines open a record, the
    // stream is read as a .jsonl file is, the first line skipped as
    // malformed.
    size_t lines = 0, records = 0;
    size_t at = head.find('\n', first);
    while (at != std::string::npos && lines < kLines - 1) {
      const size_t end = head.find('\n', at + 1);
      if (end == std::string::npos) break;
      const size_t b = head.find_first_not_of(" \t\r", at + 1);
      if (b < end) {
        ++lines;
        const size_t q = head.find_first_not_of(" \t\r", b + 1);
        records += head[b] == '{' && q < end && head[q] == '"';
      }
      at = end;
    }
    if (records >= 2 && 2 * records > lines) {
      kind.format = RecordFormat::kJsonLine;
    }
  }
  return std::make_pair(std::move(in), kind);
}

constexpr size_t kChunk = 1 << 20;

}  // namespace

namespace internal {

absl::StatusOr<std::string> ReadUtf8File(const std::string& path, bool repair) {
  // A directory opens as a stream that reads nothing: it would pass for an
  // empty file.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": a directory, not a file"));
  }
  FILE* f = OpenUnbuffered(path);
  if (f == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot open: ", ErrnoText()));
  }
  std::unique_ptr<ByteSource> src = std::make_unique<PlainSource>(f);
  auto failed = [&](const absl::Status& s) {
    return absl::Status(s.code(), absl::StrCat(path, ": ", s.message()));
  };
  if (auto s = DecodeByContent(src); !s.ok()) return failed(s);
  std::string text;
  for (;;) {
    const size_t at = text.size();
    text.resize(at + kChunk);
    absl::StatusOr<size_t> got = src->Read(text.data() + at, kChunk);
    if (!got.ok()) return failed(got.status());
    text.resize(at + *got);
    if (*got == 0) break;
  }
  if (text.starts_with(kUtf8Bom)) text.erase(0, kUtf8Bom.size());
  if (repair) RepairUtf8(&text);
  return text;
}

}  // namespace internal

// Lexical tidying would also fold "a/../b" into "b", which through a
// symbolic link `a` is another file: ".." segments stay.
std::string TidyPath(const std::string& path) {
  if (path.empty()) return path;
  const bool absolute = path[0] == '/';
  std::vector<std::string_view> parts;
  for (std::string_view rest = path; !rest.empty();) {
    const size_t slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    rest.remove_prefix(slash == std::string_view::npos ? rest.size()
                                                       : slash + 1);
    if (!part.empty() && part != ".") parts.push_back(part);
  }
  std::string out = absolute ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '/';
    out += parts[i];
  }
  if (out.empty()) return ".";
  // A trailing slash says "a directory": kept, as the walk reads it.
  if (path.back() == '/' && out.back() != '/') out += '/';
  return out;
}

// Whether an HTML page is a report.html of refrain (report_html.cc writes
// this generator tag in its head, within the first kilobyte).
bool IsRefrainReport(std::string_view html) {
  return html.substr(0, 2048).find(
             "<meta name=\"generator\" content=\"refrain\">") !=
         std::string_view::npos;
}

namespace {

// The walk: expands paths into the files to read, in input order, with the
// paths that cannot be walked as skipped entries in their place.
class Lister {
 public:
  Lister(bool sizes, std::span<const std::string> exclude) : sizes_(sizes) {
    for (const std::string& p : exclude) {
      struct stat st;
      if (::stat(p.c_str(), &st) != 0) continue;
      if (S_ISREG(st.st_mode)) {
        excluded_files_.push_back(FileId(st));
        excluded_file_names_.push_back(fs::path(p).filename().string());
      } else {
        excluded_.push_back(FileId(st));
        excluded_names_.push_back(
            fs::path(p).lexically_normal().filename().string());
        // "refrain-out/" names its directory by the part before the slash.
        if (excluded_names_.back().empty()) {
          excluded_names_.back() =
              fs::path(p).lexically_normal().parent_path().filename().string();
        }
      }
    }
  }
  void Path(const std::string& typed) {
    const std::string path = typed == kStdinPath ? typed : TidyPath(typed);
    if (path == kStdinPath) {
      files_.push_back(InputFile{
          path, stdin_listed_ ? "standard input is read once" : "", 0});
      stdin_listed_ = true;
      return;
    }
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (ec) {
      Skip(path, absl::StrCat("cannot open: ", ec.message()));
      files_.back().unreadable = true;
      return;
    }
    ForgetHiddenListing(path);
    if (fs::is_directory(st)) {
      Directory(path);
    } else if (std::optional<std::string> first = NamedBefore(path)) {
      Skip(path, ReadOnce(*first));
      files_.back().passed_over = true;
    } else {
      File(path, fs::is_regular_file(st));
    }
  }
  std::vector<InputFile> Take() {
    SameFilesThroughLinks();
    return std::move(files_);
  }

 private:
  using Id = std::pair<dev_t, ino_t>;
  static Id FileId(const struct stat& st) { return {st.st_dev, st.st_ino}; }
  static std::optional<Id> IdOf(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return FileId(st);
  }
  // How the walk names `base` in directory `dir`: "a.txt" in ".", as when
  // the file is named alone (review, thirty-sixth session: `scan .` gave
  // "./a.txt", another id than `scan a.txt`'s, and indexed the files again).
  static std::string Child(const std::string& dir, const std::string& base) {
    return dir == "." ? base : (fs::path(dir) / base).string();
  }
  // The reason of an input listed again (its records are read under the
  // first name: none is lost, so it is passed over and --strict does not
  // count it, as a symbolic link's second name; review, thirty-eighth
  // session).
  static std::string ReadOnce(const std::string& first) {
    // A reason is UTF-8 text, as a location is.
    return absl::StrCat("already an input, as ", LocationOf(first, 0),
                        ": read once");
  }

  // Inputs that overlap (a directory and a file or directory inside it,
  // one path spelled two ways: "dir" and "./dir", "dir/" and "dir/sub")
  // would read the same files twice: articles counted twice and listed as
  // near-duplicates of themselves. A file is known by its directory and
  // name, so the walk needs no system call per file: one per directory
  // walked and one per file named. Where `path`, a file named as an input,
  // was listed before (named, or found by a walk), that listing's path.
  std::optional<std::string> NamedBefore(const std::string& path) {
    const fs::path p(path);
    const std::string base = p.filename().string();
    const std::string parent =
        p.has_parent_path() ? p.parent_path().string() : ".";
    const std::optional<Id> dir = IdOf(parent);
    if (!dir || base.empty()) return std::nullopt;
    auto [it, inserted] = named_.try_emplace({*dir, base}, path);
    if (!inserted) return it->second;
    // A hidden entry, FIFO or device a walk found it listed as skipped
    // without opening it, and named it is read.
    auto walked = walked_.find(*dir);
    if (walked == walked_.end() || base.starts_with(".")) return std::nullopt;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      return std::nullopt;
    }
    const std::string listed = Child(walked->second, base);
    // A type the walk passed over unread, named: asked for, so read (a
    // failed record) in place of the walk's entry (review 45a-05: it was
    // "already an input", and --strict passed).
    if (!Classify(path).format) {
      std::erase_if(files_, [&](const InputFile& f) {
        return f.path == listed && f.passed_over;
      });
      return std::nullopt;
    }
    return listed;
  }
  // A hidden file or directory named as an input after a walk listed it as
  // not read: the walk's entry goes, the input is read.
  void ForgetHiddenListing(const std::string& path) {
    const fs::path p(path);
    const std::string base = p.filename().string();
    if (!base.starts_with(".") || base == "." || base == "..") return;
    const std::optional<Id> dir =
        IdOf(p.has_parent_path() ? p.parent_path().string() : ".");
    if (!dir) return;
    auto walked = walked_.find(*dir);
    if (walked == walked_.end()) return;
    const std::string listed = Child(walked->second, base);
    std::erase_if(files_, [&](const InputFile& f) {
      return f.path == listed && f.skip_reason.starts_with("hidden ");
    });
  }
  // A symbolic link to a file listed under another name too (a
  // "latest.jsonl" link beside the dump it names, a link named as an
  // input beside the folder holding its file) would read its records
  // twice: the later listing is skipped, naming the first. Only when a
  // link was listed: then every listed file costs a stat, otherwise none.
  // Names that read a file differently (a link "a.txt" to "a.dat") are
  // both kept.
  void SameFilesThroughLinks() {
    if (links_.empty()) return;
    struct Seen {
      size_t first;
      bool link;
    };
    std::map<std::tuple<dev_t, ino_t, int, int, bool>, Seen> seen;
    std::vector<std::vector<size_t>> later(files_.size());
    for (size_t i = 0; i < files_.size(); ++i) {
      const InputFile& f = files_[i];
      if (!f.skip_reason.empty() || f.path == kStdinPath) continue;
      const std::optional<Id> id = IdOf(f.path);
      const FileKind kind = Classify(f.path);
      if (!id || !kind.format) continue;
      auto [it, inserted] = seen.try_emplace(
          std::tuple{id->first, id->second, static_cast<int>(kind.compression),
                     static_cast<int>(*kind.format), kind.json_document},
          Seen{i, links_.contains(f.path)});
      if (inserted) continue;
      it->second.link = it->second.link || links_.contains(f.path);
      later[it->second.first].push_back(i);
    }
    for (const auto& [key, s] : seen) {
      if (!s.link) continue;  // Hard links: files of their own.
      for (size_t i : later[s.first]) {
        files_[i].skip_reason = absl::StrCat(
            "the same file as ", LocationOf(files_[s.first].path, 0),
            " (through a symbolic link): read once");
        // Its records are read, under the other name: none is lost, so
        // --strict does not count it (review, thirty-third session).
        files_[i].passed_over = true;
        files_[i].bytes = 0;
      }
    }
  }
  bool Excluded(const Id& id) const {
    return std::find(excluded_.begin(), excluded_.end(), id) != excluded_.end();
  }
  // Whether the entry at `path`, named `name`, is the scan's own output
  // directory holding nothing but reports: a stat only when an output
  // directory has that name, so the walk keeps taking regular files from
  // the directory alone.
  bool IsExcluded(const std::string& path, const std::string& name) const {
    if (std::find(excluded_names_.begin(), excluded_names_.end(), name) ==
        excluded_names_.end()) {
      return false;
    }
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) ||
        !Excluded(FileId(st))) {
      return false;
    }
    std::error_code ec;
    for (fs::directory_iterator it(path, ec);
         !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const std::string n = it->path().filename().string();
      if (!n.starts_with(".") && !IsReportFileName(n)) return false;
    }
    return !ec;
  }

  // Whether the entry at `path`, named `name`, is one of the scan's own
  // files (its index): an index named news.jsonl in the dump folder was
  // read as records (review 44c). A stat only when the name matches.
  bool IsOwnFile(const std::string& path, const std::string& name) const {
    if (std::find(excluded_file_names_.begin(), excluded_file_names_.end(),
                  name) == excluded_file_names_.end()) {
      return false;
    }
    const std::optional<Id> id = IdOf(path);
    return id && std::find(excluded_files_.begin(), excluded_files_.end(),
                           *id) != excluded_files_.end();
  }

  // Whether a directory whose entries are `listed` is an earlier run's
  // output: nothing but report files (and hidden ones, such as a temporary
  // file left by a killed run), its report.json or report.html refrain's.
  static bool IsEarlierOutput(const std::string& dir,
                              std::span<const InputFile> listed) {
    bool any = false;
    for (const InputFile& f : listed) {
      const std::string name = fs::path(f.path).filename().string();
      if (name.starts_with(".")) continue;
      if (!IsReportFileName(name)) return false;
      any = true;
    }
    if (!any) return false;
    // The first bytes name the tool: report.json's third line, and
    // report.html's generator tag within its head.
    for (const char* name : {"report.json", "report.html"}) {
      std::FILE* f = std::fopen(Child(dir, name).c_str(), "rb");
      if (f == nullptr) continue;
      std::string head(2048, '\0');
      head.resize(std::fread(head.data(), 1, head.size(), f));
      std::fclose(f);
      if (std::string_view(name) == "report.json"
              ? head.find("\n  \"tool\": \"refrain\",\n") != std::string::npos
              : IsRefrainReport(head)) {
        return true;
      }
    }
    return false;
  }

  // Every file under `root`, sorted by path, with the entries that are not
  // read in their places and why: a directory that cannot be read, a
  // symbolic link to a directory (not followed, as find and ripgrep do not:
  // a link to / would walk the whole disk), a FIFO or device, a hidden
  // entry (".name"). The scan's own outputs are not listed.
  void Directory(const std::string& root) {
    std::vector<InputFile> files;
    std::vector<std::string> pending = {root};
    while (!pending.empty()) {
      const std::string dir = std::move(pending.back());
      pending.pop_back();
      const std::optional<Id> dir_id = IdOf(dir);
      if (dir_id) {
        auto [walked, inserted] = walked_.try_emplace(*dir_id, dir);
        if (!inserted) {
          files.push_back({dir, ReadOnce(walked->second), 0});
          files.back().passed_over = true;
          continue;
        }
      }
      // Files in this directory named as inputs before (rare): left out.
      auto named =
          dir_id ? named_.lower_bound({*dir_id, std::string()}) : named_.end();
      const bool has_named =
          named != named_.end() && named->first.first == *dir_id;
      const size_t first = files.size();
      const size_t subdirectories = pending.size();
      std::error_code ec;
      fs::directory_iterator it(dir, ec);
      for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const fs::path& p = it->path();
        const std::string base = p.filename().string();
        std::string name = Child(dir, base);
        if (IsExcluded(name, base)) continue;  // The scan's own reports.
        if (IsOwnFile(name, base)) {
          files.push_back({std::move(name),
                           "this scan's index (--index): not read as input",
                           0});
          files.back().passed_over = true;
          continue;
        }
        std::error_code type_ec;
        if (has_named) {
          if (auto n = named_.find({*dir_id, base}); n != named_.end()) {
            files.push_back({std::move(name), ReadOnce(n->second), 0});
            files.back().passed_over = true;
            continue;
          }
        }
        // Hidden entries (.git, .DS_Store, an editor's swap file) are not
        // read, and said so: one entry each, a hidden directory not walked.
        if (base.starts_with(".")) {
          const bool folder =
              it->is_directory(type_ec) && !it->is_symlink(type_ec);
          // Named as an input before, and walked then (review 45a-05: it
          // was also listed as not walked).
          if (folder) {
            const std::optional<Id> id = IdOf(name);
            if (auto w = id ? walked_.find(*id) : walked_.end();
                w != walked_.end()) {
              files.push_back({std::move(name), ReadOnce(w->second), 0});
              files.back().passed_over = true;
              continue;
            }
          }
          files.push_back(
              {std::move(name),
               folder
                   ? "hidden directory: not walked (name it as an input to "
                     "read it)"
                   : "hidden file: not read (name it as an input to read it)",
               0});
          files.back().passed_over = true;
          continue;
        }
        if (it->is_directory(type_ec)) {
          if (it->is_symlink(type_ec)) {
            files.push_back({std::move(name),
                             "symbolic link to a directory: not followed "
                             "(name it as an input to read it)",
                             0});
            // Passed over by its type, as a hidden directory is by its
            // name: --strict does not count it (review 45a-06: a dump
            // folder holding a `latest` link failed every strict run).
            files.back().passed_over = true;
          } else {
            pending.push_back(std::move(name));
          }
          continue;
        }
        // The directory says which entries are regular files (d_type), so
        // most need no system call at all; the others one stat, for their
        // type and size (std::filesystem took two a file: half the time of
        // a walk of small files).
        // A link to a file (d_type: no system call) may be a second name
        // of a file the walk lists too ("latest.jsonl" beside the dump it
        // names): see SameFilesThroughLinks.
        if (it->is_symlink(type_ec)) links_.insert(name);
        // A file of a type not read (README.md, a .pdf beside the
        // dump) is passed over here, by its name; named as an input it is
        // a failed record.
        if (!Classify(name).format && it->is_regular_file(type_ec)) {
          files.push_back({std::move(name), UnsupportedReason(), 0});
          files.back().passed_over = true;
          continue;
        }
        if (it->is_regular_file(type_ec) && !sizes_) {
          files.push_back({std::move(name), "", 0});
          files.back().regular = true;
          continue;
        }
        // A FIFO would block the walk forever, and a device or socket
        // holds no article: only named on the command line are they read.
        struct stat st;
        const bool known = ::stat(name.c_str(), &st) == 0;
        if (known && !S_ISREG(st.st_mode)) {
          files.push_back({std::move(name),
                           "not a regular file (a FIFO, socket or device): "
                           "read only when named as an input",
                           0});
          files.back().passed_over = true;
          continue;
        }
        // A file that cannot be stat'ed is listed: reading it says why.
        files.push_back(
            {std::move(name), "", known && sizes_ ? uint64_t(st.st_size) : 0});
        files.back().regular = known;
      }
      if (ec) {
        files.push_back(
            {dir, absl::StrCat("cannot read directory: ", ec.message()), 0});
        files.back().unreadable = true;
      } else if (dir != root && pending.size() == subdirectories &&
                 IsEarlierOutput(dir, std::span(files).subspan(first))) {
        // `scan dump --out dump/monday` on Monday, `scan dump` on Tuesday:
        // Monday's report.json is no article (review 38a-05: read as a bad
        // record, it failed --strict). Nothing of the user's is in it.
        files.resize(first);
        files.push_back({dir,
                         "an earlier refrain --out directory (report files "
                         "only): not walked (name it as an input to read it)",
                         0});
        files.back().passed_over = true;
      }
    }
    std::sort(
        files.begin(), files.end(),
        [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
    for (InputFile& f : files) files_.push_back(std::move(f));
  }
  void File(const std::string& path, bool regular) {
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(path, ec))) links_.insert(path);
    uint64_t size = sizes_ ? fs::file_size(path, ec) : 0;
    files_.push_back(InputFile{path, "", ec ? 0 : size});
    files_.back().regular = regular;
  }
  void Skip(const std::string& path, std::string reason) {
    files_.push_back(InputFile{path, std::move(reason), 0});
  }

  const bool sizes_;
  std::map<Id, std::string> walked_;  // Directories walked, by first path.
  std::set<std::string> links_;       // Files listed that are links.
  // Files named as inputs, by directory and name, with their paths.
  std::map<std::pair<Id, std::string>, std::string> named_;
  std::vector<Id> excluded_;  // Of the paths to exclude that exist.
  std::vector<std::string> excluded_names_;  // Their last components.
  std::vector<Id> excluded_files_;  // Regular files to exclude (IsOwnFile).
  std::vector<std::string> excluded_file_names_;  // Their last components.
  std::vector<InputFile> files_;
  bool stdin_listed_ = false;
};

class Walker {
 public:
  Walker(const IngestOptions& options,
         const std::function<void(RawRecord&&)>& on_record,
         const std::function<void(SkippedRecord&&)>& on_skip)
      : options_(options), on_record_(on_record), on_skip_(on_skip) {}

  // `head`: the file's first bytes if read ahead (ReadAhead), else null.
  void Read(const InputFile& f, FileHead* head = nullptr) {
    if (!f.skip_reason.empty()) {
      Skip(f.path, 0, f.skip_reason, 0, f.unreadable, f.passed_over);
    } else if (f.is_piece()) {
      Piece(f);
    } else {
      File(f.path, head);
    }
  }

 private:
  // A piece of a JSON Lines file (InputFile::begin, end): the lines that
  // start in [begin, end). The line that `begin` cuts belongs to the piece
  // before; the one `end` cuts, to this one. Read raw: pieces are only
  // made of UTF-8 files (CanReadInPieces), whose byte-order mark, if any,
  // JsonLines drops from the first line.
  void Piece(const InputFile& f) {
    FILE* file = std::fopen(f.path.c_str(), "rb");
    if (file == nullptr) {
      Skip(f.path, 0, absl::StrCat("cannot open: ", ErrnoText()));
      return;
    }
    auto src = std::make_unique<PlainSource>(file);
    uint64_t newlines = f.newlines_before;  // Before the first line read.
    uint64_t start = f.begin;               // Where that line starts.
    if (f.begin > 0) {
      // A file in UTF-16 without a byte-order mark is skipped whole by the
      // piece at its start (JsonLines): the others read nothing of it.
      char head[64];
      const size_t got = std::fread(head, 1, sizeof head, file);
      if (Utf16WithoutBom(std::string_view(head, got)) != nullptr) return;
      // The piece's first line starts after the first '\n' at or after
      // begin - 1 (at begin itself if that byte is one).
      if (fseeko(file, static_cast<off_t>(f.begin - 1), SEEK_SET) != 0) {
        Skip(f.path, 0, absl::StrCat("cannot seek: ", ErrnoText()));
        return;
      }
      int c;
      start = f.begin - 1;
      while ((c = std::fgetc(file)) != EOF && c != '\n') ++start;
      if (c == EOF) {
        if (std::ferror(file)) {
          Skip(f.path, 0, absl::StrCat("read error: ", ErrnoText()));
        }
        return;  // No line starts in the piece.
      }
      ++start;                          // Just after the '\n'.
      if (start > f.begin) ++newlines;  // That '\n' was in the piece.
    }
    if (start >= f.end) return;
    JsonLines(f.path, *src, newlines, f.end - start);
  }

  void File(const std::string& path, FileHead* head) {
    if (path == kStdinPath) {
      absl::StatusOr<std::pair<std::unique_ptr<ByteSource>, FileKind>> in =
          OpenStdin();
      if (!in.ok()) {
        Skip(kStdinName, 0, std::string(in.status().message()));
      } else if (in->second.json_document) {
        JsonDocument(kStdinName, *in->first);
      } else if (*in->second.format == RecordFormat::kText) {
        TextFile(kStdinName, *in->first, RecordFormat::kText);
      } else {
        JsonLines(kStdinName, *in->first);
      }
      return;
    }
    FileKind kind = Classify(path);
    if (!kind.format) {
      Skip(path, 0, UnsupportedReason());
      return;
    }
    absl::StatusOr<std::unique_ptr<ByteSource>> src =
        Open(path, kind.compression, head);
    if (!src.ok()) {
      // Not found or not readable; a compressed file under a plain name is
      // refused whole, read as nothing.
      Skip(path, 0, std::string(src.status().message()), 0,
           !absl::IsInvalidArgument(src.status()));
      return;
    }
    if (kind.json_document) {
      JsonDocument(path, **src);
    } else if (*kind.format != RecordFormat::kJsonLine) {
      TextFile(path, **src, *kind.format);
    } else {
      JsonLines(path, **src);
    }
  }

  // A JSON document: an array whose elements are records, located by the
  // line each starts on (and its byte column, when another element started
  // on that line before it: a one-line array), or a record (or records, or
  // arrays, one after the other, as `jq` writes them). Read as
  // it streams in (an export of millions of articles need not fit in memory):
  // the top-level elements are cut out by tracking strings and nesting, and
  // each is parsed as a JSON Lines record, so each malformed element is skipped
  // on its own and every record is bounded by --max-record-bytes.
  void JsonDocument(const std::string& path, ByteSource& src) {
    std::vector<char>& buf = buf_;
    enum class At { kStart, kArray, kElement, kObject, kEnd };
    At at = At::kStart;
    uint64_t line = 1, element_line = 0;
    // The byte column of the byte read (1-based), the element's column if
    // it is not the first to start on its line (else 0), and the line the
    // last element started on.
    uint64_t column = 0, element_column = 0, last_start_line = 0;
    int nest = 0;  // Open brackets of the element (or the single object).
    bool in_string = false, escaped = false, too_long = false;
    bool any_record = false, objects = false;
    std::string element;
    auto emit = [&] {
      if (too_long) {
        Skip(path, element_line,
             absl::StrCat("record too large: an element over ",
                          options_.max_record_bytes,
                          " bytes (--max-record-bytes)"),
             element_column);
      } else {
        while (!element.empty() &&
               std::strchr(" \t\r\n", element.back()) != nullptr) {
          element.pop_back();
        }
        JsonRecord(path, element_line, element_column, std::move(element),
                   src.FromUtf16());
      }
      any_record = true;
      element.clear();
      too_long = false;
    };
    auto start_element = [&] {
      element_line = line;
      element_column = line == last_start_line ? column : 0;
      last_start_line = line;
    };
    auto add = [&](char c) {
      if (too_long) return;
      if (element.size() >= options_.max_record_bytes) {
        too_long = true;
        element.clear();
        element.shrink_to_fit();
        return;
      }
      element.push_back(c);
    };
    // Bytes of a leading byte-order mark matched so far; kPastMark once a
    // byte is past where one could be.
    constexpr size_t kPastMark = SIZE_MAX;
    size_t bom = 0;
    for (;;) {
      absl::StatusOr<size_t> got = src.Read(buf.data(), buf.size());
      if (!got.ok()) {
        SkipRest(path, line, got.status());
        return;
      }
      if (*got == 0) break;
      const std::string_view chunk(buf.data(), *got);
      for (const char c : chunk) {
        ++column;
        // A byte-order mark may lead the document, however the reads cut
        // it; part of one is not JSON.
        if (bom != kPastMark) {
          if (c == internal::kUtf8Bom[bom]) {
            if (++bom == internal::kUtf8Bom.size()) bom = kPastMark;
            continue;
          }
          if (bom > 0) {
            Skip(path, line,
                 "malformed JSON document: neither an array nor an object");
            return;
          }
          bom = kPastMark;
        }
        const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
        if (at == At::kElement || at == At::kObject) {
          if (in_string) {
            add(c);
            if (escaped) {
              escaped = false;
            } else if (c == '\\') {
              escaped = true;
            } else if (c == '"') {
              in_string = false;
            }
          } else if (at == At::kElement && nest == 0 &&
                     (c == ',' || c == ']')) {
            emit();  // A scalar, or an element closed before.
            at = c == ']' ? At::kEnd : At::kArray;
          } else {
            add(c);
            if (c == '"') {
              in_string = true;
            } else if (c == '{' || c == '[') {
              ++nest;
            } else if ((c == '}' || c == ']') && nest > 0) {
              --nest;
              if (at == At::kObject && nest == 0) {
                emit();  // The single record, whole.
                at = At::kEnd;
              }
            }
          }
        } else if (space) {
          // Between values.
        } else if ((at == At::kStart || (at == At::kEnd && !objects)) &&
                   c == '[') {
          // An array; arrays one after the other each give their elements.
          at = At::kArray;
        } else if ((at == At::kStart || (at == At::kEnd && objects)) &&
                   c == '{') {
          // A record; a .json file of objects one after the other (JSON
          // Lines under another name) gives one record each.
          objects = true;
          at = At::kObject;
          start_element();
          nest = 1;
          add(c);
        } else if (at == At::kArray && c == ']') {
          at = At::kEnd;
        } else if (at == At::kArray && c == ',') {
          // Between elements (an extra comma is not a record).
        } else if (at == At::kArray) {
          at = At::kElement;
          start_element();
          nest = c == '{' || c == '[' ? 1 : 0;
          in_string = c == '"';
          add(c);
        } else if (at == At::kStart) {
          Skip(path, line,
               "malformed JSON document: neither an array nor an object");
          return;
        } else {
          Skip(path, line, "data after the JSON document");
          return;
        }
        if (c == '\n') {
          ++line;
          column = 0;
        }
      }
    }
    switch (at) {
      case At::kStart:
        Skip(path, 0,
             bom == 0 || bom == kPastMark
                 ? "empty file"
                 : "malformed JSON document: neither an array nor an object");
        return;
      case At::kObject:
        emit();  // Malformed if cut: ParseRecord says so.
        break;
      case At::kElement:
        // The last element, cut off or not, is one record: skipped with
        // the reason (counting it and a skip of the array was one too many).
        Skip(path, element_line,
             "truncated JSON array: no closing ] after this element",
             element_column);
        return;
      case At::kArray:
        Skip(path, line, "truncated JSON array: no closing ]");
        return;
      case At::kEnd:
        break;
    }
    if (!any_record) Skip(path, 0, "an empty JSON array: no records");
  }

  void TextFile(const std::string& path, ByteSource& src, RecordFormat format) {
    RawRecord rec;
    rec.format = format;
    rec.path = path;
    std::string& bytes = rec.bytes;
    for (;;) {
      absl::StatusOr<size_t> got = src.Read(buf_.data(), buf_.size());
      if (!got.ok()) {
        SkipRest(path, 0, got.status());
        return;
      }
      if (*got == 0) break;
      bytes.append(buf_.data(), *got);
      if (bytes.size() > options_.max_record_bytes) {
        Skip(path, 0,
             absl::StrCat("record too large: over ", options_.max_record_bytes,
                          " bytes (--max-record-bytes)"));
        return;
      }
    }
    if (bytes.starts_with(internal::kUtf8Bom)) {
      bytes.erase(0, internal::kUtf8Bom.size());
    }
    if (bytes.empty()) {
      Skip(path, 0, "empty file");
      return;
    }
    rec.from_utf16 = src.FromUtf16();
    // Text holds no NUL byte. A file that does is binary (misnamed, or
    // cut from a disk image), or UTF-16 without a byte-order mark, whose
    // every other byte is NUL for Latin text: read as UTF-8 it became an
    // "article" of repaired bytes, matched with nothing (review,
    // thirty-second session).
    if (!rec.from_utf16) {
      const NulBytes nuls = NulBytes::Count(bytes);
      if (nuls.total() > 0) {
        const char* utf16 = nuls.Utf16(bytes.size());
        Skip(path, 0,
             absl::StrCat(
                 "not text: ", nuls.total(),
                 nuls.total() == 1 ? " NUL byte" : " NUL bytes",
                 utf16 == nullptr
                     ? " (a binary file)"
                     : absl::StrCat(" (UTF-16 without a byte-order mark? "
                                    "convert it first, e.g. iconv -f ",
                                    utf16, " -t UTF-8)")));
        return;
      }
    }
    on_record_(std::move(rec));
  }

  // The NUL bytes of a text, at even and at odd offsets.
  struct NulBytes {
    size_t even = 0, odd = 0;
    static NulBytes Count(std::string_view bytes) {
      NulBytes n;
      for (size_t i = bytes.find('\0'); i != std::string_view::npos;
           i = bytes.find('\0', i + 1)) {
        ++(i % 2 == 0 ? n.even : n.odd);
      }
      return n;
    }
    size_t total() const { return even + odd; }
    // "UTF-16LE" or "UTF-16BE" if they are those of Latin text in UTF-16
    // of `size` bytes (a quarter of the bytes or more, on one side of the
    // byte pairs: a program or an image has them on both; review 45a-07),
    // else null.
    const char* Utf16(size_t size) const {
      if (total() * 4 < size || std::max(even, odd) < 9 * std::min(even, odd)) {
        return nullptr;
      }
      return odd > even ? "UTF-16LE" : "UTF-16BE";
    }
  };

  // NulBytes::Utf16 of `head`, a file's first bytes, given two NULs or more.
  static const char* Utf16WithoutBom(std::string_view head) {
    const NulBytes nuls = NulBytes::Count(head);
    return nuls.total() >= 2 ? nuls.Utf16(head.size()) : nullptr;
  }

  // Reads `src` line by line from its start. In a piece of a file
  // (Piece), `line_no` is the number of lines before it, and a line that
  // starts `owned` bytes or more into `src` is the next piece's: reading
  // stops there.
  void JsonLines(const std::string& path, ByteSource& src, uint64_t line_no = 0,
                 uint64_t owned = std::numeric_limits<uint64_t>::max()) {
    const bool whole = owned == std::numeric_limits<uint64_t>::max();
    std::vector<char>& buf = buf_;
    std::string line;
    bool too_long = false;
    bool any_bytes = false;
    uint64_t at = 0;  // Bytes of `src` before `chunk`.
    auto finish_line = [&](bool unterminated = false) {
      ++line_no;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.size() > options_.max_record_bytes) too_long = true;
      // A byte-order mark starts no JSON value: at the start of a file
      // saved as "UTF-8 with BOM", or of every such file concatenated.
      if (line.starts_with(internal::kUtf8Bom)) {
        line.erase(0, internal::kUtf8Bom.size());
      }
      if (too_long) {
        Skip(path, line_no,
             absl::StrCat("record too large: line over ",
                          options_.max_record_bytes,
                          " bytes (--max-record-bytes)"));
      } else if (line.find_first_not_of(" \t\r") != std::string::npos) {
        JsonRecord(path, line_no, /*column=*/0, std::move(line),
                   src.FromUtf16(), unterminated);
      }
      line.clear();
      too_long = false;
    };
    for (;;) {
      absl::StatusOr<size_t> got = src.Read(buf.data(), buf.size());
      if (!got.ok()) {
        SkipRest(path, line_no + 1, got.status());
        return;
      }
      if (*got == 0) break;
      std::string_view chunk(buf.data(), *got);
      // A file of JSON Lines in UTF-16 without a byte-order mark: every
      // other byte NUL, which no JSON text holds. Said once, for the file,
      // rather than as a bad record a line (review 45a-07: "4 records of 3,
      // each blamed on a lone carriage return").
      if (!any_bytes && line_no == 0 && !src.FromUtf16()) {
        if (const char* utf16 = Utf16WithoutBom(chunk.substr(0, 64))) {
          Skip(path, 0,
               absl::StrCat("not text: UTF-16 without a byte-order mark? "
                            "convert it first, e.g. iconv -f ",
                            utf16, " -t UTF-8"));
          return;
        }
      }
      any_bytes = true;
      const uint64_t chunk_at = at;
      at += *got;
      while (!chunk.empty()) {
        // At the start of a line (nothing of it kept yet): the next
        // piece's once `owned` bytes are behind.
        if (line.empty() && !too_long &&
            chunk_at + (*got - chunk.size()) >= owned) {
          return;
        }
        size_t nl = chunk.find('\n');
        std::string_view piece = chunk.substr(0, nl);
        if (!too_long) {
          // One byte more may be a CR before the LF, which finish_line()
          // drops: a file saved with CRLF line ends is held to the same
          // limit (review, thirty-eighth session).
          if (line.size() + piece.size() > options_.max_record_bytes + 1) {
            too_long = true;
            line.clear();
            line.shrink_to_fit();
          } else {
            // Room for simdjson's padding past the end: without it, parse()
            // allocates a padded copy of every record.
            line.reserve(line.size() + piece.size() +
                         simdjson::SIMDJSON_PADDING);
            line.append(piece);
          }
        }
        if (nl == std::string_view::npos) break;
        finish_line();
        chunk.remove_prefix(nl + 1);
      }
    }
    if (!line.empty() || too_long) finish_line(/*unterminated=*/true);
    if (!any_bytes && whole) Skip(path, 0, "empty file");
  }

  // Hands on one JSON record (a JSONL line, or an element of a .json
  // document) to be parsed.
  void JsonRecord(const std::string& path, uint64_t line, uint64_t column,
                  std::string&& bytes, bool from_utf16,
                  bool unterminated = false) {
    RawRecord rec;
    rec.unterminated = unterminated;
    rec.format = RecordFormat::kJsonLine;
    rec.path = path;
    rec.line = line;
    rec.column = column;
    rec.bytes = std::move(bytes);
    rec.from_utf16 = from_utf16;
    on_record_(std::move(rec));
  }

  // A read that failed at `line` (0: the file's start): nothing after it is
  // read. A damaged stream (DataLoss: a read error, a corrupt or cut
  // compressed stream) cuts the file short; a file refused whole at its
  // first bytes (compressed twice) is one skipped record.
  void SkipRest(const std::string& path, uint64_t line,
                const absl::Status& status) {
    if (!absl::IsDataLoss(status)) {
      return Skip(path, line, std::string(status.message()));
    }
    SkippedRecord s;
    s.location = LocationOf(path, line, 0);
    s.reason = absl::StrCat(status.message(),
                            "; the file is not read past this point");
    s.unreadable = true;
    // The decoders' own words for a stream that failed a check (a cut one
    // is "truncated ...", whose earlier records are sound).
    s.damaged = absl::StartsWith(status.message(), "corrupt ");
    if (s.damaged) {
      absl::StrAppend(&s.reason,
                      "; the records read from it before are kept in the "
                      "reports, marked damaged, but not added to an index "
                      "nor to a deduplicated dataset: deliver the file again");
    }
    on_skip_(std::move(s));
  }
  void Skip(const std::string& path, uint64_t line, std::string reason,
            uint64_t column = 0, bool unreadable = false,
            bool passed_over = false) {
    SkippedRecord s;
    s.location = LocationOf(path, line, column);
    s.reason = std::move(reason);
    s.unreadable = unreadable;
    s.passed_over = passed_over;
    on_skip_(std::move(s));
  }

  const IngestOptions& options_;
  const std::function<void(RawRecord&&)>& on_record_;
  const std::function<void(SkippedRecord&&)>& on_skip_;
  std::vector<char> buf_ = std::vector<char>(kChunk);  // Reused read buffer.
};

// White space, and characters that show nothing (zero-width spaces and
// joiners, a byte-order mark, soft hyphens: Unicode's default ignorables):
// a record of such characters alone is as empty as one of spaces (review,
// thirty-sixth session: NBSP, U+200B and U+FEFF made a document of no word).
bool IsBlank(std::string_view text) {
  const auto n = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < n;) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      if (!u_isUWhiteSpace(b)) return false;
      ++i;
      continue;
    }
    UChar32 c;
    U8_NEXT(text.data(), i, n, c);
    if (c < 0 ||
        !(u_isUWhiteSpace(c) ||
          u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))) {
      return false;
    }
  }
  return true;
}

// A text's title: its first non-empty line, trimmed. Lines end at LF, CRLF
// or a lone CR (classic Mac text). A first line longer than kMaxTitleBytes
// is a paragraph, not a headline (a file without one): it is cut at a
// character boundary, after a space when there is one in its last quarter,
// and ends with "…". The text itself is untouched. A text of one line has
// no title: that line is its body (a sentence piped in by a fact-checker,
// a scraped article on one line), whose claims are sentences, not a
// headline's.
constexpr size_t kMaxTitleBytes = 300;

// Words with a letter (ASCII, or any non-ASCII byte) in `line`.
int LetterWords(std::string_view line) {
  int words = 0;
  bool in_word = false, letter = false;
  for (size_t i = 0; i <= line.size(); ++i) {
    const auto c = i < line.size() ? static_cast<unsigned char>(line[i]) : ' ';
    if (c == ' ' || c == '\t') {
      words += in_word && letter;
      in_word = letter = false;
      continue;
    }
    in_word = true;
    letter = letter || absl::ascii_isalpha(c) || c >= 0x80;
  }
  return words;
}

// Where a scraped page's text begins with a line such as "Skip to content",
// the offset past it and the short lines after it ("Menu", "Search").
// Where it begins with a block of at least three short lines, each of under
// three words with a letter (a weather widget, a city, a date: "14 C / Los
// Angeles / Saturday, March 25, 2023"), ended by a blank line or by a
// longer line (the headline, review 44a-05), the offset past that block;
// else 0. A headline of one or two words ("Newcastle 2-1 Bolton") stands
// alone on its line, or starts a block of longer lines.
struct Furniture {
  size_t after = 0;        // Offset past it; 0: none.
  bool skip_link = false;  // It began with a "Skip to content" line.
};
Furniture PageFurniture(std::string_view text) {
  size_t pos = 0;
  int lines = 0;
  bool skip_link = false;
  size_t after_link = 0;  // Where the line after the skip link begins.
  size_t last_short = 0;  // Where the last short line begins.
  // Whether the line ending at `nl` is followed by a blank line: a
  // headline stands apart from its body (a recipe's "Ingredients / 2 eggs
  // / 1 cup flour / A pinch of salt" goes on, review 44c-08).
  auto blank_after = [&](size_t nl) {
    size_t p =
        nl + (text[nl] == '\r' && nl + 1 < text.size() && text[nl + 1] == '\n'
                  ? 2
                  : 1);
    while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) ++p;
    return p < text.size() && (text[p] == '\n' || text[p] == '\r');
  };
  while (pos < text.size()) {
    size_t nl = text.find_first_of("\r\n", pos);
    if (nl == std::string_view::npos) return {};
    uint32_t b = static_cast<uint32_t>(pos), e = static_cast<uint32_t>(nl);
    internal::TrimSpace(text, &b, &e);
    // A page's link for screen readers ("Skip to content", WordPress's
    // 'Press "Enter" to skip to content'), copied with its text.
    if (lines == 0 && !skip_link && b < e && e - b <= 60) {
      const std::string line =
          absl::AsciiStrToLower(absl::string_view(text.data() + b, e - b));
      if (line.find("skip to content") != std::string::npos ||
          line.find("skip to main content") != std::string::npos) {
        skip_link = true;
        pos = text[nl] == '\r' && nl + 1 < text.size() && text[nl + 1] == '\n'
                  ? nl + 2
                  : nl + 1;
        after_link = pos;
        continue;
      }
    }
    // A headline starts with a capital, a digit or a sign; a line in
    // lower case goes on a sentence ("Winners: / Anna Schmidt / ... / were
    // honoured on Monday", review 44c-08).
    const bool lower = b < e && absl::ascii_islower(text[b]);
    if (b == e) {
      // Short lines after the link, then a blank one: the first of them
      // is the headline, however short ("Brexit").
      if (skip_link) return {lines > 0 ? last_short : pos, true};
      if (lines > 0) return {lines >= 3 ? nl : 0, false};  // The block's end.
    } else if (e - b > 40 || LetterWords(text.substr(b, e - b)) >= 3) {
      // A longer line right after the furniture: its headline.
      if (skip_link) return {lower ? after_link : pos, true};
      return {lines >= 3 && !lower && blank_after(nl) ? pos : 0, false};
    } else if (last_short = pos; ++lines > 8) {
      // Short lines on and on: a list, a poem.
      return skip_link ? Furniture{after_link, true} : Furniture{};
    }
    // CRLF is one line end.
    pos = text[nl] == '\r' && nl + 1 < text.size() && text[nl + 1] == '\n'
              ? nl + 2
              : nl + 1;
  }
  return {};
}

std::string TitleLine(std::string_view text) {
  // The headline after a page's furniture, if one follows (three words or
  // more, with a body after it); else the first line, as for any text.
  if (const Furniture f = PageFurniture(text); f.after > 0) {
    std::string title = TitleLine(text.substr(f.after));
    if (!title.empty() && (f.skip_link || LetterWords(title) >= 3) &&
        !title.ends_with("\u2026")) {
      return title;
    }
  }
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find_first_of("\r\n", pos);
    if (nl == std::string_view::npos) nl = text.size();
    uint32_t b = static_cast<uint32_t>(pos), e = static_cast<uint32_t>(nl);
    internal::TrimSpace(text, &b, &e);
    if (b < e) {
      if (IsBlank(text.substr(nl))) return "";
      std::string_view line = text.substr(b, e - b);
      if (line.size() <= kMaxTitleBytes) return std::string(line);
      size_t cut = kMaxTitleBytes;
      while (cut > 0 &&
             (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) {
        --cut;  // Not inside a UTF-8 sequence.
      }
      const size_t space = line.rfind(' ', cut);
      if (space != std::string_view::npos && space >= cut * 3 / 4) cut = space;
      return std::string(line.substr(0, cut)) + "\u2026";
    }
    pos = nl + 1;
  }
  return "";
}

// Replaces every \uXXXX escape of a UTF-16 surrogate that is not half of a
// valid pair (high then low) by \uFFFD, in raw JSON text, and returns how
// many it replaced. simdjson rejects such strings as malformed, but they
// are the JSON form of invalid UTF-8 (JavaScript and other UTF-16 tools
// write them when a string is cut inside an emoji), and ingest repairs
// invalid UTF-8 rather than dropping the article. Outside strings a
// backslash is malformed JSON anyway, so no string tracking is needed.
uint32_t RepairLoneSurrogateEscapes(std::string* json) {
  std::string& s = *json;
  auto hex4 = [&](size_t at, uint32_t* v) {
    if (at + 4 > s.size()) return false;
    uint32_t x = 0;
    for (size_t i = at; i < at + 4; ++i) {
      const char c = s[i], l = static_cast<char>(c | 0x20);
      if (c >= '0' && c <= '9') {
        x = x << 4 | static_cast<uint32_t>(c - '0');
      } else if (l >= 'a' && l <= 'f') {
        x = x << 4 | static_cast<uint32_t>(l - 'a' + 10);
      } else {
        return false;
      }
    }
    *v = x;
    return true;
  };
  uint32_t repaired = 0;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] != '\\') continue;
    uint32_t u = 0;
    if (s[i + 1] != 'u' || !hex4(i + 2, &u)) {
      ++i;  // \" \\ \n ...: the escaped character is not an escape.
      continue;
    }
    uint32_t low = 0;
    if (u >= 0xD800 && u <= 0xDBFF && i + 7 < s.size() && s[i + 6] == '\\' &&
        s[i + 7] == 'u' && hex4(i + 8, &low) && low >= 0xDC00 &&
        low <= 0xDFFF) {
      i += 11;  // A valid pair.
      continue;
    }
    if (u >= 0xD800 && u <= 0xDFFF) {
      s.replace(i + 2, 4, "FFFD");
      ++repaired;
    }
    i += 5;
  }
  return repaired;
}

// Puts in quotes every number of raw JSON text, outside strings, that is
// valid JSON but beyond what simdjson holds (an integer beyond 64 bits, a
// number beyond a double's range: 18446744073709551616, 1e400), and
// returns how many. simdjson rejects the whole record for one ("Problem
// while parsing a number"), though JSON sets no limit and exporters write
// them (Python's 128-bit hashes, Go's big.Int): a field the scan never
// reads cost the article. Quoted, an id keeps its exact digits. Each is
// marked by a leading U+0000 (the escape \u0000) so that the readers tell
// it from a string (QuotedNumber): an id of 1.5e400 is skipped as 1.5 is.
uint32_t QuoteOutOfRangeNumbers(std::string* json) {
  std::string& s = *json;
  auto digits = [&](size_t i) {
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i;
  };
  uint32_t quoted = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != '-' && (c < '0' || c > '9')) continue;
    // The JSON grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?,
    // then a delimiter; anything else is left to be malformed.
    size_t j = i + (c == '-' ? 1 : 0);
    const size_t int_begin = j;
    j = digits(j);
    bool ok = j > int_begin && (s[int_begin] != '0' || j == int_begin + 1);
    bool integer = true;
    if (ok && j < s.size() && s[j] == '.') {
      const size_t k = digits(j + 1);
      ok = k > j + 1;
      j = k;
      integer = false;
    }
    if (ok && j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
      size_t k = j + 1;
      if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
      const size_t e = digits(k);
      ok = e > k;
      j = e;
      integer = false;
    }
    ok = ok && (j == s.size() || std::strchr(" \t\r\n,]}", s[j]) != nullptr);
    if (!ok) {
      i = j > i ? j - 1 : i;
      continue;
    }
    const char* const first = s.data() + i;
    const char* const last = s.data() + j;
    std::from_chars_result r;
    if (integer && c == '-') {
      int64_t v;
      r = std::from_chars(first, last, v);
    } else if (integer) {
      uint64_t v;
      r = std::from_chars(first, last, v);
    } else {
      double v;
      r = std::from_chars(first, last, v);
      // Below a double's range is 0 to simdjson, not an error.
      if (r.ec == std::errc::result_out_of_range &&
          std::abs(std::strtod(std::string(first, last).c_str(), nullptr)) <
              1.0) {
        r.ec = std::errc();
      }
    }
    if (r.ec == std::errc::result_out_of_range) {
      s.insert(j, 1, '"');
      s.insert(i, "\"\\u0000");
      j += 8;
      ++quoted;
    }
    i = j - 1;
  }
  return quoted;
}

// The number as written if `sv` is one that QuoteOutOfRangeNumbers put in
// quotes in a record where it did (`quoted`), else nullopt.
std::optional<std::string_view> QuotedNumber(std::string_view sv, bool quoted) {
  if (!quoted || !sv.starts_with(std::string_view("\0", 1))) {
    return std::nullopt;
  }
  return sv.substr(1);
}

SkippedRecord SkipOf(const RawRecord& r, std::string reason) {
  return SkippedRecord{r.location(), std::move(reason)};
}

// Whether `text` looks like HTML: one of a few tags that news bodies are
// made of, within its first 16 KB (a single pass finding '<').
bool LooksLikeHtml(std::string_view text) {
  text = text.substr(0, 16 << 10);
  static constexpr std::string_view kTags[] = {
      "<p>",  "<p ",    "</p>", "<br>",  "<br/>", "<br />",
      "<div", "</div>", "</a>", "<span", "</li>"};
  for (size_t i = text.find('<'); i != std::string_view::npos;
       i = text.find('<', i + 1)) {
    const std::string_view rest = text.substr(i, 7);
    for (std::string_view tag : kTags) {
      if (rest.size() >= tag.size() &&
          absl::EqualsIgnoreCase(absl::string_view(rest.data(), tag.size()),
                                 absl::string_view(tag.data(), tag.size()))) {
        return true;
      }
    }
  }
  return false;
}

// `html`: the text was extracted from markup.
std::string EmptyText(bool html) {
  return html ? "empty text (after removing HTML markup)" : "empty text";
}

}  // namespace

std::string RawRecord::location() const {
  return LocationOf(path, line, column);
}

const char* RepeatedIdsName(RepeatedIds r) {
  return r == RepeatedIds::kSkip ? "skip" : "rename";
}

absl::Status ValidateIngestOptions(const IngestOptions& o) {
  if (o.text_field.empty()) {
    return absl::InvalidArgumentError("the text field name must not be empty");
  }
  if (o.max_record_bytes == 0 || o.max_record_bytes > 0x7fffffffull) {
    return absl::InvalidArgumentError(
        "--max-record-bytes must be in 1 .. 2147483647");
  }
  for (const auto& [flag, name] :
       {std::pair{"--id-field", &o.id_field},
        std::pair{"--title-field", &o.title_field},
        std::pair{"--text-field", &o.text_field},
        std::pair{"--url-field", &o.url_field},
        std::pair{"--date-field", &o.date_field},
        std::pair{"--source-field", &o.source_field}}) {
    // An empty name finds nothing: every id would quietly become FILE:LINE
    // (a re-delivered article then a new one to an index), every title or
    // date none.
    if (name->empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          flag,
          " must not be empty (a field name, or a JSON Pointer such as "
          "/meta/id)"));
    }
    // A JSON Pointer escapes '~' as "~0" and '/' as "~1" (RFC 6901); any
    // other '~' makes it match no record, so every record would be skipped.
    if (!name->starts_with("/")) continue;
    for (size_t i = name->find('~'); i != std::string::npos;
         i = name->find('~', i + 1)) {
      if (i + 1 >= name->size() ||
          ((*name)[i + 1] != '0' && (*name)[i + 1] != '1')) {
        return absl::InvalidArgumentError(absl::StrCat(
            flag, " ", *name,
            ": not a JSON Pointer ('~' must be followed by 0 or 1: ~0 is "
            "'~', ~1 is '/')"));
      }
    }
  }
  if (!o.input_encoding.empty()) {
    std::string probe = "x";
    if (!internal::ConvertToUtf8(&probe, o.input_encoding)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--input-encoding: ICU has no converter named '", o.input_encoding,
          "' (e.g. windows-1252, iso-8859-15, koi8-r, shift_jis, gb18030)"));
    }
  }
  return absl::OkStatus();
}

absl::Status ReadRecords(std::span<const std::string> paths,
                         const IngestOptions& options,
                         const std::function<void(RawRecord&&)>& on_record,
                         const std::function<void(SkippedRecord&&)>& on_skip) {
  return ReadInputFiles(ListInputFiles(paths, false, options.exclude_from_walk),
                        options, on_record, on_skip);
}

std::vector<InputFile> ListInputFiles(
    std::span<const std::string> paths, bool sizes,
    std::span<const std::string> exclude_from_walk) {
  Lister lister(sizes, exclude_from_walk);
  for (const std::string& p : paths) lister.Path(p);
  return lister.Take();
}

absl::Status CheckReadableTwice(std::span<const std::string> paths,
                                std::string_view who, std::string_view why) {
  for (const std::string& p : paths) {
    struct stat st;
    const bool stream =
        p == kStdinPath || (::stat(p.c_str(), &st) == 0 &&
                            !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode));
    if (!stream) continue;
    // Debian's absl::StrCat takes no std::string_view.
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(who), " reads the inputs a second time (",
                     std::string(why), "), which ",
                     p == kStdinPath ? std::string("standard input (-)")
                                     : absl::StrCat(p, " (a FIFO or device)"),
                     " cannot give: save it to a file first"));
  }
  return absl::OkStatus();
}

absl::Status CheckJsonLinesName(std::string_view flag,
                                const std::string& path) {
  const FileKind kind = Classify(path);
  if (kind.format == RecordFormat::kJsonLine && !kind.json_document) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      std::string(flag), " ", path,
      ": the name must end in .jsonl or .ndjson, optionally followed by .gz "
      "or .zst (the names scan reads as JSON Lines)"));
}

bool CanReadInPieces(const InputFile& file) {
  if (!file.skip_reason.empty() || file.path == kStdinPath) return false;
  const FileKind kind = Classify(file.path);
  if (kind.compression != Compression::kNone || kind.json_document ||
      kind.format != RecordFormat::kJsonLine) {
    return false;
  }
  // UTF-16 is converted as a stream (Utf8Source): no piece of it can be
  // read on its own. A compressed file under a plain name is refused whole
  // (Open), as one skipped file, not read as pieces of malformed lines.
  char head[4] = {};
  FILE* f = std::fopen(file.path.c_str(), "rb");
  if (f == nullptr) return false;
  const size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  const std::string_view h(head, n);
  return Utf16Charset(h) == nullptr && CompressionOf(h) == Compression::kNone;
}

absl::StatusOr<uint64_t> CountNewlines(const std::string& path, uint64_t begin,
                                       uint64_t end) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot open: ", ErrnoText()));
  }
  std::unique_ptr<FILE, int (*)(FILE*)> closer(f, std::fclose);
  if (fseeko(f, static_cast<off_t>(begin), SEEK_SET) != 0) {
    return absl::DataLossError(
        absl::StrCat(path, ": cannot seek: ", ErrnoText()));
  }
  std::vector<char> buf(1 << 20);
  uint64_t count = 0, left = end - begin;
  while (left > 0) {
    const size_t got =
        std::fread(buf.data(), 1, std::min<uint64_t>(buf.size(), left), f);
    if (got == 0) {
      if (std::ferror(f)) {
        return absl::DataLossError(
            absl::StrCat(path, ": read error: ", ErrnoText()));
      }
      break;
    }
    count +=
        static_cast<uint64_t>(std::count(buf.data(), buf.data() + got, '\n'));
    left -= got;
  }
  return count;
}

namespace {

// Reads the files of a listing ahead of the Walker, in order, on a thread
// of its own. A folder of small articles is read in system calls (open,
// read, read, close), about 15 us each on the CI's VM: 40 us an article
// on the one reader thread, while the workers that sketch what it reads
// wait. Only regular files of a readable type are read ahead (a FIFO could
// block the thread), each up to kHeadBytes (the rest, if any, is left to
// the reader), at most kMaxAhead files ahead.
class ReadAhead {
 public:
  explicit ReadAhead(std::span<const InputFile> files) : files_(files) {
    eligible_.resize(files.size());
    size_t n = 0;
    for (size_t i = 0; i < files.size(); ++i) {
      const InputFile& f = files[i];
      // Every other such file: the reader reads the others itself, so that
      // two threads wait for the system at once.
      if (f.regular && f.skip_reason.empty() && !f.is_piece() &&
          f.path != kStdinPath && Classify(f.path).format) {
        eligible_[i] = n++ % 2 == 1;
      }
    }
    if (n >= 2) thread_ = std::thread([this] { Run(); });
  }
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;
  ~ReadAhead() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    for (auto& [i, head] : ready_) {
      if (head.rest != nullptr) std::fclose(head.rest);
    }
  }

  // File i's head if it is read ahead (waiting for it), else nullopt. Each
  // i at most once, ascending.
  std::optional<FileHead> Take(size_t i) {
    if (!thread_.joinable() || !eligible_[i]) return std::nullopt;
    std::unique_lock lock(mu_);
    consumer_waits_ = true;
    cv_.wait(lock, [&] { return !ready_.empty(); });
    consumer_waits_ = false;
    // The thread reads the eligible files in order and this takes them in
    // order, so the first ready one is file i.
    FileHead head = std::move(ready_.front().second);
    ready_.pop_front();
    if (producer_waits_) cv_.notify_all();
    return head;
  }

 private:
  static constexpr size_t kHeadBytes = 64 << 10;
  static constexpr size_t kMaxAhead = 64;

  void Run() {
    for (size_t i = 0; i < files_.size(); ++i) {
      if (!eligible_[i]) continue;
      {
        std::unique_lock lock(mu_);
        producer_waits_ = true;
        cv_.wait(lock, [&] { return stop_ || ready_.size() < kMaxAhead; });
        producer_waits_ = false;
        if (stop_) return;
      }
      FileHead head = Fetch(files_[i].path);
      std::lock_guard lock(mu_);
      ready_.emplace_back(i, std::move(head));
      if (consumer_waits_) cv_.notify_all();
    }
  }

  static FileHead Fetch(const std::string& path) {
    FileHead head;
    FILE* f = OpenUnbuffered(path);
    if (f == nullptr) {
      head.open_errno = errno;
      return head;
    }
    head.bytes.resize(kHeadBytes);
    const size_t got = std::fread(head.bytes.data(), 1, kHeadBytes, f);
    head.bytes.resize(got);
    if (got < kHeadBytes && !std::ferror(f)) {
      std::fclose(f);  // Read whole.
    } else {
      // More to read, or a read error, which the reader meets again itself.
      std::clearerr(f);
      head.rest = f;
    }
    return head;
  }

  std::span<const InputFile> files_;
  std::vector<char> eligible_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<size_t, FileHead>> ready_;
  bool stop_ = false;
  bool consumer_waits_ = false;
  bool producer_waits_ = false;
  std::thread thread_;
};

}  // namespace

absl::Status ReadInputFiles(
    std::span<const InputFile> files, const IngestOptions& options,
    const std::function<void(RawRecord&&)>& on_record,
    const std::function<void(SkippedRecord&&)>& on_skip) {
  Walker walker(options, on_record, on_skip);
  // On one core a second reading thread would only take turns with the
  // first.
  std::optional<ReadAhead> ahead;
  if (internal::UsableCpus() > 1) ahead.emplace(files);
  for (size_t i = 0; i < files.size(); ++i) {
    std::optional<FileHead> head = ahead ? ahead->Take(i) : std::nullopt;
    walker.Read(files[i], head ? &*head : nullptr);
    if (head && head->rest != nullptr) std::fclose(head->rest);
  }
  return absl::OkStatus();
}

uint32_t ConvertRecordToUtf8(RawRecord* record, const IngestOptions& options) {
  // A page in a legacy encoding that it declares (ISO-8859-1, KOI8-R,
  // Shift_JIS, ... in older news archives) is read in it; valid UTF-8 is
  // taken as UTF-8 whatever its meta tag says (a page re-encoded by a
  // scraper keeps its old tag). --input-encoding covers the rest. Nothing
  // to convert from, the common case, costs no pass over the bytes.
  const bool html = record->format == RecordFormat::kHtml ||
                    (options.html && record->format != RecordFormat::kJsonLine);
  // Text read as UTF-16 is Unicode already: its invalid bytes mark
  // unpaired surrogates, to be repaired, not another charset.
  if ((!html && options.input_encoding.empty()) || record->from_utf16 ||
      internal::IsValidUtf8(record->bytes)) {
    return 0;
  }
  std::string cs = html ? internal::DeclaredCharset(record->bytes) : "";
  if (cs.empty() || cs == "utf-8" || cs == "utf8") cs = options.input_encoding;
  uint32_t substituted = 0;
  if (!cs.empty()) internal::ConvertToUtf8(&record->bytes, cs, &substituted);
  return substituted;
}

namespace {

// The first key that an object on the JSON Pointer `pointer` (RFC 6901:
// "/article/body", "/authors/0") from `root` holds twice, unescaped; none
// if each is once, or the path ends early (a missing field is said
// elsewhere).
std::optional<std::string> KeyTwiceOnPointer(simdjson::dom::element root,
                                             std::string_view pointer) {
  simdjson::dom::element at = root;
  while (!pointer.empty()) {
    pointer.remove_prefix(1);  // The '/'.
    const size_t slash = pointer.find('/');
    std::string token(pointer.substr(0, slash));
    pointer = slash == std::string_view::npos ? std::string_view()
                                              : pointer.substr(slash);
    for (size_t k = token.find('~'); k != std::string::npos;
         k = token.find('~', k + 1)) {
      if (k + 1 < token.size() &&
          (token[k + 1] == '0' || token[k + 1] == '1')) {
        token.replace(k, 2, token[k + 1] == '0' ? "~" : "/");
      }
    }
    simdjson::dom::object obj;
    simdjson::dom::array arr;
    if (!at.get_object().get(obj)) {
      int count = 0;
      simdjson::dom::element first;
      for (auto [key, value] : obj) {
        if (std::string_view(key) != token) continue;
        if (++count == 2) return token;
        first = value;
      }
      if (count == 0) return std::nullopt;
      at = first;
    } else if (!at.get_array().get(arr)) {
      size_t index = 0;
      if (std::from_chars(token.data(), token.data() + token.size(), index)
                  .ec != std::errc() ||
          arr.at(index).get(at)) {
        return std::nullopt;
      }
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

enum class Metadata { kTitle, kDate, kSource, kOther };

// The text of a JSONL metadata field whose value `v` is not null. A string
// is itself; what else feeds give is kept, not dropped: a number as date is
// Unix time (seconds, or milliseconds from 1e11 on: 1973 in milliseconds,
// the year 5138 in seconds), written as RFC 3339 in UTC, unless it falls
// outside the years 0001-9999; a title in parts (an array of strings) is
// joined by spaces; a source object with a string "name" (NewsAPI's {"id":
// ..., "name": "BBC News"}) is that name; anything else is its JSON text.
std::string MetadataText(simdjson::dom::element v, Metadata kind,
                         bool quoted_numbers) {
  std::string_view sv;
  if (!v.get_string().get(sv)) {
    return std::string(QuotedNumber(sv, quoted_numbers).value_or(sv));
  }
  if (double x; kind == Metadata::kDate && !v.get_double().get(x)) {
    // get_double also reads integers; those beyond 2^53 are no dates.
    const double seconds = std::abs(x) >= 1e11 ? x / 1000 : x;
    constexpr double kFirst = -62135596800, kLast = 253402300799;  // 0001, 9999
    if (seconds >= kFirst && seconds <= kLast) {
      int64_t n = 0;
      const absl::Time t =
          v.get_int64().get(n) == simdjson::SUCCESS
              ? (std::abs(x) >= 1e11 ? absl::FromUnixMillis(n)
                                     : absl::FromUnixSeconds(n))
              // To the microsecond: a double holds no more of a date.
              : absl::FromUnixMicros(std::llround(seconds * 1e6));
      return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
    }
  }
  if (simdjson::dom::array parts;
      kind == Metadata::kTitle && !v.get_array().get(parts)) {
    std::string out;
    bool strings = true;
    for (simdjson::dom::element part : parts) {
      if (part.is_null()) continue;
      strings = strings && !part.get_string().get(sv) &&
                !QuotedNumber(sv, quoted_numbers);
      if (!strings) break;
      if (!out.empty()) out.push_back(' ');
      out.append(sv);
    }
    if (strings) return out;
  }
  if (simdjson::dom::object o; kind == Metadata::kSource &&
                               !v.get_object().get(o) &&
                               !o.at_key("name").get_string().get(sv)) {
    return std::string(QuotedNumber(sv, quoted_numbers).value_or(sv));
  }
  if (quoted_numbers) {
    // The numbers' marks out again: written as strings, as in the text.
    return absl::StrReplaceAll(simdjson::minify(v), {{"\"\\u0000", "\""}});
  }
  return simdjson::minify(v);
}

}  // namespace

std::variant<Document, SkippedRecord> ParseRecord(
    RawRecord&& record, const IngestOptions& options) {
  Document doc;
  doc.location = record.location();
  doc.input_bytes = record.bytes.size();
  uint32_t repaired = 0;
  if (record.format != RecordFormat::kJsonLine) {
    const bool html = options.html || record.format == RecordFormat::kHtml;
    repaired = ConvertRecordToUtf8(&record, options);
    repaired += internal::RepairUtf8(&record.bytes);
    doc.invalid_utf8 = repaired;
    doc.id = doc.location;
    if (html && IsRefrainReport(record.bytes)) {
      // An earlier run's report.html beside the articles (--out elsewhere,
      // or a copy): quoting every article, it would match them all.
      return SkippedRecord{doc.location,
                           "a refrain report.html, not an article"};
    }
    if (html) {
      // The first <h1>, else <title>: a page with neither (a body-only
      // export) has no title; its first paragraph is a lede, not a
      // headline to be matched at --claim-headline-threshold.
      doc.text = internal::HtmlToText(record.bytes, &doc.title);
      doc.from_html = true;
    } else {
      doc.text = std::move(record.bytes);
      doc.title = TitleLine(doc.text);
      doc.looks_like_html = LooksLikeHtml(doc.text);
    }
    if (IsBlank(doc.text)) return SkipOf(record, EmptyText(html));
    doc.text_bytes = doc.text.size();
    doc.record_hash = internal::HashRecord(doc.text, doc.title, doc.url,
                                           doc.date, doc.source);
    return doc;
  }

  // simdjson validates the UTF-8 of the whole line as it parses: a line
  // that parses needs no check of its own (it was a pass over every record
  // before the parse). One that does not is repaired and parsed again,
  // which gives what repairing first gave.
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::error_code err = parser.parse(record.bytes).get(root);
  if (err && !options.input_encoding.empty()) {
    repaired += ConvertRecordToUtf8(&record, options);
    err = parser.parse(record.bytes).get(root);
  }
  if (err) {
    repaired += internal::RepairUtf8(&record.bytes);
    if (repaired > 0) err = parser.parse(record.bytes).get(root);
  }
  // Lone surrogate escapes and numbers out of range, in either order.
  bool quoted_numbers = false;  // By QuoteOutOfRangeNumbers.
  for (bool surrogates = false, numbers = false;;) {
    if (err == simdjson::STRING_ERROR && !surrogates) {
      surrogates = true;
      const uint32_t n = RepairLoneSurrogateEscapes(&record.bytes);
      if (n == 0) break;
      repaired += n;
    } else if (err == simdjson::NUMBER_ERROR && !numbers) {
      numbers = true;
      if (QuoteOutOfRangeNumbers(&record.bytes) == 0) break;
      quoted_numbers = true;
    } else {
      break;
    }
    err = parser.parse(record.bytes).get(root);
  }
  if (err) {
    // Records separated by CR alone (old Mac line ends) read as one line
    // that fails: say why, or the reason would hide every record in it.
    // A raw CR is never inside a JSON string, so these are line ends.
    size_t lone_cr = 0;
    const std::string_view b = record.bytes;
    for (size_t i = b.find('\r'); i != std::string_view::npos;
         i = b.find('\r', i + 1)) {
      lone_cr += i + 1 == b.size() || b[i + 1] != '\n';
    }
    return SkipOf(
        record,
        absl::StrCat(
            "malformed JSON: ", simdjson::error_message(err),
            record.unterminated && lone_cr == 0
                ? "; it is the file's last line and no line feed ends it: "
                  "was the file cut short (a download or copy that did not "
                  "finish)?"
                : "",
            lone_cr == 0
                ? ""
                : absl::StrCat(
                      "; the line holds ", lone_cr,
                      lone_cr == 1 ? " carriage return" : " carriage returns",
                      " without a line feed: if its records are "
                      "separated by CR alone, convert the line "
                      "ends to LF (e.g. tr '\\r' '\\n')")));
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) {
    return SkipOf(record, "malformed JSON: expected an object");
  }
  // A field refrain reads given twice: JSON leaves open which value counts,
  // and readers differ (simdjson's look-up takes the first, Python and jq
  // the last), so the record would be one article here and another to the
  // tools reading the kept dataset: an exact copy could survive
  // deduplication, or a distinct article be dropped.
  {
    const std::string* const fields[] = {
        &options.text_field, &options.id_field,   &options.title_field,
        &options.url_field,  &options.date_field, &options.source_field};
    uint32_t seen = 0;  // Bit i: fields[i] met.
    for (auto [key, value] : obj) {
      for (size_t i = 0; i < std::size(fields); ++i) {
        if (std::string_view(key) != *fields[i]) continue;
        if ((seen >> i & 1) != 0) {
          return SkipOf(
              record,
              absl::StrCat("duplicate key '", *fields[i],
                           "': JSON readers disagree on which value counts "
                           "(the first here, the last in Python and jq); "
                           "keep one"));
        }
        seen |= 1u << i;
      }
    }
    // The same along a JSON Pointer: a key given twice in any object on
    // the way (review, thirty-eighth session: {"article":{"body":"teaser",
    // "body":"..."}} was read with the teaser).
    for (const std::string* field : fields) {
      if (!field->starts_with("/")) continue;
      if (std::optional<std::string> key = KeyTwiceOnPointer(root, *field)) {
        return SkipOf(
            record,
            absl::StrCat("duplicate key '", *key, "' on the path ", *field,
                         ": JSON readers disagree on which value counts (the "
                         "first here, the last in Python and jq); keep one"));
      }
    }
  }
  // A name starting with '/' is a JSON Pointer (RFC 6901) into nested
  // objects and arrays ("/article/body", "/authors/0"); any other name is a
  // key of the record itself.
  auto find = [&](const std::string& name, simdjson::dom::element* v) {
    return name.starts_with("/") ? root.at_pointer(name).get(*v) != 0
                                 : obj.at_key(name).get(*v) != 0;
  };
  // Copies the text, the string value `v` of field `name`; a value of
  // another type is an error rather than a silent omission (null aside). It
  // may also be an array of strings (paragraphs, as some scrapers write
  // it), joined by newlines.
  auto read = [&](const std::string& name, simdjson::dom::element v,
                  std::string* out) -> std::optional<std::string> {
    std::string_view sv;
    if (!v.get_string().get(sv) && !QuotedNumber(sv, quoted_numbers)) {
      out->assign(sv);
      return std::nullopt;
    }
    simdjson::dom::array parts;
    if (!v.get_array().get(parts)) {
      out->clear();
      for (simdjson::dom::element part : parts) {
        if (part.is_null()) continue;
        if (part.get_string().get(sv) || QuotedNumber(sv, quoted_numbers)) {
          return absl::StrCat("field '", name,
                              "' is an array holding something other than "
                              "strings");
        }
        if (!out->empty()) out->push_back('\n');
        out->append(sv);
      }
      return std::nullopt;
    }
    if (v.is_null()) return std::nullopt;
    return absl::StrCat("field '", name, "' is not a string");
  };
  simdjson::dom::element text;
  if (find(options.text_field, &text)) {
    // One object wrapping the articles (a news API's response saved as
    // it came: {"status": ..., "articles": [...]}) is one record without a
    // text: say where the articles are.
    std::string hint;
    for (auto [key, value] : obj) {
      simdjson::dom::array a;
      if (value.get_array().get(a) || a.size() == 0 || !a.at(0).is_object()) {
        continue;
      }
      hint = absl::StrCat(
          " (its field '", std::string(key), "' is an array of ", a.size(),
          " objects: if they are the articles, write them one to a line "
          "first, e.g. jq -c '.",
          std::string(key), "[]' FILE > articles.jsonl)");
      break;
    }
    return SkipOf(
        record, absl::StrCat("missing field '", options.text_field, "'", hint));
  }
  if (text.is_null()) {
    return SkipOf(record, absl::StrCat("field '", options.text_field,
                                       "' is null (no text)"));
  }
  if (auto problem = read(options.text_field, text, &doc.text)) {
    return SkipOf(record, *problem);
  }
  // The id: a string or a whole number. A number with a fraction, or one
  // that a double cannot hold exactly, would name two records alike.
  if (simdjson::dom::element v; !find(options.id_field, &v) && !v.is_null()) {
    auto not_whole = [&] {
      return SkipOf(record,
                    absl::StrCat("field '", options.id_field,
                                 "' is not a string or a whole number"));
    };
    std::string_view sv;
    int64_t i = 0;
    uint64_t u = 0;
    double x = 0;
    if (!v.get_string().get(sv)) {
      // A whole number beyond 64 bits keeps its digits; one with a
      // fraction or an exponent is not whole as far as a reader knows.
      const std::optional<std::string_view> n =
          QuotedNumber(sv, quoted_numbers);
      if (n && n->find_first_of(".eE") != std::string_view::npos) {
        return not_whole();
      }
      doc.id = n.value_or(sv);
    } else if (!v.get_int64().get(i)) {
      doc.id = absl::StrCat(i);
    } else if (!v.get_uint64().get(u)) {
      doc.id = absl::StrCat(u);
    } else if (!v.get_double().get(x) && x == std::trunc(x) &&
               std::abs(x) < 9007199254740992.0) {  // 2^53
      doc.id = absl::StrCat(static_cast<int64_t>(x));
    } else {
      return not_whole();
    }
  }
  // The other metadata never costs the article its place in the scan.
  for (auto [name, out, kind] :
       {std::tuple{&options.title_field, &doc.title, Metadata::kTitle},
        std::tuple{&options.url_field, &doc.url, Metadata::kOther},
        std::tuple{&options.date_field, &doc.date, Metadata::kDate},
        std::tuple{&options.source_field, &doc.source, Metadata::kSource}}) {
    simdjson::dom::element v;
    if (find(*name, &v) || v.is_null()) continue;  // Optional: absent.
    *out = MetadataText(v, kind, quoted_numbers);
  }
  if (options.html) {
    // Without a title field, the page's own headline (h1, else title).
    std::string headline;
    doc.text = internal::HtmlToText(doc.text, &headline);
    doc.from_html = true;
    if (doc.title.empty()) {
      doc.title = std::move(headline);
    } else {
      doc.title = internal::HtmlToText(doc.title);
      std::replace(doc.title.begin(), doc.title.end(), '\n', ' ');  // A line.
    }
  } else {
    doc.looks_like_html = LooksLikeHtml(doc.text);
  }

  if (IsBlank(doc.text)) return SkipOf(record, EmptyText(options.html));
  if (doc.text.size() > options.max_record_bytes) {
    return SkipOf(record, "record too large");
  }
  // JSON escapes (\uDC00 alone) can still produce invalid UTF-8 sequences
  // after decoding; repair those too.
  doc.invalid_utf8 = repaired + internal::RepairUtf8(&doc.text) +
                     internal::RepairUtf8(&doc.title);
  if (doc.id.empty()) {
    doc.id = doc.location;
    doc.id_from_location = true;
  }
  doc.text_bytes = doc.text.size();
  doc.record_hash =
      internal::HashRecord(doc.text, doc.title, doc.url, doc.date, doc.source);
  return doc;
}

}  // namespace refrain
