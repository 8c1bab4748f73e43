// Plain values shared by every pipeline stage: a document as read from the
// input, a byte span into its original text, and a record the ingest stage
// could not turn into a document.
#ifndef REFRAIN_DOCUMENT_H_
#define REFRAIN_DOCUMENT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace refrain {

// A half-open byte range [begin, end) into a document's ORIGINAL text (the
// bytes as read, after UTF-8 repair). Every unit the pipeline reports carries
// one, so a report can always quote what the article really said.
struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
  uint32_t size() const { return end - begin; }
  bool empty() const { return end <= begin; }
  friend bool operator==(const Span&, const Span&) = default;
};

// One article.
struct Document {
  std::string id;        // JSON `id`, else the location.
  std::string location;  // "path" for .txt, "path:line" for JSONL.
  std::string source;    // Outlet from JSON `source`; empty if absent.
  std::string title;     // JSON `title`, or the first non-empty line of .txt.
  std::string url;       // JSON `url`; empty if absent.
  std::string date;      // JSON `date`, verbatim; empty if absent.
  std::string text;      // Valid UTF-8 (invalid input bytes became U+FFFD).
  uint32_t invalid_utf8 = 0;  // How many invalid sequences were replaced.
  // The text looks like HTML markup (a tag such as <p>, <br> or </div>)
  // and was read as plain text: IngestOptions::html would read its text.
  bool looks_like_html = false;
  // The text was extracted from HTML (an .html page, or --strip-html):
  // what refrain leaves out of a page may change between versions.
  bool from_html = false;
  // A JSONL record without an id (IngestOptions::id_field): `id` is its
  // location.
  bool id_from_location = false;
  uint64_t input_bytes = 0;  // Size of the record (file or line) as read.
  // Size of `text` after repair; kept when the text itself is dropped.
  uint64_t text_bytes = 0;
  // A 64-bit hash of `text` (after repair) and of title, url, date and
  // source, kept when the text is dropped: a record repeating an id is told
  // from a record delivered twice by it, and named by it.
  uint64_t record_hash = 0;
  // A record whose id other records with other texts or metadata gave too
  // (RepeatedIds::kRename) is named "ID#HASH": this is the length of ID,
  // the id it came with. 0: not renamed.
  uint32_t input_id_bytes = 0;
};

// The id document `d` came with: its id, unless it was renamed "ID#HASH".
inline std::string_view InputId(const Document& d) {
  return d.input_id_bytes > 0
             ? std::string_view(d.id).substr(0, d.input_id_bytes)
             : std::string_view(d.id);
}

// An input record that did not become a document, and why. Together with the
// documents these account for every record met: nothing is dropped silently.
struct SkippedRecord {
  std::string location;  // "path" or "path:line".
  std::string reason;    // Human-readable, e.g. "malformed JSON: ...".
  // An input that could not be read, wholly or from here on: a path named
  // as an input or met by a walk that cannot be opened (a mistyped path, no
  // permission), a directory that cannot be read, a read error, a corrupt
  // or cut gzip or zstd stream (whose records before the error may be
  // damaged, if it failed its checksum). Records may be lost that no one
  // can count: `scan` exits 1, after writing its reports. Default false.
  bool unreadable = false;
  // A file a directory walk passed over by its name: hidden (.DS_Store,
  // .git), of a type refrain does not read (README.md, a .pdf), or not a
  // regular file. Listed, so nothing goes unsaid, but no failed record:
  // `scan --strict` does not count it. Named as an input, such a file is
  // a failed record (the user asked for it). Also a file met again through
  // a symbolic link, however named: it is read once, under its first
  // name. Default false.
  bool passed_over = false;
  // With `unreadable`: a compressed stream that failed a data check (a
  // corrupt gzip or zstd stream, not a cut one), so the records read from
  // this file before the error may be damaged, with nothing to tell which.
  // A scan keeps them in its reports, each marked (Report::damaged), but
  // neither adds them to the index nor keeps them in a deduplicated
  // dataset: a durable copy of a damaged record would outlive the run.
  // Default false.
  bool damaged = false;
};

}  // namespace refrain

#endif  // REFRAIN_DOCUMENT_H_
