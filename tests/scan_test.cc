// End-to-end tests of the scan pipeline and the CLI on corpus/ and on
// planted near-duplicates.
#include "refrain/scan.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "hash.h"
#include "refrain/claims.h"
#include "refrain/normalize.h"
#include "refrain/report.h"
#include "refrain/segment.h"
#include "refrain/similarity.h"
#include "scan_internal.h"
#include "test_util.h"

namespace refrain {
namespace {

using Json = nlohmann::json;
using testing::ChainOfEdits;
using testing::CorpusDir;
using testing::ReadFile;
using testing::RunRefrain;
using testing::TempDir;
using testing::WriteFile;

Report Scan(const std::vector<std::string>& paths, ScanOptions o = {}) {
  absl::StatusOr<Report> r = RunScan(paths, o);
  EXPECT_TRUE(r.ok()) << r.status();
  return *std::move(r);
}

std::string JsonOf(const Report& r) {
  std::ostringstream out;
  WriteJson(r, out);
  return out.str();
}

const char kSeed001[] = "001_7a1ab61e7b19349a.txt";

// Seed 001 rewritten as a re-post: its 5 footer lines removed, three
// sentences moved, five words changed.
std::string PlantedRewrite() {
  std::string text = ReadFile(CorpusDir() + "/" + kSeed001);
  // Drop the footer: "Author: ...", "More Stories" and three link titles.
  size_t cut = text.find("Author: 7sur7.be");
  EXPECT_NE(cut, std::string::npos);
  std::string body = text.substr(0, cut);
  Segmentation seg = Segment(body, {});
  std::vector<std::string> sentences;
  for (const Span& s : seg.sentences)
    sentences.emplace_back(body.substr(s.begin, s.size()));
  // Move sentences 3, 5, 7 around (a rotation of three).
  std::string s3 = sentences[3];
  sentences[3] = sentences[7];
  sentences[7] = sentences[5];
  sentences[5] = s3;
  std::string out;
  for (const std::string& s : sentences) out += s + "\n";
  // Change five words.
  int changed = 0;
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"deeply", "gravely"},
           {"withdrawal", "pullout"},
           {"militants", "fighters"},
           {"Friday", "Thursday"},
           {"expand", "spread"}}) {
    size_t at = out.find(from);
    if (at != std::string::npos) {
      out.replace(at, from.size(), to);
      ++changed;
    }
  }
  EXPECT_EQ(changed, 5);
  return out;
}

TEST(Scan, CorpusHasFiveDistinctArticles) {
  Report r = Scan({CorpusDir()});
  EXPECT_EQ(r.documents.size(), 5u);
  EXPECT_EQ(r.skipped.size(), 0u);
  EXPECT_EQ(r.records, 5u);
  EXPECT_TRUE(r.pairs.empty());
  EXPECT_TRUE(r.clusters.empty());
  // Banding tuned for 0.7 x 0.9 / (1 + 0.7 - 0.7 x 0.9) = 0.589.
  const double t = 0.7 * 0.9 / (1 + 0.7 - 0.7 * 0.9);
  EXPECT_NEAR(r.lsh_threshold, t, 1e-12);
  LshParams expected = OptimalLshParams(t, 128, 0.1, 0.9);
  EXPECT_EQ(expected.bands, 25u);
  EXPECT_EQ(expected.rows, 5u);
  EXPECT_EQ(r.lsh.bands, expected.bands);
  EXPECT_EQ(r.lsh.rows, expected.rows);
}

TEST(Scan, PlantedRewriteAndExactCopyClusterWithOriginal) {
  TempDir d;
  std::filesystem::copy(CorpusDir(), d / "in");
  WriteFile(d / "in/zz_rewrite.txt", PlantedRewrite());
  WriteFile(d / "in/zz_copy.txt", ReadFile(CorpusDir() + "/" + kSeed001));
  const std::string original = ReadFile(CorpusDir() + "/" + kSeed001);
  ShingleSet so = ShingleText(original, {}),
             sr = ShingleText(PlantedRewrite(), {});
  // The footer's removal alone keeps Jaccard under 0.8: containment finds it.
  EXPECT_GE(Containment(so, sr), 0.9);
  Report r = Scan({d / "in"});
  ASSERT_EQ(r.documents.size(), 7u);
  ASSERT_EQ(r.clusters.size(), 1u);
  std::set<std::string> members;
  for (uint32_t m : r.clusters[0].cluster.members) {
    members.insert(
        std::filesystem::path(r.documents[m].id).filename().string());
  }
  EXPECT_EQ(members,
            (std::set<std::string>{kSeed001, "zz_rewrite.txt", "zz_copy.txt"}));
  // Every reported Jaccard equals a brute-force computation on the texts.
  ASSERT_EQ(r.pairs.size(), 3u);
  for (const NearDuplicatePair& p : r.pairs) {
    ShingleSet a = ShingleText(r.documents[p.a].text, {});
    ShingleSet b = ShingleText(r.documents[p.b].text, {});
    std::set<uint64_t> sa(a.begin(), a.end()), sb(b.begin(), b.end()), un = sa;
    un.insert(sb.begin(), sb.end());
    size_t inter = 0;
    for (uint64_t x : sa) inter += sb.count(x);
    EXPECT_DOUBLE_EQ(p.jaccard, static_cast<double>(inter) / un.size());
    EXPECT_TRUE(p.jaccard >= 0.8 || (p.containment >= 0.9)) << p.jaccard;
    EXPECT_NEAR(p.estimate, p.jaccard, 0.2);
  }
}

// --containment 1 leaves Jaccard alone to decide, even for a document
// wholly inside another (before, containment 1.0 >= 1 still counted).
TEST(Scan, ContainmentOneDisablesTheContainmentPath) {
  TempDir d;
  const std::string original = ReadFile(CorpusDir() + "/" + kSeed001);
  WriteFile(d / "in/a.txt", original);
  // b: a, then another (shorter) article: a whole inside b, Jaccard ~0.5,
  // b under twice a's length (--min-length-ratio 0.5).
  WriteFile(
      d / "in/b.txt",
      original + "\n\n" + ReadFile(CorpusDir() + "/002_66ff5bec39393fea.txt"));
  ScanOptions o;
  o.claims.enabled = false;
  o.lsh_threshold = 0.3;  // Makes the pair a candidate either way.
  Report r = Scan({d / "in"}, o);
  ASSERT_EQ(r.pairs.size(), 1u);
  EXPECT_DOUBLE_EQ(r.pairs[0].containment, 1.0);
  EXPECT_LT(r.pairs[0].jaccard, o.threshold);
  o.containment_threshold = 1.0;
  EXPECT_TRUE(Scan({d / "in"}, o).pairs.empty());
}

// A dump past the claims stage's candidate limit still gets its
// near-duplicates, with the reason in the report; with an index too, which
// takes nothing (a dump is not recorded half-done; review 47a-02: such a
// scan failed and wrote nothing).
TEST(Scan, ClaimsPastTheirLimitKeepTheNearDuplicates) {
  TempDir d;
  std::filesystem::copy(CorpusDir(), d / "in");
  WriteFile(d / "in/zz_copy.txt", ReadFile(CorpusDir() + "/" + kSeed001));
  ScanOptions limited;
  limited.claims.max_candidate_pairs = 1;
  Report r = Scan({d / "in"}, limited);
  EXPECT_NE(r.claims_error.find("--claim-max-candidates 1"), std::string::npos)
      << r.claims_error;
  EXPECT_TRUE(r.claims.units.empty());
  EXPECT_TRUE(r.claims.matches.empty());
  ScanOptions no_claims;
  no_claims.claims.enabled = false;
  Report doc_level = Scan({d / "in"}, no_claims);
  ASSERT_EQ(doc_level.pairs.size(), 1u);
  ASSERT_EQ(r.pairs.size(), 1u);
  EXPECT_EQ(r.pairs[0].a, doc_level.pairs[0].a);
  EXPECT_EQ(r.pairs[0].b, doc_level.pairs[0].b);
  EXPECT_EQ(r.pairs[0].jaccard, doc_level.pairs[0].jaccard);
  EXPECT_EQ(r.clusters.size(), doc_level.clusters.size());
  Json claims = Json::parse(JsonOf(r))["claims"];
  EXPECT_EQ(claims["error"], r.claims_error);
  EXPECT_EQ(claims["matches"].size(), 0u);
  // The thresholds the stage would have used, as in a run within the limit.
  EXPECT_EQ(r.claims.threshold, EffectiveClaimThreshold(limited.claims));
  EXPECT_EQ(r.claims.headline_threshold, limited.claims.headline_threshold);
  EXPECT_EQ(claims["headline_threshold"], limited.claims.headline_threshold);
  // Within the limit: no error key at all.
  EXPECT_FALSE(
      Json::parse(JsonOf(Scan({d / "in"})))["claims"].contains("error"));

  ScanOptions first;
  first.index_path = d / "news.db";
  Scan({CorpusDir()}, first);
  limited.index_path = first.index_path;
  const Report indexed = Scan({d / "in"}, limited);
  EXPECT_NE(indexed.claims_error.find("--claim-max-candidates 1"),
            std::string::npos)
      << indexed.claims_error;
  // Its remedies are the ones an index leaves: not another banding, nor
  // --no-claims, which it refuses.
  EXPECT_EQ(indexed.claims_error.find("--no-claims"), std::string::npos)
      << indexed.claims_error;
  EXPECT_EQ(indexed.claims_error.find("--claim-lsh-threshold"),
            std::string::npos)
      << indexed.claims_error;
  EXPECT_TRUE(indexed.index.withheld);
  EXPECT_EQ(indexed.index.added, 0u);
  // Its near-duplicates are a read-only scan's, which claims do not stop.
  ScanOptions read_only;
  read_only.index_path = first.index_path;
  read_only.index_read_only = true;
  const Report unlimited = Scan({d / "in"}, read_only);
  ASSERT_FALSE(unlimited.pairs.empty());
  ASSERT_EQ(indexed.pairs.size(), unlimited.pairs.size());
  for (size_t i = 0; i < indexed.pairs.size(); ++i) {
    EXPECT_EQ(indexed.pairs[i].a, unlimited.pairs[i].a);
    EXPECT_EQ(indexed.pairs[i].b, unlimited.pairs[i].b);
  }
  std::ostringstream summary;
  WriteSummary(indexed, summary);
  EXPECT_NE(summary.str().find("nothing added: the claims stage stopped"),
            std::string::npos)
      << summary.str();
  // The index as it was: a scan within the limit finds the five first
  // documents there and adds the dump's six (ids of another folder).
  ScanOptions again;
  again.index_path = first.index_path;
  const Report added = Scan({d / "in"}, again);
  EXPECT_EQ(added.index.documents_before, 5u);
  EXPECT_EQ(added.index.added, 6u);
}

// Three versions of one article: which one represents the cluster (and is
// kept) follows ScanOptions::keep; an indexed version always does.
// A file whose gzip check fails, re-delivered intact in the same dump (as
// the summary asks): each record is read from the intact file, kept and
// indexable, the damaged one listed as skipped in its place (review
// 45a-07: both were lost, one as damaged, the other as a repeat).
TEST(Scan, AnIntactRedeliveryStandsInForADamagedFile) {
  TempDir d;
  std::string lines;
  for (int i = 0; i < 3; ++i) {
    std::string text = "Record " + std::to_string(i) + ".";
    for (int w = 0; w < 60; ++w) absl::StrAppend(&text, " w", i, "_", w);
    lines +=
        Json{{"id", "r" + std::to_string(i)}, {"text", text}}.dump() + "\n";
  }
  std::filesystem::create_directories(d / "in");
  testing::WriteGzip(d / "in/a.jsonl.gz", lines);
  std::string gz = ReadFile(d / "in/a.jsonl.gz");
  gz[gz.size() - 8] ^= 1;  // The CRC-32 of the member.
  WriteFile(d / "in/a.jsonl.gz", gz);
  WriteFile(d / "in/b.jsonl", lines);
  const Report r = Scan({d / "in"});
  ASSERT_EQ(r.documents.size(), 3u);
  EXPECT_TRUE(r.damaged.empty());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(r.documents[i].location, absl::StrCat(d / "in/b.jsonl:", i + 1));
  }
  const std::vector<char> keep = KeptDocuments(r);
  EXPECT_EQ(std::count(keep.begin(), keep.end(), 1), 3);
  size_t restored = 0;
  for (const SkippedRecord& s : r.skipped) {
    if (s.reason.find("the same record is read intact at") !=
        std::string::npos) {
      EXPECT_TRUE(s.location.starts_with(d / "in/a.jsonl.gz:")) << s.location;
      ++restored;
    }
  }
  EXPECT_EQ(restored, 3u);

  // Some of its records delivered again: they stand in, the rest stay
  // damaged, and the dataset holds the ones delivered again (review
  // 51a-02: --write-kept read them in another order than the documents
  // and said that the inputs had changed, writing nothing).
  const std::string two =
      lines.substr(0, lines.find('\n', lines.find('\n') + 1) + 1);
  WriteFile(d / "in/b.jsonl", two);
  const Report part = Scan({d / "in"});
  ASSERT_EQ(part.documents.size(), 3u);
  EXPECT_EQ(part.damaged.size(), 1u);
  const std::vector<std::string> inputs = {d / "in"};
  absl::StatusOr<uint64_t> written =
      WriteKeptRecords(part, inputs, d / "kept.jsonl");
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, 2u);
  EXPECT_EQ(ReadFile(d / "kept.jsonl"), two);

  // Damaged without a re-delivery: still damaged, not kept.
  const Report alone = Scan({d / "in/a.jsonl.gz"});
  EXPECT_EQ(alone.damaged.size(), alone.documents.size());
  const std::vector<char> none = KeptDocuments(alone);
  EXPECT_EQ(std::count(none.begin(), none.end(), 1), 0);
}

TEST(Scan, KeepPolicyChoosesTheRepresentative) {
  TempDir d;
  const std::string text = ReadFile(CorpusDir() + "/" + kSeed001);
  auto line = [](const std::string& id, const std::string& date,
                 const std::string& body) {
    Json j = {{"id", id}, {"text", body}};
    if (!date.empty()) j["date"] = date;
    return j.dump() + "\n";
  };
  // a: first; b: the longest (a footer more), undated; c: the earliest.
  WriteFile(d / "v.jsonl",
            line("a", "2026-11-23", text) +
                line("b", "", text + "\nRead more on our site today.") +
                line("c", "2026-11-20T08:00:00Z", text));
  const std::vector<std::pair<KeepPolicy, std::string>> cases = {
      {KeepPolicy::kFirst, "a"},
      {KeepPolicy::kLongest, "b"},
      {KeepPolicy::kEarliest, "c"}};
  for (const auto& [policy, want] : cases) {
    SCOPED_TRACE(KeepPolicyName(policy));
    ScanOptions o;
    o.keep = policy;
    o.claims.enabled = false;
    Report r = Scan({d / "v.jsonl"}, o);
    ASSERT_EQ(r.clusters.size(), 1u);
    EXPECT_EQ(r.documents[r.clusters[0].cluster.representative].id, want);
    EXPECT_EQ(r.pairs.size(), 3u);
    for (const NearDuplicatePair& p : r.pairs) EXPECT_LT(p.a, p.b);
    Json j = Json::parse(JsonOf(r));
    EXPECT_EQ(j["near_duplicates"]["clusters"][0]["representative"], want);
    EXPECT_EQ(j["params"]["keep"], KeepPolicyName(policy));
    std::ostringstream csv;
    WriteDocumentsCsv(r, csv);
    for (const std::string id : {"a", "b", "c"}) {
      const std::string row_start = "\r\n" + id + ",";
      const size_t at = csv.str().find(row_start);
      ASSERT_NE(at, std::string::npos) << csv.str();
      const std::string row =
          csv.str().substr(at + 2, csv.str().find("\r\n", at + 2) - at - 2);
      // ..., representative, keep, claim_matches
      EXPECT_NE(row.find("," + want + "," + (id == want ? "1" : "0") + ","),
                std::string::npos)
          << row;
    }
  }
  // Dates compare as instants, whatever their zone or format: as text
  // the first would win every time.
  const std::string lp = line("p", "2026-11-20T08:00:00Z", text);
  const std::string lq = line("q", "2026-11-20T09:00:00+03:00", text);
  const std::string lr = line("r", "Thu, 19 Nov 2026 23:00:00 +0000", text);
  const std::string lu = line("u", "sometime in November", text);
  // Written dates (midnight UTC): before q and r, but not before a date of
  // the day before.
  const std::string lw = line("w", "November 19, 2026", text);
  const std::string lx = line("x", "18 Nov 2026", text);
  // RFC 1123 with a zone name, as RSS and HTTP write it: 22:30 UTC and
  // 18:00 UTC on the 19th.
  const std::string lg = line("g", "Thu, 19 Nov 2026 22:30:00 GMT", text);
  const std::string le = line("e", "Thu, 19 Nov 2026 13:00:00 EST", text);
  for (const auto& [lines, want] :
       std::vector<std::pair<std::string, std::string>>{
           {lu + lp + lq, "q"},
           {lu + lp + lq + lr, "r"},
           {lu + lp + lq + lr + lg, "g"},
           {lu + lp + lq + lr + lg + le, "e"},
           {lu + lp + lq + lr + lw, "w"},
           {lu + lw + lr + lx, "x"},
           {lu + line("v", "", text), "u"}}) {
    WriteFile(d / "dated.jsonl", lines);
    ScanOptions o;
    o.keep = KeepPolicy::kEarliest;
    o.claims.enabled = false;
    Report dated = Scan({d / "dated.jsonl"}, o);
    ASSERT_EQ(dated.clusters.size(), 1u);
    EXPECT_EQ(dated.documents[dated.clusters[0].cluster.representative].id,
              want);
  }

  // The dates compared as text are counted and named, so a feed's unread
  // form is seen; they are counted only where they matter.
  WriteFile(d / "dated.jsonl", lu + lp + line("s", "Jan. 5, 2024", text) +
                                   line("t", "5 Jan 2024 at 10:00", text) +
                                   line("v", "", text));
  for (KeepPolicy keep : {KeepPolicy::kEarliest, KeepPolicy::kFirst}) {
    SCOPED_TRACE(KeepPolicyName(keep));
    ScanOptions o;
    o.keep = keep;
    o.claims.enabled = false;
    Report r = Scan({d / "dated.jsonl"}, o);
    const bool earliest = keep == KeepPolicy::kEarliest;
    EXPECT_EQ(r.dates_not_read, earliest ? 2u : 0u);
    Json j = Json::parse(JsonOf(r));
    EXPECT_EQ(j["inputs"].contains("dates_not_read"), earliest);
    if (earliest) {
      EXPECT_EQ(j["inputs"]["dates_not_read"], 2);
      EXPECT_EQ(r.documents[r.first_date_not_read].id, "u");
      EXPECT_EQ(r.documents[r.clusters[0].cluster.representative].id, "s");
    }
    std::ostringstream summary;
    WriteSummary(r, summary);
    EXPECT_EQ(
        summary.str().find("2 dates not read as dates") != std::string::npos,
        earliest)
        << summary.str();
    // "v" has no date.
    EXPECT_EQ(r.undated, earliest ? 1u : 0u);
    EXPECT_EQ(
        summary.str().find("1 document has no date (--date-field "
                           "date): --keep earliest ranks the undated after "
                           "every dated one") != std::string::npos,
        earliest)
        << summary.str();
  }
  // A --date-field no record has (review 41b-05), and an --id-field.
  {
    ScanOptions o;
    o.keep = KeepPolicy::kEarliest;
    o.claims.enabled = false;
    o.ingest.date_field = "published";
    o.ingest.id_field = "uid";
    Report r = Scan({d / "dated.jsonl"}, o);
    EXPECT_EQ(r.undated, 5u);
    EXPECT_EQ(r.ids_from_location, 5u);
    EXPECT_EQ(r.first_id_from_location, d / "dated.jsonl:1");
    EXPECT_EQ(Json::parse(JsonOf(r))["inputs"]["undated"], 5);
    std::ostringstream summary;
    WriteSummary(r, summary);
    EXPECT_NE(summary.str().find("no document has a date (--date-field "
                                 "published): --keep earliest keeps the "
                                 "first member of each cluster"),
              std::string::npos)
        << summary.str();
    EXPECT_NE(summary.str().find("5 JSONL records have no field 'uid' "
                                 "(--id-field): named by their location "
                                 "FILE:LINE (the first: " +
                                 (d / "dated.jsonl:1") + ")"),
              std::string::npos)
        << summary.str();
    // The default field name says nothing: ids are optional.
    o.ingest.id_field = "id";
    WriteFile(d / "noid.jsonl", "{\"text\":\"An article without an id.\"}\n");
    r = Scan({d / "noid.jsonl"}, o);
    EXPECT_EQ(r.ids_from_location, 1u);
    summary.str("");
    WriteSummary(r, summary);
    EXPECT_EQ(summary.str().find("(--id-field)"), std::string::npos)
        << summary.str();
  }

  // Large clusters list each pair with the representative, lower index
  // first.
  ScanOptions few;
  few.keep = KeepPolicy::kLongest;
  few.claims.enabled = false;
  few.max_cluster_pairs = 2;
  Report r = Scan({d / "v.jsonl"}, few);
  ASSERT_EQ(r.pairs.size(), 2u);
  EXPECT_EQ(r.pairs[0].a, 0u);
  EXPECT_EQ(r.pairs[0].b, 1u);
  EXPECT_EQ(r.pairs[1].a, 1u);
  EXPECT_EQ(r.pairs[1].b, 2u);

  // With an index, the version an earlier run indexed stays the one kept.
  WriteFile(d / "first.jsonl", line("a", "2026-11-23", text));
  WriteFile(d / "later.jsonl",
            line("b", "", text + "\nRead more on our site today.") +
                line("c", "2026-11-20T08:00:00Z", text));
  ScanOptions ix = few;
  ix.index_path = d / "news.db";
  Scan({d / "first.jsonl"}, ix);
  Report later = Scan({d / "later.jsonl"}, ix);
  ASSERT_EQ(later.clusters.size(), 1u);
  EXPECT_EQ(later.documents[later.clusters[0].cluster.representative].id, "a");
}

// A chain of edits, A ~ B ~ C with A and C under the threshold: one
// cluster, and a deduplicated dataset keeps A and C (each left-out member
// has a kept near-duplicate), where keeping the representative alone would
// lose C with nothing like it kept.
TEST(Scan, AChainOfEditsKeepsItsEnds) {
  TempDir d;
  const std::vector<std::string> chain =
      ChainOfEdits(ReadFile(CorpusDir() + "/" + kSeed001));
  auto line = [](const std::string& id, const std::string& body) {
    return Json({{"id", id}, {"text", body}}).dump() + "\n";
  };
  // The longest first, for --keep longest: the order of preference, not
  // of input, decides what is kept.
  const std::string a = chain[0] + " and a footer line", b = chain[1],
                    c = chain[2];
  WriteFile(d / "chain.jsonl", line("a", a) + line("b", b) + line("c", c));
  const std::vector<std::tuple<KeepPolicy, size_t, std::set<std::string>>>
      cases = {{KeepPolicy::kFirst, 100, {"a", "c"}},
               {KeepPolicy::kLongest, 100, {"a", "c"}},
               // Its pairs listed with the representative only: what is
               // kept still follows every verified edge.
               {KeepPolicy::kFirst, 2, {"a", "c"}}};
  for (const auto& [policy, max_pairs, want] : cases) {
    SCOPED_TRACE(absl::StrCat(KeepPolicyName(policy), " ", max_pairs));
    ScanOptions o;
    o.keep = policy;
    o.max_cluster_pairs = max_pairs;
    o.claims.enabled = false;
    Report r = Scan({d / "chain.jsonl"}, o);
    ASSERT_EQ(r.clusters.size(), 1u);
    EXPECT_EQ(r.clusters[0].cluster.members.size(), 3u);
    // The chain as planted: A and C under the threshold, not an edge.
    EXPECT_EQ(r.similarity.coeff(0, 1) >= o.threshold, true);
    EXPECT_EQ(r.similarity.coeff(1, 2) >= o.threshold, true);
    EXPECT_EQ(r.similarity.coeff(0, 2), 0.0);
    const std::vector<char> keep = KeptDocuments(r);
    std::set<std::string> kept;
    for (size_t k = 0; k < keep.size(); ++k) {
      if (keep[k]) kept.insert(r.documents[k].id);
    }
    EXPECT_EQ(kept, want);
    Json j = Json::parse(JsonOf(r));
    EXPECT_EQ(j["near_duplicates"]["clusters"][0]["kept"],
              Json(std::vector<std::string>(want.begin(), want.end())));
  }
  // B first and longest: B is kept, and A and C, each an edge from it,
  // are not.
  WriteFile(d / "middle.jsonl",
            line("b", b + " with a longer footer line than a has") +
                line("a", a) + line("c", c));
  for (KeepPolicy policy : {KeepPolicy::kFirst, KeepPolicy::kLongest}) {
    ScanOptions o;
    o.keep = policy;
    o.claims.enabled = false;
    Report r = Scan({d / "middle.jsonl"}, o);
    ASSERT_EQ(r.clusters.size(), 1u);
    EXPECT_EQ(KeptDocuments(r), (std::vector<char>{1, 0, 0}));
  }
}

TEST(Scan, SameReportForOneAndTwoThreads) {
  TempDir d;
  std::filesystem::copy(CorpusDir(), d / "in");
  WriteFile(d / "in/zz_rewrite.txt", PlantedRewrite());
  std::string lines;
  for (int i = 0; i < 300; ++i) {
    lines +=
        "{\"id\":\"g" + std::to_string(i) + "\",\"text\":\"" + "Story number " +
        std::to_string(i % 40) +
        " says the minister spoke about the budget and the harvest in the "
        "north. "
        "Officials declined to comment on the figures released this week.\"}\n";
  }
  WriteFile(d / "in/gen.jsonl", lines);
  ScanOptions one, two;
  one.threads = 1;
  two.threads = 2;
  one.batch_records = two.batch_records = 7;  // many batches
  std::string a = JsonOf(Scan({d / "in"}, one));
  std::string b = JsonOf(Scan({d / "in"}, two));
  EXPECT_EQ(a, b);
  EXPECT_GT(Json::parse(a)["near_duplicates"]["clusters"].size(), 0u);
}

TEST(Scan, LargeClustersListRepresentativePairs) {
  TempDir d;
  std::string lines;
  for (int i = 0; i < 120; ++i) {
    lines += "{\"id\":\"c" + std::to_string(i) +
             "\",\"text\":\"The same wire story, copied by every outlet in the "
             "country "
             "without a single change to its words.\"}\n";
  }
  WriteFile(d / "copies.jsonl", lines);
  ScanOptions o;
  o.max_cluster_pairs = 50;
  Report r = Scan({d / "copies.jsonl"}, o);
  ASSERT_EQ(r.clusters.size(), 1u);
  EXPECT_EQ(r.clusters[0].cluster.members.size(), 120u);
  EXPECT_TRUE(r.clusters[0].pairs_as_tree);
  EXPECT_EQ(r.pairs.size(), 119u);  // not 7,140
  Json j = Json::parse(JsonOf(r));
  EXPECT_EQ(j["near_duplicates"]["clusters"][0]["pairs"], "tree");
}

// The tree a large cluster lists holds verified pairs only: of a chain of
// edits A ~ B ~ C, A-B and B-C, not the representative's A-C, which is no
// near-duplicate (review, thirty-eighth session: such pairs were listed,
// under both thresholds, in pairs.csv and the summary's top pairs).
TEST(Scan, LargeClustersListATreeOfVerifiedPairs) {
  TempDir d;
  const std::vector<std::string> chain =
      testing::ChainOfEdits(ReadFile(CorpusDir() + "/" + kSeed001));
  std::string lines;
  for (size_t i = 0; i < chain.size(); ++i) {
    lines += "{\"id\":\"v" + std::to_string(i) + "\",\"text\":\"" + chain[i] +
             "\"}\n";
  }
  WriteFile(d / "chain.jsonl", lines);
  ScanOptions o;
  o.max_cluster_pairs = 2;
  Report r = Scan({d / "chain.jsonl"}, o);
  ASSERT_EQ(r.clusters.size(), 1u);
  EXPECT_TRUE(r.clusters[0].pairs_as_tree);
  EXPECT_EQ(r.clusters[0].cluster.edges, 2u);  // A-C is no pair.
  ASSERT_EQ(r.pairs.size(), 2u);
  EXPECT_EQ(std::pair(r.pairs[0].a, r.pairs[0].b), std::pair(0u, 1u));
  EXPECT_EQ(std::pair(r.pairs[1].a, r.pairs[1].b), std::pair(1u, 2u));
  for (const NearDuplicatePair& p : r.pairs) EXPECT_GE(p.jaccard, 0.8);
}

// Records sharing an id: one with another text or metadata is another
// article (shards numbering their records from 0), and every such record,
// the first too, is named ID#HASH by its content, so that the names do not
// depend on files, lines or their order; a record with the same text and
// metadata as any earlier one of its id is delivered twice, skipped.
// --repeated-ids skip keeps the first of each id only.
TEST(Scan, RepeatedIdsAreNamedByTheirRecordUnlessTheRecordRepeats) {
  TempDir d;
  const std::string a = d / "a.jsonl", b = d / "b.jsonl", c = d / "c.jsonl";
  auto name = [](const std::string& id, const std::string& text,
                 const std::string& title = "") {
    const uint64_t h = internal::HashRecord(text, title, "", "", "");
    return absl::StrCat(id, "#", absl::Hex(h >> 32, absl::kZeroPad8));
  };
  WriteFile(b,
            "{\"id\":\"1\",\"text\":\"five\"}\n"
            "{\"id\":1,\"text\":\"six\"}\n");
  WriteFile(a,
            "{\"id\":\"x\",\"text\":\"one\"}\n"
            "{\"id\":\"x\",\"text\":\"two\"}\n"
            "{\"id\":\"x\",\"text\":\"one\",\"title\":\"again\"}\n"
            "{\"id\":\"x\",\"text\":\"one\"}\n"
            "{\"id\":\"x\",\"text\":\"two\"}\n");
  // A record given as its own id the name another would be given.
  WriteFile(c, "{\"id\":\"" + name("x", "three") +
                   "\",\"text\":\"eight\"}\n"
                   "{\"id\":\"x\",\"text\":\"three\"}\n");
  Report r = Scan({b, a, c});
  auto ids = [&] {
    std::vector<std::string> v;
    for (const Document& doc : r.documents) v.push_back(doc.id);
    return v;
  };
  EXPECT_EQ(ids(),
            (std::vector<std::string>{
                name("1", "five"), name("1", "six"), name("x", "one"),
                name("x", "two"), name("x", "one", "again"), name("x", "three"),
                name("x", "three") + "@" + c + ":2"}));
  EXPECT_EQ(r.RenamedIds(), 6u);
  EXPECT_EQ(r.InputIdOf(0), "1");
  EXPECT_EQ(r.InputIdOf(4), "x");
  EXPECT_EQ(r.InputIdOf(5), "");
  ASSERT_EQ(r.skipped.size(), 2u);
  EXPECT_EQ(r.skipped[0].location, a + ":4");
  EXPECT_EQ(r.skipped[0].reason,
            "repeats the record at " + a +
                ":1 (the same id 'x', text, title, url, date and source)");
  EXPECT_EQ(r.skipped[1].location, a + ":5");
  EXPECT_EQ(r.skipped[1].reason,
            "repeats the record at " + a +
                ":2 (the same id 'x', text, title, url, date and source)");
  EXPECT_EQ(r.duplicate_ids, 2u);
  EXPECT_EQ(r.first_duplicate_id, a + ":4");

  // The same records in another order, one file renamed: the same names.
  std::filesystem::rename(a, d / "renamed.jsonl");
  r = Scan({d / "renamed.jsonl", b});
  std::vector<std::string> got = ids();
  std::sort(got.begin(), got.end());
  std::vector<std::string> want = {name("1", "five"), name("1", "six"),
                                   name("x", "one"), name("x", "two"),
                                   name("x", "one", "again")};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);

  ScanOptions o;
  o.ingest.repeated_ids = RepeatedIds::kSkip;
  r = Scan({b, d / "renamed.jsonl"}, o);
  EXPECT_EQ(ids(), (std::vector<std::string>{"1", "x"}));
  EXPECT_EQ(r.RenamedIds(), 0u);
  ASSERT_EQ(r.skipped.size(), 5u);
  EXPECT_EQ(r.skipped[0].reason, "duplicate id '1' (first at " + b + ":1)");
  EXPECT_EQ(r.skipped[1].reason,
            "duplicate id 'x' (first at " + (d / "renamed.jsonl") + ":1)");
}

// The id index keys ids by a 64-bit hash; an id whose hash collides with an
// earlier, different id must still be told apart. Hash functions that
// collide always (a constant) and often (the first byte) must give what
// the real hash and a plain map give.
TEST(Scan, IdIndexTellsCollidingIdsApart) {
  const std::vector<std::string> ids = {"a",  "b",  "a", "ab", "c", "b",
                                        "ab", "ac", "d", "ac", "a", ""};
  std::vector<std::optional<uint32_t>> expected;
  {
    std::map<std::string, uint32_t> first;
    uint32_t kept = 0;
    for (const std::string& id : ids) {
      auto [it, inserted] = first.try_emplace(id, kept);
      expected.push_back(inserted ? std::nullopt
                                  : std::optional<uint32_t>(it->second));
      if (inserted) ++kept;
    }
  }
  const internal::IdIndex::HashFn hashes[] = {
      &internal::IdIndex::Hash, [](std::string_view) -> uint64_t { return 42; },
      [](std::string_view id) -> uint64_t {
        return id.empty() ? 0 : static_cast<unsigned char>(id[0]);
      }};
  for (internal::IdIndex::HashFn hash : hashes) {
    internal::IdIndex index(hash);
    std::vector<Document> docs;
    for (size_t i = 0; i < ids.size(); ++i) {
      std::optional<uint32_t> holder =
          index.Insert(ids[i], static_cast<uint32_t>(docs.size()), docs);
      EXPECT_EQ(holder, expected[i]) << "id " << i << " '" << ids[i] << "'";
      if (!holder) {
        docs.emplace_back();
        docs.back().id = ids[i];
      }
    }
    EXPECT_EQ(docs.size(), 7u);
  }
}

// report.json's documents array is rendered without nlohmann (it is most of
// the file); its bytes must still be exactly nlohmann's dump(2), whatever
// the strings hold: quotes, backslashes, control characters, DEL, non-ASCII
// and invalid UTF-8 (replaced by U+FFFD).
TEST(Report, DocumentsRenderAsNlohmannDumps) {
  Report r;
  const std::vector<std::string> tricky = {
      "plain",
      "quote \" and \\ backslash",
      "tab\tnew\nline\x01\x1f",
      "del\x7f",
      "caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d",
      "bad \xff\xfe utf8",
      "",
      "\xe2\x82"};
  for (size_t i = 0; i < tricky.size(); ++i) {
    Document d;
    d.id = tricky[i];
    d.location = tricky[(i + 1) % tricky.size()];
    d.source = i % 2 ? tricky[(i + 2) % tricky.size()] : "";
    d.title = tricky[(i + 3) % tricky.size()];
    if (i % 3 == 0) d.url = tricky[(i + 4) % tricky.size()];
    if (i % 3 == 1) d.date = tricky[(i + 5) % tricky.size()];
    d.invalid_utf8 = i % 4 == 0 ? 0 : static_cast<uint32_t>(i);
    d.input_bytes = 1000 * i;
    r.documents.push_back(std::move(d));
  }
  const std::string text = JsonOf(r);
  const nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(text);
  EXPECT_EQ(text, parsed.dump(2) + "\n");
  ASSERT_EQ(parsed["documents"].size(), tricky.size());
  EXPECT_EQ(parsed["documents"][1]["id"], tricky[1]);
  EXPECT_EQ(parsed["documents"][2]["id"], tricky[2]);
  EXPECT_EQ(parsed["documents"][5]["id"], "bad \xef\xbf\xbd\xef\xbf\xbd utf8");
  EXPECT_FALSE(parsed["documents"][0].contains("invalid_utf8_repaired"));
  EXPECT_EQ(parsed["documents"][3]["invalid_utf8_repaired"], 3);
  EXPECT_EQ(parsed["documents"][3]["url"], "\xef\xbf\xbd");  // Truncated.
  EXPECT_EQ(parsed["documents"][4]["date"], tricky[1]);
}

// Past one wave of document blocks (16 blocks of 1024 entries, handed to
// the file together): the joins between waves are nlohmann's bytes too.
TEST(Report, ManyDocumentsRenderAsNlohmannDumps) {
  Report r;
  for (int i = 0; i < 17000; ++i) {
    Document d;
    d.id = "doc-" + std::to_string(i);
    d.location = "in.jsonl:" + std::to_string(i + 1);
    d.input_bytes = static_cast<uint64_t>(i);
    r.documents.push_back(std::move(d));
  }
  const std::string text = JsonOf(r);
  const nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(text);
  EXPECT_EQ(text, parsed.dump(2) + "\n");
  ASSERT_EQ(parsed["documents"].size(), 17000u);
  EXPECT_EQ(parsed["documents"][16384]["id"], "doc-16384");
  EXPECT_EQ(parsed["documents"][16999]["location"], "in.jsonl:17000");
}

TEST(Report, ClaimsRenderAsNlohmannDumps) {
  const std::vector<std::string> tricky = {
      "plain sentence here",    "quote \" and \\ backslash",
      "tab\tnew\nline\x01\x1f", "caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d",
      "bad \xff\xfe utf8",      ""};
  for (bool index_used : {false, true}) {
    for (bool empty : {false, true}) {
      Report r;
      r.index.used = index_used;
      r.index.loaded = index_used ? 1 : 0;
      r.index.origins.resize(r.index.loaded);
      for (size_t i = 0; i < tricky.size(); ++i) {
        Document d;
        d.id = tricky[(i + 1) % tricky.size()];
        d.location = tricky[i];
        d.text = "head " + tricky[i] + " tail";
        r.documents.push_back(std::move(d));
      }
      ClaimsResult& c = r.claims;
      c.threshold = 0.5;
      c.excluded.too_short = 7;
      c.excluded.boilerplate = 3;
      c.excluded.lead_ins = 5;
      c.excluded.lists = 6;
      c.copy_units = 11;
      c.candidate_pairs = 12345678901ull;
      c.scored_pairs = 42;
      if (!empty) {
        for (uint32_t i = 0; i < r.documents.size(); ++i) {
          const uint32_t n = static_cast<uint32_t>(r.documents[i].text.size());
          c.units.push_back(
              ClaimUnit{i, static_cast<UnitKind>(i % 3), Span{5, n - 5}});
          c.units.push_back(ClaimUnit{i, UnitKind::kSentence, Span{0, n}});
        }
        const double scores[] = {1.0, 0.1234565, 1e-7, 0.5, 2.0 / 3, 0};
        for (uint32_t u = 0; u + 3 < c.units.size(); ++u) {
          c.matches.push_back(
              ClaimMatch{u, u + 3, scores[u % 6], scores[(u + 1) % 6]});
        }
        // Past one block of the parallel rendering (4096 matches) and one
        // wave of blocks handed to the file together (16 blocks), so the
        // joins between blocks and between waves are compared with
        // nlohmann's dump too.
        if (index_used) {
          for (uint32_t i = 0; i < 66000; ++i) {
            const auto n = static_cast<uint32_t>(c.units.size());
            c.matches.push_back(
                ClaimMatch{i % n, (i + 1) % n, scores[i % 6], scores[0]});
          }
        }
        c.clusters.push_back(
            ClaimCluster{{0, 1, 4},
                         {0, 2},
                         0.25,
                         1.0 / 3,
                         {StarGroup{4, {4, 0}, 0.25}, StarGroup{1, {1}, 0.0}}});
        c.clusters.push_back(ClaimCluster{{5}, {2}, 1.0, 0.999999999, {}});
      }
      const std::string text = JsonOf(r);
      const nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(text);
      EXPECT_EQ(text, parsed.dump(2) + "\n");
      const nlohmann::ordered_json& claims = parsed["claims"];
      EXPECT_EQ(claims["candidate_pairs"], 12345678901ull);
      EXPECT_EQ(claims["copy_units"], 11u);
      EXPECT_EQ(claims["matches"].size(), c.matches.size());
      EXPECT_EQ(claims["clusters"].size(), c.clusters.size());
      if (!empty) {
        EXPECT_EQ(
            claims["matches"][0]["a"]["text"],
            r.documents[0].text.substr(5, r.documents[0].text.size() - 10));
        EXPECT_EQ(claims["matches"][0].contains("scope"), index_used);
        EXPECT_EQ(claims["clusters"][1]["members"][0]["kind"], "sentence");
        // Groups by position in members (units 0, 1, 4).
        const nlohmann::ordered_json& groups = claims["clusters"][0]["groups"];
        ASSERT_EQ(groups.size(), 2u);
        EXPECT_EQ(groups[0]["center"], 2u);
        EXPECT_EQ(groups[0]["members"], nlohmann::ordered_json({2, 0}));
        EXPECT_EQ(groups[0]["min_score"], 0.25);
        EXPECT_EQ(groups[1]["members"], nlohmann::ordered_json({1}));
        EXPECT_TRUE(claims["clusters"][1]["groups"].empty());
      }
    }
  }
}

// The near-duplicates object is rendered without nlohmann too (a dump of
// copies lists a pair per copy): the same bytes as nlohmann's dump(2), with
// and without an index (each pair's scope), past one parallel block of
// pairs (4096) and one wave of blocks (16), for clusters listing all pairs
// or only those to the representative, and when there is nothing to list.
TEST(Report, NearDuplicatesRenderAsNlohmannDumps) {
  const std::vector<std::string> tricky = {
      "plain",
      "quote \" and \\ backslash",
      "tab\tnew\nline\x01\x1f",
      "caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d",
      "bad \xff\xfe utf8",
      ""};
  for (bool index_used : {false, true}) {
    for (bool empty : {false, true}) {
      Report r;
      r.index.used = index_used;
      r.index.loaded = index_used ? 2 : 0;
      r.index.origins.resize(r.index.loaded);
      for (size_t i = 0; i < tricky.size(); ++i) {
        Document d;
        d.id = tricky[i];
        d.location = tricky[(i + 1) % tricky.size()];
        r.documents.push_back(std::move(d));
      }
      r.candidate_pairs = 12345678901ull;
      r.capped_buckets = 3;
      const double scores[] = {1.0, 0.1234565, 1e-7, 0.5, 2.0 / 3, 0};
      if (!empty) {
        const auto n = static_cast<uint32_t>(r.documents.size());
        for (uint32_t i = 0; i < 66000; ++i) {
          const uint32_t a = i % (n - 1);
          r.pairs.push_back(
              NearDuplicatePair{a, a + 1 + i % (n - 1 - a), scores[i % 6],
                                scores[(i + 1) % 6], scores[(i + 2) % 6]});
        }
        Cluster all{{0, 1, 3}, 3, 0.25, 1.0 / 3, 3};
        Cluster star{{2, 3, 5}, 2, 0.1234565, 0.999999999, 2};
        r.clusters.push_back(DocumentCluster{all, false, {3}});
        r.clusters.push_back(DocumentCluster{star, true, {2}});
      }
      const std::string text = JsonOf(r);
      const nlohmann::ordered_json parsed = nlohmann::ordered_json::parse(text);
      EXPECT_EQ(text, parsed.dump(2) + "\n");
      const nlohmann::ordered_json& nd = parsed["near_duplicates"];
      EXPECT_EQ(nd["candidate_pairs"], 12345678901ull);
      EXPECT_EQ(nd["capped_buckets"], 3u);
      ASSERT_EQ(nd["pairs"].size(), r.pairs.size());
      ASSERT_EQ(nd["clusters"].size(), r.clusters.size());
      if (!empty) {
        EXPECT_EQ(nd["pairs"][1]["b"], tricky[r.pairs[1].b]);
        EXPECT_EQ(nd["pairs"][4101]["jaccard"], 0.5);  // Past one block.
        EXPECT_EQ(nd["pairs"][0].contains("scope"), index_used);
        if (index_used) {
          EXPECT_EQ(nd["pairs"][0]["scope"], "new-indexed");
        }
        EXPECT_EQ(nd["clusters"][0]["members"][2], tricky[3]);
        EXPECT_EQ(nd["clusters"][0]["representative"], tricky[3]);
        EXPECT_EQ(nd["clusters"][0]["pairs"], "all");
        EXPECT_EQ(nd["clusters"][1]["pairs"], "tree");
        EXPECT_EQ(nd["clusters"][1]["verified_edges"], 2u);
        // The keys in the order of docs/report-format.md (a reparse keeps
        // any order, so the dump comparison does not check it).
        auto keys = [](const nlohmann::ordered_json& o) {
          std::vector<std::string> k;
          for (const auto& [key, value] : o.items()) k.push_back(key);
          return k;
        };
        std::vector<std::string> pair_keys = {"a", "b", "jaccard",
                                              "containment", "estimate"};
        if (index_used) pair_keys.push_back("scope");
        EXPECT_EQ(keys(nd["pairs"][0]), pair_keys);
        EXPECT_EQ(
            keys(nd["clusters"][0]),
            (std::vector<std::string>{
                "size", "members", "representative", "kept", "min_similarity",
                "mean_similarity", "verified_edges", "pairs"}));
        EXPECT_EQ(keys(nd),
                  (std::vector<std::string>{"candidate_pairs", "capped_buckets",
                                            "pairs", "clusters"}));
      }
    }
  }
}

TEST(Scan, RejectsInvalidOptions) {
  ScanOptions o;
  o.threshold = 1.5;
  EXPECT_TRUE(absl::IsInvalidArgument(RunScan({}, o).status()));
  o = {};
  o.bands = 20;
  o.rows = 10;
  EXPECT_TRUE(absl::IsInvalidArgument(RunScan({}, o).status()));
}

// ---- The CLI. ----

TEST(Cli, ScanCorpusWritesReport) {
  TempDir d;
  auto r = RunRefrain("scan " + CorpusDir() + " --out " + (d / "out"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("5 documents read, 0 skipped"), std::string::npos)
      << r.out;
  Json j = Json::parse(ReadFile(d / "out/report.json"));
  EXPECT_EQ(j["schema_version"], 1);
  EXPECT_EQ(j["inputs"]["documents"], 5);
  EXPECT_EQ(j["documents"].size(), 5u);
  EXPECT_EQ(j["params"]["bands"], 25);
  EXPECT_EQ(j["params"]["rows"], 5);
  EXPECT_EQ(j["params"]["lsh_threshold"], 0.588785);
  EXPECT_EQ(j["near_duplicates"]["pairs"].size(), 0u);
  // Banding given by hand: the threshold its S-curve is at, not the one of
  // the banding it replaced (review 39a-07).
  r = RunRefrain("scan " + CorpusDir() + " --no-claims --quiet --out " +
                 (d / "out1") + " --bands 16 --rows 8");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = Json::parse(ReadFile(d / "out1/report.json"));
  EXPECT_EQ(j["params"]["bands"], 16);
  EXPECT_EQ(j["params"]["lsh_threshold"], 0.707107);  // (1/16)^(1/8)
  // The claim options the report came from, the effective threshold too.
  EXPECT_EQ(j["params"]["claims"]["threshold"], 0.5);
  EXPECT_EQ(j["params"]["claims"]["min_cosine"], 0.35);
  EXPECT_EQ(j["params"]["claims"]["same_document"], false);
  r = RunRefrain("scan " + CorpusDir() + " --out " + (d / "out2") +
                 " --claim-min-cosine 0.25 --same-document --language english");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = Json::parse(ReadFile(d / "out2/report.json"));
  EXPECT_EQ(j["params"]["claims"]["min_cosine"], 0.25);
  EXPECT_EQ(j["params"]["claims"]["same_document"], true);
  EXPECT_EQ(j["params"]["claims"]["language"], "english");
  EXPECT_FALSE(j["params"]["claims"].contains("max_memory_bytes"));
}

// A bucket over --max-bucket pairs each member with one member only: the
// one --keep keeps, so that the deduplicated dataset keeps one copy of a
// story under every policy, and the summary says the bucket was capped
// (review 41b-01: 3,000 copies of one story, each paired with the first,
// kept 180 under --keep longest, in silence).
TEST(Cli, CappedBucketsPairWithTheKeptCopy) {
  TempDir d;
  std::string base;
  for (int i = 0; i < 60; ++i) absl::StrAppend(&base, "word", i, " ");
  std::string lines;
  for (int c = 0; c < 4; ++c) {
    std::string extra;
    for (int i = 0; i < c; ++i) absl::StrAppend(&extra, " extra", c, "x", i);
    lines += "{\"id\": \"c" + std::to_string(c) + "\", \"text\": \"" + base +
             extra + "\", \"date\": \"2026-01-0" + std::to_string(4 - c) +
             "\"}\n";
  }
  WriteFile(d / "copies.jsonl", lines);
  const std::string scan = "scan " + (d / "copies.jsonl") +
                           " --no-claims --max-bucket 2 --out " + (d / "o");
  for (const char* keep : {"first", "longest", "earliest"}) {
    auto r = RunRefrain(scan + " --keep " + keep);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(" LSH buckets had more than --max-bucket 2 members"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("keeps 1 of 4 documents"), std::string::npos)
        << keep << "\n"
        << r.out;
  }
  auto wide = RunRefrain("scan " + (d / "copies.jsonl") +
                         " --no-claims --keep longest --out " + (d / "o2"));
  ASSERT_EQ(wide.exit_code, 0) << wide.err;
  EXPECT_EQ(wide.out.find("--max-bucket"), std::string::npos) << wide.out;
  EXPECT_NE(wide.out.find("keeps 1 of 4 documents"), std::string::npos);
}

// report.html is titled by its inputs, so two reports open side by side are
// told apart (review 40a: every tab read "refrain report").
TEST(Cli, ReportPageIsTitledByItsInputs) {
  TempDir d;
  WriteFile(d / "in/day-1.jsonl", R"({"id": "a", "text": "One two three."})"
                                  "\n");
  WriteFile(d / "in/day-2.jsonl", R"({"id": "b", "text": "Four five six."})"
                                  "\n");
  auto r = RunRefrain("scan " + CorpusDir() + "/ --no-claims --quiet --out " +
                      (d / "out1"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(ReadFile(d / "out1/report.html")
                .find("<title>refrain report: corpus</title>"),
            std::string::npos);
  r = RunRefrain("scan " + (d / "in/day-1.jsonl") + " " +
                 (d / "in/day-2.jsonl") + " " + (d / "in") + " " + CorpusDir() +
                 " --no-claims --quiet --out " + (d / "out2"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(ReadFile(d / "out2/report.html")
                .find("<title>refrain report: day-1.jsonl, day-2.jsonl, in "
                      "and 1 more</title>"),
            std::string::npos)
      << ReadFile(d / "out2/report.html").substr(0, 800);
  // An input named twice is read once, and named once (review 41a-08).
  r = RunRefrain("scan " + (d / "in") + "/ " + (d / "in") + " " + (d / "in") +
                 "/. --no-claims --quiet --out " + (d / "out3"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(ReadFile(d / "out3/report.html")
                .find("<title>refrain report: in</title>"),
            std::string::npos);
}

// The sentence rules follow --language unless --locale is given: with
// English's, "M. Macron ..." in French was cut after "M." (a unit too short
// to be a claim, and the claim without its subject).
TEST(Cli, SentenceRulesFollowTheLanguage) {
  EXPECT_EQ(SentenceLocaleOf("english"), "en@ss=standard");
  EXPECT_EQ(SentenceLocaleOf("en"), "en@ss=standard");
  EXPECT_EQ(SentenceLocaleOf("porter"), "en@ss=standard");
  EXPECT_EQ(SentenceLocaleOf("french"), "fr@ss=standard");
  EXPECT_EQ(SentenceLocaleOf("fr"), "fr@ss=standard");
  EXPECT_EQ(SentenceLocaleOf("german"), "de@ss=standard");
  EXPECT_EQ(SentenceLocaleOf("russian"), "ru@ss=standard");
  // Every language libstemmer has, by any of its names (review 39a-04:
  // thirteen of them got English's rules; 39b-06: "deu" got neither German
  // rules nor German stop words and negation).
  EXPECT_EQ(SentenceLocaleOf("turkish"), "tr@ss=standard");
  EXPECT_EQ(SentenceLocaleOf("greek"), "el@ss=standard");
  EXPECT_EQ(SentenceLocaleOf("deu"), "de@ss=standard");
  EXPECT_EQ(SentenceLocaleOf("hye"), "hy@ss=standard");
  EXPECT_EQ(SentenceLocaleOf("klingon"), "en@ss=standard");
  EXPECT_EQ(CanonicalLanguage("deu"), "german");
  EXPECT_EQ(CanonicalLanguage("ger"), "german");
  EXPECT_EQ(CanonicalLanguage("de"), "german");
  EXPECT_EQ(CanonicalLanguage("eng"), "english");
  EXPECT_EQ(CanonicalLanguage("porter"), "porter");
  EXPECT_EQ(CanonicalLanguage("esl"), "spanish");
  EXPECT_EQ(CanonicalLanguage("klingon"), "klingon");
  // Any case, with or without a region (review 51b-07).
  EXPECT_EQ(CanonicalLanguage("German"), "german");
  EXPECT_EQ(CanonicalLanguage("DE"), "german");
  EXPECT_EQ(CanonicalLanguage("de-DE"), "german");
  EXPECT_EQ(CanonicalLanguage("pt_BR"), "portuguese");
  EXPECT_EQ(CanonicalLanguage("nb"), "norwegian");
  EXPECT_EQ(SentenceLocaleOf("de-AT"), "de@ss=standard");
  {
    // A language without a stemmer: the names it could take, and what to
    // do for the languages that have none.
    absl::StatusOr<TermAnalyzer> zh =
        TermAnalyzer::Create(TermAnalyzerOptions{"zh"});
    ASSERT_FALSE(zh.ok());
    EXPECT_NE(zh.status().message().find("german, greek"), std::string::npos)
        << zh.status();
    EXPECT_NE(zh.status().message().find("leave --language unset"),
              std::string::npos)
        << zh.status();
  }
  TempDir d;
  WriteFile(d / "a.txt",
            // "MM." (messieurs) is an abbreviation to French rules only.
            "Titre du jour\n\nMM. Macron et Bayrou ont annonc\u00e9 mardi "
            "une nouvelle r\u00e9forme des retraites pour tout le pays. Le "
            "gouvernement pr\u00e9voit un vote au Parlement avant la fin du "
            "mois.\n");
  for (const auto& [flags, locale, short_units] :
       std::vector<std::tuple<std::string, std::string, int>>{
           {"--language french", "fr@ss=standard", 0},
           {"--language fra", "fr@ss=standard", 0},
           {"--language french --locale en@ss=standard", "en@ss=standard", 1},
           {"", "en@ss=standard", 1}}) {
    SCOPED_TRACE(flags);
    auto r = RunRefrain("scan " + (d / "a.txt") + " --quiet --out " +
                        (d / "out") + " --claim-min-words 2 " + flags);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Json j = Json::parse(ReadFile(d / "out/report.json"));
    EXPECT_EQ(j["params"]["sentence_locale"], locale);
    // Recorded by its Snowball name, whatever name it was given by.
    EXPECT_EQ(j["params"]["claims"]["language"],
              flags.empty() ? "english" : "french");
    EXPECT_EQ(j["claims"]["excluded_short"], short_units);
  }
}

// A scan that read no document (a mistyped path, a dump of bad records
// only, an empty directory) writes its report, listing the skips, and exits
// 1: a daily job must not take the empty report for a quiet day.
TEST(Cli, NothingReadIsAFailure) {
  TempDir d;
  auto r = RunRefrain("scan " + (d / "typo.jsonl") + " --out " + (d / "out"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("typo.jsonl: cannot open"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no document read from the inputs (every record was "
                       "skipped: 1, listed above)"),
            std::string::npos)
      << r.err;
  Json j = Json::parse(ReadFile(d / "out/report.json"));
  EXPECT_EQ(j["inputs"]["skipped_count"], 1);
  WriteFile(d / "bad.jsonl", "{not json\n[1, 2]\n");
  EXPECT_EQ(RunRefrain("scan " + (d / "bad.jsonl") + " --out " + (d / "o2"))
                .exit_code,
            1);
  std::filesystem::create_directories(d / "empty");
  r = RunRefrain("scan " + (d / "empty") + " --out " + (d / "o3"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no document read from the inputs\n"), std::string::npos)
      << r.err;
  // One good record among them is a scan.
  WriteFile(d / "bad.jsonl", "{not json\n{\"text\": \"one article\"}\n");
  EXPECT_EQ(RunRefrain("scan " + (d / "bad.jsonl") + " --out " + (d / "o4"))
                .exit_code,
            0);
}

TEST(Cli, BadInputIsReportedAndCountsAddUp) {
  TempDir d;
  WriteFile(d / "in/bin.dat", std::string("\x7f"
                                          "ELF\x00\x00",
                                          6));
  WriteFile(d / "in/empty.txt", "");
  WriteFile(
      d / "in/lines.jsonl",
      "{\"id\":\"1\",\"text\":\"good line\"}\n{bad json\n{\"id\":\"3\"}\n");
  WriteFile(d / "in/latin1.txt", "Title\nCaf\xE9 society.");
  auto r = RunRefrain("scan " + (d / "in") + " --out " + (d / "out"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(d / "in/bin.dat: unsupported file type"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(d / "in/empty.txt: empty file"), std::string::npos);
  EXPECT_NE(r.err.find(d / "in/lines.jsonl:2: malformed JSON"),
            std::string::npos);
  EXPECT_NE(r.err.find(d / "in/lines.jsonl:3: missing field 'text'"),
            std::string::npos);
  Json j = Json::parse(ReadFile(d / "out/report.json"));
  EXPECT_EQ(j["inputs"]["documents"], 2);
  EXPECT_EQ(j["inputs"]["skipped"].size(), 4u);
  EXPECT_EQ(j["inputs"]["records"], 6);
  EXPECT_EQ(j["inputs"]["invalid_utf8_repaired"], 1);
  EXPECT_NE(r.out.find("1 invalid byte sequences replaced by U+FFFD"),
            std::string::npos)
      << r.out;
  // The document with the most is named (review 51b-06); one stray byte is
  // no other encoding.
  EXPECT_NE(
      r.out.find("in 1 document (the most: " + (d / "in/latin1.txt") + ", 1)"),
      std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("is mostly not UTF-8"), std::string::npos) << r.out;
  {
    // Russian in windows-1251: every letter a byte UTF-8 cannot read.
    TempDir e;
    WriteFile(e / "ru.txt",
              "\xcc\xee\xf1\xea\xe2\xe0\n\xc2\xf7\xe5\xf0\xe0 "
              "\xe2 \xcc\xee\xf1\xea\xe2\xe5 \xef\xf0\xee\xf8\xeb\xe0 "
              "\xe2\xf1\xf2\xf0\xe5\xf7\xe0.\n");
    auto cp = RunRefrain("scan " + (e / "ru.txt") + " --out " + (e / "out"));
    ASSERT_EQ(cp.exit_code, 0) << cp.err;
    EXPECT_NE(cp.out.find((e / "ru.txt") + " is mostly not UTF-8: if its "
                                           "inputs are in another encoding, "
                                           "name it with --input-encoding"),
              std::string::npos)
        << cp.out;
  }

  auto strict = RunRefrain("scan " + (d / "in") + " --strict --quiet --out " +
                           (d / "out2"));
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_TRUE(strict.out.empty());
}

// Files a folder walk passes over by their names (.DS_Store, README.md) are
// listed, marked passed_over, and do not fail --strict; named as inputs
// they do (review, thirty-second session: --strict failed on every folder
// copied from a Mac).
TEST(Cli, StrictIgnoresFilesAWalkPassesOverByName) {
  TempDir d;
  WriteFile(d / "in/a.txt", "Title\nThe central bank raised rates.\n");
  WriteFile(d / "in/.DS_Store", std::string("\0\0\0\1Bud1", 8));
  WriteFile(d / "in/README.md", "# what this folder holds\n");
  // A link to a directory, not followed (review 45a-06: it counted).
  std::filesystem::create_directories(d / "elsewhere");
  std::filesystem::create_directory_symlink("../elsewhere", d / "in/latest");
  auto r = RunRefrain("scan " + (d / "in") + " --strict --no-claims --out " +
                      (d / "out"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find(d / "in/.DS_Store: hidden file: not read"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(d / "in/README.md: unsupported file type"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(d / "in/latest: symbolic link to a directory"),
            std::string::npos)
      << r.err;
  Json j = Json::parse(ReadFile(d / "out/report.json"));
  ASSERT_EQ(j["inputs"]["skipped"].size(), 3u);
  for (const Json& s : j["inputs"]["skipped"]) {
    EXPECT_EQ(s.value("passed_over", false), true) << s.dump();
  }
  EXPECT_EQ(j["inputs"]["records"], 4);
  // Named, the same file is asked for: a failed record.
  auto named =
      RunRefrain("scan " + (d / "in/a.txt") + " " + (d / "in/README.md") +
                 " --strict --no-claims --out " + (d / "out2"));
  EXPECT_EQ(named.exit_code, 1) << named.err;
  EXPECT_NE(named.err.find("--strict: 1 record skipped"), std::string::npos)
      << named.err;
  Json k = Json::parse(ReadFile(d / "out2/report.json"));
  ASSERT_EQ(k["inputs"]["skipped"].size(), 1u);
  EXPECT_FALSE(k["inputs"]["skipped"][0].contains("passed_over"));
  // Named after the folder that holds it, too (review 45a-05: it was
  // "already an input" and --strict passed), and listed once.
  auto after = RunRefrain("scan " + (d / "in") + " " + (d / "in/README.md") +
                          " --strict --no-claims --out " + (d / "out3"));
  EXPECT_EQ(after.exit_code, 1) << after.err;
  Json a = Json::parse(ReadFile(d / "out3/report.json"));
  size_t readme = 0;
  for (const Json& s : a["inputs"]["skipped"]) {
    if (s["source"] == d / "in/README.md") {
      ++readme;
      EXPECT_FALSE(s.contains("passed_over")) << s.dump();
    }
  }
  EXPECT_EQ(readme, 1u);
}

// A symbolic link to a file read under another name loses nothing: it is
// listed, and --strict does not count it, walked or named (review,
// thirty-third session: --strict failed on a folder with a "latest.jsonl"
// link beside the dump it names).
TEST(Cli, StrictIgnoresALinkToAFileReadUnderAnotherName) {
  TempDir d;
  WriteFile(d / "in/2026-12-01.jsonl",
            "{\"id\":\"a\",\"text\":\"The central bank raised rates.\"}\n");
  std::filesystem::create_symlink("2026-12-01.jsonl", d / "in/latest.jsonl");
  for (const std::string& inputs :
       {d / "in",
        (d / "in/2026-12-01.jsonl") + " " + (d / "in/latest.jsonl")}) {
    TempDir o;
    auto r = RunRefrain("scan " + inputs + " --strict --no-claims --out " +
                        (o / "out"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find(d / "in/latest.jsonl: the same file as "),
              std::string::npos)
        << r.err;
    Json j = Json::parse(ReadFile(o / "out/report.json"));
    ASSERT_EQ(j["inputs"]["skipped"].size(), 1u);
    EXPECT_EQ(j["inputs"]["skipped"][0].value("passed_over", false), true);
    EXPECT_EQ(j["inputs"]["documents"], 1);
  }
  // A record skipped for its own sake still counts: one delivered twice.
  WriteFile(d / "in/2026-12-01.jsonl",
            "{\"id\":\"a\",\"text\":\"The central bank raised rates.\"}\n"
            "{\"id\":\"a\",\"text\":\"The central bank raised rates.\"}\n");
  TempDir o;
  auto r = RunRefrain("scan " + (d / "in") + " --strict --no-claims --out " +
                      (o / "out"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("--strict: 1 record skipped"), std::string::npos)
      << r.err;
}

TEST(Cli, ExitCodesAndHelp) {
  EXPECT_EQ(RunRefrain("--help").exit_code, 0);
  auto help = RunRefrain("scan --help");
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag : {"--threshold", "--num-perm", "--shingle",
                           "--threads", "--strict", "--out"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
  EXPECT_NE(help.out.find("0.8"), std::string::npos);  // defaults shown
  EXPECT_EQ(RunRefrain("").exit_code, 2);
  EXPECT_EQ(RunRefrain("scan").exit_code, 2);
  EXPECT_EQ(RunRefrain("scan --threshold 1.5 " + CorpusDir()).exit_code, 2);
  EXPECT_EQ(RunRefrain("frobnicate").exit_code, 2);
  // Not read as 2^64 - 1.
  auto seed = RunRefrain("scan --seed -1 " + CorpusDir());
  EXPECT_EQ(seed.exit_code, 2);
  EXPECT_NE(seed.err.find("--seed: must be >= 0"), std::string::npos)
      << seed.err;
  // Nor a limit of the claims stage (review 44a-03: -5 turned it off).
  auto limit = RunRefrain("scan --claim-max-candidates -5 " + CorpusDir());
  EXPECT_EQ(limit.exit_code, 2);
  EXPECT_NE(limit.err.find("--claim-max-candidates: must be >= 0"),
            std::string::npos)
      << limit.err;
  // A flag with a range says a word is not a number, not out of range.
  for (const char* args :
       {"scan --claim-max-memory abc x", "scan --index-wait abc x",
        "index stats x --wait abc"}) {
    auto r = RunRefrain(args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.err.find(": abc is not a number"), std::string::npos) << r.err;
  }
  // NaN passes every range check (no comparison with it is true), and
  // infinity is no weight: refused (review, twenty-eighth session:
  // --fn-weight nan chose 1 band x 128 rows and lost a cluster).
  for (const char* args :
       {"scan --claim-max-memory nan x", "scan --fn-weight nan x",
        "scan --fp-weight inf x", "scan --fn-weight -1 x"}) {
    auto r = RunRefrain(args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_TRUE(r.err.find("is not a finite number") != std::string::npos ||
                r.err.find("LSH weights must be finite") != std::string::npos)
        << args << ": " << r.err;
  }
  // A missing input is a failure (1), not a usage error, for compare too.
  EXPECT_EQ(
      RunRefrain("compare /nonexistent/a.txt /nonexistent/b.txt").exit_code, 1);
}

// Review, thirty-second session: an empty value (`--index "$DB"` with DB
// unset) turned the option off and exited 0; a mistyped command was "A
// subcommand is required"; a seed past 2^64 - 1 was clamped to it.
TEST(Cli, RefusesEmptyValuesMistypedCommandsAndSeedsOutOfRange) {
  const std::string corpus = CorpusDir();
  for (const auto& [args, says] :
       std::vector<std::pair<std::string, std::string>>{
           {"scan --index '' " + corpus, "--index: needs an index file"},
           {"compare a b --in " + corpus + " --index ''",
            "--index: needs an index file"},
           {"scan --write-kept '' " + corpus, "--write-kept: needs a file"},
           {"scan --id-field '' " + corpus, "--id-field must not be empty"},
           {"scan --date-field '' " + corpus, "--date-field must not be empty"},
           {"scan --background-idf '' " + corpus,
            "--background-idf: needs a file"},
           {"scan --seed 18446744073709551616 " + corpus,
            "--seed: 18446744073709551616 is out of range"},
           {"scna " + corpus, "unknown command 'scna' (commands: scan,"},
           {"index stat x.db",
            "unknown command 'stat' of index (commands: "
            "stats, check, remove, upgrade)"},
           {"compare x x --in " + corpus, "A and B are the same document (x)"},
           // Review 39a-03 and 39a-08: accepted, and without effect.
           {"scan --index-wait 5 " + corpus, "--index-wait needs --index PATH"},
           {"compare x y --same-document", "--same-document is for scan"},
           {"scan --no-claims --claim-threshold 0.7 " + corpus,
            "--claim-threshold has no effect with --no-claims"},
           {"compare x y --no-claims --language german",
            "--language has no effect with --no-claims"},
           {"compare x y --html " + corpus + "/000_a36e598c1fb27949.txt/x.html",
            "000_a36e598c1fb27949.txt is not a directory"},
           {"scan --out '' " + corpus, "--out: needs a directory, or -"},
           {"generate --docs 5 --out ''", "--out: needs a file name"},
           // Review 40b-15: --floor took the flags of the work it skips.
           {"scan --floor --threshold 0.5 " + corpus,
            "--threshold has no effect with --floor"},
           {"scan --floor --claim-threshold 0.6 " + corpus,
            "--claim-threshold has no effect with --floor"},
           {"scan --floor --keep longest " + corpus,
            "--keep has no effect with --floor"},
           {"scan --floor --index x.db " + corpus,
            "--index has no effect with --floor"},
       }) {
    auto r = RunRefrain(args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.err.find(says), std::string::npos) << args << ": " << r.err;
  }
  // The largest seed is still one.
  TempDir d;
  EXPECT_EQ(RunRefrain("scan --quiet --no-claims --seed 18446744073709551615 " +
                       corpus + " --out " + (d / "out"))
                .exit_code,
            0);
}

TEST(Cli, ClaimsPastTheirLimitExitOneWithTheNearDuplicatesWritten) {
  TempDir d;
  auto r = RunRefrain("scan " + CorpusDir() +
                      " --claim-max-candidates 1 --out " + (d / "out"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("over --claim-max-candidates 1"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("near-duplicate results are written"), std::string::npos)
      << r.err;
  Json j = Json::parse(ReadFile(d / "out/report.json"));
  EXPECT_EQ(j["documents"].size(), 5u);
  EXPECT_NE(
      j["claims"]["error"].get<std::string>().find("--claim-max-candidates 1"),
      std::string::npos);
  EXPECT_NE(ReadFile(d / "out/report.html").find("claims stage stopped"),
            std::string::npos);
  // With an index: the same outputs, nothing added (review 47a-02: no
  // outputs at all, and remedies the index refuses).
  const std::string db = d / "news.db";
  ASSERT_EQ(RunRefrain("scan --quiet " + CorpusDir() + " --index " + db +
                       " --out " + (d / "first"))
                .exit_code,
            0);
  r = RunRefrain("scan " + CorpusDir() + " --index " + db +
                 " --claim-max-candidates 1 --out " + (d / "out-ix"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("nothing was added to the index"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("--no-claims"), std::string::npos) << r.err;
  j = Json::parse(ReadFile(d / "out-ix/report.json"));
  EXPECT_EQ(j["index"]["withheld"], true);
  EXPECT_NE(
      j["claims"]["error"].get<std::string>().find("--claim-max-candidates 1"),
      std::string::npos);
}

TEST(Cli, ClaimsEstimatedOverTheMemoryLimitExitOneWithTheRestWritten) {
  TempDir d;
  // corpus/ is a few kB of text: 100 MB estimated, over 0.05 GB.
  auto r = RunRefrain("scan " + CorpusDir() +
                      " --claim-max-memory 0.05 --quiet --out " + (d / "out"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("over --claim-max-memory 0.05 GB"), std::string::npos)
      << r.err;
  Json j = Json::parse(ReadFile(d / "out/report.json"));
  EXPECT_EQ(j["documents"].size(), 5u);
  EXPECT_NE(j["claims"]["error"].get<std::string>().find("--claim-max-memory"),
            std::string::npos);
  // With an index, new or read-only, the same (review 47b-01: nothing was
  // written, the limit met first while the index looked for related
  // articles).
  for (const char* read_only : {"", " --index-read-only"}) {
    const std::string out = d / (*read_only ? "out-ro" : "out-ix");
    r = RunRefrain("scan " + CorpusDir() + " --claim-max-memory 0.05 --index " +
                   (d / "news.db") + read_only + " --quiet --out " + out);
    EXPECT_EQ(r.exit_code, 1) << read_only;
    EXPECT_NE(r.err.find("near-duplicate results are written"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("--no-claims"), std::string::npos) << r.err;
    j = Json::parse(ReadFile(out + "/report.json"));
    EXPECT_EQ(j["documents"].size(), 5u) << read_only;
    EXPECT_TRUE(j["claims"].contains("error")) << read_only;
  }
  // The default limit is the machine's available memory: corpus/ fits.
  r = RunRefrain("scan " + CorpusDir() + " --quiet --out " + (d / "out2"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(Json::parse(ReadFile(d / "out2/report.json"))["claims"].contains(
      "error"));
  EXPECT_EQ(
      RunRefrain("scan " + CorpusDir() + " --claim-max-memory -1").exit_code,
      2);
}

TEST(Cli, StandardInputIsAnInput) {
  TempDir d;
  testing::WriteGzip(d / "dump.jsonl.gz",
                     "{\"id\":\"x\",\"text\":" +
                         Json(ReadFile(CorpusDir() + "/" + kSeed001)).dump() +
                         "}\n");
  auto r = RunRefrain("scan - " + CorpusDir() + " --no-claims --out " +
                      (d / "out") + " < " + (d / "dump.jsonl.gz"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(ReadFile(d / "out/report.json"));
  ASSERT_EQ(j["documents"].size(), 6u);
  EXPECT_EQ(j["documents"][0]["id"], "x");
  EXPECT_EQ(j["documents"][0]["location"], "<stdin>:1");
  // The article from standard input is a copy of seed 001: one pair.
  EXPECT_EQ(j["near_duplicates"]["pairs"].size(), 1u);
  auto kept = RunRefrain("scan - --write-kept " + (d / "k.jsonl") + " < " +
                         (d / "dump.jsonl.gz"));
  EXPECT_EQ(kept.exit_code, 2);
  EXPECT_NE(kept.err.find("standard input (-) cannot give"), std::string::npos)
      << kept.err;
  // One stream, named once: a usage error before anything is read.
  auto twice = RunRefrain("scan - - --no-claims --out " + (d / "twice") +
                          " < " + (d / "dump.jsonl.gz"));
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("standard input (-) can be named once"),
            std::string::npos)
      << twice.err;
  EXPECT_FALSE(std::filesystem::exists(d / "twice"));
}

// A fact-checker pipes in a line to check: it has no headline, so its
// sentences are claim units of their own, matched at the claim threshold.
TEST(Cli, OneLineOnStandardInputIsSentencesToCheck) {
  TempDir d;
  const std::string first =
      "The plans of the Islamic State and its supporters to destabilize "
      "Central Asian states and export instability to Russia are of "
      "particular concern.";
  WriteFile(d / "line.txt", first + " Russia says so.\n");
  auto r = RunRefrain("scan - " + CorpusDir() + " --out " + (d / "out") +
                      " --quiet < " + (d / "line.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(ReadFile(d / "out/report.json"));
  EXPECT_EQ(j["documents"][0]["title"], "");
  int with_stdin = 0;
  for (const Json& m : j["claims"]["matches"]) {
    const Json& mine = m["a"]["doc"] == "<stdin>" ? m["a"] : m["b"];
    if (mine["doc"] != "<stdin>") continue;
    ++with_stdin;
    EXPECT_EQ(mine["kind"], "sentence");
    EXPECT_EQ(mine["text"], first);
    EXPECT_EQ(mine["start"], 0);
  }
  // The quote in 000 and the sentence in 003.
  EXPECT_EQ(with_stdin, 2);
}

// --input-encoding reaches the readers and the report; an unknown charset
// is a usage error before any work.
// Outputs that would overwrite what the scan reads or writes, and inputs
// that cannot be read twice, are refused before any work (exit 2).
TEST(Cli, WriteKeptRefusesItsIndexReportsAndStreams) {
  TempDir d;
  WriteFile(d / "a.txt", ReadFile(CorpusDir() + "/000_a36e598c1fb27949.txt"));
  const std::string scan = "scan " + (d / "a.txt") + " --no-claims --out " +
                           (d / "out") + " --index " + (d / "news.db");
  ASSERT_EQ(RunRefrain(scan + " --quiet").exit_code, 0);
  const std::string index_before = ReadFile(d / "news.db");
  auto r = RunRefrain(scan + " --write-kept " + (d / "news.db"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is the --index file"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(d / "news.db"), index_before);
  r = RunRefrain(scan + " --write-kept " + (d / "out/report.json"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is report.json of --out"), std::string::npos) << r.err;
  // A FIFO named as an input: refused, not waited on for ever.
  ASSERT_EQ(mkfifo((d / "f.jsonl").c_str(), 0600), 0);
  r = RunRefrain("scan " + (d / "f.jsonl") + " --write-kept " +
                 (d / "k.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("(a FIFO or device) cannot give"), std::string::npos)
      << r.err;
  r = RunRefrain("compare a b --in " + (d / "f.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("(a FIFO or device) cannot give"), std::string::npos)
      << r.err;
}

// Thread counts past what libgomp can create crashed it.
TEST(Cli, ThreadCountsAreBounded) {
  const std::string in = CorpusDir() + "/000_a36e598c1fb27949.txt";
  TempDir d;
  auto r = RunRefrain("scan " + in + " --no-claims --quiet --out " + (d / "o") +
                      " --threads 100000");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--threads must be in [0, 1024]"), std::string::npos)
      << r.err;
  r = RunRefrain("scan " + in + " --no-claims --quiet --out " + (d / "o") +
                 " --threads 1024");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // OMP_NUM_THREADS is capped rather than refused.
  r = RunRefrain("generate --docs 20 --out " + (d / "g.jsonl") +
                 " && OMP_NUM_THREADS=100000 " + REFRAIN_BINARY + " scan " +
                 (d / "g.jsonl") + " --quiet --out " + (d / "o2"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// generate's outputs and sources.
TEST(Cli, GenerateRefusesTruthOverOutAndUnreadableSources) {
  TempDir d;
  auto r = RunRefrain("generate --docs 5 --out " + (d / "g.jsonl") +
                      " --truth " + (d / "g.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is --out"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d / "g.jsonl"));
  r = RunRefrain("generate --docs 5 --out " + (d / "g.jsonl") + " --source " +
                 CorpusDir() + " " + (d / "missing.txt"));
  // A path that cannot be read is a failure, as for scan (review 39a-02).
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("--source: 1 records not read; the first: " +
                       (d / "missing.txt") + ": cannot open"),
            std::string::npos)
      << r.err;
  // What a folder holds besides articles is passed over, as scan does
  // (review 39a-02: a .DS_Store or README.md failed the run).
  TempDir folder;
  std::filesystem::copy(CorpusDir(), folder / "src");
  WriteFile(folder / "src/.DS_Store", "x");
  WriteFile(folder / "src/README.md", "# Sources\n");
  r = RunRefrain("generate --docs 5 --out " + (d / "g.jsonl") + " --source " +
                 (folder / "src"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // A title is cut to 80 bytes on a character's boundary: cut inside "£"
  // it was invalid UTF-8 and generate aborted (review 39c-02).
  const std::string pounds = std::string(78, 'x') +
                             " \u00a3 is where the "
                             "title is cut, in this long sentence.";
  WriteFile(folder / "pounds.txt", pounds + " " + pounds + "\n");
  r = RunRefrain("generate --docs 5 --out " + (d / "p.jsonl") + " --source " +
                 (folder / "pounds.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(ReadFile(d / "p.jsonl"));
  int titles = 0;
  for (std::string line; std::getline(lines, line); ++titles) {
    EXPECT_EQ(Json::parse(line)["title"], std::string(78, 'x') + " ");
  }
  EXPECT_EQ(titles, 5);
  for (const auto& e : std::filesystem::directory_iterator(d.path())) {
    std::filesystem::remove(e.path());  // The corpus and its truth file.
  }
  // A malformed record of a source too (twenty-ninth session's review: it
  // was dropped in silence).
  TempDir src;
  WriteFile(src / "src.jsonl",
            "{\"id\":\"1\",\"text\":\"A sentence long enough to be drawn.\"}\n"
            "not json\n");
  r = RunRefrain("generate --docs 5 --out " + (d / "g.jsonl") + " --source " +
                 (src / "src.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--source: 1 records not read; the first: " +
                       (src / "src.jsonl") + ":2: malformed JSON"),
            std::string::npos)
      << r.err;
  // A negative count was read as 2^64 - 5 and wrote until the disk filled.
  for (const char* docs : {"-5", "0", "1000000001"}) {
    r = RunRefrain(std::string("generate --docs ") + docs + " --out " +
                   (d / "g.jsonl"));
    EXPECT_EQ(r.exit_code, 2) << docs;
    EXPECT_FALSE(std::filesystem::exists(d / "g.jsonl")) << docs;
  }
  // Names scan would not read as JSON Lines.
  for (const char* name : {"g.txt", "g.jsonl.bz2", "-"}) {
    r = RunRefrain(std::string("generate --docs 5 --out ") + (d / name));
    EXPECT_EQ(r.exit_code, 2) << name;
    EXPECT_NE(r.err.find("must end in .jsonl or .ndjson"), std::string::npos)
        << r.err;
  }
  // An unwritable truth file leaves no corpus behind.
  r = RunRefrain("generate --docs 5 --out " + (d / "g.jsonl.zst") +
                 " --truth " + (d / "no/such/dir/t.tsv"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d / "g.jsonl.zst"));
  EXPECT_TRUE(std::filesystem::is_empty(d.path())) << "a temporary was left";
}

// Review 48a: the truth file's name whatever the extension's case, words
// per article bounded (one over scan's record limit was written), a source
// of few sentences warned of, and --threads as scan spells it.
TEST(Cli, GenerateNamesBoundsAndWarns) {
  TempDir d;
  auto r =
      RunRefrain("generate --docs 30 --seed 3 --out " + (d / "A.JSONL.GZ"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(d / "A.truth.tsv"));
  EXPECT_FALSE(std::filesystem::exists(d / "A.JSONL.GZ.truth.tsv"));
  EXPECT_EQ(r.err, "");
  r = RunRefrain("generate --docs 5 --out " + (d / "big.jsonl") +
                 " --min-words 10 --max-words 1000001");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--max-words <= 1000000"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d / "big.jsonl"));
  r = RunRefrain("generate --docs 20 --out " + (d / "few.jsonl") +
                 " --source " + CorpusDir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: --source holds only "), std::string::npos)
      << r.err;
  // The same bytes at one thread and at two.
  for (const char* threads : {"1", "2"}) {
    r = RunRefrain(std::string("generate --docs 300 --seed 9 --threads ") +
                   threads + " --out " + (d / threads) + ".jsonl");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_EQ(ReadFile(d / "1.jsonl"), ReadFile(d / "2.jsonl"));
  EXPECT_EQ(ReadFile(d / "1.truth.tsv"), ReadFile(d / "2.truth.tsv"));
  r = RunRefrain("generate --docs 5 --threads -1 --out " + (d / "t.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
}

TEST(Cli, InputEncoding) {
  TempDir d;
  WriteFile(d / "in/a.txt", "Caf\xE9 au lait, le caf\xE9 est servi.\nBody.\n");
  auto r = RunRefrain("scan " + (d / "in") + " --no-claims --out " +
                      (d / "out") + " --input-encoding windows-1252");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(ReadFile(d / "out/report.json"));
  EXPECT_EQ(j["params"]["input_encoding"], "windows-1252");
  EXPECT_EQ(j["inputs"]["invalid_utf8_repaired"], 0);
  EXPECT_EQ(j["documents"][0]["title"],
            "Caf\xC3\xA9 au lait, le caf\xC3\xA9 est servi.");
  auto bad = RunRefrain("scan " + (d / "in") + " --out " + (d / "out2") +
                        " --input-encoding no-such-charset");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("ICU has no converter named 'no-such-charset'"),
            std::string::npos)
      << bad.err;
  EXPECT_FALSE(std::filesystem::exists(d / "out2"));
}

// Span offsets index the text as refrain decoded it; `text_bytes` is its
// length, so a tool quoting the file sees when that is not the file's bytes
// (review, twenty-ninth session: a byte-order mark or a repaired byte moved
// every offset, and `bytes`, the size before repair, was below the last
// span's end).
TEST(Cli, TextBytesIsTheLengthOfTheTextOffsetsIndex) {
  TempDir d;
  const std::string a = ReadFile(CorpusDir() + "/000_a36e598c1fb27949.txt");
  const std::string b = ReadFile(CorpusDir() + "/003_d1e7db766e3ee5b2.txt");
  const std::string bom = "\xEF\xBB\xBF";
  const size_t cut = a.find("\n") + 1;  // A bad byte after the title line.
  WriteFile(d / "in/a.txt", bom + a.substr(0, cut) + "\xFF" + a.substr(cut));
  WriteFile(d / "in/b.txt", b);
  const std::map<std::string, std::string> decoded = {
      {d / "in/a.txt", a.substr(0, cut) + "\xEF\xBF\xBD" + a.substr(cut)},
      {d / "in/b.txt", b}};
  auto r = RunRefrain("scan " + (d / "in") + " --quiet --out " + (d / "out"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(ReadFile(d / "out/report.json"));
  ASSERT_EQ(j["documents"].size(), 2u);
  for (const Json& doc : j["documents"]) {
    const std::string& text = decoded.at(doc["id"]);
    EXPECT_EQ(doc["text_bytes"].get<size_t>(), text.size()) << doc["id"];
  }
  // bytes: the file without its mark, before repair.
  EXPECT_EQ(j["documents"][0]["bytes"].get<size_t>(), a.size() + 1);
  EXPECT_EQ(j["documents"][1]["bytes"].get<size_t>(), b.size());
  ASSERT_GE(j["claims"]["matches"].size(), 2u);
  for (const Json& m : j["claims"]["matches"]) {
    for (const char* side : {"a", "b"}) {
      const Json& s = m[side];
      const std::string& text = decoded.at(s["doc"]);
      const auto start = s["start"].get<size_t>(), end = s["end"].get<size_t>();
      ASSERT_LE(end, text.size());
      EXPECT_EQ(s["text"].get<std::string>(), text.substr(start, end - start));
    }
  }
}

// A command whose result goes to standard output fails when it cannot be
// written there (review, twenty-ninth session: compare --json, eval-pairs,
// index stats and scan --floor exited 0 into a full disk or a closed
// descriptor; only scan --out - said so).
TEST(Cli, ResultsThatCannotReachStandardOutputFail) {
  TempDir d;
  const std::string a = CorpusDir() + "/000_a36e598c1fb27949.txt";
  const std::string b = CorpusDir() + "/003_d1e7db766e3ee5b2.txt";
  WriteFile(d / "pairs.tsv", "h\n1\ta\tb\tx y z\tx y z\n0\tc\td\tp q\tr s\n");
  for (const std::string& args :
       {"compare " + a + " " + b + " --json", "eval-pairs " + (d / "pairs.tsv"),
        "scan --floor " + CorpusDir()}) {
    const std::string base = std::string(REFRAIN_BINARY) + " " + args;
    ASSERT_EQ(std::system((base + " >/dev/null 2>/dev/null").c_str()), 0)
        << args;
    for (const char* redirect : {" >&-", " >/dev/full"}) {
      if (std::string(redirect) == " >/dev/full" &&
          !std::filesystem::exists("/dev/full")) {
        continue;
      }
      const int status =
          std::system((base + redirect + " 2>" + (d / "err")).c_str());
      EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 1)
          << args << redirect;
      EXPECT_NE(ReadFile(d / "err").find("cannot write to standard output"),
                std::string::npos)
          << args << redirect;
    }
  }
}

// A file read only in part (a cut or corrupt .gz or .zst), or not at all
// (a mistyped path), lost records no one can count: the reports cover what
// was read, and the scan exits 1 without --strict (review, twenty-ninth
// session: exit 0 with 100 of 200 records).
TEST(Cli, AnInputReadOnlyInPartExitsOne) {
  TempDir d;
  std::string lines;
  for (int i = 0; i < 2000; ++i) {
    lines += "{\"id\":\"" + std::to_string(i) + "\",\"text\":\"article " +
             std::to_string(i * 7919) + " says something\"}\n";
  }
  testing::WriteGzip(d / "whole.jsonl.gz", lines);
  const std::string gz = ReadFile(d / "whole.jsonl.gz");
  WriteFile(d / "in/cut.jsonl.gz", gz.substr(0, gz.size() / 2));
  auto r = RunRefrain("scan " + (d / "in") + " --quiet --no-claims --out " +
                      (d / "out"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("truncated gzip stream; the file is not read past "
                       "this point"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("1 input could not be read, or not to the end"),
            std::string::npos)
      << r.err;
  Json j = Json::parse(ReadFile(d / "out/report.json"));
  EXPECT_GT(j["documents"].size(), 0u);
  EXPECT_LT(j["documents"].size(), 2000u);
  // A whole file is no failure.
  WriteFile(d / "in/cut.jsonl.gz", gz);
  r = RunRefrain("scan " + (d / "in") + " --quiet --no-claims --out " +
                 (d / "out"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Nor is a file the walk leaves unread on purpose (a hidden one); a
  // mistyped path among good ones is (review, twenty-ninth session: exit 0
  // unless --strict).
  WriteFile(d / "in/.hidden.txt", "x");
  r = RunRefrain("scan " + (d / "in") + " --quiet --no-claims --out " +
                 (d / "out"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = RunRefrain("scan " + (d / "in") + " " + (d / "typo.jsonl") +
                 " --quiet --no-claims --out " + (d / "out"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("typo.jsonl: cannot open"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 input could not be read"), std::string::npos)
      << r.err;

  // --floor reads as a scan does and exits as one does; so does compare
  // with --in, whose IDF then covers part of the dump (review,
  // thirty-eighth session: both exited 0).
  WriteFile(d / "in/cut.jsonl.gz", gz.substr(0, gz.size() / 2));
  r = RunRefrain("scan " + (d / "in") + " --floor --out " + (d / "out"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("1 input could not be read, or not to the end (listed "
                       "above)\n"),
            std::string::npos)
      << r.err;
  r = RunRefrain("scan " + (d / "typo.jsonl") + " --floor --out " +
                 (d / "out"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  WriteFile(d / "bad.jsonl",
            "{\"id\":\"a\",\"text\":\"ok\"}\n{\"id\":\"b\", x\n");
  r = RunRefrain("scan " + (d / "bad.jsonl") + " --floor --out " + (d / "out"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = RunRefrain("scan " + (d / "bad.jsonl") + " --floor --strict --out " +
                 (d / "out"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  r = RunRefrain("compare 1 2 --no-claims --in " + (d / "in/cut.jsonl.gz"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("jaccard"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("1 input could not be read, or not to the end (listed "
                       "above): the comparison covers what was read"),
            std::string::npos)
      << r.err;
  r = RunRefrain("compare 1 2 --no-claims --in " + (d / "whole.jsonl.gz"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(Cli, OutDashPrintsReportJsonAlone) {
  TempDir d;
  auto r = RunRefrain("scan " + CorpusDir() + " --out - --no-claims");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Json j = Json::parse(r.out);  // Standard output is report.json only.
  EXPECT_EQ(j["documents"].size(), 5u);
  EXPECT_NE(r.err.find("5 documents read"), std::string::npos) << r.err;
  // The same report as --out DIR writes.
  auto to_dir = RunRefrain("scan " + CorpusDir() +
                           " --quiet --no-claims --out " + (d / "out"));
  ASSERT_EQ(to_dir.exit_code, 0) << to_dir.err;
  EXPECT_EQ(r.out, ReadFile(d / "out/report.json"));
  EXPECT_FALSE(std::filesystem::exists("-"));
}

// Outputs that cannot be written are said before the scan, not after it
// (review, twenty-ninth session: --out under a file, or --write-kept naming
// a directory, failed once the whole dump was read, its results lost).
TEST(Cli, UnwritableOutputIsRefusedBeforeTheScan) {
  TempDir d;
  WriteFile(d / "file", "x");
  auto r =
      RunRefrain("scan " + CorpusDir() + " --quiet --out " + (d / "file/sub"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--out " + (d / "file/sub") + ": " + (d / "file") +
                       " is not a directory"),
            std::string::npos)
      << r.err;
  std::filesystem::create_directories(d / "dir.jsonl");
  r = RunRefrain("scan " + CorpusDir() + " --quiet --out " + (d / "o") +
                 " --write-kept " + (d / "dir.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is a directory: name a file"), std::string::npos)
      << r.err;
  r = RunRefrain("scan " + CorpusDir() + " --quiet --out " + (d / "o") +
                 " --write-kept " + (d / "file/k.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is not a directory"), std::string::npos) << r.err;
  // Nothing was read, so nothing was written either.
  EXPECT_FALSE(std::filesystem::exists(d / "o"));
}

}  // namespace
}  // namespace refrain
