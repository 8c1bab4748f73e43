// Tests of documents.csv, pairs.csv and claims.csv: exact RFC 4180 bytes on
// hostile fields,
// and a round trip through a standard CSV parser (Python's csv module)
// against report.json, on a synthetic report and on real scans.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "refrain/report.h"
#include "refrain/scan.h"
#include "test_util.h"

namespace refrain {
namespace {

using testing::CorpusDir;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

constexpr char kPython[] = "/usr/bin/python3";

// A report with ids and texts that need every kind of CSV quoting.
Report HostileReport() {
  Report r;
  const std::vector<std::string> ids = {"plain",       "comma,id", "quote\"id",
                                        "line\nbreak", "cr\rid",   "ünï ✓"};
  for (const std::string& id : ids) {
    Document d;
    d.id = id;
    d.title = "Title of " + id;
    d.text =
        "He said \"no, never\",\r\nthen left.\nShe said: 'maybe'; x=1+2. " + id;
    r.documents.push_back(d);
  }
  std::vector<Edge> edges = {{0, 1, 0.9}, {1, 2, 0.85}, {3, 4, 0.95}};
  r.similarity =
      BuildSimilarityMatrix(static_cast<uint32_t>(ids.size()), edges);
  for (Cluster& c : ConnectedComponents(r.similarity)) {
    const uint32_t kept = c.representative;
    r.clusters.push_back({std::move(c), false, {kept}});
  }
  r.pairs = {{0, 1, 0.9, 0.95, 0.8984375},
             {1, 2, 0.85, 0.9, 0.859375},
             {3, 4, 0.95, 1.0, 0.953125}};
  r.records = ids.size();
  ClaimsResult& c = r.claims;
  c.units = {{0, UnitKind::kQuote, {8, 19}},
             {1, UnitKind::kSentence, {0, 22}},
             {3, UnitKind::kSentence, {23, 35}},
             {5, UnitKind::kHeadline, {0, 60}}};
  c.units.back().span.end = static_cast<uint32_t>(r.documents[5].text.size());
  c.matches = {{.a = 0, .b = 1, .score = 0.91234567, .cosine = 0.5},
               {.a = 1,
                .b = 3,
                .score = 0.7,
                .cosine = 0.333333333,
                .story_similarity = 0.25,
                .numbers_differ = true},
               {.a = 2, .b = 3, .score = 0.6, .cosine = 0.25, .contrast = 0}};
  c.contrasts = {{.negation = true,
                  .negation_cues_a = {},
                  .negation_cues_b = {},
                  .antonym_a = "rose",
                  .antonym_b = "fell",
                  .swapped_first = "russia",
                  .swapped_second = "ukraine",
                  .hedge_a = "",
                  .hedge_b = "tipped to",
                  .hedge_cues_a = {},
                  .hedge_cues_b = {}}};
  c.clusters = {
      {{0, 1, 2, 3},
       {0, 1, 3, 5},
       0.6,
       0.7374,
       {StarGroup{1, {1, 0}, 0.91234567}, StarGroup{3, {3, 2}, 0.6}}}};
  c.threshold = 0.5;
  return r;
}

std::string PairsCsv(const Report& r) {
  std::ostringstream out;
  WritePairsCsv(r, out);
  return out.str();
}

std::string ClaimsCsv(const Report& r) {
  std::ostringstream out;
  WriteClaimsCsv(r, out);
  return out.str();
}

std::string DocumentsCsv(const Report& r) {
  std::ostringstream out;
  WriteDocumentsCsv(r, out);
  return out.str();
}

TEST(ReportCsv, DocumentsSayWhichToKeepWhenDeduplicating) {
  // Clusters {plain, comma,id, quote"id} and {line\nbreak, cr\rid}: each
  // keeps its first member. Claim matches (by unit): plain-comma,
  // comma-ünï, line-ünï.
  Report r = HostileReport();
  r.documents[0].location = "dump.jsonl:1";
  r.documents[1].location = "dump.jsonl:2";
  EXPECT_EQ(DocumentsCsv(r),
            "id,location,cluster,cluster_size,representative,keep,"
            "claim_matches,input_id\r\n"
            "plain,dump.jsonl:1,0,3,plain,1,1,\r\n"
            "\"comma,id\",dump.jsonl:2,0,3,plain,0,2,\r\n"
            "\"quote\"\"id\",,0,3,plain,0,0,\r\n"
            "\"line\nbreak\",,1,2,\"line\nbreak\",1,1,\r\n"
            "\"cr\rid\",,1,2,\"line\nbreak\",0,0,\r\n"
            "ünï ✓,,,,,1,2,\r\n");
}

TEST(ReportCsv, DocumentsOfAnIndexedScanAreTheNewOnes) {
  // Documents 0 and 1 were loaded from the index; 3 repeats indexed 0, so a
  // deduplicated dataset drops it although it is the first of this run.
  Report r;
  for (const char* id : {"old-a", "old-b", "new-a", "new-b"}) {
    Document d;
    d.id = id;
    d.location = std::string(id) + ".txt";
    r.documents.push_back(d);
  }
  r.index.used = true;
  r.index.loaded = 2;
  std::vector<Edge> edges = {{0, 3, 0.9}};
  r.similarity = BuildSimilarityMatrix(4, edges);
  for (Cluster& c : ConnectedComponents(r.similarity)) {
    const uint32_t kept = c.representative;
    r.clusters.push_back({std::move(c), false, {kept}});
  }
  EXPECT_EQ(DocumentsCsv(r),
            "id,location,cluster,cluster_size,representative,keep,"
            "claim_matches,input_id\r\n"
            "new-a,new-a.txt,,,,1,0,\r\n"
            "new-b,new-b.txt,0,2,old-a,0,0,\r\n");
}

TEST(ReportCsv, PairsQuoteOnlyWhatRfc4180Requires) {
  const std::string csv = PairsCsv(HostileReport());
  EXPECT_EQ(csv,
            "a,b,jaccard,containment,estimate,cluster,scope\r\n"
            "plain,\"comma,id\",0.900000,0.950000,0.898438,0,\r\n"
            "\"comma,id\",\"quote\"\"id\",0.850000,0.900000,0.859375,0,\r\n"
            "\"line\nbreak\",\"cr\rid\",0.950000,1.000000,0.953125,1,\r\n");
}

TEST(ReportCsv, ClaimsQuoteTextsWithCommasQuotesAndLineBreaks) {
  const Report r = HostileReport();
  const std::string csv = ClaimsCsv(r);
  // Header, then one CRLF-terminated record per match.
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "doc_a,start_a,end_a,text_a,doc_b,start_b,end_b,text_b,score,"
            "cosine,kind,cluster,group,scope,numbers_differ,negation_differs,"
            "antonyms,roles_swapped,story_similarity,hedged");
  EXPECT_NE(csv.find("plain,8,19,\"\"\"no, never\"\"\","), std::string::npos)
      << csv;
  // Units 0 and 1 are group 0 of cluster 0, 2 and 3 group 1; the match of
  // units 1 and 3 links the two groups.
  EXPECT_NE(csv.find(",0.912346,0.500000,quote,0,0,,0,0,,,0.000000,\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",0.700000,0.333333,headline,0,,,1,0,,,0.250000,\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(
      csv.find(",0.600000,0.250000,headline,0,1,,0,1,rose/fell,russia/ukraine,"
               "0.000000,b: tipped to\r\n"),
      std::string::npos)
      << csv;
  EXPECT_NE(csv.find(",\"He said \"\"no, never\"\",\r\n\","), std::string::npos)
      << csv;
  EXPECT_NE(csv.find("ünï ✓"), std::string::npos);
  EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
}

TEST(ReportCsv, EmptyReportHasHeadersOnly) {
  Report r;
  EXPECT_EQ(DocumentsCsv(r),
            "id,location,cluster,cluster_size,representative,keep,"
            "claim_matches,input_id\r\n");
  EXPECT_EQ(PairsCsv(r), "a,b,jaccard,containment,estimate,cluster,scope\r\n");
  EXPECT_EQ(
      ClaimsCsv(r),
      "doc_a,start_a,end_a,text_a,doc_b,start_b,end_b,text_b,score,cosine,"
      "kind,cluster,group,scope,numbers_differ,negation_differs,antonyms,"
      "roles_swapped,story_similarity,hedged\r\n");
}

// Parses documents.csv, pairs.csv and claims.csv with Python's csv module
// and compares every row with report.json. Exits non-zero (printing the
// difference) on mismatch.
constexpr char kRoundTrip[] = R"py(
import csv, json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f, strict=True))
def close(x, y):
    return abs(float(x) - float(y)) <= 1e-9
bad = []
pairs = rows(sys.argv[2])
want = report["near_duplicates"]["pairs"]
clusters = report["near_duplicates"]["clusters"]
if pairs[0] != ["a", "b", "jaccard", "containment", "estimate", "cluster",
                "scope"]:
    bad.append("pairs header %r" % pairs[0])
if len(pairs) - 1 != len(want):
    bad.append("pairs: %d rows, report.json has %d" % (len(pairs) - 1, len(want)))
for row, p in zip(pairs[1:], want):
    ok = (len(row) == 7 and row[0] == p["a"] and row[1] == p["b"] and
          row[6] == p.get("scope", "") and
          close(row[2], p["jaccard"]) and close(row[3], p["containment"]) and
          close(row[4], p["estimate"]) and
          p["a"] in clusters[int(row[5])]["members"] and
          p["b"] in clusters[int(row[5])]["members"])
    if not ok:
        bad.append("pair row %r vs %r" % (row, p))
claims = rows(sys.argv[3])
want = report["claims"]["matches"]
if claims[0] != ["doc_a", "start_a", "end_a", "text_a", "doc_b", "start_b",
                 "end_b", "text_b", "score", "cosine", "kind", "cluster",
                 "group", "scope", "numbers_differ", "negation_differs",
                 "antonyms", "roles_swapped", "story_similarity",
                 "hedged"]:
    bad.append("claims header %r" % claims[0])
if len(claims) - 1 != len(want):
    bad.append("claims: %d rows, report.json has %d" % (len(claims) - 1, len(want)))
for row, m in zip(claims[1:], want):
    a, b = m["a"], m["b"]
    hedged = m["hedged"]
    ok = (len(row) == 20 and row[13] == m.get("scope", "") and
          row[19] == ("%s: %s" % (hedged["side"], hedged["cue"])
                      if hedged else "") and
          close(row[18], m["story_similarity"]) and
          row[14] == ("1" if m["numbers_differ"] else "0") and
          row[15] == ("1" if m["negation_differs"] else "0") and
          row[16] == "/".join(m["antonyms"]) and
          row[17] == "/".join(m["roles_swapped"]) and
          row[0:4] == [a["doc"], str(a["start"]), str(a["end"]), a["text"]] and
          row[4:8] == [b["doc"], str(b["start"]), str(b["end"]), b["text"]] and
          close(row[8], m["score"]) and close(row[9], m["cosine"]) and
          row[10] == m["kind"])
    # Both sides are members of the cluster named, and of the group named;
    # no group: they are in different groups.
    if ok:
        cl = report["claims"]["clusters"][int(row[11])]
        pos = [cl["members"].index(x) for x in (a, b)]
        same = [g for g in cl["groups"] if pos[0] in g["members"] and
                pos[1] in g["members"]]
        ok = (row[12] == "" and not same) or (
            row[12] != "" and same == [cl["groups"][int(row[12])]])
    if not ok:
        bad.append("claim row %r vs %r" % (row, m))
docs = rows(sys.argv[4])
want = report["documents"]
if docs[0] != ["id", "location", "cluster", "cluster_size", "representative",
               "keep", "claim_matches", "input_id"]:
    bad.append("documents header %r" % docs[0])
if len(docs) - 1 != len(want):
    bad.append("documents: %d rows, report.json has %d" % (len(docs) - 1, len(want)))
in_matches = {}
for m in report["claims"]["matches"]:
    for d in {m["a"]["doc"], m["b"]["doc"]}:
        in_matches[d] = in_matches.get(d, 0) + 1
for row, d in zip(docs[1:], want):
    ok = (len(row) == 8 and row[0] == d["id"] and row[1] == d["location"] and
          row[7] == d.get("input_id", ""))
    if ok and row[2] == "":
        ok = row[3:6] == ["", "", "1"] and not any(
            d["id"] in c["members"] for c in clusters)
    elif ok:
        c = clusters[int(row[2])]
        ok = (d["id"] in c["members"] and row[3] == str(c["size"]) and
              row[4] == c["representative"] and
              row[5] == ("1" if d["id"] in c["kept"] else "0"))
    ok = ok and row[6] == str(in_matches.get(d["id"], 0))
    if not ok:
        bad.append("document row %r vs %r" % (row, d))
for b in bad:
    print(b, file=sys.stderr)
print("checked %d documents, %d pairs, %d claim matches" %
      (len(docs) - 1, len(pairs) - 1, len(claims) - 1))
sys.exit(1 if bad else 0)
)py";

// Writes the files of `r` and runs kRoundTrip over them.
void ExpectCsvMatchesJson(const Report& r, size_t min_pairs,
                          size_t min_matches) {
  ASSERT_TRUE(std::filesystem::exists(kPython)) << "needs Debian's python3";
  TempDir dir;
  ASSERT_TRUE(WriteReports(r, dir.path()).ok());
  WriteFile(dir / "roundtrip.py", kRoundTrip);
  const std::string cmd = std::string(kPython) + " " + (dir / "roundtrip.py") +
                          " " + (dir / "report.json") + " " +
                          (dir / "pairs.csv") + " " + (dir / "claims.csv") +
                          " " + (dir / "documents.csv") + " >" + (dir / "log") +
                          " 2>&1";
  const int status = std::system(cmd.c_str());
  EXPECT_EQ(status, 0) << ReadFile(dir / "log");
  EXPECT_GE(r.pairs.size(), min_pairs);
  EXPECT_GE(r.claims.matches.size(), min_matches);
}

TEST(ReportCsv, HostileReportParsesBackToReportJson) {
  ExpectCsvMatchesJson(HostileReport(), 3, 3);
}

TEST(ReportCsv, ManyMatchesParseBackInOrder) {
  // Claims are rendered in parallel blocks of 4096 matches, handed on 16
  // blocks at a time: 18 blocks, so two waves, the second one partial.
  Report r = HostileReport();
  const std::vector<ClaimMatch> base = r.claims.matches;
  for (uint32_t i = 0; i < 70000; ++i) {
    ClaimMatch m = base[i % base.size()];
    m.score = 0.5 + i * 1e-6;  // Each row its own score: order is checked.
    r.claims.matches.push_back(m);
  }
  ExpectCsvMatchesJson(r, 3, 70003);
}

TEST(ReportCsv, CorpusScanParsesBackToReportJson) {
  // corpus/ plus two re-posts (a changed last line), so there are pairs.
  TempDir in;
  for (const auto& e : std::filesystem::directory_iterator(CorpusDir())) {
    const std::string text = ReadFile(e.path().string());
    WriteFile(in / e.path().filename().string(), text);
  }
  for (const char* name :
       {"001_7a1ab61e7b19349a.txt", "002_66ff5bec39393fea.txt"}) {
    std::string text = ReadFile(CorpusDir() + "/" + name);
    WriteFile(in / (std::string("repost_") + name),
              text + "\nShared by a reader, with thanks.\n");
  }
  absl::StatusOr<Report> r =
      RunScan(std::vector<std::string>{in.path()}, ScanOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  ExpectCsvMatchesJson(*r, 2, 1);
}

// With an index, pairs and matches with an indexed article say so in
// `scope`, as report.json does.
TEST(ReportCsv, IndexedScanParsesBackToReportJsonWithScopes) {
  TempDir in;
  std::vector<std::string> old, fresh;
  for (const auto& e : std::filesystem::directory_iterator(CorpusDir())) {
    const std::string name = e.path().filename().string();
    const std::string text = ReadFile(e.path().string());
    WriteFile(in / name, text);
    (name.rfind("003_", 0) == 0 ? fresh : old).push_back(in / name);
    if (name.rfind("001_", 0) == 0) {
      WriteFile(in / "repost.txt", text + "\nShared by a reader.\n");
      fresh.push_back(in / "repost.txt");
    }
  }
  ASSERT_EQ(fresh.size(), 2u);
  ScanOptions o;
  o.index_path = in / "news.db";
  ASSERT_TRUE(RunScan(old, o).ok());
  absl::StatusOr<Report> r = RunScan(fresh, o);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_GT(r->index.loaded, 0u);
  ExpectCsvMatchesJson(*r, 1, 1);
  const std::string pairs = PairsCsv(*r);
  EXPECT_NE(pairs.find(",new-indexed\r\n"), std::string::npos) << pairs;
  const std::string claims = ClaimsCsv(*r);
  EXPECT_NE(claims.find(",new-indexed,0,0,,,0."), std::string::npos) << claims;
}

}  // namespace
}  // namespace refrain
