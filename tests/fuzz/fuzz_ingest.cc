// Fuzz target: ingest of one input file (ReadRecords: decompression and
// record cutting; ParseRecord: JSON decoding, UTF-8 repair, titles).
//
// Input layout: byte 0 picks the file name and the record size limit, byte 1
// how the payload (the remaining bytes) becomes the file:
//   byte 0, bits 0-2: extension, one of kNames below (plain, .gz, .zst; a
//                     JSON document, an upper-case name);
//   byte 0, bits 3-6: 0 = default --max-record-bytes, k = 2^(k+2) bytes;
//   byte 1, bit 0:    for a compressed name, 0 = the payload IS the
//                     compressed stream (mutations hit the decoders), 1 = the
//                     harness compresses the payload (mutations hit what is
//                     behind a valid stream);
//   byte 1, bits 1-7: for a plain JSON Lines name, where the harness also
//                     cuts the file into three pieces (as the MPI scan shares
//                     a big file among ranks).
// Properties:
//   - nothing crashes, leaks or reads out of bounds (ASan, UBSan);
//   - every record ends as a document or a skip with a location and reason;
//   - every document field is valid UTF-8, its text is not blank, and its
//     input is within the size limit;
//   - compression is transparent: a payload compressed by the harness gives
//     exactly the records and skip reasons of the same payload in plain,
//     but for a payload starting with gzip's or zstd's magic number,
//     refused whole under either name (plain: the rename hint; compressed:
//     compressed twice);
//   - pieces are transparent: a plain JSON Lines file read in three pieces
//     (InputFile::begin, end) gives exactly the records and skips, with
//     their line numbers, of the file read whole.
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fuzz_util.h"
#include "refrain/ingest.h"
#include "utf8.h"

namespace refrain {
namespace {

constexpr const char* kNames[8] = {"in.jsonl",    "in.txt",    "in.ndjson",
                                   "in.jsonl.gz", "in.txt.gz", "in.jsonl.zst",
                                   "in.txt.zst",  "IN.JSON.GZ"};

struct Outcome {
  std::vector<std::string> events;  // "doc <line> <bytes>" / "skip <line> ..."
  size_t documents = 0;
};

// Reads `files` (all of them `path`, or pieces of it) and parses every
// record, checking each result.
Outcome Ingest(const std::string& path, const std::vector<InputFile>& files,
               const IngestOptions& options) {
  Outcome out;
  auto on_record = [&](RawRecord&& r) {
    FUZZ_CHECK(r.path == path);
    const uint64_t line = r.line;
    const size_t raw_size = r.bytes.size();
    FUZZ_CHECK(raw_size <= options.max_record_bytes);
    std::string raw = r.bytes;
    auto parsed = ParseRecord(std::move(r), options);
    if (auto* d = std::get_if<Document>(&parsed)) {
      ++out.documents;
      FUZZ_CHECK(d->location.starts_with(path));
      FUZZ_CHECK(d->input_bytes == raw_size);
      FUZZ_CHECK(!d->text.empty());
      FUZZ_CHECK(!d->id.empty());
      for (const std::string* f :
           {&d->id, &d->title, &d->text, &d->url, &d->date, &d->source}) {
        FUZZ_CHECK(internal::IsValidUtf8(*f));
      }
      uint32_t b = 0, e = static_cast<uint32_t>(d->text.size());
      internal::TrimSpace(d->text, &b, &e);
      FUZZ_CHECK(b < e);
      out.events.push_back("doc " + std::to_string(line) + " " + raw);
    } else {
      const SkippedRecord& s = std::get<SkippedRecord>(parsed);
      FUZZ_CHECK(s.location.starts_with(path));
      FUZZ_CHECK(!s.reason.empty());
      out.events.push_back("skip " + std::to_string(line) + " " + s.reason);
    }
  };
  auto on_skip = [&](SkippedRecord&& s) {
    FUZZ_CHECK(s.location.starts_with(path));
    FUZZ_CHECK(!s.reason.empty());
    // Decoder messages differ from plain reads; the kind of skip does not.
    std::string_view reason = s.reason;
    out.events.push_back("walk-skip " +
                         std::string(reason.substr(0, reason.find(':'))));
  };
  std::function<void(RawRecord &&)> rec = on_record;
  std::function<void(SkippedRecord &&)> skip = on_skip;
  FUZZ_CHECK(ReadInputFiles(files, options, rec, skip).ok());
  return out;
}

Outcome Ingest(const std::string& path, const IngestOptions& options) {
  return Ingest(path, ListInputFiles(std::vector<std::string>{path}), options);
}

// `whole` cut at offsets c1 <= c2 into three pieces.
std::vector<InputFile> Pieces(const InputFile& whole, uint64_t c1,
                              uint64_t c2) {
  std::vector<InputFile> out;
  uint64_t begin = 0;
  for (uint64_t end : {c1, c2, std::numeric_limits<uint64_t>::max()}) {
    InputFile f = whole;
    f.begin = begin;
    f.end = end;
    absl::StatusOr<uint64_t> n = CountNewlines(whole.path, 0, begin);
    FUZZ_CHECK(n.ok());
    f.newlines_before = *n;
    out.push_back(f);
    begin = end;
  }
  return out;
}

std::string Gzip(std::string_view data) {
  z_stream z{};
  FUZZ_CHECK(deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) ==
             Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  FUZZ_CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Zstd(std::string_view data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 1);
  FUZZ_CHECK(!ZSTD_isError(n));
  out.resize(n);
  return out;
}

}  // namespace
}  // namespace refrain

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace refrain;
  if (size < 2) return 0;
  const std::string name = kNames[data[0] & 7];
  IngestOptions options;
  if (int k = (data[0] >> 3) & 15; k != 0)
    options.max_record_bytes = 1u << (k + 2);
  const bool harness_compresses = (data[1] & 1) != 0;
  std::string_view payload(reinterpret_cast<const char*>(data) + 2, size - 2);

  const bool gz = name.ends_with(".gz") || name.ends_with(".GZ");
  const bool zst = name.ends_with(".zst");
  const std::string path = fuzz::TempPath(name);
  if ((gz || zst) && harness_compresses) {
    fuzz::WriteFileOrDie(path, gz ? Gzip(payload) : Zstd(payload));
    // The same payload uncompressed, under the same format's plain name.
    std::string plain_name = name.substr(0, name.rfind('.'));
    const std::string plain_path = fuzz::TempPath("plain-" + plain_name);
    fuzz::WriteFileOrDie(plain_path, std::string(payload));
    Outcome compressed = Ingest(path, options);
    Outcome plain = Ingest(plain_path, options);
    // A plain name whose bytes start with gzip's or zstd's magic number is
    // refused whole, saying how to name the file; compressed, the same
    // bytes are a file compressed twice, refused whole too.
    if (payload.starts_with("\x1f\x8b") ||
        payload.starts_with(std::string_view("\x28\xb5\x2f\xfd", 4))) {
      FUZZ_CHECK(plain.documents == 0 && plain.events.size() == 1 &&
                 plain.events[0].starts_with("walk-skip the file is "));
      FUZZ_CHECK(compressed.documents == 0 && compressed.events.size() == 1 &&
                 compressed.events[0].starts_with(
                     "walk-skip the file is compressed twice "));
    } else {
      FUZZ_CHECK(compressed.events == plain.events);
    }
  } else {
    fuzz::WriteFileOrDie(path, std::string(payload));
    Outcome whole = Ingest(path, options);
    const std::vector<InputFile> files =
        ListInputFiles(std::vector<std::string>{path});
    // (An empty file is never cut: whole, it is an "empty file" skip.)
    if (!payload.empty() && files.size() == 1 && CanReadInPieces(files[0])) {
      const uint64_t c1 = payload.size() * (data[1] >> 1) / 128;
      const uint64_t c2 = c1 + (payload.size() - c1) / 2;
      FUZZ_CHECK(Ingest(path, Pieces(files[0], c1, c2), options).events ==
                 whole.events);
    }
  }
  return 0;
}
