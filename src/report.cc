#include "refrain/report.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace refrain {
namespace {

using Json = nlohmann::ordered_json;

// Scores are rounded to 6 decimals so the JSON is short and stable.
double Round6(double x) { return std::round(x * 1e6) / 1e6; }

Json Params(const Report& r) {
  const ScanOptions& o = r.options;
  Json p;
  p["threshold"] = o.threshold;
  p["containment_threshold"] = o.containment_threshold;
  p["min_length_ratio"] = o.min_length_ratio;
  p["lsh_threshold"] = Round6(r.lsh_threshold);
  p["num_perm"] = o.minhash.num_perm;
  p["minhash"] = AlgorithmName(o.minhash.algorithm);
  p["seed"] = o.minhash.seed;
  p["shingle"] = o.shingle.size;
  p["bands"] = r.lsh.bands;
  p["rows"] = r.lsh.rows;
  p["fp_weight"] = o.fp_weight;
  p["fn_weight"] = o.fn_weight;
  p["max_bucket"] = o.max_bucket;
  p["max_cluster_pairs"] = o.max_cluster_pairs;
  p["max_record_bytes"] = o.ingest.max_record_bytes;
  p["sentence_locale"] = o.segment.locale;
  p["min_quote_words"] = o.segment.min_quote_words;
  p["fields"] = {{"id", o.ingest.id_field},     {"title", o.ingest.title_field},
                 {"text", o.ingest.text_field}, {"url", o.ingest.url_field},
                 {"date", o.ingest.date_field}, {"source", o.ingest.source_field}};
  return p;
}

}  // namespace

void WriteJson(const Report& r, std::ostream& out) {
  Json j;
  j["schema_version"] = kReportSchemaVersion;
  j["tool"] = "refrain";
  j["params"] = Params(r);

  Json skipped = Json::array();
  for (const SkippedRecord& s : r.skipped) {
    skipped.push_back({{"source", s.location}, {"reason", s.reason}});
  }
  j["inputs"] = {{"records", r.records},
                 {"documents", r.documents.size()},
                 {"skipped_count", r.skipped.size()},
                 {"bytes", r.input_bytes},
                 {"invalid_utf8_repaired", r.invalid_utf8},
                 {"skipped", std::move(skipped)}};

  Json docs = Json::array();
  for (const Document& d : r.documents) {
    Json doc = {{"id", d.id},
                {"source", d.source.empty() ? d.location : d.source},
                {"location", d.location},
                {"title", d.title},
                {"bytes", d.text.size()}};
    if (!d.url.empty()) doc["url"] = d.url;
    if (!d.date.empty()) doc["date"] = d.date;
    if (d.invalid_utf8 > 0) doc["invalid_utf8_repaired"] = d.invalid_utf8;
    docs.push_back(std::move(doc));
  }
  j["documents"] = std::move(docs);

  Json pairs = Json::array();
  for (const NearDuplicatePair& p : r.pairs) {
    pairs.push_back({{"a", r.documents[p.a].id},
                     {"b", r.documents[p.b].id},
                     {"jaccard", Round6(p.jaccard)},
                     {"containment", Round6(p.containment)},
                     {"estimate", Round6(p.estimate)}});
  }
  Json clusters = Json::array();
  for (const DocumentCluster& dc : r.clusters) {
    const Cluster& c = dc.cluster;
    Json members = Json::array();
    for (uint32_t m : c.members) members.push_back(r.documents[m].id);
    clusters.push_back({{"size", c.members.size()},
                        {"members", std::move(members)},
                        {"representative", r.documents[c.representative].id},
                        {"min_similarity", Round6(c.min_similarity)},
                        {"mean_similarity", Round6(c.mean_similarity)},
                        {"verified_edges", c.edges},
                        {"pairs", dc.pairs_to_representative ? "representative" : "all"}});
  }
  j["near_duplicates"] = {{"candidate_pairs", r.candidate_pairs},
                          {"capped_buckets", r.capped_buckets},
                          {"pairs", std::move(pairs)},
                          {"clusters", std::move(clusters)}};
  // Invalid UTF-8 was repaired at ingest, so strict dumping cannot throw;
  // `replace` keeps it so should that invariant ever break.
  out << j.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

void WriteSummary(const Report& r, std::ostream& out, int top_pairs) {
  out << absl::StrFormat(
      "refrain: %d records: %d documents read, %d skipped (%.1f MB, %.2f s)\n",
      r.records, r.documents.size(), r.skipped.size(), r.input_bytes / 1e6,
      r.timings.total_s);
  if (r.invalid_utf8 > 0) {
    out << absl::StrFormat("  %d invalid UTF-8 sequences repaired\n", r.invalid_utf8);
  }
  out << absl::StrFormat(
      "near-duplicates: threshold %.2f, LSH %d bands x %d rows: %d candidate "
      "pairs, %d verified pairs, %d clusters\n",
      r.options.threshold, r.lsh.bands, r.lsh.rows, r.candidate_pairs,
      r.similarity.nonZeros(), r.clusters.size());
  std::vector<const NearDuplicatePair*> top;
  for (const NearDuplicatePair& p : r.pairs) top.push_back(&p);
  std::stable_sort(top.begin(), top.end(), [](auto* x, auto* y) {
    return x->jaccard > y->jaccard;
  });
  if (top.size() > static_cast<size_t>(top_pairs)) top.resize(top_pairs);
  for (const NearDuplicatePair* p : top) {
    out << absl::StrFormat("  %.3f  %s  ~  %s\n", p->jaccard, r.documents[p->a].id,
                           r.documents[p->b].id);
  }
}

absl::Status WriteFileAtomically(const std::string& path, const std::string& contents) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  fs::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmpl =
      (dir / absl::StrCat(".", target.filename().string(), ".tmp.XXXXXX")).string();
  int fd = mkstemp(tmpl.data());
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  auto fail = [&](const char* what) {
    int err = errno;
    close(fd);
    unlink(tmpl.c_str());
    return absl::UnavailableError(
        absl::StrCat("cannot write ", path, ": ", what, ": ", std::strerror(err)));
  };
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t w = write(fd, contents.data() + done, contents.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      return fail("write");
    }
    done += static_cast<size_t>(w);
  }
  if (fsync(fd) != 0) return fail("fsync");
  fchmod(fd, 0644);
  if (close(fd) != 0) {
    unlink(tmpl.c_str());
    return absl::UnavailableError(absl::StrCat("cannot write ", path, ": close"));
  }
  if (rename(tmpl.c_str(), path.c_str()) != 0) {
    int err = errno;
    unlink(tmpl.c_str());
    return absl::UnavailableError(
        absl::StrCat("cannot write ", path, ": rename: ", std::strerror(err)));
  }
  return absl::OkStatus();
}

}  // namespace refrain
