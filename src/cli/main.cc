// refrain: the command-line front end. Parses flags into the library's option
// structs, runs the library, and is the one place where errors become exit
// codes: 0 success, 1 failure (or a skipped record under --strict), 2 usage.
#include <omp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "refrain/eval_pairs.h"
#include "refrain/generate.h"
#include "refrain/index.h"
#include "refrain/ingest.h"
#include "refrain/report.h"
#include "refrain/scan.h"
#ifdef REFRAIN_HAVE_MPI
#include "refrain/scan_mpi.h"
#endif
#ifdef REFRAIN_USES_MIMALLOC
#include <mimalloc.h>
#endif

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// CLI11 reads "-1" into an unsigned option as 2^64 - 1, and a number past
// 2^64 - 1 as 2^64 - 1.
const CLI::Validator kUnsigned(
    [](std::string& v) {
      if (v.starts_with("-")) return std::string("must be >= 0");
      uint64_t x = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
      if (ec == std::errc::result_out_of_range) {
        return v + " is out of range (at most 18446744073709551615)";
      }
      return std::string();
    },
    "UINT");

// Checked before a CLI::Range, which calls a word that is no number "not in
// range", and passes NaN (no comparison with it is true).
const CLI::Validator kNumber(
    [](std::string& v) {
      double x = 0;
      if (!CLI::detail::lexical_cast(v, x)) return v + " is not a number";
      return std::isfinite(x) ? std::string() : v + " is not a finite number";
    },
    "");

// For a path or name whose empty value would otherwise mean "none": given
// empty (an unset shell variable, `--index "$DB"`), it is a mistake to say,
// not a feature to turn off quietly.
CLI::Validator NotEmpty(const char* what) {
  return CLI::Validator(
      [what](std::string& v) {
        return v.empty() ? std::string("needs ") + what : std::string();
      },
      "");
}

int Fail(const absl::Status& s) {
  std::cerr << "refrain: " << s.message() << "\n";
  return absl::IsInvalidArgument(s) ? kExitUsage : kExitFailure;
}

// Fail(s) where `say`, else its exit code alone: under mpirun every rank
// refuses a refused option alike, and rank 0 alone says so.
int Fail(const absl::Status& s, bool say) {
  if (say) return Fail(s);
  return absl::IsInvalidArgument(s) ? kExitUsage : kExitFailure;
}

struct ScanFlags {
  std::vector<std::string> paths;
  std::string out_dir = "refrain-out";
  std::string write_kept;  // --write-kept: empty = none.
  std::string minhash = "oph";
  std::string keep = "first";
  bool strict = false;
  bool quiet = false;
  double claim_max_memory_gb = -1;  // < 0: the memory available at start.
  refrain::ScanOptions options;
  const CLI::Option* locale = nullptr;  // --locale, to tell if it was given.
  const CLI::Option* index_wait = nullptr;      // --index-wait, likewise.
  std::vector<const CLI::Option*> claim_flags;  // AddClaimFlags'.
  // Flags of the work --floor does not do (review 40b-15: they were taken
  // and did nothing, where --no-claims refuses claim flags).
  std::vector<const CLI::Option*> floor_ignores;
};

// A claim option given with --no-claims would change nothing: said, as a
// scan's --index-wait without --index is (review 39a-03).
absl::Status ClaimFlagsNeedClaims(
    const std::vector<const CLI::Option*>& claim_flags,
    const refrain::ClaimOptions& c) {
  if (c.enabled) return absl::OkStatus();
  for (const CLI::Option* o : claim_flags) {
    if (o->count() > 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(o->get_name(), " has no effect with --no-claims"));
    }
  }
  return absl::OkStatus();
}

// The memory this process may still take: MemAvailable, or less under the
// memory limit of its cgroup (v2 or v1: containers, CI runners). 0 if
// unknown.
uint64_t AvailableMemoryBytes() {
  uint64_t avail = 0;
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);) {
    unsigned long long kb = 0;
    if (std::sscanf(line.c_str(), "MemAvailable: %llu kB", &kb) == 1) {
      avail = kb * 1024;
      break;
    }
  }
  // A limit file holds a number, "max" (v2, no limit: not read as one) or
  // a huge number (v1, no limit: more than MemAvailable anyway).
  auto limit = [&](const std::string& max_path, const std::string& cur_path) {
    std::ifstream max_file(max_path), cur_file(cur_path);
    unsigned long long max = 0, cur = 0;
    if ((max_file >> max) && (cur_file >> cur)) {
      const uint64_t room = max > cur ? max - cur : 0;
      if (avail == 0 || room < avail) avail = room;
    }
  };
  std::ifstream self("/proc/self/cgroup");
  for (std::string line; std::getline(self, line);) {
    if (line.starts_with("0::")) {
      const std::string dir = "/sys/fs/cgroup" + line.substr(3);
      limit(dir + "/memory.max", dir + "/memory.current");
    } else if (const size_t at = line.find(":memory:");
               at != std::string::npos) {
      const std::string dir = "/sys/fs/cgroup/memory" + line.substr(at + 8);
      limit(dir + "/memory.limit_in_bytes", dir + "/memory.usage_in_bytes");
    }
  }
  return avail;
}

// The claim options of `cmd`; returns them, --no-claims aside, so that
// ClaimFlagsNeedClaims can say which was given in vain.
std::vector<const CLI::Option*> AddClaimFlags(CLI::App* cmd,
                                              refrain::ClaimOptions* c) {
  cmd->add_flag("!--no-claims", c->enabled,
                "Skip the claims stage (document level only)");
  const size_t before = cmd->get_options().size();
  cmd->add_option("--claim-threshold", c->threshold,
                  "Claim score at or above which two units restate the same "
                  "claim; 0 = the default chosen on MSRP train")
      ->capture_default_str();
  cmd->add_option("--claim-headline-threshold", c->headline_threshold,
                  "Score a claim match with a headline on either side also "
                  "needs (headlines share names, not claims, with many "
                  "sentences; docs/quality.md); 0 = --claim-threshold alone")
      ->capture_default_str();
  cmd->add_option("--claim-min-story-similarity", c->min_story_similarity,
                  "A claim match between two articles whose stories are "
                  "less similar than this (cosine of their content words, "
                  "story_similarity in the report) also needs "
                  "--claim-unrelated-threshold: such pairs are mostly one "
                  "template said of different things, a speaker's name or a "
                  "stock phrase (docs/quality.md); 0 = off")
      ->capture_default_str();
  cmd->add_option("--claim-unrelated-threshold", c->unrelated_threshold,
                  "Score a claim match between unrelated stories also needs "
                  "(see --claim-min-story-similarity)")
      ->capture_default_str();
  cmd->add_option("--claim-min-shared-outside-attribution",
                  c->min_shared_outside_attribution,
                  "A claim match whose passages share fewer content words "
                  "than this outside who said them (\"..., said Ian Fogg, "
                  "analyst at Jupiter Research\"; English) also needs "
                  "--claim-unrelated-threshold: the same speaker saying two "
                  "things (docs/quality.md); 0 = off")
      ->capture_default_str();
  cmd->add_option("--claim-min-cosine", c->min_cosine,
                  "Candidate claim pairs with a lower IDF-weighted cosine are "
                  "not scored")
      ->capture_default_str();
  cmd->add_option("--claim-lsh-threshold", c->lsh_threshold,
                  "Jaccard similarity of unit stem shingles the claim LSH is "
                  "tuned for (lower: more recall, more candidates)")
      ->capture_default_str();
  cmd->add_option("--claim-min-containment", c->min_containment,
                  "Also candidates: a unit whose stems are at least this "
                  "share of a longer unit's (a short claim inside a long "
                  "sentence, which the LSH misses; 0.8 finds 2% more "
                  "matches on BBC for 10% more claims time); 0 = off")
      ->capture_default_str();
  cmd->add_flag("!--no-claim-bigrams", c->bigrams,
                "Claim LSH shingles are stems alone, without stem bigrams");
  cmd->add_option("--claim-max-candidates", c->max_candidate_pairs,
                  "The claims stage fails rather than build more candidate "
                  "pairs than this (counted per LSH band, 8 bytes each); 0 = "
                  "no limit")
      ->check(kUnsigned)
      ->capture_default_str();
  cmd->add_option("--claim-min-words", c->min_content_words,
                  "Units with fewer content words are not claims")
      ->capture_default_str();
  cmd->add_option(
         "--boilerplate-min-stories", c->boilerplate_min_stories,
         "A line recurring verbatim in this many stories is boilerplate")
      ->capture_default_str();
  cmd->add_option("--language", c->language,
                  "Snowball stemmer and stop-word language (a Snowball name "
                  "or an ISO 639 code: german, de, deu)")
      ->transform([](std::string l) { return refrain::CanonicalLanguage(l); })
      ->capture_default_str();
  cmd->add_option("--background-idf", c->background_idf,
                  "Text file whose lines add to the IDF statistics (also "
                  ".gz, .zst)")
      ->check(NotEmpty("a file"))
      ->capture_default_str();
  cmd->add_option("--wordnet-dir", c->wordnet_dir,
                  "WordNet 3.0 database directory; empty = no WordNet")
      ->capture_default_str();
  cmd->add_flag("--same-document", c->same_document,
                "Also report claim matches inside one article");
  cmd->add_flag("--collapse-copies", c->collapse_copies,
                "List a claim match once where near-duplicate copies repeat "
                "its sentence word for word (the copies join its claim "
                "cluster) instead of once per copy");
  cmd->add_flag("--claim-keep-nested", c->keep_nested,
                "Also list a claim match whose passages lie inside those of "
                "a higher-scoring match of the same two articles (a quote "
                "and the sentence holding it); by default one of the two is "
                "listed");
  const std::vector<CLI::Option*> all = cmd->get_options();
  return {all.begin() + static_cast<ptrdiff_t>(before), all.end()};
}

// How records are read and cut into sentences (scan and compare).
// Returns the --locale option: unless it is given, the sentence rules
// follow --language (SentenceLocaleOf).
CLI::Option* AddInputFlags(CLI::App* cmd, refrain::IngestOptions* in,
                           refrain::SegmentOptions* seg) {
  cmd->add_option("--max-record-bytes", in->max_record_bytes,
                  "Records (files or JSONL lines) larger than this are skipped")
      ->capture_default_str();
  cmd->add_option("--input-encoding", in->input_encoding,
                  "Charset of input that is not valid UTF-8 (an ICU name: "
                  "windows-1252, koi8-r, shift_jis, ...): such .txt files, "
                  "JSONL lines and HTML pages without a charset of their own "
                  "are converted from it; default: invalid bytes become "
                  "U+FFFD and are counted");
  cmd->add_flag("--strip-html", in->html,
                "Article texts (.txt, JSONL text and title, standard input) "
                "are HTML: markup removed, entities decoded, block elements "
                "on lines of their own (libxml2), before anything else; "
                "offsets are into that text. .html files always are");
  cmd->add_option("--id-field", in->id_field, "JSONL field holding the id")
      ->capture_default_str();
  cmd->add_option_function<std::string>(
         "--repeated-ids",
         [in](const std::string& v) {
           in->repeated_ids = v == "skip" ? refrain::RepeatedIds::kSkip
                                          : refrain::RepeatedIds::kRename;
         },
         "Records sharing an id: rename keeps each, the first too, under the "
         "id ID#HASH (0#3f2a9c1b, a hash of its text and metadata), unless "
         "its text and metadata are an earlier one's (a record delivered "
         "twice, skipped), so shards that each number from 0 lose nothing; "
         "skip keeps only the first record of each id")
      ->check(CLI::IsMember({"rename", "skip"}))
      ->default_str("rename");
  cmd->add_option("--title-field", in->title_field, "JSONL title field")
      ->capture_default_str();
  cmd->add_option("--text-field", in->text_field,
                  "JSONL text field (required; a string, or an array of "
                  "strings joined by line breaks). Every field option takes a "
                  "key or, starting with '/', a JSON Pointer into nested "
                  "objects: /article/body")
      ->capture_default_str();
  cmd->add_option("--url-field", in->url_field, "JSONL url field")
      ->capture_default_str();
  cmd->add_option("--date-field", in->date_field, "JSONL date field")
      ->capture_default_str();
  cmd->add_option("--source-field", in->source_field, "JSONL source field")
      ->capture_default_str();
  CLI::Option* locale =
      cmd->add_option("--locale", seg->locale,
                      "ICU locale for sentence breaking (default: that of "
                      "--language, en@ss=standard for English)");
  cmd->add_option("--min-quote-words", seg->min_quote_words,
                  "Shortest quoted passage kept, in words")
      ->capture_default_str();
  return locale;
}

// The sentence rules of --language unless --locale was given.
void ApplyLanguageLocale(const CLI::Option* locale,
                         refrain::ScanOptions* options) {
  if (locale->count() == 0) {
    options->segment.locale =
        refrain::SentenceLocaleOf(options->claims.language);
  }
}

// When two documents are near-duplicates (scan and compare).
void AddNearDuplicateFlags(CLI::App* cmd, refrain::ScanOptions* o) {
  cmd->add_option("--threshold", o->threshold,
                  "Jaccard similarity of word shingles at or above which two "
                  "documents are near-duplicates, in (0,1)")
      ->capture_default_str();
  cmd->add_option(
         "--containment", o->containment_threshold,
         "Also near-duplicates: the smaller document's shingles are at "
         "least this much inside the larger (re-posts with new "
         "headers/footers); 1 disables")
      ->capture_default_str();
  cmd->add_option("--min-length-ratio", o->min_length_ratio,
                  "Containment matches need the smaller document to have at "
                  "least this fraction of the larger's shingles")
      ->capture_default_str();
}

// The signatures and their LSH banding (scan, and compare, which says
// whether a scan with them compares the pair).
void AddBandingFlags(CLI::App* cmd, refrain::ScanOptions* o) {
  cmd->add_option("--lsh-threshold", o->lsh_threshold,
                  "Jaccard similarity the LSH banding is tuned for; 0 = "
                  "derived from --threshold and --containment")
      ->capture_default_str();
  cmd->add_option("--fp-weight", o->fp_weight,
                  "Weight of LSH false positives when choosing bands x rows")
      ->capture_default_str();
  cmd->add_option("--fn-weight", o->fn_weight,
                  "Weight of LSH false negatives when choosing bands x rows")
      ->capture_default_str();
  cmd->add_option("--num-perm", o->minhash.num_perm,
                  "MinHash signature slots (8..1024)")
      ->capture_default_str();
  cmd->add_option("--seed", o->minhash.seed, "Seed of the MinHash functions")
      ->check(kUnsigned)
      ->capture_default_str();
  cmd->add_option("--bands", o->bands,
                  "LSH bands (0: chosen from the threshold)")
      ->capture_default_str();
  cmd->add_option("--rows", o->rows,
                  "LSH rows per band (0: chosen from the threshold)")
      ->capture_default_str();
}

void AddScanFlags(CLI::App* cmd, ScanFlags* f) {
  refrain::ScanOptions& o = f->options;
  cmd->add_option(
         "paths", f->paths,
         "Files or directories to read (recursively); - reads standard "
         "input")
      ->required();
  cmd->add_option("--out", f->out_dir,
                  "Output directory for report.json, report.html, "
                  "documents.csv, pairs.csv and claims.csv; - prints "
                  "report.json alone on standard output (the summary goes to "
                  "standard error)")
      ->check(NotEmpty("a directory, or -"))
      ->capture_default_str();
  cmd->add_option("--claim-max-memory", f->claim_max_memory_gb,
                  "GB of memory the claims stage may need, as estimated "
                  "before it starts (100 MB + 14 bytes per byte of article "
                  "text); a larger dump gets its document-level results and "
                  "exit 1; 0 = no check; default: the memory available when "
                  "the scan starts")
      ->check(kNumber)
      ->check(CLI::Range(0.0, 1.0e6));
  cmd->add_option("--write-kept", f->write_kept,
                  "Also write the deduplicated dataset to this file "
                  "(.jsonl, .jsonl.gz or .jsonl.zst): the input records of "
                  "every document kept (keep = 1 in documents.csv), in input "
                  "order; JSONL records verbatim, text files as "
                  "{\"id\", \"text\"}")
      ->check(NotEmpty("a file name (.jsonl, .jsonl.gz or .jsonl.zst)"));
  cmd->add_option("--keep", f->keep,
                  "Which member of a near-duplicate cluster is kept "
                  "(documents.csv keep, --write-kept) and represents it: the "
                  "first in input order, the longest text, or the earliest "
                  "date (ISO 8601 / RFC 3339, RFC 1123 or \"November 23, "
                  "2026\" dates as instants, "
                  "other texts after them, undated last); with --index, an "
                  "indexed article; under every policy a text that looks "
                  "like HTML markup read as words comes after a clean one")
      ->check(CLI::IsMember({"first", "longest", "earliest"}))
      ->capture_default_str();
  AddNearDuplicateFlags(cmd, &o);
  AddBandingFlags(cmd, &o);
  cmd->add_option("--shingle", o.shingle.size, "Words per shingle (1..32)")
      ->capture_default_str();
  cmd->add_option("--minhash", f->minhash,
                  "MinHash algorithm: oph (one permutation, densified) or "
                  "classic (num-perm hash functions)")
      ->check(CLI::IsMember({"oph", "classic"}))
      ->capture_default_str();
  cmd->add_option("--max-bucket", o.max_bucket,
                  "LSH buckets larger than this pair each member only with "
                  "the member --keep prefers (the first under --keep first), "
                  "so that thousands of copies cost linear time")
      ->capture_default_str();
  cmd->add_option("--max-cluster-pairs", o.max_cluster_pairs,
                  "Clusters larger than this list a spanning tree of their "
                  "verified pairs, grown from the representative, instead of "
                  "all pairs")
      ->capture_default_str();
  cmd->add_option("--threads", o.threads,
                  "Worker threads, 0 = the CPUs this process may use, at most "
                  "its cgroup's CPU quota (a container's CPU limit), or "
                  "OMP_NUM_THREADS when set")
      ->capture_default_str();
  f->locale = AddInputFlags(cmd, &o.ingest, &o.segment);
  f->claim_flags = AddClaimFlags(cmd, &o.claims);
  cmd->add_flag("--strict", f->strict,
                "Exit 1 if any record was skipped (files a folder walk passes "
                "over by name, hidden or of another type, are listed but do "
                "not count); with --index such a run adds nothing to the "
                "index and writes no --write-kept file");
  cmd->add_flag("--quiet", f->quiet,
                "Print nothing but errors and the records skipped (each with "
                "its file, line and reason)");
  cmd->add_flag("--floor", o.floor,
                "Only ingest, validate UTF-8 and split words: the speed floor "
                "every other figure is compared with; writes no report");
  cmd->add_option("--index", o.index_path,
                  "Persistent index (SQLite file, created if missing): also "
                  "compare with every article indexed by earlier scans, then "
                  "add this dump to it")
      ->check(NotEmpty("an index file"));
  cmd->add_flag("--index-read-only", o.index_read_only,
                "With --index: compare with the indexed articles but add "
                "nothing (the index must exist; read as one snapshot, beside "
                "any scan writing it)");
  cmd->add_flag("--index-report-unchanged", o.index_report_unchanged,
                "With --index: also report what articles delivered again "
                "unchanged (same id, same text) share with indexed articles "
                "and with each other; by default that was reported when the "
                "later of the two was added, and only their pairs and matches "
                "with new articles are. Such an article keeps the keep its "
                "first run gave it (else 0): a dump scanned again gives its "
                "report and dataset again");
  f->index_wait =
      cmd->add_option_function<double>(
             "--index-wait",
             [&o](double s) { o.index_wait_ms = static_cast<int>(s * 1000); },
             "Seconds to wait while another process writes the index "
             "(default 30)")
          ->check(kNumber)
          ->check(CLI::Range(0.0, 86400.0));
  // What --floor leaves undone: the sketch, its LSH and verification, the
  // clusters, the kept records, sentences and claims, the index.
  for (const char* name : {"--threshold",
                           "--containment-threshold",
                           "--min-length-ratio",
                           "--keep",
                           "--lsh-threshold",
                           "--fp-weight",
                           "--fn-weight",
                           "--num-perm",
                           "--shingle",
                           "--seed",
                           "--minhash",
                           "--bands",
                           "--rows",
                           "--max-bucket",
                           "--max-cluster-pairs",
                           "--claim-max-memory",
                           "--locale",
                           "--min-quote-words",
                           "--index",
                           "--index-read-only",
                           "--index-report-unchanged",
                           "--index-wait"}) {
    if (const CLI::Option* opt = cmd->get_option_no_throw(name)) {
      f->floor_ignores.push_back(opt);
    }
  }
  f->floor_ignores.insert(f->floor_ignores.end(), f->claim_flags.begin(),
                          f->claim_flags.end());
}

// A one-line progress display on stderr, redrawn at most 5 times a second,
// only when stderr is a terminal. The ETA needs the total size, known only
// for uncompressed inputs.
class ProgressBar {
 public:
  ProgressBar(const std::vector<std::string>& paths, bool enabled)
      : enabled_(enabled && isatty(STDERR_FILENO)),
        start_(Clock::now()),
        last_(start_) {
    if (!enabled_) return;
    namespace fs = std::filesystem;
    std::error_code ec;
    for (const std::string& p : paths) {
      if (fs::is_directory(p, ec)) {
        for (auto it = fs::recursive_directory_iterator(p, ec);
             it != fs::recursive_directory_iterator(); it.increment(ec)) {
          if (ec) break;
          Add(it->path().string(), it->is_regular_file(ec));
        }
      } else {
        Add(p, fs::is_regular_file(p, ec));
      }
    }
  }
  ~ProgressBar() {
    if (drawn_) std::cerr << "\r\033[K" << std::flush;
  }
  void Update(uint64_t docs, uint64_t bytes) {
    if (!enabled_) return;
    auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double mb = bytes / 1e6;
    std::string line = absl::StrFormat("  %d documents, %.1f MB, %.1f MB/s",
                                       docs, mb, secs > 0 ? mb / secs : 0.0);
    if (total_bytes_ > 0 && !compressed_ && bytes > 0 &&
        bytes <= total_bytes_) {
      double frac = static_cast<double>(bytes) / total_bytes_;
      int width = 24, filled = static_cast<int>(frac * width);
      line = absl::StrFormat("[%s%s] %3.0f%%", std::string(filled, '#'),
                             std::string(width - filled, '.'), frac * 100) +
             line + absl::StrFormat(", ETA %.0f s", secs / frac - secs);
    }
    std::cerr << "\r\033[K" << line << std::flush;
    drawn_ = true;
  }

 private:
  using Clock = std::chrono::steady_clock;
  void Add(const std::string& path, bool regular) {
    if (!regular) return;
    std::error_code ec;
    total_bytes_ += std::filesystem::file_size(path, ec);
    compressed_ |= path.ends_with(".gz") || path.ends_with(".zst");
  }
  bool enabled_;
  bool drawn_ = false;
  bool compressed_ = false;
  uint64_t total_bytes_ = 0;
  Clock::time_point start_, last_;
};

#ifdef REFRAIN_HAVE_MPI
void PrintMpiStats(const refrain::MpiStats& st, uint32_t ranks) {
  const std::pair<const char*, const refrain::MpiPhaseStats*> phases[] = {
      {"sketch", &st.sketch}, {"merge", &st.merge},     {"bands", &st.bands},
      {"verify", &st.verify}, {"cluster", &st.cluster}, {"claims", &st.claims}};
  std::cerr << absl::StrFormat(
      "mpi: %d ranks, %d documents (rank 0 sketched %d records), %d bytes "
      "sent (%.0f per document)\n",
      ranks, st.total_documents, st.local_documents, st.total_bytes_sent,
      st.total_documents
          ? static_cast<double>(st.total_bytes_sent) / st.total_documents
          : 0.0);
  for (auto [name, p] : phases) {
    std::cerr << absl::StrFormat(
        "mpi: phase %s: %.3f s on rank 0, %d bytes sent by all ranks\n", name,
        p->seconds, p->bytes_sent_all_ranks);
  }
}
#endif

absl::StatusOr<uint64_t> WriteScanFiles(const ScanFlags& f,
                                        const refrain::Report& report);
int WriteScanOutputs(const ScanFlags& f,
                     absl::StatusOr<refrain::Report>& report,
                     std::optional<absl::StatusOr<uint64_t>> written);

// --write-kept's file can be written: the inputs can be read again, and
// the file is none of the inputs, the index or the reports.
absl::Status CheckWriteKept(const ScanFlags& f) {
  if (f.write_kept.empty()) return absl::OkStatus();
  if (absl::Status s = refrain::CheckReadableTwice(f.paths, "--write-kept",
                                                   "to copy the kept records");
      !s.ok()) {
    return s;
  }
  if (f.options.floor) {
    return absl::InvalidArgumentError(
        "--write-kept cannot be used with --floor (which keeps nothing)");
  }
  // Said after the checks below, which name what the file is.
  const absl::Status name_check =
      refrain::CheckJsonLinesName("--write-kept", f.write_kept);
  if (!std::filesystem::exists(f.write_kept)) return name_check;
  auto same = [&](const std::string& path) {
    std::error_code ec;
    return std::filesystem::equivalent(path, f.write_kept, ec);
  };
  // The dataset would replace one of its own inputs, the archive, or a
  // report of this run.
  for (const refrain::InputFile& in : refrain::ListInputFiles(f.paths)) {
    if (same(in.path)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--write-kept ", f.write_kept,
                       " is one of the inputs; write the kept records "
                       "elsewhere"));
    }
  }
  if (!f.options.index_path.empty() && same(f.options.index_path)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--write-kept ", f.write_kept,
                     " is the --index file; write the kept records elsewhere"));
  }
  for (const char* name : refrain::kReportFiles) {
    if (f.out_dir != "-" && same(absl::StrCat(f.out_dir, "/", name))) {
      return absl::InvalidArgumentError(
          absl::StrCat("--write-kept ", f.write_kept, " is ", name,
                       " of --out; write the kept records elsewhere"));
    }
  }
  return name_check;
}

// `path` as it would resolve, whether it exists yet or not. Absolute
// first: weakly_canonical leaves a relative path whose first part does not
// exist relative ("report.json" against "./report.json", review 44c-01).
std::filesystem::path Resolved(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path, ec);
  if (ec) p = path;
  std::filesystem::path c = std::filesystem::weakly_canonical(p, ec);
  // "dump/new/.." whose "new" does not exist yet keeps its "..": normal,
  // it is "dump" (review 47b-11).
  std::filesystem::path r = ec ? p.lexically_normal() : c.lexically_normal();
  // lexically_normal keeps a separator where ".." was last ("dump/").
  if (!r.has_filename() && r.has_parent_path() && r != r.root_path()) {
    r = r.parent_path();
  }
  return r;
}

// Whether `inner` lies strictly inside `outer` (both Resolved).
bool Inside(const std::filesystem::path& inner,
            const std::filesystem::path& outer) {
  const auto [o, i] =
      std::mismatch(outer.begin(), outer.end(), inner.begin(), inner.end());
  return o == outer.end() && i != inner.end();
}

// The first entry of directory `dir` that is not a report file nor
// hidden, if any: a folder of an input folder that holds one is read as
// input, report files and all (IsEarlierOutput in ingest.cc).
std::optional<std::string> OtherThanReports(const std::string& dir) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(".") && !refrain::IsReportFileName(name)) {
      return name;
    }
  }
  return std::nullopt;
}

// Neither --out nor --write-kept is where the next scan of an input folder
// would read it: --out the folder itself, whose report files the walk
// then reads as articles (a folder inside it is left out while it holds
// only report files), or --write-kept anywhere in it. Such a run worked
// once and the same command failed the next day (review 47a-03).
absl::Status CheckOutputsOutsideInputs(const ScanFlags& f) {
  for (const std::string& path : f.paths) {
    std::error_code ec;
    if (path == "-" || !std::filesystem::is_directory(path, ec)) continue;
    const std::filesystem::path dir = Resolved(path);
    if (f.out_dir != "-" && !f.options.floor) {
      const std::filesystem::path out = Resolved(f.out_dir);
      if (out == dir) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--out ", f.out_dir, " is the input folder ", path,
            ": the next scan of it would read the report files as articles; "
            "write them elsewhere, or in a folder of their own inside it"));
      }
      // A folder of its own is left out of the walk only while it holds
      // nothing else (review 47b-08: the reports among articles).
      if (std::optional<std::string> other;
          Inside(out, dir) && (other = OtherThanReports(out.string()))) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--out ", f.out_dir, " is inside the input folder ", path,
            " and holds ", *other,
            ": the next scan would read the report files with it; write "
            "them in a folder of their own"));
      }
    }
    if (f.write_kept.empty()) continue;
    // A hidden folder on the way is one the walk passes over (review
    // 47c-08).
    const std::filesystem::path kept = Resolved(f.write_kept);
    bool hidden = false;
    for (const std::filesystem::path& part :
         kept.parent_path().lexically_relative(dir)) {
      hidden = hidden || part.string().starts_with(".");
    }
    if (Inside(kept, dir) && !hidden) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--write-kept ", f.write_kept, " is inside the input folder ", path,
          ": the next scan of it would read the kept records as articles; "
          "write them elsewhere"));
    }
  }
  return absl::OkStatus();
}

// The --index file is none of the inputs nor a report of --out, each of
// which the scan would read as a dump or rename over the index (review
// 44b-02: `--index out/report.json --out out` exited 0 with the index
// lost). The index need not exist yet, so paths are compared as they would
// resolve.
absl::Status CheckIndexPath(const ScanFlags& f) {
  const std::string& index = f.options.index_path;
  if (index.empty()) return absl::OkStatus();
  const std::filesystem::path at = Resolved(index);
  if (f.out_dir != "-") {
    for (const char* name : refrain::kReportFiles) {
      if (Resolved(absl::StrCat(f.out_dir, "/", name)) == at) {
        return absl::InvalidArgumentError(
            absl::StrCat("--index ", index, " is ", name,
                         " of --out; keep the index elsewhere"));
      }
    }
  }
  if (!f.write_kept.empty() && Resolved(f.write_kept) == at) {
    return absl::InvalidArgumentError(
        absl::StrCat("--index ", index,
                     " is the --write-kept file; keep the index elsewhere"));
  }
  for (const std::string& path : f.paths) {
    if (path != "-" && Resolved(path) == at) {
      return absl::InvalidArgumentError(
          absl::StrCat("--index ", index,
                       " is one of the inputs; keep the index elsewhere"));
    }
  }
  return absl::OkStatus();
}

// Whether `dir` (given by `flag`) exists as a directory this process can
// write in, or could be created: its nearest existing ancestor is a
// directory it can write in. Checked before a scan, whose outputs are
// written after it: a mistyped or read-only --out used to fail only once an
// hours-long scan was done, its results lost. (Nothing is created here: a
// scan refused later, for a bad flag, leaves nothing behind.)
absl::Status CheckCanCreate(const char* flag, const std::string& dir) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(dir, ec);
  if (ec) p = dir;
  while (!std::filesystem::exists(p, ec) && p.has_parent_path() &&
         p != p.parent_path()) {
    p = p.parent_path();
  }
  if (!std::filesystem::is_directory(p, ec)) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, " ", dir, ": ", p.string(), " is not a directory"));
  }
  // A directory made and removed at once: write permission alone passes
  // for root where nothing can be made (/proc, a read-only mount).
  std::string probe = (p / ".refrain-probe-XXXXXX").string();
  if (mkdtemp(probe.data()) == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        flag, " ", dir, ": cannot write in ", p.string(), ": ",
        std::strerror(errno), " (said before the scan, which would be lost)"));
  }
  rmdir(probe.c_str());
  return absl::OkStatus();
}

int RunScanCommand(ScanFlags& f) {
  // --threads holds for the whole command: RunScan scopes it to the scan
  // (a library must leave its host's setting as it was), and the report
  // files, rendered in parallel after it, used every core even at
  // --threads 1.
  omp_set_num_threads(f.options.threads > 0 ? f.options.threads
                                            : refrain::DefaultThreadCount());
  ApplyLanguageLocale(f.locale, &f.options);
  f.options.claims.max_memory_bytes =
      f.claim_max_memory_gb < 0
          ? AvailableMemoryBytes()
          : static_cast<uint64_t>(f.claim_max_memory_gb * 1e9);
  // Under mpirun only rank 0 writes the outputs: the other ranks' hosts
  // need not have their directories.
  bool writes_outputs = true;
#ifdef REFRAIN_HAVE_MPI
  writes_outputs = refrain::MpirunRank() == 0;
#endif
  if (absl::Status s = CheckWriteKept(f); !s.ok()) {
    return Fail(s, writes_outputs);
  }
  if (absl::Status s = CheckIndexPath(f); !s.ok()) {
    return Fail(s, writes_outputs);
  }
  if (absl::Status s = CheckOutputsOutsideInputs(f); !s.ok()) {
    return Fail(s, writes_outputs);
  }
  if (absl::Status s = ClaimFlagsNeedClaims(f.claim_flags, f.options.claims);
      !s.ok()) {
    return Fail(s, writes_outputs);
  }
  if (f.options.floor) {
    for (const CLI::Option* o : f.floor_ignores) {
      if (o->count() > 0) {
        return Fail(absl::InvalidArgumentError(absl::StrCat(
                        o->get_name(),
                        " has no effect with --floor (which only reads and "
                        "splits words)")),
                    writes_outputs);
      }
    }
  }
  if (f.index_wait->count() > 0 && f.options.index_path.empty()) {
    return Fail(absl::InvalidArgumentError("--index-wait needs --index PATH"),
                writes_outputs);
  }
  // Standard input is one stream: a second - would read nothing (review,
  // thirty-second session: it was a skipped record).
  if (std::count(f.paths.begin(), f.paths.end(), "-") > 1) {
    return Fail(absl::InvalidArgumentError(
                    "standard input (-) can be named once among the inputs"),
                writes_outputs);
  }
  // Said before the scan rather than after it.
  if (std::error_code ec; writes_outputs && f.out_dir != "-" &&
                          std::filesystem::exists(f.out_dir, ec) &&
                          !std::filesystem::is_directory(f.out_dir, ec)) {
    return Fail(absl::InvalidArgumentError(
        absl::StrCat("--out ", f.out_dir, " is not a directory")));
  }
  if (writes_outputs && f.out_dir != "-") {
    if (absl::Status s = CheckCanCreate("--out", f.out_dir); !s.ok()) {
      return Fail(s);
    }
  }
  if (writes_outputs && !f.write_kept.empty()) {
    if (std::error_code ec; std::filesystem::is_directory(f.write_kept, ec)) {
      return Fail(absl::InvalidArgumentError(absl::StrCat(
          "--write-kept ", f.write_kept, " is a directory: name a file")));
    }
    const std::filesystem::path parent =
        std::filesystem::path(f.write_kept).parent_path();
    if (absl::Status s =
            CheckCanCreate("--write-kept",
                           parent.empty() ? std::string(".") : parent.string());
        !s.ok()) {
      return Fail(s);
    }
  }
  // A dump folder holding this scan's output directory does not read its
  // reports back.
  if (f.out_dir != "-") f.options.ingest.exclude_from_walk.push_back(f.out_dir);
  // Nor its index as records (a --write-kept file in a dump folder is
  // refused above).
  if (!f.options.index_path.empty()) {
    f.options.ingest.exclude_from_walk.push_back(f.options.index_path);
  }
  f.options.keep = f.keep == "longest"    ? refrain::KeepPolicy::kLongest
                   : f.keep == "earliest" ? refrain::KeepPolicy::kEarliest
                                          : refrain::KeepPolicy::kFirst;
  f.options.minhash.algorithm =
      f.minhash == "classic" ? refrain::MinHashAlgorithm::kClassic
                             : refrain::MinHashAlgorithm::kOnePermutation;
  // The report (every document's metadata, and its text with claims) is
  // left to the operating system at exit: freeing a hundred thousand
  // documents' strings one by one took about 0.03 s of a 1.1 s scan. The
  // static pointer keeps it reachable, so leak checkers do not flag it.
  static auto* const kept = new absl::StatusOr<refrain::Report>();
  absl::StatusOr<refrain::Report>& report = *kept;
#ifdef REFRAIN_HAVE_MPI
  // Under mpirun every rank runs this; rank 0 writes the outputs.
  if (refrain::LaunchedByMpirun()) {
    refrain::MpiSession session(nullptr, nullptr);
    if (session.size() > 1) {
      refrain::MpiStats stats;
      absl::StatusOr<std::optional<refrain::Report>> r;
      {
        ProgressBar bar(f.paths, !f.quiet && session.rank() == 0);
        r = refrain::RunScanMpi(
            session, f.paths, f.options,
            [&](uint64_t docs, uint64_t bytes) { bar.Update(docs, bytes); },
            &stats);
      }
      if (!r.ok()) {
        // One rank's failure fails them all; only that rank says why (a
        // refused option: rank 0).
        if (absl::IsAborted(r.status())) return kExitFailure;
        if (absl::IsInvalidArgument(r.status())) {
          return Fail(r.status(), session.rank() == 0);
        }
        // Its own failure (an input its host cannot read, memory): which
        // rank on which host, as the paths are that host's.
        char host[256] = {};
        if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
        return Fail(absl::Status(
            r.status().code(),
            absl::StrCat("rank ", session.rank(), " of ", session.size(),
                         host[0] != '\0' ? absl::StrCat(" on ", host) : "",
                         ": ", r.status().message())));
      }
      if (!r->has_value()) return kExitOk;
      if (!f.quiet) PrintMpiStats(stats, session.size());
      report = std::move(**r);
      return WriteScanOutputs(f, report, std::nullopt);
    }
  }
#endif
  // A scan adding to an index writes its files before the dump is
  // committed: a mistyped --out or a full disk then adds nothing, and the
  // run can be repeated (a dump already indexed would keep none of its
  // articles in --write-kept).
  std::optional<absl::StatusOr<uint64_t>> written;
  f.options.index_nothing_if_skipped = f.strict;
  refrain::BeforeIndexCommitFn before_commit;
  if (!f.options.index_path.empty() && !f.options.index_read_only) {
    before_commit = [&](const refrain::Report& r) -> absl::Status {
      written = WriteScanFiles(f, r);
      if (written->ok()) return absl::OkStatus();
      return absl::Status(
          written->status().code(),
          absl::StrCat(written->status().message(), " (nothing was added to ",
                       f.options.index_path, ")"));
    };
  }
  {
    ProgressBar bar(f.paths, !f.quiet);
    report = refrain::RunScan(
        f.paths, f.options,
        [&](uint64_t docs, uint64_t bytes) { bar.Update(docs, bytes); },
        before_commit);
  }
  return WriteScanOutputs(f, report, std::move(written));
}

// report.html's page title and heading: the inputs by their last path part
// ("refrain report: bbc"), so that two reports open side by side are told
// apart (review 40a: every tab read "refrain report").
std::string ReportTitle(const std::vector<std::string>& paths) {
  std::vector<std::string> names;
  std::vector<std::string> seen;  // Each input once ("d", "d/", "./d").
  size_t more = 0;
  for (const std::string& p : paths) {
    std::string name = "standard input";
    std::string key = p;
    if (p != "-") {
      std::filesystem::path path(p);
      // "dir/", "." and "..": the folder's own name.
      std::error_code ec;
      const std::filesystem::path whole = std::filesystem::absolute(path, ec);
      if (!ec) path = whole.lexically_normal();
      if (!path.has_filename()) path = path.parent_path();
      key = path.string();
      name = path.filename().string();
      if (name.empty()) name = p;
    }
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    if (names.size() < 3) {
      names.push_back(name);
    } else {
      ++more;
    }
  }
  std::string title = "refrain report: " + absl::StrJoin(names, ", ");
  if (more > 0) absl::StrAppend(&title, " and ", more, " more");
  return title;
}

// --write-kept's file, then report.json, report.html and the CSVs in --out
// (or report.json on standard output); the number of kept records written,
// 0 without --write-kept. The dataset is written first but renamed last:
// its second read of the inputs is what fails most, and then nothing is
// replaced (reports left behind would say the dump was added to the index
// when the failure added nothing); a report file that cannot be written
// (a full disk under --out) leaves the earlier dataset too. A dump --strict
// kept out of the index has no dataset: the kept files of a daily job hold
// each indexed article once, and the run repeated once the bad record is
// fixed keeps these articles.
absl::StatusOr<uint64_t> WriteScanFiles(const ScanFlags& f,
                                        const refrain::Report& report) {
  std::optional<refrain::PendingKeptRecords> kept;
  if (!f.write_kept.empty() && !report.index.withheld) {
    absl::StatusOr<refrain::PendingKeptRecords> p =
        refrain::PrepareKeptRecords(report, f.paths, f.write_kept);
    if (!p.ok()) return p.status();
    kept.emplace(*std::move(p));
  }
  refrain::PendingKeptRecords* pending = kept ? &*kept : nullptr;
  if (f.out_dir == "-") {
    refrain::WriteJson(report, std::cout);
    std::cout.flush();
    if (!std::cout) {
      return absl::UnavailableError(
          "cannot write report.json to standard output");
    }
    if (pending != nullptr) {
      if (absl::Status s = pending->Commit(); !s.ok()) return s;
    }
  } else {
    refrain::HtmlOptions html;
    html.title = ReportTitle(f.paths);
    if (auto s = refrain::WriteReports(report, f.out_dir, html, pending);
        !s.ok()) {
      return s;
    }
  }
  return kept ? kept->records() : 0;
}

// Inputs that could not be read, wholly or in part (SkippedRecord::
// unreadable).
size_t CountUnreadable(const std::vector<refrain::SkippedRecord>& skipped) {
  return static_cast<size_t>(std::count_if(
      skipped.begin(), skipped.end(),
      [](const refrain::SkippedRecord& s) { return s.unreadable; }));
}

// A scan that read nothing (a mistyped path, a dump of bad records) has
// written an empty report: a daily job must not take it for a quiet day.
// kExitFailure (said on standard error) or kExitOk.
int NothingRead(const refrain::Report& r) {
  if (r.documents.size() != r.index.loaded) return kExitOk;
  std::cerr << "refrain: no document read from the inputs";
  if (!r.skipped.empty()) {
    std::cerr << " (every record was skipped: " << r.skipped.size()
              << ", listed above)";
  }
  std::cerr << "\n";
  return kExitFailure;
}

// An input that could not be read, wholly or in part (a mistyped path, no
// permission, a corrupt or cut .gz or .zst, a read error), lost records
// no one can count, and a stream that failed its checksum may have given
// damaged ones: a daily job must see it, --strict or not (review,
// twenty-ninth session: a cut dump exited 0 with half its records, a
// mistyped path among others exited 0).
// kExitFailure (said on standard error) or kExitOk.
int UnreadOrStrict(const ScanFlags& f, const refrain::Report& r) {
  if (const size_t unreadable = CountUnreadable(r.skipped); unreadable > 0) {
    std::cerr << "refrain: " << unreadable
              << (unreadable == 1 ? " input" : " inputs")
              << " could not be read, or not to the end (listed above)"
              << (f.options.floor ? "" : ": the reports cover what was read")
              << (f.options.index_path.empty() || f.options.index_read_only ? ""
                  : r.index.withheld
                      ? ", and nothing was added to the index (--strict)"
                  : r.damaged.empty()
                      ? ", and that was added to the index"
                      : ", and that was added to the index but for the "
                        "documents marked damaged")
              << "\n";
    return kExitFailure;
  }
  // Files a walk passed over by name (.DS_Store, README.md) are listed but
  // are no failed records (review, thirty-second session: --strict failed
  // on every folder copied from a Mac).
  const auto failed = std::count_if(
      r.skipped.begin(), r.skipped.end(),
      [](const refrain::SkippedRecord& s) { return !s.passed_over; });
  if (f.strict && failed > 0) {
    std::cerr << "refrain: --strict: " << failed
              << (failed == 1 ? " record" : " records") << " skipped";
    if (r.index.withheld) {
      std::cerr << "; nothing was added to the index " << f.options.index_path
                << " (fix the records and run the scan again)";
    }
    std::cerr << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

// `written`: what WriteScanFiles returned if it ran before the index
// commit.
int WriteScanOutputs(const ScanFlags& f,
                     absl::StatusOr<refrain::Report>& report,
                     std::optional<absl::StatusOr<uint64_t>> written) {
  if (!report.ok()) {
    if (written && written->ok()) {
      return Fail(absl::Status(
          report.status().code(),
          absl::StrCat(report.status().message(), " (the reports in ",
                       f.out_dir == "-" ? "standard output" : f.out_dir,
                       " were written, but the dump was not added to ",
                       f.options.index_path,
                       ": they list it as added; run the scan again)")));
    }
    return Fail(report.status());
  }
  if (f.options.floor) {
    refrain::WriteSkipped(report->skipped, std::cerr);
    if (!f.quiet) {
      std::cout << absl::StrFormat(
          "floor: %d documents, %d skipped, %d words, %.1f MB in %.3f s (%.1f "
          "MB/s)\n",
          report->documents.size(), report->skipped.size(), report->floor_words,
          report->input_bytes / 1e6, report->timings.total_s,
          report->input_bytes / 1e6 / std::max(report->timings.total_s, 1e-9));
    }
    // The floor reads as a scan does, and says so as a scan does (review,
    // thirty-eighth session: it exited 0 for a mistyped path, a cut .gz
    // and --strict with skipped records).
    if (const int code = NothingRead(*report); code != kExitOk) return code;
    return UnreadOrStrict(f, *report);
  }

  refrain::WriteSkipped(report->skipped, std::cerr);
  // --out -: report.json alone, on standard output, for a pipeline; the
  // summary then goes to standard error.
  const bool to_stdout = f.out_dir == "-";
  if (!written) written = WriteScanFiles(f, *report);
  if (!written->ok()) return Fail(written->status());
  if (!f.quiet) {
    std::ostream& out = to_stdout ? std::cerr : std::cout;
    refrain::WriteSummary(*report, out);
    if (!to_stdout) out << "report: " << f.out_dir << "/report.json\n";
    if (!f.write_kept.empty() && report->index.withheld) {
      out << "kept: " << f.write_kept
          << " not written, as nothing was added to the index ("
          << (report->claims_error.empty() ? "--strict" : "claims stopped")
          << ")\n";
    } else if (!f.write_kept.empty()) {
      out << "kept: " << **written << " of "
          << report->documents.size() - report->index.loaded << " documents";
      // The dataset is of documents; records skipped are not in it
      // (review, thirty-third session: "kept 5 of 5" hid 2,220 records
      // skipped for a mistyped --id-field).
      if (!report->skipped.empty()) {
        out << " (of " << report->records
            << " records: " << report->skipped.size()
            << " skipped, listed above)";
      }
      out << " -> " << f.write_kept << "\n";
    }
  }
  if (const int code = NothingRead(*report); code != kExitOk) return code;
  // The outputs are written, but a stage that was asked for did not run to
  // the end: scripts must not take them for a full result.
  if (!report->claims_error.empty()) {
    std::cerr << "refrain: " << report->claims_error
              << "\nrefrain: the near-duplicate results are written, without "
                 "claims";
    if (report->index.withheld) {
      std::cerr << "; nothing was added to the index " << f.options.index_path;
    }
    std::cerr << "\n";
    return kExitFailure;
  }
  return UnreadOrStrict(f, *report);
}

struct GenerateFlags {
  refrain::GenerateOptions options;
  int threads = 0;  // 0: DefaultThreadCount(), as scan's --threads.
};

int RunGenerateCommand(const GenerateFlags& f) {
  const refrain::GenerateOptions& o = f.options;
  if (f.threads > 0) omp_set_num_threads(f.threads);
  absl::StatusOr<refrain::GenerateStats> st = refrain::Generate(o);
  if (!st.ok()) return Fail(st.status());
  // An article draws about 20 sentences: from a few thousand, unrelated
  // articles share some, and near-duplicates the truth file does not list
  // appear (review 48a-02: one 370-word source article gave 9,528
  // unplanted pairs at Jaccard 0.8 in 1,000 documents).
  constexpr uint64_t kFewSentences = 5000;
  if (st->source_sentences > 0 && st->source_sentences < kFewSentences) {
    std::cerr << absl::StrFormat(
        "refrain: warning: --source holds only %d sentences: unrelated "
        "generated articles share sentences and may be near-duplicates "
        "that the truth file does not list (it lists planted pairs: it "
        "measures recall, not precision); a source of %d sentences or "
        "more avoids it\n",
        st->source_sentences, kFewSentences);
  }
  std::cout << absl::StrFormat(
      "generated %d documents (%.1f MB of text), %d planted pairs -> %s\n",
      st->docs, st->text_bytes / 1e6, st->planted_pairs, o.out);
  return kExitOk;
}

struct CompareFlags {
  std::string a, b;
  std::vector<std::string> inputs;
  bool json = false;
  std::string html;
  refrain::ScanOptions options;
  const CLI::Option* locale = nullptr;  // --locale, to tell if it was given.
  std::vector<const CLI::Option*> claim_flags;  // AddClaimFlags'.
};

// The page of --html must not replace what compare reads: a file it
// compares, an input of --in, or the index.
absl::Status CheckCompareHtml(const CompareFlags& f) {
  if (f.html.empty()) return absl::OkStatus();
  // Where the page goes, as scan checks --out: a file on the path is a
  // usage error (exit 2), as it is for scan (review 39a-01: exit 1 here).
  const std::string parent =
      std::filesystem::path(f.html).parent_path().string();
  if (absl::Status s = CheckCanCreate("--html", parent.empty() ? "." : parent);
      !s.ok()) {
    return s;
  }
  if (!std::filesystem::exists(f.html)) return absl::OkStatus();
  auto same = [&](const std::string& path) {
    std::error_code ec;
    return std::filesystem::equivalent(path, f.html, ec);
  };
  auto refuse = [&](const char* what) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--html ", f.html, " is ", what, "; write the page elsewhere"));
  };
  if (same(f.a)) return refuse("the first document compared");
  if (same(f.b)) return refuse("the second document compared");
  for (const refrain::InputFile& in : refrain::ListInputFiles(f.inputs)) {
    if (same(in.path)) return refuse("one of the inputs of --in");
  }
  if (!f.options.index_path.empty() && same(f.options.index_path)) {
    return refuse("the --index file");
  }
  return absl::OkStatus();
}

int RunCompareCommand(const CompareFlags& f) {
  if (f.a == f.b && f.a != "-") {  // "-" twice has a message of its own.
    return Fail(absl::InvalidArgumentError(
        absl::StrCat("A and B are the same document (", f.a,
                     "): name two documents to compare")));
  }
  if (absl::Status s = CheckCompareHtml(f); !s.ok()) return Fail(s);
  if (absl::Status s = ClaimFlagsNeedClaims(f.claim_flags, f.options.claims);
      !s.ok()) {
    return Fail(s);
  }
  // compare explains A against B; it took the flag and ignored it (review
  // 39a-03).
  if (f.options.claims.same_document) {
    return Fail(absl::InvalidArgumentError(
        "--same-document is for scan: compare lists the matches between A "
        "and B (scan the two with --same-document for those inside one)"));
  }
  // Scoring every pair of units is bounded by the memory there is, as the
  // scan's claims stage is.
  refrain::ScanOptions options = f.options;
  ApplyLanguageLocale(f.locale, &options);
  if (options.claims.max_memory_bytes == 0) {
    options.claims.max_memory_bytes = AvailableMemoryBytes();
  }
  absl::StatusOr<refrain::Comparison> c =
      refrain::CompareDocuments(f.a, f.b, f.inputs, options);
  if (!c.ok()) return Fail(c.status());
  refrain::WriteSkipped(c->skipped, std::cerr);
  if (!f.html.empty()) {
    refrain::HtmlOptions o;
    o.title = "refrain compare";
    o.show_timings = false;
    o.beside_report_files = false;
    o.comparison = &*c;
    std::ostringstream page;
    refrain::WriteHtml(refrain::ComparisonReport(*c, options), page, o);
    if (auto s = refrain::WriteFileAtomically(f.html, page.str()); !s.ok()) {
      return Fail(s);
    }
  }
  if (f.json) {
    refrain::WriteCompareJson(*c, std::cout);
  } else {
    refrain::WriteCompareText(*c, std::cout);
  }
  // An --in input read in part or not at all gives an IDF unlike the
  // scan's: the scores are not the ones the scan of the dump reports
  // (review, thirty-eighth session: exit 0 with a cut .gz and a missing
  // path).
  if (const size_t unreadable = CountUnreadable(c->skipped); unreadable > 0) {
    std::cerr << "refrain: " << unreadable
              << (unreadable == 1 ? " input" : " inputs")
              << " could not be read, or not to the end (listed above): the "
                 "comparison covers what was read\n";
    return kExitFailure;
  }
  return kExitOk;
}

// ---- eval-pairs (begin) ----------------------------------------------------
// `refrain eval-pairs FILE`: the claim scorer on labelled pairs (MSRP format).

struct EvalPairsFlags {
  std::string path;
  bool json = false;
  bool strict = false;
  refrain::EvalPairsOptions options;
};

void AddEvalPairsFlags(CLI::App* cmd, EvalPairsFlags* f) {
  cmd->add_option("FILE", f->path,
                  "Labelled pairs: header line, then Quality<TAB>#1 ID<TAB>#2 "
                  "ID<TAB>#1 String<TAB>#2 String (MSRP format)")
      ->required();
  cmd->add_option("--threshold", f->options.threshold,
                  "Score at or above which a pair counts as the same claim; "
                  "default: the scorer's default threshold")
      ->check(kNumber)
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--wordnet-dir,--wordnet", f->options.wordnet_dir,
                  "WordNet 3.0 database directory; \"\" scores without WordNet "
                  "(--wordnet: its earlier name)")
      ->capture_default_str();
  cmd->add_flag("--json", f->json, "Print one JSON object instead of text");
  cmd->add_flag("--strict", f->strict,
                "Exit 1 if any line was malformed (each is listed with its "
                "line number either way; the figures cover the others)");
}

int RunEvalPairsCommand(const EvalPairsFlags& f) {
  absl::StatusOr<refrain::EvalPairsResult> r =
      refrain::EvalPairs(f.path, f.options);
  if (!r.ok()) return Fail(r.status());
  for (const std::string& m : r->malformed) std::cerr << m << "\n";
  for (const std::string& m : r->repaired) std::cerr << m << "\n";
  if (f.json) {
    refrain::WriteEvalPairsJson(*r, std::cout);
  } else {
    refrain::WriteEvalPairsText(*r, std::cout);
  }
  // As scan --strict: the figures are printed, and the run fails (review
  // 40b-14: 397 malformed lines of 399 exited 0).
  if (f.strict && !r->malformed.empty()) {
    std::cerr << "refrain: " << r->malformed.size()
              << (r->malformed.size() == 1 ? " line was" : " lines were")
              << " malformed (--strict)\n";
    return kExitFailure;
  }
  return kExitOk;
}
// ---- eval-pairs (end) ------------------------------------------------------

// ---- index (begin) ---------------------------------------------------------
// `refrain index stats|check|remove|upgrade PATH`: the persistent index of
// scan --index.

struct IndexFlags {
  std::string path;
  refrain::RemoveFilter remove;
  std::string ids_from;     // index remove --ids-from: a file of ids, or -.
  bool missing_ok = false;  // index remove --missing-ok.
  double wait_s = 30;
};

// The ids of `path` (- for standard input), one a line; a line's CR and
// a leading byte-order mark (a file saved on Windows) are not part of an
// id, and empty lines are none. No id is no error: an empty list of
// retractions is a quiet day.
absl::StatusOr<std::vector<std::string>> ReadIds(const std::string& path) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      return absl::NotFoundError(absl::StrCat(
          "--ids-from ", path, ": cannot open: ", std::strerror(errno)));
    }
    in = &file;
  }
  std::vector<std::string> ids;
  std::string line;
  for (bool first = true; std::getline(*in, line); first = false) {
    if (first && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) ids.push_back(line);
  }
  if (in->bad()) {
    return absl::DataLossError(
        absl::StrCat("--ids-from ", path, ": read error"));
  }
  return ids;
}

int RunIndexStats(const IndexFlags& f) {
  refrain::IndexOptions o;
  o.read_only = true;
  o.busy_timeout_ms = static_cast<int>(f.wait_s * 1000);
  absl::StatusOr<refrain::Index> index = refrain::Index::Open(f.path, o);
  if (!index.ok()) return Fail(index.status());
  absl::StatusOr<refrain::IndexStats> st = index->Stats();
  if (!st.ok()) return Fail(st.status());
  const uint64_t bytes = st->file_bytes + st->wal_bytes;
  std::cout << absl::StrFormat("index %s (schema version %d)\n", f.path,
                               st->schema_version);
  std::cout << absl::StrFormat("  documents     %d\n", st->documents);
  std::cout << absl::StrFormat(
      "  claim units   %d (%d distinct texts, %d distinct stems)\n", st->units,
      st->texts, st->stems);
  std::cout << absl::StrFormat(
      "  size on disk  %.1f MB (%.1f kB per document; %d pages of %d bytes, "
      "%d free; WAL %.1f MB)\n",
      bytes / 1e6, st->documents > 0 ? bytes / 1e3 / st->documents : 0.0,
      st->pages, st->page_size, st->free_pages, st->wal_bytes / 1e6);
  std::cout << absl::StrFormat(
      "  delta tier    %d documents' band rows (merged into the main tables "
      "at 50000 and 1/8 of the index, or by an index remove that removes "
      "documents)\n",
      st->delta_documents);
  if (st->stale_units > 0) {
    std::cout << absl::StrFormat(
        "  stale units   %d replaced claim units' band rows (purged at 1/8 "
        "of the units, or by an index remove that removes documents)\n",
        st->stale_units);
  }
  std::cout << absl::StrFormat("  dumps         %d\n", st->dumps.size());
  for (const refrain::IndexStats::Dump& d : st->dumps) {
    std::cout << absl::StrFormat(
        "    #%d  %s  %d %s  %s\n", d.seq, d.added_at, d.documents,
        d.documents == 1 ? "document" : "documents", d.name);
  }
  std::cout << "  parameters   ";
  for (const auto& [k, v] : st->params.Entries()) {
    std::cout << " " << k << "=" << v;
  }
  std::cout << "\n";
  return kExitOk;
}

int RunIndexCheck(const IndexFlags& f) {
  refrain::IndexOptions o;
  o.read_only = true;
  o.quick_check_max_bytes = 0;  // integrity_check below covers it.
  o.busy_timeout_ms = static_cast<int>(f.wait_s * 1000);
  absl::StatusOr<refrain::Index> index = refrain::Index::Open(f.path, o);
  if (!index.ok()) return Fail(index.status());
  absl::StatusOr<std::string> r = index->IntegrityCheck();
  if (!r.ok()) return Fail(r.status());
  if (*r != "ok") {
    std::cerr << "refrain: " << f.path << ": corrupt index:\n" << *r << "\n";
    return kExitFailure;
  }
  std::cout << f.path << ": ok\n";
  return kExitOk;
}

// An id is bytes: a control byte is shown as \xNN, not sent to the
// terminal.
std::string Printable(std::string_view id) {
  std::string out;
  for (const char c : id) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F) {
      absl::StrAppend(&out, absl::StrFormat("\\x%02X", b));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

int RunIndexRemove(const IndexFlags& f) {
  refrain::RemoveFilter filter = f.remove;
  if (!f.ids_from.empty()) {
    absl::StatusOr<std::vector<std::string>> ids = ReadIds(f.ids_from);
    if (!ids.ok()) return Fail(ids.status());
    filter.ids.insert(filter.ids.end(), ids->begin(), ids->end());
  }
  refrain::IndexOptions o;
  o.busy_timeout_ms = static_cast<int>(f.wait_s * 1000);
  // An empty list removes nothing; the index is still opened, so that a
  // mistyped path fails as it would on a day with retractions.
  const bool no_id = !f.ids_from.empty() && filter.ids.empty();
  o.read_only = no_id;
  absl::StatusOr<refrain::Index> index = refrain::Index::Open(f.path, o);
  if (!index.ok()) return Fail(index.status());
  if (no_id) {
    std::cout << "no id in --ids-from "
              << (f.ids_from == "-" ? "standard input" : f.ids_from)
              << ": nothing removed from " << f.path << "\n";
    return kExitOk;
  }
  absl::StatusOr<refrain::RemoveResult> r = index->Remove(filter);
  if (!r.ok()) return Fail(r.status());
  if (f.remove.dry_run) {
    std::cout << absl::StrFormat(
        "would remove %d %s (%d %s) from %s (--dry-run: nothing "
        "changed)\n",
        r->documents, r->documents == 1 ? "document" : "documents", r->units,
        r->units == 1 ? "claim unit" : "claim units", f.path);
  } else {
    std::cout << absl::StrFormat(
        "removed %d %s (%d %s); %s: %.1f MB -> %.1f MB\n", r->documents,
        r->documents == 1 ? "document" : "documents", r->units,
        r->units == 1 ? "claim unit" : "claim units", f.path,
        r->file_bytes_before / 1e6, r->file_bytes_after / 1e6);
  }
  if (r->unparsed_dates_kept > 0) {
    std::cout << absl::StrFormat(
        "kept %d documents whose date does not parse (not ISO 8601, RFC "
        "1123 or \"January 1, 2026\")\n",
        r->unparsed_dates_kept);
  }
  // Other articles that came with a removed id stay: said, as a retraction
  // may have meant one of them (review 43a-07).
  for (const auto& [id, names] : r->other_names) {
    std::cerr << "refrain: note: "
              << (names.size() > 10 ? "more than 10"
                                    : absl::StrCat(names.size()))
              << " other indexed "
              << (names.size() == 1 ? "article" : "articles")
              << " came with the id '" << Printable(id) << "' and stay"
              << (names.size() == 1 ? "s" : "") << ": ";
    for (size_t k = 0; k < names.size() && k < 10; ++k) {
      std::cerr << (k > 0 ? ", " : "") << Printable(names[k]);
    }
    std::cerr << " (--id NAME removes one)\n";
  }
  // What was named and is not there: a mistyped id or source (sources
  // compare exactly, case included), or one removed before. Like rm, the
  // rest is removed and the command fails, unless --missing-ok (a list of
  // retractions applied again).
  bool missing = false;
  if (!r->missing_ids.empty()) {
    missing = true;
    std::string listed;
    for (size_t i = 0; i < r->missing_ids.size() && i < 10; ++i) {
      if (i > 0) listed += ", ";
      listed += Printable(r->missing_ids[i]);
    }
    if (r->missing_ids.size() > 10) {
      absl::StrAppend(&listed, " and ", r->missing_ids.size() - 10, " more");
    }
    std::cerr << "refrain: " << r->missing_ids.size()
              << (r->missing_ids.size() == 1 ? " id" : " ids")
              << " not in the index: " << listed << "\n";
    // Articles that came with an id another had are indexed as ID#HASH
    // (input_id in report.json): a retraction by the id they came with
    // names none of them.
    for (size_t i = 0; i < r->missing_id_names.size(); ++i) {
      const std::vector<std::string>& names = r->missing_id_names[i];
      if (names.empty()) continue;
      std::cerr << "refrain: '" << Printable(r->missing_ids[i])
                << "' is not indexed, but "
                << (names.size() > 10
                        ? "more than 10 names"
                        : absl::StrCat(names.size(), " name",
                                       names.size() == 1 ? "" : "s"))
                << " of the form " << Printable(r->missing_ids[i]) << "#... "
                << (names.size() == 1 ? "is" : "are")
                << " (scan names an article ID#HASH when another had its "
                   "id): ";
      for (size_t k = 0; k < names.size() && k < 10; ++k) {
        std::cerr << (k > 0 ? ", " : "") << Printable(names[k]);
      }
      std::cerr << "; remove "
                << (names.size() == 1 ? "it by that name" : "them by name")
                << " (--id NAME)\n";
    }
  } else if (r->documents == 0 && filter.ids.empty() && filter.before.empty()) {
    missing = true;
    std::cerr << "refrain: no indexed document has that "
              << (filter.dump != 0 ? "dump (refrain index stats lists the "
                                     "dumps)"
                                   : "source (sources compare exactly, case "
                                     "included)")
              << "\n";
  }
  if (!r->compaction.ok()) {
    std::cerr << "refrain: " << r->compaction.message() << ": the "
              << r->documents
              << " documents are removed, but their space was not reclaimed"
              << (absl::IsResourceExhausted(r->compaction)
                      ? " (VACUUM needs free space about the index's size)"
                      : "")
              << "; the next index remove that removes documents tries "
                 "again\n";
    return kExitFailure;
  }
  return missing && !f.missing_ok ? kExitFailure : kExitOk;
}

int RunIndexUpgrade(const IndexFlags& f) {
  refrain::IndexOptions o;
  o.busy_timeout_ms = static_cast<int>(f.wait_s * 1000);
  absl::StatusOr<refrain::UpgradeResult> r = refrain::Index::Upgrade(f.path, o);
  if (!r.ok()) return Fail(r.status());
  if (r->from_version == refrain::kIndexSchemaVersion &&
      !r->stop_list_changed) {
    std::cout << absl::StrFormat("%s: already schema version %d\n", f.path,
                                 r->from_version);
  } else {
    std::cout << absl::StrFormat(
        "%s: %s: %d documents, %d claim units, %d distinct texts", f.path,
        r->from_version == refrain::kIndexSchemaVersion
            ? std::string("claim terms derived again with this refrain's "
                          "stop list")
            : absl::StrFormat("schema version %d -> %d%s", r->from_version,
                              refrain::kIndexSchemaVersion,
                              r->stop_list_changed
                                  ? " (and this refrain's stop list)"
                                  : ""),
        r->documents, r->units - r->units_dropped, r->texts);
    if (r->units_dropped > 0) {
      std::cout << absl::StrFormat(
          " (%d units dropped: too few content words with today's terms)",
          r->units_dropped);
    }
    if (r->signed_again > 0) {
      std::cout << absl::StrFormat(
          " (%d documents signed again: hard-wrapped text, or words read "
          "otherwise since they were added)",
          r->signed_again);
    }
    std::cout << "\n";
  }
  return kExitOk;
}
// ---- index (end) -----------------------------------------------------------

#ifdef REFRAIN_USES_MIMALLOC
// Hands mimalloc an arena of transparent huge pages: address space as large
// as the machine's memory, not charged against the commit limit
// (MAP_NORESERVE; skipped where overcommit is strict, which would charge
// it), marked MADV_HUGEPAGE. mimalloc's own option (large OS pages) puts
// huge pages under a thread's segments after its first only, and a BBC
// scan lives mostly in first segments: 3 huge pages with the option set,
// 48 with the arena. Declared not large, since mimalloc takes a thread's
// first segment only from memory that is not; and not committed, so that
// the blocks of freed allocations over 16 MiB go back to the system
// (freed ordinary segments stay in mimalloc's segment cache while decommit
// is off). Declared committed, it kept them all: gen-100000 with claims
// peaked at 3.96 GB instead of 3.01. What the arena cannot hold comes from
// the system as before. Returns its size, 0 if none was made.
size_t ReserveHugePageArena() {
  if (std::ifstream f("/proc/sys/vm/overcommit_memory"); f.get() == '2') {
    return 0;
  }
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  // mimalloc's segments and arena blocks are 32 MiB, aligned to their size.
  constexpr size_t kAlign = size_t{1} << 30;
  if (pages <= 0 || page_size <= 0) return 0;
  const size_t size = static_cast<size_t>(pages) *
                      static_cast<size_t>(page_size) / kAlign * kAlign;
  if (size == 0) return 0;
  void* mapped = mmap(nullptr, size + kAlign, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapped == MAP_FAILED) return 0;
  char* const raw = static_cast<char*>(mapped);
  char* const start =
      raw + (kAlign - reinterpret_cast<uintptr_t>(raw) % kAlign) % kAlign;
  if (start != raw) munmap(raw, start - raw);
  munmap(start + size, raw + kAlign - start);
  if (madvise(start, size, MADV_HUGEPAGE) != 0 ||
      !mi_manage_os_memory(start, size, /*is_committed=*/false,
                           /*is_large=*/false, /*is_zero=*/true,
                           /*numa_node=*/-1)) {
    munmap(start, size);
    return 0;
  }
  return size;
}

// The main thread's first mimalloc segment was mapped before main ran, in
// small pages: up to 64 MiB of it (16,000 faults) are written as the run
// goes. Advises MADV_HUGEPAGE for the mapping that holds a fresh block of
// the main thread's heap, found in /proc/self/maps, so that its untouched
// 2 MB ranges come as huge pages too (BBC with claims: 10k -> 3k faults).
void AdviseMainSegment() {
  void* probe = mi_malloc(16);
  const auto at = reinterpret_cast<uintptr_t>(probe);
  mi_free(probe);
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    uintptr_t begin = 0, end = 0;
    if (std::sscanf(line.c_str(), "%" SCNxPTR "-%" SCNxPTR, &begin, &end) !=
        2) {
      continue;
    }
    if (begin <= at && at < end) {
      madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
      return;
    }
  }
}
#endif

// Ends a run that ran out of memory or threads: a limit of the machine,
// said plainly with what to try, exit code 1 like any failed run. The
// report files being written are removed first, as on Ctrl-C, so an
// earlier run's reports stay as they were.
[[noreturn]] void StopForResources(const char* what) {
  // Threads run out together: one says so, the others wait for its exit
  // (unless it is this thread again, failing inside the handler).
  static std::atomic<bool> stopping{false};
  thread_local bool here = false;
  if (here) std::_Exit(kExitFailure);
  here = true;
  if (stopping.exchange(true)) {
    for (;;) pause();
  }
  refrain::RemoveTemporaryFiles();
  std::fprintf(stderr,
               "refrain: stopped: %s. The run needs more memory than this "
               "process may use (ulimit -v, a container's or job's limit): "
               "scan the dump in parts, or with --no-claims (the claims stage "
               "needs the most; see --claim-max-memory). Unfinished output "
               "files were removed.\n",
               what);
  std::_Exit(kExitFailure);
}

// std::new_handler: an allocation failed. mimalloc (Debian's, built as C)
// aborts in operator new instead of throwing std::bad_alloc unless a
// handler is set, and nothing in refrain recovers from running out of
// memory, so the run stops here, whichever thread asked.
[[noreturn]] void OnAllocationFailure() { StopForResources("out of memory"); }

// std::terminate_handler: an exception nothing caught. Most of the work
// runs in OpenMP parallel regions, out of which no exception propagates
// (the region calls std::terminate), so a catch in main would miss most
// of them. A thread that cannot start (std::system_error, EAGAIN) is a
// limit of the machine; anything else is a bug, which aborts as before
// (for its core dump) after saying what it was.
[[noreturn]] void OnUncaughtException() {
  const char* what = "std::terminate without an exception";
  if (const std::exception_ptr e = std::current_exception()) {
    what = "an exception of unknown type";
    try {
      std::rethrow_exception(e);
    } catch (const std::bad_alloc&) {
      StopForResources("out of memory");
    } catch (const std::system_error& x) {
      if (x.code() == std::errc::resource_unavailable_try_again ||
          x.code() == std::errc::not_enough_memory) {
        static char buffer[256];
        std::snprintf(buffer, sizeof buffer, "out of resources (%s)", x.what());
        StopForResources(buffer);
      }
      what = x.what();
    } catch (const std::exception& x) {
      what = x.what();
    } catch (...) {
    }
  }
  refrain::RemoveTemporaryFiles();
  std::fprintf(stderr,
               "refrain: internal error: %s (a bug: please report it with "
               "the command line). Unfinished output files were removed.\n",
               what);
  std::abort();
}

#ifdef REFRAIN_USES_MIMALLOC
// The median cost, in microseconds, of the first write to a fresh 4 KiB
// page: 32 pages mapped without huge pages, each write timed on its own so
// that a preemption in the middle moves one sample, not the figure. About
// 60-400 us of start-up. 0 if nothing could be mapped.
double SmallPageFaultMicros() {
  constexpr size_t kPages = 32;
  const long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) return 0;
  const size_t size = kPages * static_cast<size_t>(page);
  void* mapped = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED) return 0;
  madvise(mapped, size, MADV_NOHUGEPAGE);
  volatile char* const bytes = static_cast<char*>(mapped);
  std::array<double, kPages> micros;
  for (size_t i = 0; i < kPages; ++i) {
    const auto start = std::chrono::steady_clock::now();
    bytes[i * static_cast<size_t>(page)] = 1;
    micros[i] = std::chrono::duration<double, std::micro>(
                    std::chrono::steady_clock::now() - start)
                    .count();
  }
  munmap(mapped, size);
  std::nth_element(micros.begin(), micros.begin() + kPages / 2, micros.end());
  return micros[kPages / 2];
}

// The first write to a fresh page is a page fault, and what one costs
// depends on the virtual machine more than on refrain. Two kinds were seen
// on the project's CI kind of micro-VM (docs/performance.md, "Page
// faults"):
//  - 4 KiB faults at about 12 us (2026-12-02): 760,000 of them were a third
//    of the CPU time of a 1M-article scan. There an arena of transparent
//    huge pages, with freed memory kept for reuse, made scans 20-40%
//    faster (2% of the faults, peaks 3-30% higher).
//  - 4 KiB faults at about 2 us and huge pages at 6-12 us per 4 KiB
//    (2026-12-07: the host backs each fresh huge page anew, its guest
//    reporting free 2 MB blocks back through the balloon device). There
//    the same arena made a 1M-article scan 45% slower (10.1 -> 14.8 s)
//    and gen-100000 35%, BBC unchanged.
// So the fault is timed at start, and the arena is made only where a 4 KiB
// fault costs at least kArenaFaultMicros, about what a huge page costs per
// 4 KiB on either machine. REFRAIN_HUGE_PAGE_ARENA=1 or =0 decides instead
// of the probe; setting MIMALLOC_ALLOW_DECOMMIT or MIMALLOC_LARGE_OS_PAGES
// leaves that part to mimalloc (=1 and =0: its defaults).
constexpr double kArenaFaultMicros = 6.0;
#endif

void TuneAllocator() {
#ifdef REFRAIN_USES_MIMALLOC
  const char* forced = std::getenv("REFRAIN_HUGE_PAGE_ARENA");
  const std::string_view force = forced == nullptr ? "" : forced;
  double fault_micros = -1;  // not probed
  bool want_arena = false;
  if (force == "0" || force == "1") {
    want_arena = force == "1";
  } else {
    if (forced != nullptr) {
      std::fprintf(stderr,
                   "refrain: REFRAIN_HUGE_PAGE_ARENA='%s' ignored (1: make "
                   "the arena, 0: none; unset: timed at start)\n",
                   forced);
    }
    fault_micros = SmallPageFaultMicros();
    want_arena = fault_micros >= kArenaFaultMicros;
  }
  const size_t arena =
      want_arena && std::getenv("MIMALLOC_LARGE_OS_PAGES") == nullptr
          ? ReserveHugePageArena()
          : 0;
  // Freed memory kept for reuse belongs with the arena's huge pages (a
  // returned part splits one); without them it measured no faster
  // (gen-1000000 10.64 against 10.07 s) and holds memory where a limit
  // refused the arena (review 49a-04).
  if (arena != 0 && std::getenv("MIMALLOC_ALLOW_DECOMMIT") == nullptr) {
    mi_option_disable(mi_option_allow_decommit);
  }
  if (arena != 0) AdviseMainSegment();
  // mimalloc reports a failed allocation here before it returns null or,
  // in operator new, aborts (Debian's is built as C, and does not see
  // std::set_new_handler's handler).
  mi_register_error(
      [](int err, void*) {
        if (err == ENOMEM) StopForResources("out of memory");
      },
      nullptr);
  if (mi_option_is_enabled(mi_option_verbose)) {
    std::fprintf(stderr,
                 "refrain: 4 KiB page fault %.1f us (-1: not probed); "
                 "mimalloc huge-page arena %zu GiB, allow_decommit %d\n",
                 fault_micros, arena >> 30,
                 mi_option_is_enabled(mi_option_allow_decommit));
  }
#endif
}

// What a command printed on standard output is its result (compare --json,
// eval-pairs, index stats): if it did not all get there (a full disk, a
// closed descriptor), the command failed, whatever it returned. (Standard
// error is not checked: there is nowhere left to say so.)
int CheckStandardOutput(int code) {
  std::cout.flush();
  int err = 0;
  if (std::fflush(stdout) != 0) err = errno;
  const bool lost = !std::cout || err != 0 || std::ferror(stdout);
  if (!lost || code != kExitOk) return code;
  std::fprintf(stderr, "refrain: cannot write to standard output%s%s\n",
               err != 0 ? ": " : "", err != 0 ? std::strerror(err) : "");
  return kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  TuneAllocator();
  // Ctrl-C or a kill while a report is written: no hidden temporaries left.
  refrain::InstallTemporaryFileCleanup();
  std::set_new_handler(OnAllocationFailure);
  std::set_terminate(OnUncaughtException);
  // Every command's parallel loops: OMP_NUM_THREADS=100000 made libgomp
  // crash creating threads.
  omp_set_num_threads(refrain::DefaultThreadCount());
  CLI::App app{
      "refrain: near-duplicate articles and recurring claims in news dumps.\n"
      "Run `refrain COMMAND --help` for the options of a command."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "refrain 0.1.0");

  ScanFlags scan;
  CLI::App* scan_cmd = app.add_subcommand(
      "scan",
      "Read articles (.txt, .html, .jsonl, .ndjson, .json, each optionally "
      ".gz/.zst), find near-duplicates and recurring claims, write the "
      "reports to OUT/ and print a summary");
  AddScanFlags(scan_cmd, &scan);

  CompareFlags compare;
  CLI::App* compare_cmd = app.add_subcommand(
      "compare",
      "Explain one pair of documents: Jaccard and containment of their word "
      "shingles and every claim match between them");
  compare_cmd
      ->add_option("A", compare.a, "First document: a file, or an id with --in")
      ->required();
  compare_cmd
      ->add_option("B", compare.b,
                   "Second document: a file, or an id with --in")
      ->required();
  compare_cmd->add_option(
      "--in", compare.inputs,
      "Look A and B up as document ids in these inputs, "
      "and score their claims with the IDF a scan of these "
      "inputs learns (the scores the scan reported; compare "
      "scores every pair of units of A and B, so it may also "
      "list a match the scan's candidate search missed)");
  compare_cmd
      ->add_option(
          "--index", compare.options.index_path,
          "Look A and B up as document ids in this index (scan --index) when "
          "they are not in the --in inputs; read-only")
      ->check(NotEmpty("an index file"));
  compare_cmd->add_flag("--json", compare.json,
                        "Print one JSON object: jaccard, containment, "
                        "estimate, near_duplicate, claims, idf");
  compare_cmd
      ->add_option(
          "--html", compare.html,
          "Also write this self-contained page: the claim matches side by side "
          "with the shared words marked, both articles with the matched "
          "passages highlighted (report.html of a scan of the two)")
      ->check(NotEmpty("a file name"));
  AddNearDuplicateFlags(compare_cmd, &compare.options);
  AddBandingFlags(compare_cmd, &compare.options);
  compare_cmd
      ->add_option("--shingle", compare.options.shingle.size,
                   "Words per shingle")
      ->capture_default_str();
  compare.locale = AddInputFlags(compare_cmd, &compare.options.ingest,
                                 &compare.options.segment);
  compare.claim_flags = AddClaimFlags(compare_cmd, &compare.options.claims);

  GenerateFlags generate_flags;
  refrain::GenerateOptions& generate = generate_flags.options;
  CLI::App* generate_cmd = app.add_subcommand(
      "generate",
      "Write a benchmark corpus (JSONL, optionally .gz/.zst) with planted "
      "near-duplicates and their exact Jaccard as ground truth (TSV)");
  generate_cmd
      ->add_option("--docs", generate.docs, "Documents to write (1..1e9)")
      ->check(kUnsigned)
      ->capture_default_str();
  generate_cmd
      ->add_option("--seed", generate.seed, "Seed; same seed, same bytes")
      ->check(kUnsigned)
      ->capture_default_str();
  generate_cmd->add_option("--out", generate.out, "Output .jsonl[.gz|.zst]")
      ->check(NotEmpty("a file name"))
      ->required();
  generate_cmd->add_option(
      "--truth", generate.truth,
      "Ground-truth TSV, no header: base id, copy id, Jaccard (6 decimals) "
      "of each planted copy and the article it was made from (two copies "
      "of one article are not listed: it measures recall); default OUT "
      "stem + .truth.tsv");
  generate_cmd
      ->add_option("--duplicates", generate.duplicate_fraction,
                   "Fraction of documents that are planted near-duplicates, "
                   "in [0, 0.9]")
      ->capture_default_str();
  generate_cmd
      ->add_option("--min-words", generate.min_words,
                   "An article's word target is drawn from [--min-words, "
                   "--max-words]; whole sentences are added until it is "
                   "reached, so an article ends up to one sentence longer, "
                   "and a copy may gain a header or footer")
      ->capture_default_str();
  generate_cmd
      ->add_option("--max-words", generate.max_words,
                   "See --min-words (at most 1000000)")
      ->capture_default_str();
  generate_cmd
      ->add_option("--threads", generate_flags.threads,
                   "Worker threads, 0 = as scan's --threads 0; the output "
                   "is the same bytes whatever the count (0..1024)")
      ->check(CLI::Range(0, 1024))
      ->capture_default_str();
  generate_cmd->add_option(
      "--source", generate.source_paths,
      "Corpus whose sentences are resampled (default: a Zipf vocabulary)");

  // eval-pairs (see RunEvalPairsCommand).
  EvalPairsFlags eval_pairs;
  CLI::App* eval_pairs_cmd = app.add_subcommand(
      "eval-pairs",
      "Score labelled sentence pairs (MSRP format) with the claim scorer and "
      "print accuracy, precision, recall, F1, the best threshold and ROC AUC "
      "(the file may be gzip or zstd, UTF-8 or UTF-16)");
  AddEvalPairsFlags(eval_pairs_cmd, &eval_pairs);

  // index (see RunIndexStats, RunIndexCheck, RunIndexRemove,
  // RunIndexUpgrade).
  IndexFlags index;
  CLI::App* index_cmd = app.add_subcommand(
      "index", "Inspect or trim the persistent index of `scan --index`");
  index_cmd->require_subcommand(1);
  CLI::App* index_stats_cmd = index_cmd->add_subcommand(
      "stats",
      "Documents, claim units, dumps, size on disk, schema version and "
      "parameters of an index");
  index_stats_cmd->add_option("PATH", index.path, "The index file")->required();
  CLI::App* index_check_cmd = index_cmd->add_subcommand(
      "check", "Check every page and index of an index file (integrity_check)");
  index_check_cmd->add_option("PATH", index.path, "The index file")->required();
  CLI::App* index_remove_cmd = index_cmd->add_subcommand(
      "remove",
      "Delete documents from an index (every table), then reclaim the space");
  index_remove_cmd->add_option("PATH", index.path, "The index file")
      ->required();
  CLI::Option* before = index_remove_cmd->add_option(
      "--before", index.remove.before,
      "Documents dated before DATE (2026-01-01; dates compared as instants: "
      "ISO 8601, RFC 1123 as in RSS, or January 1, 2026); documents without "
      "a date, or whose date does not parse (counted), are kept");
  // Else an empty value (an unset shell variable) counts as no filter, and
  // the error asks for one of the three.
  before->check(NotEmpty("a date, e.g. 2026-01-01"));
  CLI::Option* by_id =
      index_remove_cmd
          ->add_option("--id", index.remove.ids,
                       "The document with this id (may be given again)")
          ->check(NotEmpty("a document id"))
          ->expected(1)
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  CLI::Option* ids_from = index_remove_cmd->add_option(
      "--ids-from", index.ids_from,
      "The documents whose ids this file lists, one a line (- for standard "
      "input): a list of retractions, removed in one transaction; a list "
      "of no id removes nothing");
  ids_from->check(NotEmpty("a file of ids, or -"));
  index_remove_cmd->add_flag(
      "--missing-ok", index.missing_ok,
      "Exit 0 when an id, source or dump named is not in the index (it is "
      "still reported): for a list of retractions applied again");
  CLI::Option* by_source = index_remove_cmd
                               ->add_option("--source", index.remove.source,
                                            "Every document of this source")
                               ->check(NotEmpty("a source name"));
  CLI::Option* by_dump =
      index_remove_cmd
          ->add_option("--dump", index.remove.dump,
                       "Every document added by the dump with this number "
                       "(refrain index stats lists them)")
          ->check(
              CLI::Range(uint64_t{1}, std::numeric_limits<uint64_t>::max()));
  index_remove_cmd->add_flag(
      "--dry-run", index.remove.dry_run,
      "Say how many documents and claim units would be removed, and change "
      "nothing");
  before->excludes(by_id)->excludes(ids_from)->excludes(by_source)->excludes(
      by_dump);
  by_id->excludes(by_source)->excludes(by_dump);
  ids_from->excludes(by_source)->excludes(by_dump);
  by_source->excludes(by_dump);
  CLI::App* index_upgrade_cmd = index_cmd->add_subcommand(
      "upgrade",
      "Bring an index of the previous schema version to this one, in place");
  index_upgrade_cmd->add_option("PATH", index.path, "The index file")
      ->required();
  for (CLI::App* c : {index_stats_cmd, index_check_cmd, index_remove_cmd,
                      index_upgrade_cmd}) {
    c->add_option("--wait", index.wait_s,
                  "Seconds to wait while another process writes the index")
        ->check(kNumber)
        ->check(CLI::Range(0.0, 86400.0))
        ->capture_default_str();
  }

  // CLI11 answers a mistyped command ("scna", "index stat") with "A
  // subcommand is required"; say which word it did not know instead.
  {
    const CLI::App* level = &app;
    for (int i = 1; i < argc && level != nullptr; ++i) {
      const std::string_view word = argv[i];
      if (word.starts_with("-")) break;
      std::vector<std::string> names;
      const CLI::App* next = nullptr;
      for (const CLI::App* sub :
           level->get_subcommands([](const CLI::App*) { return true; })) {
        names.push_back(sub->get_name());
        if (sub->get_name() == word) next = sub;
      }
      if (names.empty()) break;
      if (next == nullptr) {
        std::cerr << "refrain: unknown command '" << word << "'"
                  << (level == &app ? "" : " of " + level->get_name())
                  << " (commands: " << absl::StrJoin(names, ", ")
                  << "); run with --help for more information\n";
        return kExitUsage;
      }
      level = next;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
#ifdef REFRAIN_HAVE_MPI
    // Under mpirun every rank parses the same line: rank 0 says what is
    // wrong with it, once (review 51a-03).
    if (refrain::MpirunRank() != 0) {
      return e.get_exit_code() == 0 ? kExitOk : kExitUsage;
    }
#endif
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  int code = kExitUsage;
  if (scan_cmd->parsed()) {
    code = RunScanCommand(scan);
  } else if (compare_cmd->parsed()) {
    code = RunCompareCommand(compare);
  } else if (generate_cmd->parsed()) {
    code = RunGenerateCommand(generate_flags);
  } else if (eval_pairs_cmd->parsed()) {
    code = RunEvalPairsCommand(eval_pairs);
  } else if (index_stats_cmd->parsed()) {
    code = RunIndexStats(index);
  } else if (index_check_cmd->parsed()) {
    code = RunIndexCheck(index);
  } else if (index_remove_cmd->parsed()) {
    code = RunIndexRemove(index);
  } else if (index_upgrade_cmd->parsed()) {
    code = RunIndexUpgrade(index);
  }
  return CheckStandardOutput(code);
}
