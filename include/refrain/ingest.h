// Ingest: turn paths (files or directories) into documents.
//
// Supported inputs, by file name (optionally followed by .gz or .zst):
//   *.txt             one article per file; the first non-empty line is the
//                     title; the whole file is the text.
//   *.html, *.htm     one article per file, its text extracted from the
//                     markup (IngestOptions::html); the first line of that
//                     text (often the page title) is the title.
//   *.jsonl, *.ndjson one article per line, a JSON object with the fields
//                     named in IngestOptions; the text field is required.
//   -                 standard input (once): gzip or zstd data recognised
//                     by their magic bytes; JSONL when its first non-blank
//                     byte is '{', else one text article. Its records are
//                     located as "<stdin>" ("<stdin>:LINE").
// Directories are walked recursively in byte-wise sorted order; hidden entries
// (name starting with '.') are ignored; any other file becomes a skipped
// record "unsupported file type". A file or directory listed again (inputs
// that overlap: "dir" and "dir/sub", "dir" and "./dir"; a symbolic link
// to a file listed under its own name too) is read once, the later listing
// a skipped record that names the first.
//
// Reading is split in two so the costly half can run in parallel:
// ReadRecords() walks, decompresses and splits the input sequentially into
// RawRecords; ParseRecord() (pure, thread-safe) turns one into a Document.
#ifndef REFRAIN_INGEST_H_
#define REFRAIN_INGEST_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "refrain/document.h"

namespace refrain {

// The path that names standard input, and how its records are located.
inline constexpr char kStdinPath[] = "-";
inline constexpr char kStdinName[] = "<stdin>";

// What a scan does with a record whose id an earlier record of the same
// scan has.
enum class RepeatedIds {
  // The same text, title, url, date and source as an earlier record of the
  // id (byte for byte): skipped, a record delivered twice. Otherwise kept,
  // and every record of the id, the first too, is named "ID#HASH"
  // ("0#3f2a9c1b", 8 hex digits of Document::record_hash), since shards
  // that each number their records from 0 would otherwise lose all but the
  // first shard to the dataset. Named by its content, a record keeps its
  // name whatever its file, line and input order, so an index finds it
  // again. ("ID#HASH@LOCATION" if a record gave ID#HASH as its own id.)
  kRename,
  // Skipped whatever its text: the first record with an id is the article.
  kSkip,
};
const char* RepeatedIdsName(RepeatedIds r);  // "rename", "skip"

struct IngestOptions {
  // JSON field names for JSONL input. Only `text_field` is required in a
  // record; the others are copied when present and are strings (the id may
  // be an integer; the text may be an array of strings, its paragraphs,
  // joined by newlines). A number beyond 64-bit integers or a double's
  // range is read as its digits, a string. A name starting with '/' is a JSON
  // Pointer (RFC 6901) into nested objects and arrays: "/article/body",
  // "/meta/id".
  std::string id_field = "id";
  std::string title_field = "title";
  std::string text_field = "text";
  std::string url_field = "url";
  std::string date_field = "date";
  std::string source_field = "source";
  // A record whose id an earlier record has (see RepeatedIds). Default
  // kRename.
  RepeatedIds repeated_ids = RepeatedIds::kRename;

  // The texts (and JSONL titles) are HTML: markup is removed, character
  // references decoded and block elements (p, div, br, li, h1-h6, ...) put
  // on lines of their own by libxml2's HTML parser, before anything else;
  // script, style and head contents are dropped. Report offsets are then
  // into this extracted text. Default false.
  bool html = false;

  // A record (a .txt file or a JSONL line) longer than this, in bytes after
  // decompression, is skipped with the reason "record too large". Default
  // 64 MiB; range 1 .. 2^31-1 (offsets are 32-bit).
  uint64_t max_record_bytes = 64ull << 20;

  // The charset of input that is not valid UTF-8, for archives in a legacy
  // encoding: an ICU converter name or alias ("windows-1252", "koi8-r",
  // "shift_jis", ...). A record (a .txt file, standard input's text, a
  // JSONL line, an HTML page that declares no charset of its own) whose
  // bytes are not valid UTF-8 is converted from it before it is parsed.
  // Empty (default): such bytes are repaired to U+FFFD and counted.
  std::string input_encoding;

  // Output directories a directory walk does not enter (the CLI gives
  // --out), so that scanning a dump folder that holds refrain-out/ does not
  // read the last run's reports back: matched by device and inode, and
  // left out only while they hold nothing but report files (report.json,
  // report.html, documents.csv, pairs.csv, claims.csv, hidden temporaries);
  // a directory with anything else in it is walked as any other. A path
  // named as an input is read. A regular file among them (the CLI gives
  // --index) is listed as passed over where a walk meets it, not read.
  // Default: none.
  std::vector<std::string> exclude_from_walk;
};

// Checks the options once, at the boundary.
absl::Status ValidateIngestOptions(const IngestOptions& options);

// kHtml: a .html or .htm file, whose text is extracted as with
// IngestOptions::html.
enum class RecordFormat { kText, kHtml, kJsonLine };

// One record as cut out of the input, not yet parsed or validated.
struct RawRecord {
  RecordFormat format = RecordFormat::kText;
  std::string path;   // The file it came from.
  uint64_t line = 0;  // 1-based line for JSONL; 0 for .txt.
  // 1-based byte column of an element of a .json document that is not the
  // first to start on its line (a one-line array); else 0.
  uint64_t column = 0;
  std::string bytes;  // File content or JSONL line, without the newline.
  // Read from UTF-16 text (a byte-order mark FF FE or FE FF) and converted:
  // its invalid bytes (0xFF) each stand for an unpaired surrogate or a cut
  // last byte, and no legacy charset applies. Default false.
  bool from_utf16 = false;
  // A JSONL line that ends the file with no line feed after it, as the last
  // record of a cut file does (a malformed one says so). Default false.
  bool unterminated = false;
  std::string location() const;  // "path", "path:line" or "path:line:column".
};

// Walks `paths` and calls `on_record` for every record and `on_skip` for every
// file or line that cannot become one (unreadable, empty, unsupported,
// corrupt compressed stream, compressed twice, too large). Calls happen in
// input order on the calling thread. Never fails on bad input; returns an
// error only if a callback-independent invariant breaks (none today), so
// callers can treat a non-ok status as fatal.
absl::Status ReadRecords(std::span<const std::string> paths,
                         const IngestOptions& options,
                         const std::function<void(RawRecord&&)>& on_record,
                         const std::function<void(SkippedRecord&&)>& on_skip);

// ReadRecords() in two steps, so the files can be shared out among processes
// (scan_mpi.h) with the same order and the same skipped entries:
// ListInputFiles() walks the paths and ReadInputFiles() reads the files.
struct InputFile {
  std::string path;
  // Non-empty: the path could not be walked ("cannot open: ...", "cannot
  // read directory: ...") or is not read (a hidden entry, a FIFO met by a
  // walk); reading it gives this skipped entry.
  std::string skip_reason;
  // Size on disk (compressed), for sharing out work; 0 unless listed with
  // sizes (ListInputFiles) or not a regular file.
  uint64_t bytes = 0;
  // A piece of a file that CanReadInPieces(): only the records whose lines
  // start at byte offsets in [begin, end), located by their line numbers in
  // the whole file, given `newlines_before`, the number of '\n' bytes in
  // [0, begin). Pieces that tile a file read its records once each, in its
  // order. The defaults are the whole file.
  uint64_t begin = 0;
  uint64_t end = std::numeric_limits<uint64_t>::max();
  uint64_t newlines_before = 0;
  // The listing saw a regular file here (not a FIFO, device or socket):
  // such files may be read ahead of their turn (ReadInputFiles).
  bool regular = false;
  // The skip is of an input that could not be read (SkippedRecord::
  // unreadable), not one left unread on purpose.
  bool unreadable = false;
  // The skip is of a file a walk passed over by its name
  // (SkippedRecord::passed_over).
  bool passed_over = false;
  bool is_piece() const {
    return begin != 0 || end != std::numeric_limits<uint64_t>::max();
  }
};
// OK when every path can be read a second time, as --write-kept and
// compare --in read their inputs; else InvalidArgument naming the first
// that cannot (standard input, a FIFO or a device named as an input) with
// `who` ("--write-kept", "compare --in") and `why` as the reason to read it
// again.
absl::Status CheckReadableTwice(std::span<const std::string> paths,
                                std::string_view who, std::string_view why);

// `path` without "." segments and repeated slashes ("./dump//a.txt" is
// "dump/a.txt"; ".." kept, a trailing slash kept): how the walk names the
// files it lists, so a text file's id does not depend on how its
// directory was typed. (The walk of "." names its files "a.txt", not
// "./a.txt", as when they are named alone.)
std::string TidyPath(const std::string& path);

// With `sizes`, every file's `bytes` too: a stat per file that one
// process, which shares nothing out, does without (a directory's regular
// files are known as such from the directory itself).
std::vector<InputFile> ListInputFiles(
    std::span<const std::string> paths, bool sizes = false,
    std::span<const std::string> exclude_from_walk = {});
// InvalidArgument, naming `flag` and `path`, unless ReadRecords reads
// `path` as JSON Lines by its name: .jsonl or .ndjson, optionally .gz or
// .zst, in any case. For the files refrain writes record by record
// (--write-kept, generate), so that they read back.
absl::Status CheckJsonLinesName(std::string_view flag, const std::string& path);

// Whether `file` can be read in pieces: an uncompressed JSON Lines file
// (.jsonl, .ndjson), not UTF-16, whose line boundaries are its records'.
bool CanReadInPieces(const InputFile& file);
// The number of '\n' bytes in [begin, end) of the file at `path` (end past
// the file's size: to its end), or the error reading it.
absl::StatusOr<uint64_t> CountNewlines(const std::string& path, uint64_t begin,
                                       uint64_t end);
absl::Status ReadInputFiles(
    std::span<const InputFile> files, const IngestOptions& options,
    const std::function<void(RawRecord&&)>& on_record,
    const std::function<void(SkippedRecord&&)>& on_skip);

// Parses one record into a document: JSON decoding (simdjson), UTF-8 repair,
// title extraction. Returns the SkippedRecord for a malformed line, a missing
// or non-string text field, or a text that is empty after trimming.
// Pure and thread-safe.
std::variant<Document, SkippedRecord> ParseRecord(RawRecord&& record,
                                                  const IngestOptions& options);

// The record's bytes in UTF-8 where they are not, as ParseRecord reads them:
// an HTML page (a .html file, or any text with options.html) from the
// charset its meta tag declares, any record from options.input_encoding.
// Bytes still invalid are left as they are (ParseRecord repairs and counts
// them). Returns how many byte sequences the conversion itself replaced by
// U+FFFD (no mapping in the charset), which ParseRecord counts too. For
// whoever copies records verbatim (scan --write-kept).
uint32_t ConvertRecordToUtf8(RawRecord* record, const IngestOptions& options);

}  // namespace refrain

#endif  // REFRAIN_INGEST_H_
