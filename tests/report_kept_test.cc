// Tests of scan --write-kept (WriteKeptRecords): the deduplicated dataset
// holds every kept input record once, verbatim, in input order, and nothing
// the scan skipped or a dedup drops.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "refrain/ingest.h"
#include "refrain/report.h"
#include "refrain/scan.h"
#include "test_util.h"

namespace refrain {
namespace {

using testing::CorpusDir;
using testing::ReadFile;
using testing::RunRefrain;
using testing::TempDir;
using testing::WriteFile;

Report Scan(const std::vector<std::string>& paths, ScanOptions o = {}) {
  o.claims.enabled = false;
  absl::StatusOr<Report> r = RunScan(paths, o);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : Report();
}

// The lines of a (possibly compressed) JSONL file, read back through the
// scan's own reader.
std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> out;
  absl::Status s = ReadRecords(
      std::vector<std::string>{path}, IngestOptions{},
      [&](RawRecord&& r) { out.push_back(std::move(r.bytes)); },
      [&](SkippedRecord&& k) { ADD_FAILURE() << k.location << k.reason; });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

std::vector<std::string> HiddenEntries(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string()[0] == '.') out.push_back(e.path());
  }
  return out;
}

const char* const kSeeds[] = {
    "000_a36e598c1fb27949.txt", "001_7a1ab61e7b19349a.txt",
    "002_66ff5bec39393fea.txt", "003_d1e7db766e3ee5b2.txt",
    "004_5488cf2fafdd0298.txt"};

// The kept records are in UTF-8 as the scan read them: a legacy text file
// converted from --input-encoding, not repaired to U+FFFD; a JSONL line
// likewise (its fields otherwise verbatim).
TEST(WriteKept, RecordsInALegacyCharsetAreWrittenInUtf8) {
  TempDir d;
  WriteFile(d / "in/a.txt",
            "Caf\xE9 au lait et le caf\xE9 noir sont servis.\n");
  WriteFile(d / "in/b.jsonl",
            "{\"id\":\"b\",\"text\":\"Cr\xE8me br\xFBl\xE9"
            "e\",\"x\":1}\n");
  ScanOptions o;
  o.ingest.input_encoding = "windows-1252";
  const Report r = Scan({d / "in"}, o);
  ASSERT_EQ(r.documents.size(), 2u);
  absl::StatusOr<uint64_t> n =
      WriteKeptRecords(r, std::vector<std::string>{d / "in"}, d / "k.jsonl");
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 2u);
  const std::vector<std::string> lines = Lines(d / "k.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["text"],
            "Caf\xC3\xA9 au lait et le caf\xC3\xA9 noir sont servis.\n");
  EXPECT_EQ(lines[1],
            "{\"id\":\"b\",\"text\":\"Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
            "e\",\"x\":1}");
}

TEST(WriteKept, TextFilesKeepTheFirstOfEachClusterAsJson) {
  TempDir d;
  for (const char* name : kSeeds) {
    WriteFile(d / ("in/" + std::string(name)),
              ReadFile(CorpusDir() + "/" + name));
  }
  // A re-post of 001 with a new last line, after it in input order.
  WriteFile(d / "in/005_repost.txt",
            ReadFile(CorpusDir() + "/" + kSeeds[1]) + "\nRead more.");
  const std::vector<std::string> paths = {d / "in"};
  const Report r = Scan(paths);
  ASSERT_EQ(r.documents.size(), 6u);
  ASSERT_EQ(r.clusters.size(), 1u);
  for (const char* out : {"kept.jsonl", "kept.jsonl.gz", "kept.jsonl.zst"}) {
    SCOPED_TRACE(out);
    absl::StatusOr<uint64_t> n = WriteKeptRecords(r, paths, d / out);
    ASSERT_TRUE(n.ok()) << n.status();
    EXPECT_EQ(*n, 5u);
    const std::vector<std::string> lines = Lines(d / out);
    ASSERT_EQ(lines.size(), 5u);
    for (size_t i = 0; i < 5; ++i) {
      const nlohmann::json j = nlohmann::json::parse(lines[i]);
      EXPECT_EQ(j["id"], d / ("in/" + std::string(kSeeds[i])));
      EXPECT_EQ(j["text"], ReadFile(CorpusDir() + "/" + kSeeds[i]));
    }
  }
  EXPECT_TRUE(HiddenEntries(d.path()).empty());
  // The summary says as much.
  std::ostringstream summary;
  WriteSummary(r, summary);
  EXPECT_NE(summary.str().find(
                "a deduplicated dataset keeps 5 of 6 documents (documents.csv"),
            std::string::npos)
      << summary.str();
  // Each cluster by its size, lowest Jaccard, members (the kept one first)
  // and title (review 52a-06: the highest-Jaccard pairs said none of it).
  const Document& kept = r.documents[r.clusters[0].cluster.representative];
  EXPECT_EQ(kept.id, d / ("in/" + std::string(kSeeds[1])));
  ASSERT_FALSE(kept.title.empty());
  EXPECT_NE(
      summary.str().find(absl::StrFormat(
          "  clusters (kept members first):\n    2 documents, weakest link "
          "Jaccard %.3f: %s  ~  %s  \"%s",
          r.clusters[0].cluster.min_similarity, kept.id,
          d / "in/005_repost.txt", kept.title.substr(0, 20))),
      std::string::npos)
      << summary.str();
  EXPECT_EQ(summary.str().find("copies of one text"), std::string::npos);
}

// A chain A ~ B ~ C whose ends are not near-duplicates: the summary gives
// its weakest verified link, not the ends' Jaccard, and that two of its
// members are kept (review 52b-06).
TEST(WriteKept, TheSummaryGivesAChainsWeakestLinkAndItsKeptCount) {
  TempDir d;
  // 400 distinct words; six changed from A to B, six others from B to C,
  // each killing five shingles: J(A,B) = J(B,C) = 366/426 = 0.859,
  // J(A,C) = 336/456 = 0.737, containment 0.85.
  std::vector<std::string> words;
  for (int i = 0; i < 400; ++i) words.push_back(absl::StrCat("w", i));
  auto text = [&] { return absl::StrJoin(words, " ") + "\n"; };
  WriteFile(d / "in/a.txt", text());
  for (int i = 0; i < 6; ++i) words[10 + 30 * i] += "x";
  WriteFile(d / "in/b.txt", text());
  for (int i = 0; i < 6; ++i) words[215 + 30 * i] += "y";
  WriteFile(d / "in/c.txt", text());
  const Report r = Scan({d / "in"});
  ASSERT_EQ(r.clusters.size(), 1u);
  ASSERT_EQ(r.clusters[0].kept.size(), 2u);
  std::ostringstream summary;
  WriteSummary(r, summary);
  // The kept members first: A and C, then B (review 52c-06).
  EXPECT_NE(summary.str().find(absl::StrFormat(
                "    3 documents (2 kept), weakest link Jaccard %.3f: %s  ~  "
                "%s  ~  %s",
                366.0 / 426.0, d / "in/a.txt", d / "in/c.txt", d / "in/b.txt")),
            std::string::npos)
      << summary.str();
}

// A copy whose markup is read as words comes after a clean one under
// every --keep policy (review 52a-05: the deduplicated dataset kept the
// <p> copy because it came first, or was longest).
TEST(WriteKept, AMarkupCopyComesAfterACleanOne) {
  TempDir d;
  const std::string text = ReadFile(CorpusDir() + "/" + kSeeds[0]);
  const std::string markup =
      "<p>" +
      absl::StrJoin(absl::StrSplit(text, '\n', absl::SkipEmpty()),
                    "</p>\n<p>") +
      "</p>";
  WriteFile(
      d / "dump.jsonl",
      nlohmann::json{{"id", "markup"}, {"text", markup}}.dump() + "\n" +
          nlohmann::json{{"id", "clean"}, {"text", text}}.dump() + "\n" +
          nlohmann::json{{"id", "other"},
                         {"text", ReadFile(CorpusDir() + "/" + kSeeds[2])}}
              .dump() +
          "\n");
  for (KeepPolicy keep : {KeepPolicy::kFirst, KeepPolicy::kLongest}) {
    ScanOptions o;
    o.keep = keep;
    const Report r = Scan({d / "dump.jsonl"}, o);
    ASSERT_EQ(r.documents.size(), 3u);
    ASSERT_TRUE(r.documents[0].looks_like_html);
    ASSERT_EQ(r.clusters.size(), 1u);
    ASSERT_EQ(r.clusters[0].kept.size(), 1u);
    EXPECT_EQ(r.documents[r.clusters[0].kept[0]].id, "clean");
  }
}

// A cluster whose weakest link is under the Jaccard threshold was joined
// by containment, and the summary says so (review 52c-06: "weakest link
// Jaccard 0.623" under "threshold 0.80" read as a contradiction).
TEST(WriteKept, TheSummarySaysWhenTheWeakestLinkIsContainment) {
  TempDir d;
  std::vector<std::string> words;
  for (int i = 0; i < 400; ++i) words.push_back(absl::StrCat("w", i));
  const std::string text = absl::StrJoin(words, " ");
  std::vector<std::string> footer;
  for (int i = 0; i < 200; ++i) footer.push_back(absl::StrCat("f", i));
  WriteFile(d / "in/a.txt", text + "\n");
  WriteFile(d / "in/b.txt", text + "\n" + absl::StrJoin(footer, " ") + "\n");
  const Report r = Scan({d / "in"});
  ASSERT_EQ(r.clusters.size(), 1u);
  ASSERT_LT(r.clusters[0].cluster.min_similarity, r.options.threshold);
  std::ostringstream summary;
  WriteSummary(r, summary);
  EXPECT_NE(summary.str().find(absl::StrFormat(
                "weakest link Jaccard %.3f (a near-duplicate by containment)",
                r.clusters[0].cluster.min_similarity)),
            std::string::npos)
      << summary.str();
}

TEST(WriteKept, JsonlRecordsVerbatimWithoutSkippedOrDroppedOnes) {
  TempDir d;
  const std::string text = ReadFile(CorpusDir() + "/" + kSeeds[0]);
  const std::string other = ReadFile(CorpusDir() + "/" + kSeeds[2]);
  const std::string a =
      nlohmann::json{{"id", "a"}, {"text", text}, {"lang", "en"}}.dump();
  // Delivered twice (its other fields aside): skipped.
  const std::string dup_id = nlohmann::json{{"id", "a"}, {"text", text}}.dump();
  const std::string copy = nlohmann::json{{"id", "c"}, {"text", text}}.dump();
  // Spacing and field order as the user wrote them: kept byte for byte.
  const std::string b = "{ \"text\": " + nlohmann::json(other).dump() +
                        ", \"id\": \"b\", \"note\": \"\\u00e9\" }";
  WriteFile(d / "dump.jsonl",
            a + "\n{not json\n" + dup_id + "\n" + copy + "\n" + b + "\n");
  const std::vector<std::string> paths = {d / "dump.jsonl"};
  const Report r = Scan(paths);
  ASSERT_EQ(r.documents.size(), 3u);  // a, c, b
  ASSERT_EQ(r.skipped.size(), 2u);    // The malformed line, the repeated id.
  absl::StatusOr<uint64_t> n = WriteKeptRecords(r, paths, d / "kept.jsonl");
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 2u);
  EXPECT_EQ(ReadFile(d / "kept.jsonl"), a + "\n" + b + "\n");
}

// A file name that is not UTF-8 (Latin-1 "caf\xe9.txt") is the same
// valid id everywhere, its byte written as the text \xe9: the document,
// the kept record (the JSON writer refused the raw byte and the run
// aborted) and documents.csv.
TEST(WriteKept, FileNameThatIsNotUtf8IsOneRepairedId) {
  TempDir d;
  const std::string name = d / "in/caf\xe9.txt";
  WriteFile(name, ReadFile(CorpusDir() + "/" + kSeeds[0]));
  const std::vector<std::string> paths = {d / "in"};
  const Report r = Scan(paths);
  ASSERT_EQ(r.documents.size(), 1u);
  const std::string id = d / "in/caf\\xe9.txt";
  EXPECT_EQ(r.documents[0].id, id);
  EXPECT_EQ(r.documents[0].location, id);
  absl::StatusOr<uint64_t> n = WriteKeptRecords(r, paths, d / "kept.jsonl");
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ(nlohmann::json::parse(ReadFile(d / "kept.jsonl"))["id"], id);
  ASSERT_TRUE(WriteReports(r, d / "out").ok());
  EXPECT_NE(ReadFile(d / "out/documents.csv").find(id), std::string::npos);
  EXPECT_EQ(ReadFile(d / "out/documents.csv").find("caf\xe9"),
            std::string::npos);
}

// A JSONL record with a byte that is not UTF-8 is kept as the scan read
// it, repaired (U+FFFD), every other byte as written.
TEST(WriteKept, JsonlRecordsAreKeptInValidUtf8) {
  TempDir d;
  const std::string text = ReadFile(CorpusDir() + "/" + kSeeds[0]);
  const std::string before = "{\"id\":\"a\",\"note\":\"caf";
  const std::string after = "\",\"text\":" + nlohmann::json(text).dump() + "}";
  WriteFile(d / "in.jsonl", before + "\xe9" + after + "\n");
  const std::vector<std::string> paths = {d / "in.jsonl"};
  const Report r = Scan(paths);
  ASSERT_EQ(r.documents.size(), 1u);
  absl::StatusOr<uint64_t> n = WriteKeptRecords(r, paths, d / "kept.jsonl");
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(ReadFile(d / "kept.jsonl"), before + "\xef\xbf\xbd" + after + "\n");
}

// Elements of a pretty-printed .json array span lines; each is written as
// one line, every field kept, so the dataset reads back as JSONL.
TEST(WriteKept, PrettyPrintedJsonArrayBecomesOneRecordALine) {
  TempDir d;
  const nlohmann::json array = {
      {{"id", "x1"}, {"text", ReadFile(CorpusDir() + "/" + kSeeds[0])}},
      {{"id", "x2"},
       {"text", ReadFile(CorpusDir() + "/" + kSeeds[2])},
       {"tags", {"a", "b"}}}};
  WriteFile(d / "in/arr.json", array.dump(2));
  const std::vector<std::string> paths = {d / "in"};
  const Report r = Scan(paths);
  ASSERT_EQ(r.documents.size(), 2u);
  absl::StatusOr<uint64_t> n = WriteKeptRecords(r, paths, d / "kept.jsonl");
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 2u);
  const std::vector<std::string> lines = Lines(d / "kept.jsonl");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(lines[0]), array[0]);
  EXPECT_EQ(nlohmann::json::parse(lines[1]), array[1]);
}

TEST(WriteKept, RepostOfAnIndexedArticleIsDropped) {
  TempDir d;
  ScanOptions o;
  o.index_path = d / "news.db";
  Scan({CorpusDir() + "/" + kSeeds[0], CorpusDir() + "/" + kSeeds[1]}, o);
  WriteFile(d / "repost.txt",
            ReadFile(CorpusDir() + "/" + kSeeds[1]) + "\nRead more.");
  const std::vector<std::string> paths = {CorpusDir() + "/" + kSeeds[2],
                                          d / "repost.txt"};
  const Report r = Scan(paths, o);
  absl::StatusOr<uint64_t> n = WriteKeptRecords(r, paths, d / "kept.jsonl");
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 1u);
  std::ostringstream summary;  // Counts this run's documents only.
  WriteSummary(r, summary);
  EXPECT_NE(summary.str().find("a deduplicated dataset keeps 1 of 2 documents"),
            std::string::npos)
      << summary.str();
  const std::vector<std::string> lines = Lines(d / "kept.jsonl");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["id"],
            CorpusDir() + "/" + kSeeds[2]);
}

TEST(WriteKept, ChangedInputsFailAndWriteNothing) {
  TempDir d;
  for (const char* name : kSeeds) {
    WriteFile(d / ("in/" + std::string(name)),
              ReadFile(CorpusDir() + "/" + name));
  }
  const std::vector<std::string> paths = {d / "in"};
  const Report r = Scan(paths);
  std::filesystem::remove(d / ("in/" + std::string(kSeeds[3])));
  absl::StatusOr<uint64_t> n = WriteKeptRecords(r, paths, d / "kept.jsonl");
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("inputs changed during the scan"),
            std::string::npos)
      << n.status();
  EXPECT_NE(n.status().message().find(kSeeds[3]), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(d / "kept.jsonl"));
  EXPECT_TRUE(HiddenEntries(d.path()).empty());
}

// A compact .json array with a record that is skipped (no text) and a
// repeat: the kept file holds exactly the kept articles (review,
// twenty-eighth session: every element had the location "file:1", so the
// skipped record was written in place of the last article). An input
// rewritten between the scan and the second reading is refused, not
// written shifted.
TEST(WriteKept, OneLineArraysAndInputsChangedMeanwhile) {
  TempDir d;
  WriteFile(d / "in/a.json",
            "[{\"id\":\"a\",\"text\":\"Oil prices rose sharply on Monday in "
            "London after the OPEC meeting.\"},{\"id\":\"b\",\"body\":\"no "
            "text\"},{\"id\":\"a2\",\"text\":\"Oil prices rose sharply on "
            "Monday in London after the OPEC meeting.\"},{\"id\":\"c\","
            "\"text\":\"The board of Shell approved the merger with BP on "
            "Friday.\"}]");
  const std::vector<std::string> paths = {d / "in"};
  const Report r = Scan(paths, ScanOptions{});
  ASSERT_EQ(r.documents.size(), 3u);
  ASSERT_EQ(r.skipped.size(), 1u);
  absl::StatusOr<uint64_t> n = WriteKeptRecords(r, paths, d / "k.jsonl");
  ASSERT_TRUE(n.ok()) << n.status();
  std::vector<std::string> ids;
  for (const std::string& line : Lines(d / "k.jsonl")) {
    ids.push_back(nlohmann::json::parse(line)["id"]);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"a", "c"}));

  // A record inserted in front: the lines the scan read have moved.
  WriteFile(d / "in/b.jsonl",
            "{\"id\":\"x\",\"text\":\"First one.\"}\n"
            "{\"id\":\"y\",\"text\":\"Second one.\"}\n");
  const Report r2 = Scan(paths, ScanOptions{});
  WriteFile(d / "in/b.jsonl",
            "{\"id\":\"new\",\"text\":\"Inserted.\"}\n"
            "{\"id\":\"x\",\"text\":\"First one.\"}\n"
            "{\"id\":\"y\",\"text\":\"Second one.\"}\n");
  n = WriteKeptRecords(r2, paths, d / "k2.jsonl");
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("the inputs changed during the scan"),
            std::string::npos)
      << n.status();
  EXPECT_FALSE(std::filesystem::exists(d / "k2.jsonl"));
}

// The dataset is renamed into place after the report files: a report file
// that cannot be written (here a directory in its place; a full disk under
// --out alike) fails the run with the earlier dataset and reports as they
// were, and no temporary left (review 41b-02: the new dataset stood beside
// the old reports).
TEST(WriteKept, AReportThatCannotBeWrittenLeavesTheEarlierDataset) {
  TempDir d;
  WriteFile(d / "in/a.txt", ReadFile(CorpusDir() + "/" + kSeeds[0]));
  WriteFile(d / "in/b.txt", ReadFile(CorpusDir() + "/" + kSeeds[2]));
  WriteFile(d / "kept.jsonl", "the earlier dataset\n");
  std::filesystem::create_directories(d / "out/report.html");
  auto r = RunRefrain("scan " + (d / "in") + " --no-claims --out " +
                      (d / "out") + " --write-kept " + (d / "kept.jsonl"));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("report.html: it is a directory"), std::string::npos)
      << r.err;
  EXPECT_EQ(ReadFile(d / "kept.jsonl"), "the earlier dataset\n");
  EXPECT_FALSE(std::filesystem::exists(d / "out/report.json"));
  EXPECT_TRUE(HiddenEntries(d.path()).empty());
  EXPECT_TRUE(HiddenEntries(d / "out").empty());
  // Once the reports can be written, both are replaced.
  std::filesystem::remove(d / "out/report.html");
  r = RunRefrain("scan " + (d / "in") + " --no-claims --out " + (d / "out") +
                 " --write-kept " + (d / "kept.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(d / "kept.jsonl").size(), 2u);
  EXPECT_TRUE(std::filesystem::is_regular_file(d / "out/report.html"));
}

TEST(WriteKept, CommandLine) {
  TempDir d;
  WriteFile(d / "in/a.txt", ReadFile(CorpusDir() + "/" + kSeeds[0]));
  WriteFile(d / "in/b.txt", ReadFile(CorpusDir() + "/" + kSeeds[0]));
  auto r = RunRefrain("scan " + (d / "in") + " --no-claims --out " +
                      (d / "out") + " --write-kept " + (d / "kept.jsonl.zst"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("kept: 1 of 2 documents -> " + (d / "kept.jsonl.zst")),
            std::string::npos)
      << r.out;
  EXPECT_EQ(Lines(d / "kept.jsonl.zst").size(), 1u);
  // Ids taken twice (a mistyped --id-field) are summed up with a hint;
  // the records are kept under ID#HASH, or skipped and counted beside the
  // documents with --repeated-ids skip.
  WriteFile(d / "ids.jsonl",
            "{\"cat\":\"x\",\"text\":\"One article about a river.\"}\n"
            "{\"cat\":\"x\",\"text\":\"Another, about a mountain.\"}\n"
            "{\"cat\":\"x\",\"text\":\"A third, about the sea.\"}\n");
  r = RunRefrain("scan " + (d / "ids.jsonl") + " --id-field cat --no-claims " +
                 "--out " + (d / "out2") + " --write-kept " + (d / "k.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("kept: 3 of 3 documents -> " + (d / "k.jsonl")),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("3 records have an id that records with another "
                       "text or metadata have too, so each is kept under the "
                       "id ID#HASH, 8 hex digits of a hash of the record "
                       "(the first: x#"),
            std::string::npos)
      << r.out;
  r = RunRefrain("scan " + (d / "ids.jsonl") + " --id-field cat --no-claims " +
                 "--repeated-ids skip --out " + (d / "out2") +
                 " --write-kept " + (d / "k.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("kept: 1 of 1 documents (of 3 records: 2 skipped, "
                       "listed above) -> " +
                       (d / "k.jsonl")),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("2 records skipped because an earlier record has "
                       "their id (the first: " +
                       (d / "ids.jsonl") + ":2)"),
            std::string::npos)
      << r.out;
  // The dataset may not replace one of its inputs.
  const std::string record = "{\"id\":\"c\",\"text\":\"A third one.\"}\n";
  WriteFile(d / "in/c.jsonl", record);
  r = RunRefrain("scan " + (d / "in") + " --no-claims --out " + (d / "out") +
                 " --write-kept " + (d / "in/c.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is one of the inputs"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(d / "in/c.jsonl"), record);
  // Nor go where the next scan of the folder reads it, nor --out be the
  // folder itself (review 47a-03: the first run passed, the next failed);
  // a folder of its own inside it is left out of the walk.
  r = RunRefrain("scan " + (d / "in") + " --no-claims --out " + (d / "out") +
                 " --write-kept " + (d / "in/sub/new.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is inside the input folder"), std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(d / "in/sub"));
  r = RunRefrain("scan " + (d / "in") + " --no-claims --out " + (d / "in/."));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is the input folder"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d / "in/report.json"));
  r = RunRefrain("scan " + (d / "in") + " --no-claims --quiet --strict --out " +
                 (d / "in/refrain-out"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = RunRefrain("scan " + (d / "in") + " --no-claims --quiet --strict --out " +
                 (d / "in/refrain-out"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::filesystem::remove_all(d / "in/refrain-out");
  // Unless that folder holds articles too (review 47b-08), or the path
  // comes back to the folder through one not made yet (47b-11).
  WriteFile(d / "in/sub/more.jsonl", record);
  r = RunRefrain("scan " + (d / "in") + " --no-claims --out " + (d / "in/sub"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is inside the input folder"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("holds more.jsonl"), std::string::npos) << r.err;
  std::filesystem::remove_all(d / "in/sub");
  r = RunRefrain("scan " + (d / "in") + " --no-claims --out " +
                 (d / "in/new/.."));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("is the input folder"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(d / "in/new"));
  // The same through a folder that holds articles (review 47c-06); a
  // hidden folder, which the walk passes over, may hold the dataset
  // (47c-08).
  WriteFile(d / "in/sub/more.jsonl", record);
  r = RunRefrain("scan " + (d / "in") + " --no-claims --out " +
                 (d / "in/sub/new/.."));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("holds more.jsonl"), std::string::npos) << r.err;
  std::filesystem::remove_all(d / "in/sub");
  r = RunRefrain("scan " + (d / "in") + " --no-claims --quiet --out " +
                 (d / "out") + " --write-kept " + (d / "in/.kept/k.jsonl"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::filesystem::remove_all(d / "in/.kept");
  // Nor be a file scan would not read back as JSON Lines; the extension's
  // case does not matter.
  r = RunRefrain("scan " + (d / "in") + " --no-claims --out " + (d / "out") +
                 " --write-kept " + (d / "kept.txt"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the name must end in .jsonl or .ndjson"),
            std::string::npos)
      << r.err;
  r = RunRefrain("scan " + (d / "in") + " --no-claims --quiet --out " +
                 (d / "out") + " --write-kept " + (d / "KEPT.JSONL.GZ"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(d / "KEPT.JSONL.GZ").rfind("\x1f\x8b", 0), 0u);
  EXPECT_EQ(Lines(d / "KEPT.JSONL.GZ").size(), 2u);  // A (or b) and c.
  std::filesystem::remove(d / "in/c.jsonl");
  // A missing directory is made, as for --out.
  r = RunRefrain("scan " + (d / "in") + " --no-claims --quiet --out " +
                 (d / "out") + " --write-kept " + (d / "new/dir/k.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Lines(d / "new/dir/k.jsonl").size(), 1u);
  r = RunRefrain("scan " + (d / "in") + " --floor --write-kept " +
                 (d / "k.jsonl"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--write-kept cannot be used with --floor"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace refrain
