// The records a deduplicated dataset keeps, written out again: the second
// pass of `scan --write-kept` over the inputs.
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "hash.h"
#include "refrain/ingest.h"
#include "refrain/report.h"
#include "sink.h"
#include "utf8.h"

namespace refrain {

std::vector<char> KeptDocuments(const Report& r) {
  std::vector<char> keep(r.documents.size(), 1);
  for (uint32_t d = 0; d < r.index.loaded && d < r.index.origins.size(); ++d) {
    keep[d] = r.index.origins[d].kept;
  }
  for (const DocumentCluster& dc : r.clusters) {
    for (uint32_t m : dc.cluster.members) keep[m] = 0;
    for (uint32_t m : dc.kept) keep[m] = 1;
  }
  // An article sent again under an id an earlier run indexed was kept (or
  // dropped as a copy) by that run, unless it was dropped and an edit may
  // have made it an article of its own: then the clusters above decide. A
  // dump scanned again for its report keeps what its first scan kept.
  auto in = [](const std::vector<uint32_t>& v, uint32_t d) {
    return std::binary_search(v.begin(), v.end(), d);
  };
  for (uint32_t d : r.index.reindexed) {
    if (!in(r.index.edited_left_out, d)) {
      keep[d] = in(r.index.rerun_kept, d) ? 1 : 0;
    }
  }
  // An older version of an indexed article is no article of its own,
  // unless the dump is scanned again for its report (rerun_kept).
  for (uint32_t d : r.index.older) {
    if (!in(r.index.rerun_kept, d)) keep[d] = 0;
  }
  for (uint32_t d : r.damaged) keep[d] = 0;
  return keep;
}

PendingKeptRecords::PendingKeptRecords(std::unique_ptr<internal::Sink> sink,
                                       uint64_t records)
    : sink_(std::move(sink)), records_(records) {}
PendingKeptRecords::PendingKeptRecords(PendingKeptRecords&&) noexcept = default;
PendingKeptRecords& PendingKeptRecords::operator=(
    PendingKeptRecords&&) noexcept = default;
PendingKeptRecords::~PendingKeptRecords() = default;

absl::Status PendingKeptRecords::Commit() {
  if (sink_ == nullptr) return absl::OkStatus();
  absl::Status s = sink_->Commit();
  sink_.reset();
  return s;
}

absl::StatusOr<uint64_t> WriteKeptRecords(const Report& report,
                                          std::span<const std::string> paths,
                                          const std::string& out_path) {
  absl::StatusOr<PendingKeptRecords> kept =
      PrepareKeptRecords(report, paths, out_path);
  if (!kept.ok()) return kept.status();
  if (absl::Status s = kept->Commit(); !s.ok()) return s;
  return kept->records();
}

absl::StatusOr<PendingKeptRecords> PrepareKeptRecords(
    const Report& report, std::span<const std::string> paths,
    const std::string& out_path) {
  const std::vector<char> keep = KeptDocuments(report);
  // As --out: a missing directory is made.
  if (const std::filesystem::path dir =
          std::filesystem::path(out_path).parent_path();
      !dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return absl::UnavailableError(
          absl::StrCat("--write-kept ", out_path, ": cannot create directory ",
                       dir.string(), ": ", ec.message()));
    }
  }
  absl::StatusOr<std::unique_ptr<internal::Sink>> sink =
      internal::Sink::Open(out_path, /*atomic=*/true);
  if (!sink.ok()) return sink.status();
  // The records come again in input order. This run's documents are those
  // of them that became one, by location; any other record was skipped
  // (malformed, a repeated id, ...). Mostly in the same order, but not
  // always: a record of a damaged file that another file repeats intact is
  // that file's document, in the damaged one's place (review 51a-02), so
  // documents are found by location, each once. Loaded indexed documents
  // come first and are not read again.
  absl::flat_hash_map<std::string_view, uint32_t, internal::ViewHash> unread;
  unread.reserve(report.documents.size() - report.index.loaded);
  for (size_t d = report.index.loaded; d < report.documents.size(); ++d) {
    unread.emplace(report.documents[d].location, static_cast<uint32_t>(d));
  }
  uint64_t written = 0;
  absl::Status write_status;
  // A record at a document's location but of another size: the input was
  // rewritten since the scan read it (a record inserted above shifts every
  // line), and what follows would not be the kept articles.
  bool changed = false;
  auto on_record = [&](RawRecord&& r) {
    if (!write_status.ok() || changed) return;
    const std::string location = r.location();
    auto it = unread.find(location);
    if (it == unread.end()) return;
    const uint32_t d = it->second;
    if (r.bytes.size() != report.documents[d].input_bytes) {
      changed = true;
      return;
    }
    unread.erase(it);
    if (!keep[d]) return;
    // In UTF-8 as the scan read it (a declared or --input-encoding charset).
    ConvertRecordToUtf8(&r, report.options.ingest);
    std::string line;
    if (r.format == RecordFormat::kJsonLine) {
      // Verbatim, every field the user had, but in valid UTF-8 as the scan
      // read it (strict JSON readers refuse a stray Latin-1 byte), and on
      // one line: an element of a pretty-printed .json array spans lines,
      // and in JSON a line break is whitespace between tokens (never
      // inside a string), so a space keeps every field.
      line = std::move(r.bytes);
      internal::RepairUtf8(&line);
      std::replace_if(
          line.begin(), line.end(),
          [](char c) { return c == '\n' || c == '\r'; }, ' ');
    } else {
      internal::RepairUtf8(&r.bytes);
      line = nlohmann::json{{"id", report.documents[d].id},
                            {"text", std::move(r.bytes)}}
                 .dump();
    }
    line.push_back('\n');
    write_status = (*sink)->Write(line);
    ++written;
  };
  auto on_skip = [](SkippedRecord&&) {};
  absl::Status s =
      ReadRecords(paths, report.options.ingest, on_record, on_skip);
  if (!s.ok()) return s;
  if (!write_status.ok()) return write_status;
  if (changed || !unread.empty()) {
    uint32_t first = static_cast<uint32_t>(report.documents.size());
    for (const auto& [location, d] : unread) first = std::min(first, d);
    const std::string where = first < report.documents.size()
                                  ? report.documents[first].location
                                  : "a record read again with another size";
    return absl::FailedPreconditionError(absl::StrCat(
        "--write-kept: the inputs changed during the scan: ", unread.size(),
        " of its documents (the first ", where, ") were not read again; ",
        out_path, " not written"));
  }
  if (absl::Status c = (*sink)->Finish(); !c.ok()) return c;
  return PendingKeptRecords(*std::move(sink), written);
}

}  // namespace refrain
