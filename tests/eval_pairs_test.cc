// Tests of eval-pairs: reading MSRP-format files (BOM, CRLF, malformed
// lines), the metrics, and the CLI's output and exit codes. Fixtures are
// hand-made; no MSRP data is copied here.
#include "refrain/eval_pairs.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "refrain/claim_score.h"
#include "test_util.h"

namespace refrain {
namespace {

using testing::RunRefrain;
using testing::TempDir;
using testing::WriteFile;

// Four valid pairs (two positive, two negative), one line with four fields
// (line 4) and one with a bad label (line 6). UTF-8 BOM, CRLF line ends.
std::string Fixture() {
  return "\xEF\xBB\xBFQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\r\n"
         "1\t11\t12\tThe plans of the Islamic State to destabilize Central "
         "Asian states are of particular concern.\tThe plans of the Islamic "
         "State to destabilize Central Asian states are of particular "
         "concern.\r\n"
         "0\t21\t22\tStocks fell sharply in Tokyo on Monday after weak export "
         "data.\tThe weather in Paris was sunny and warm for the festival.\r\n"
         "1\t31\t32\tonly four fields here\r\n"
         "1\t41\t42\tRussia is seriously concerned about the situation in "
         "Afghanistan, the minister said.\tThe minister said Russia is "
         "seriously concerned about the situation in Afghanistan.\r\n"
         "yes\t51\t52\tA sentence.\tAnother sentence.\r\n"
         "0\t61\t62\tThe company reported a profit of $2 million in the first "
         "quarter.\tThe president flew to Berlin for talks on the new trade "
         "agreement.\r\n";
}

TEST(ReadPairFile, BomCrlfAndMalformedLines) {
  TempDir tmp;
  const std::string path = tmp / "pairs.tsv";
  WriteFile(path, Fixture());
  absl::StatusOr<PairFile> f = ReadPairFile(path);
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->pairs.size(), 4u);
  EXPECT_TRUE(f->pairs[0].positive);
  EXPECT_FALSE(f->pairs[1].positive);
  EXPECT_EQ(f->pairs[0].id1, "11");
  EXPECT_EQ(f->pairs[0].id2, "12");
  EXPECT_EQ(f->pairs[0].line, 2u);
  EXPECT_EQ(f->pairs[2].line, 5u);
  // No '\r' left at the end of the second sentence.
  EXPECT_EQ(f->pairs[1].text2.back(), '.');
  EXPECT_EQ(f->malformed,
            (std::vector<std::string>{
                path + ":4: expected 5 tab-separated fields, got 4",
                path + ":6: quality must be 0 or 1, got \"yes\""}));
}

TEST(ReadPairFile, Failures) {
  TempDir tmp;
  EXPECT_EQ(ReadPairFile(tmp / "missing.tsv").status().code(),
            absl::StatusCode::kNotFound);
  // A directory is not read as an empty file.
  EXPECT_EQ(ReadPairFile(tmp.path()).status().code(),
            absl::StatusCode::kInvalidArgument);
  WriteFile(tmp / "empty.tsv", "");
  EXPECT_EQ(ReadPairFile(tmp / "empty.tsv").status().code(),
            absl::StatusCode::kFailedPrecondition);
  // A header alone reads as zero pairs; evaluating it fails.
  WriteFile(tmp / "header.tsv",
            "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n");
  absl::StatusOr<PairFile> h = ReadPairFile(tmp / "header.tsv");
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->pairs.empty());
  EXPECT_EQ(EvalPairs(tmp / "header.tsv", {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // LF line ends and no BOM work too; an empty sentence is malformed.
  WriteFile(tmp / "lf.tsv", "header\n1\ta\tb\tx y\tx y\n0\tc\td\t \tz\n");
  absl::StatusOr<PairFile> lf = ReadPairFile(tmp / "lf.tsv");
  ASSERT_TRUE(lf.ok());
  EXPECT_EQ(lf->pairs.size(), 1u);
  EXPECT_EQ(lf->malformed,
            (std::vector<std::string>{tmp / "lf.tsv" + ":3: empty sentence"}));
  // Nothing valid: the failure gives every row's reason.
  WriteFile(tmp / "bad.tsv", "header\n2\ta\tb\tx\ty\n1,a,b,x,y\n");
  const absl::Status bad = EvalPairs(tmp / "bad.tsv", {}).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::string(bad.message()),
            tmp / "bad.tsv" + ": no valid pair\n  " + tmp / "bad.tsv" +
                ":2: quality must be 0 or 1, got \"2\"\n  " + tmp / "bad.tsv" +
                ":3: expected 5 tab-separated fields, got 1");
}

// The header is the first line that is not blank unless it is a pair
// already; lines may end in a lone \r; a field echoed in a message has its
// control characters escaped (review, twenty-eighth session: the first pair
// of a file without a header was dropped, a CR-only file read as one
// header line, ESC[2J echoed to the terminal).
TEST(ReadPairFile, HeaderlessCrOnlyAndControlCharacters) {
  TempDir tmp;
  WriteFile(tmp / "noheader.tsv", "1\ta\tb\tx y\tx y\n0\tc\td\tz w\tv u\n");
  absl::StatusOr<PairFile> f = ReadPairFile(tmp / "noheader.tsv");
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->pairs.size(), 2u);
  EXPECT_EQ(f->pairs[0].line, 1u);
  EXPECT_TRUE(f->malformed.empty());

  WriteFile(tmp / "blankfirst.tsv",
            "\nQuality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
            "1\ta\tb\tx y\tx y\n");
  f = ReadPairFile(tmp / "blankfirst.tsv");
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->pairs.size(), 1u);
  EXPECT_EQ(f->pairs[0].line, 3u);
  EXPECT_TRUE(f->malformed.empty());

  WriteFile(tmp / "cr.tsv",
            "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\r"
            "1\ta\tb\tx y\tx y\r0\tc\td\tz w\tv u\r\n1\te\tf\tq r\tq r");
  f = ReadPairFile(tmp / "cr.tsv");
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->pairs.size(), 3u);
  EXPECT_EQ(f->pairs[2].line, 4u);
  EXPECT_EQ(f->pairs[1].text2, "v u");

  WriteFile(tmp / "esc.tsv", "header\n\x1b[2J\ta\tb\tx\ty\n");
  f = ReadPairFile(tmp / "esc.tsv");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->malformed,
            (std::vector<std::string>{tmp / "esc.tsv" +
                                      ":2: quality must be 0 or 1, got "
                                      "\"\\u001b[2J\""}));
}

// Invalid UTF-8 is replaced by U+FFFD, as everywhere, and each line that
// held some is named: the pair is scored, but on a text that differs from
// the file's (review 40b: repaired without a word).
TEST(ReadPairFile, RepairedLinesAreNamed) {
  TempDir tmp;
  WriteFile(tmp / "bad.tsv",
            "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
            "1\ta\tb\tCaf\xe9 prices rose.\tCafe prices rose.\n"
            "0\tc\td\tz w\tv u\n"
            "1\te\tf\t\xff\xfe x\xc3\tx\n");
  absl::StatusOr<PairFile> f = ReadPairFile(tmp / "bad.tsv");
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->pairs.size(), 3u);
  EXPECT_EQ(f->pairs[0].text1, "Caf\xEF\xBF\xBD prices rose.");
  EXPECT_EQ(f->pairs[2].text1, "\xEF\xBF\xBD\xEF\xBF\xBD x\xEF\xBF\xBD");
  EXPECT_EQ(
      f->repaired,
      (std::vector<std::string>{
          tmp / "bad.tsv" + ":2: 1 invalid UTF-8 sequence replaced by U+FFFD",
          tmp / "bad.tsv" +
              ":4: 3 invalid UTF-8 sequences replaced by U+FFFD"}));
  EXPECT_TRUE(f->malformed.empty());
  WriteFile(tmp / "good.tsv", Fixture());
  f = ReadPairFile(tmp / "good.tsv");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_TRUE(f->repaired.empty());
  // The count is printed beside the malformed lines', each line on stderr.
  testing::CommandResult r = RunRefrain("eval-pairs " + tmp / "bad.tsv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(" malformed=0 repaired=2\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find(tmp / "bad.tsv" + ":4: 3 invalid UTF-8 sequences"),
            std::string::npos)
      << r.err;
}

// A pair file is read as an input file is: gzip or zstd told by its first
// bytes (whatever its name), UTF-16 with a byte-order mark (as Windows
// tools save "Unicode" text) converted; a damaged stream fails naming the
// file (twenty-eighth session's review: read as bytes of U+FFFD).
TEST(ReadPairFile, CompressedAndUtf16) {
  TempDir tmp;
  WriteFile(tmp / "pairs.tsv", Fixture());
  absl::StatusOr<PairFile> plain = ReadPairFile(tmp / "pairs.tsv");
  ASSERT_TRUE(plain.ok()) << plain.status();
  ASSERT_EQ(plain->pairs.size(), 4u);
  auto expect_same = [&](const std::string& path) {
    absl::StatusOr<PairFile> f = ReadPairFile(path);
    ASSERT_TRUE(f.ok()) << path << ": " << f.status();
    ASSERT_EQ(f->pairs.size(), plain->pairs.size()) << path;
    for (size_t i = 0; i < f->pairs.size(); ++i) {
      EXPECT_EQ(f->pairs[i].text1, plain->pairs[i].text1) << path;
      EXPECT_EQ(f->pairs[i].text2, plain->pairs[i].text2) << path;
      EXPECT_EQ(f->pairs[i].line, plain->pairs[i].line) << path;
    }
    EXPECT_EQ(f->malformed.size(), 2u) << path;
  };
  testing::WriteGzip(tmp / "pairs.tsv.gz", Fixture());
  expect_same(tmp / "pairs.tsv.gz");
  testing::WriteZstd(tmp / "pairs.zst", Fixture());
  expect_same(tmp / "pairs.zst");
  testing::WriteGzip(tmp / "named.tsv", Fixture());
  expect_same(tmp / "named.tsv");

  WriteFile(tmp / "utf16.tsv",
            testing::Utf16(u"Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\r\n"
                           u"1\ta\tb\tCaf\u00e9 prices rose.\tCaf\u00e9 "
                           u"prices went up.\r\n",
                           false));
  absl::StatusOr<PairFile> u = ReadPairFile(tmp / "utf16.tsv");
  ASSERT_TRUE(u.ok()) << u.status();
  ASSERT_EQ(u->pairs.size(), 1u);
  EXPECT_EQ(u->pairs[0].text1, "Caf\xC3\xA9 prices rose.");

  std::string cut;
  {
    testing::WriteGzip(tmp / "whole.gz", Fixture());
    cut = testing::ReadFile(tmp / "whole.gz");
    cut.resize(cut.size() / 2);
  }
  WriteFile(tmp / "cut.tsv.gz", cut);
  const absl::Status s = ReadPairFile(tmp / "cut.tsv.gz").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_TRUE(absl::StartsWith(s.message(), tmp / "cut.tsv.gz" + ": ")) << s;
}

TEST(Metrics, ConfusionCounts) {
  const std::vector<double> s = {0.9, 0.8, 0.6, 0.4, 0.3, 0.1};
  const bool l[] = {true, false, true, true, false, false};
  BinaryMetrics m = ComputeMetrics(s, l, 0.5);
  EXPECT_EQ(m.tp, 2u);
  EXPECT_EQ(m.fp, 1u);
  EXPECT_EQ(m.tn, 2u);
  EXPECT_EQ(m.fn, 1u);
  EXPECT_DOUBLE_EQ(m.accuracy, 4.0 / 6);
  EXPECT_DOUBLE_EQ(m.precision, 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.recall, 2.0 / 3);
  EXPECT_DOUBLE_EQ(m.f1, 2.0 / 3);
  // At or above the threshold counts as positive.
  EXPECT_EQ(ComputeMetrics(s, l, 0.6).tp, 2u);
  // Nothing predicted positive: precision and F1 are 0, not NaN.
  BinaryMetrics none = ComputeMetrics(s, l, 0.95);
  EXPECT_EQ(none.precision, 0.0);
  EXPECT_EQ(none.f1, 0.0);
}

TEST(Metrics, BestThresholdAndAuc) {
  const std::vector<double> s = {0.9, 0.8, 0.6, 0.4, 0.3, 0.1};
  const bool separable[] = {true, true, true, false, false, false};
  BinaryMetrics best = BestAccuracyThreshold(s, separable);
  EXPECT_DOUBLE_EQ(best.accuracy, 1.0);
  EXPECT_GT(best.threshold, 0.4);
  EXPECT_LE(best.threshold, 0.6);
  EXPECT_DOUBLE_EQ(RocAuc(s, separable), 1.0);
  const bool reversed[] = {false, false, false, true, true, true};
  EXPECT_DOUBLE_EQ(RocAuc(s, reversed), 0.0);
  const bool mixed[] = {true, false, true, true, false, false};
  // (positive, negative) pairs ranked right: 0.9 > all three negatives,
  // 0.6 and 0.4 > 0.3 and 0.1: 7 of 9.
  EXPECT_DOUBLE_EQ(RocAuc(s, mixed), 7.0 / 9);
  const std::vector<double> ties = {0.5, 0.5, 0.5, 0.5};
  const bool half[] = {true, false, true, false};
  EXPECT_DOUBLE_EQ(RocAuc(ties, half), 0.5);
  const bool one_class[] = {true, true, true, true};
  EXPECT_DOUBLE_EQ(RocAuc(ties, one_class), 0.5);
}

TEST(EvalPairs, ScoresTheFixture) {
  TempDir tmp;
  WriteFile(tmp / "pairs.tsv", Fixture());
  absl::StatusOr<EvalPairsResult> r = EvalPairs(tmp / "pairs.tsv", {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->pairs, 4u);
  EXPECT_EQ(r->positives, 2u);
  EXPECT_EQ(r->malformed.size(), 2u);
  ASSERT_EQ(r->scores.size(), 4u);
  EXPECT_EQ(r->at_threshold.threshold, ClaimScorer::DefaultThreshold());
  // Restatements above, unrelated sentences below: all four right.
  EXPECT_EQ(r->at_threshold.tp, 2u);
  EXPECT_EQ(r->at_threshold.tn, 2u);
  EXPECT_DOUBLE_EQ(r->at_threshold.accuracy, 1.0);
  EXPECT_DOUBLE_EQ(r->auc, 1.0);
  EXPECT_DOUBLE_EQ(r->best.accuracy, 1.0);
  // An explicit threshold of 0 calls everything positive.
  EvalPairsOptions zero;
  zero.threshold = 0;
  absl::StatusOr<EvalPairsResult> z = EvalPairs(tmp / "pairs.tsv", zero);
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(z->at_threshold.fp, 2u);
  EXPECT_DOUBLE_EQ(z->at_threshold.recall, 1.0);
  EvalPairsOptions bad;
  bad.threshold = 1.5;
  EXPECT_EQ(EvalPairs(tmp / "pairs.tsv", bad).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(EvalPairsCli, TextOutput) {
  TempDir tmp;
  const std::string path = tmp / "pairs.tsv";
  WriteFile(path, Fixture());
  testing::CommandResult r = RunRefrain("eval-pairs " + path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string first, second, third, fourth;
  std::getline(lines, first);
  std::getline(lines, second);
  std::getline(lines, third);
  std::getline(lines, fourth);
  EXPECT_EQ(first, "accuracy=1.0000 precision=1.0000 recall=1.0000 f1=1.0000");
  EXPECT_TRUE(std::regex_match(
      second, std::regex("threshold=0\\.\\d{4} pairs=4 positives=2 tp=2 fp=0 "
                         "tn=2 fn=0 malformed=2 repaired=0")))
      << second;
  EXPECT_TRUE(std::regex_match(
      third, std::regex("best_threshold=0\\.\\d{4} best_accuracy=1\\.0000")))
      << third;
  EXPECT_EQ(fourth, "auc=1.0000");
  // Malformed lines go to stderr as file:line: reason.
  EXPECT_NE(r.err.find(path + ":4: expected 5 tab-separated fields, got 4\n"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(path + ":6: quality must be 0 or 1"), std::string::npos);
  // --strict: the same figures, and exit 1 for the malformed lines.
  testing::CommandResult strict = RunRefrain("eval-pairs --strict " + path);
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_EQ(strict.out, r.out);
  EXPECT_NE(strict.err.find("2 lines were malformed (--strict)"),
            std::string::npos)
      << strict.err;
}

TEST(EvalPairsCli, JsonAndThreshold) {
  TempDir tmp;
  const std::string path = tmp / "pairs.tsv";
  WriteFile(path, Fixture());
  testing::CommandResult r =
      RunRefrain("eval-pairs " + path + " --json --threshold 0");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["pairs"], 4);
  EXPECT_EQ(j["positives"], 2);
  EXPECT_EQ(j["threshold"], 0.0);
  EXPECT_EQ(j["fp"], 2);
  EXPECT_DOUBLE_EQ(j["recall"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["accuracy"].get<double>(), 0.5);
  EXPECT_EQ(j["malformed"].size(), 2u);
  EXPECT_EQ(j["repaired"].size(), 0u);
  EXPECT_DOUBLE_EQ(j["auc"].get<double>(), 1.0);
}

// ROC AUC ranks positives against negatives: with one class there is
// nothing to rank, and 0.5 would read as a scorer no better than chance.
TEST(EvalPairsCli, OneClassHasNoAuc) {
  TempDir tmp;
  const std::string path = tmp / "positives.tsv";
  WriteFile(path,
            "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n"
            "1\t1\t2\tThe bank raised rates.\tRates were raised by the "
            "bank.\n"
            "1\t3\t4\tThe minister resigned.\tThe minister quit.\n");
  testing::CommandResult r = RunRefrain("eval-pairs " + path);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\nauc=n/a\n"), std::string::npos) << r.out;
  r = RunRefrain("eval-pairs " + path + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["positives"], 2);
  EXPECT_TRUE(j["auc"].is_null()) << r.out;
}

TEST(EvalPairsCli, ExitCodes) {
  TempDir tmp;
  WriteFile(tmp / "pairs.tsv", Fixture());
  // 1: unreadable or empty input.
  testing::CommandResult missing =
      RunRefrain("eval-pairs " + tmp / "missing.tsv");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("missing.tsv"), std::string::npos);
  WriteFile(tmp / "header.tsv",
            "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n");
  EXPECT_EQ(RunRefrain("eval-pairs " + tmp / "header.tsv").exit_code, 1);
  // The WordNet option under scan's name too (review 47a-06).
  for (const char* flag : {" --wordnet ", " --wordnet-dir "}) {
    testing::CommandResult no_wordnet =
        RunRefrain("eval-pairs " + tmp / "pairs.tsv" + flag + "/nonexistent");
    EXPECT_EQ(no_wordnet.exit_code, 1) << flag;
    EXPECT_NE(no_wordnet.err.find("/nonexistent"), std::string::npos)
        << no_wordnet.err;
  }
  // 2: usage.
  EXPECT_EQ(RunRefrain("eval-pairs").exit_code, 2);
  EXPECT_EQ(RunRefrain("eval-pairs " + tmp / "pairs.tsv" + " --threshold 1.5")
                .exit_code,
            2);
  testing::CommandResult nan =
      RunRefrain("eval-pairs " + tmp / "pairs.tsv" + " --threshold x");
  EXPECT_EQ(nan.exit_code, 2);
  // Not a number, rather than a number out of range.
  EXPECT_NE(nan.err.find("--threshold: x is not a number"), std::string::npos)
      << nan.err;
  EXPECT_EQ(
      RunRefrain("eval-pairs " + tmp / "pairs.tsv" + " --bogus").exit_code, 2);
  // A directory where the file goes, as for compare.
  testing::CommandResult dir = RunRefrain("eval-pairs " + tmp.path());
  EXPECT_EQ(dir.exit_code, 2);
  EXPECT_NE(dir.err.find("a directory, not a file"), std::string::npos)
      << dir.err;
  // 0: help.
  testing::CommandResult help = RunRefrain("eval-pairs --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--threshold"), std::string::npos);
}

}  // namespace
}  // namespace refrain
