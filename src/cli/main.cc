// refrain: the command-line front end. Parses flags into the library's option
// structs, runs the library, and is the one place where errors become exit
// codes: 0 success, 1 failure (or a skipped record under --strict), 2 usage.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "refrain/report.h"
#include "refrain/scan.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int Fail(const absl::Status& s) {
  std::cerr << "refrain: " << s.message() << "\n";
  return absl::IsInvalidArgument(s) ? kExitUsage : kExitFailure;
}

struct ScanFlags {
  std::vector<std::string> paths;
  std::string out_dir = "refrain-out";
  std::string minhash = "oph";
  bool strict = false;
  bool quiet = false;
  refrain::ScanOptions options;
};

void AddScanFlags(CLI::App* cmd, ScanFlags* f) {
  refrain::ScanOptions& o = f->options;
  cmd->add_option("paths", f->paths, "Files or directories to read (recursively)")
      ->required();
  cmd->add_option("--out", f->out_dir, "Output directory for report.json")
      ->capture_default_str();
  cmd->add_option("--threshold", o.threshold,
                  "Jaccard similarity of word shingles at or above which two "
                  "documents are near-duplicates, in (0,1)")
      ->capture_default_str();
  cmd->add_option("--containment", o.containment_threshold,
                  "Also near-duplicates: the smaller document's shingles are at "
                  "least this much inside the larger (re-posts with new "
                  "headers/footers); 1 disables")
      ->capture_default_str();
  cmd->add_option("--min-length-ratio", o.min_length_ratio,
                  "Containment matches need the smaller document to have at "
                  "least this fraction of the larger's shingles")
      ->capture_default_str();
  cmd->add_option("--lsh-threshold", o.lsh_threshold,
                  "Jaccard similarity the LSH banding is tuned for; 0 = "
                  "derived from --threshold and --containment")
      ->capture_default_str();
  cmd->add_option("--fp-weight", o.fp_weight,
                  "Weight of LSH false positives when choosing bands x rows")
      ->capture_default_str();
  cmd->add_option("--fn-weight", o.fn_weight,
                  "Weight of LSH false negatives when choosing bands x rows")
      ->capture_default_str();
  cmd->add_option("--num-perm", o.minhash.num_perm,
                  "MinHash signature slots (8..1024)")
      ->capture_default_str();
  cmd->add_option("--shingle", o.shingle.size, "Words per shingle (1..32)")
      ->capture_default_str();
  cmd->add_option("--seed", o.minhash.seed, "Seed of the MinHash functions")
      ->capture_default_str();
  cmd->add_option("--minhash", f->minhash,
                  "MinHash algorithm: oph (one permutation, densified) or "
                  "classic (num-perm hash functions)")
      ->check(CLI::IsMember({"oph", "classic"}))
      ->capture_default_str();
  cmd->add_option("--bands", o.bands, "LSH bands (0: chosen from the threshold)")
      ->capture_default_str();
  cmd->add_option("--rows", o.rows, "LSH rows per band (0: chosen from the threshold)")
      ->capture_default_str();
  cmd->add_option("--max-bucket", o.max_bucket,
                  "LSH buckets larger than this pair members with the "
                  "bucket's first member only")
      ->capture_default_str();
  cmd->add_option("--max-cluster-pairs", o.max_cluster_pairs,
                  "Clusters larger than this list each member's pair with "
                  "the representative instead of all pairs")
      ->capture_default_str();
  cmd->add_option("--threads", o.threads, "Worker threads, 0 = all cores")
      ->capture_default_str();
  cmd->add_option("--max-record-bytes", o.ingest.max_record_bytes,
                  "Records (files or JSONL lines) larger than this are skipped")
      ->capture_default_str();
  cmd->add_option("--id-field", o.ingest.id_field, "JSONL field holding the id")
      ->capture_default_str();
  cmd->add_option("--title-field", o.ingest.title_field, "JSONL title field")
      ->capture_default_str();
  cmd->add_option("--text-field", o.ingest.text_field, "JSONL text field (required)")
      ->capture_default_str();
  cmd->add_option("--url-field", o.ingest.url_field, "JSONL url field")
      ->capture_default_str();
  cmd->add_option("--date-field", o.ingest.date_field, "JSONL date field")
      ->capture_default_str();
  cmd->add_option("--source-field", o.ingest.source_field, "JSONL source field")
      ->capture_default_str();
  cmd->add_option("--locale", o.segment.locale, "ICU locale for sentence breaking")
      ->capture_default_str();
  cmd->add_option("--min-quote-words", o.segment.min_quote_words,
                  "Shortest quoted passage kept, in words")
      ->capture_default_str();
  cmd->add_flag("--strict", f->strict, "Exit 1 if any record was skipped");
  cmd->add_flag("--quiet", f->quiet, "Print nothing but errors");
}

int RunScanCommand(ScanFlags& f) {
  f.options.minhash.algorithm = f.minhash == "classic"
                                    ? refrain::MinHashAlgorithm::kClassic
                                    : refrain::MinHashAlgorithm::kOnePermutation;
  absl::StatusOr<refrain::Report> report = refrain::RunScan(f.paths, f.options);
  if (!report.ok()) return Fail(report.status());

  for (const refrain::SkippedRecord& s : report->skipped) {
    std::cerr << s.location << ": " << s.reason << "\n";
  }
  std::error_code ec;
  std::filesystem::create_directories(f.out_dir, ec);
  if (ec) {
    return Fail(absl::UnavailableError("cannot create output directory " +
                                       f.out_dir + ": " + ec.message()));
  }
  std::ostringstream json;
  refrain::WriteJson(*report, json);
  const std::string json_path = f.out_dir + "/report.json";
  if (auto s = refrain::WriteFileAtomically(json_path, json.str()); !s.ok()) {
    return Fail(s);
  }
  if (!f.quiet) {
    refrain::WriteSummary(*report, std::cout);
    std::cout << "report: " << json_path << "\n";
  }
  if (f.strict && !report->skipped.empty()) {
    std::cerr << "refrain: --strict: " << report->skipped.size()
              << " record(s) skipped\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "refrain: near-duplicate articles and recurring claims in news dumps.\n"
      "Run `refrain COMMAND --help` for the options of a command."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "refrain 0.1.0");

  ScanFlags scan;
  CLI::App* scan_cmd = app.add_subcommand(
      "scan",
      "Read articles (.txt, .jsonl, .ndjson, optionally .gz/.zst), find "
      "near-duplicates, write OUT/report.json and print a summary");
  AddScanFlags(scan_cmd, &scan);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (scan_cmd->parsed()) return RunScanCommand(scan);
  return kExitUsage;
}
