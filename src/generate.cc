#include "refrain/generate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "hash.h"
#include "refrain/ingest.h"
#include "refrain/segment.h"
#include "refrain/similarity.h"
#include "sink.h"

namespace refrain {
namespace {

// Sentences either resampled from a source corpus or made from a Zipf
// vocabulary.
class SentenceSource {
 public:
  static absl::StatusOr<SentenceSource> Create(
      const std::vector<std::string>& paths) {
    SentenceSource s;
    if (paths.empty()) {
      std::mt19937_64 rng(0x5eed);
      const int kVocab = 50000;
      for (int i = 0; i < kVocab; ++i) {
        std::string w;
        int len = 2 + static_cast<int>(rng() % 5) + static_cast<int>(rng() % 5);
        for (int c = 0; c < len; ++c)
          w.push_back(static_cast<char>('a' + rng() % 26));
        s.vocab_.push_back(std::move(w));
      }
      double sum = 0;
      for (int i = 0; i < kVocab; ++i)
        s.cdf_.push_back(sum += 1.0 / std::pow(i + 1, 1.1));
      for (double& x : s.cdf_) x /= sum;
      return s;
    }
    IngestOptions io;
    std::vector<SkippedRecord> skipped;
    std::function<void(RawRecord &&)> on_record = [&](RawRecord&& r) {
      auto v = ParseRecord(std::move(r), io);
      if (auto* d = std::get_if<Document>(&v)) {
        Segmentation seg = Segment(d->text, {});
        for (const Span& sp : seg.sentences) {
          if (sp.size() >= 20)
            s.sentences_.push_back(d->text.substr(sp.begin, sp.size()));
        }
      } else {
        // A malformed record (bad JSON, no text) was dropped in silence.
        skipped.push_back(std::get<SkippedRecord>(std::move(v)));
      }
    };
    // What a folder holds besides articles (a README, .DS_Store) is passed
    // over, as a scan passes it over (review 39a-02: it failed the run).
    std::function<void(SkippedRecord &&)> on_skip = [&](SkippedRecord&& r) {
      if (!r.passed_over) skipped.push_back(std::move(r));
    };
    if (auto st = ReadRecords(paths, io, on_record, on_skip); !st.ok())
      return st;
    // A benchmark corpus says what it was made of: a source path or record
    // that cannot be read fails the run rather than thin the sentences: a
    // bad record as bad input (exit 2), a path that cannot be read as a
    // failure (exit 1), as scan says.
    if (!skipped.empty()) {
      const std::string what =
          absl::StrCat("--source: ", skipped.size(),
                       " records not read; the first: ", skipped[0].location,
                       ": ", skipped[0].reason);
      const bool unreadable =
          std::any_of(skipped.begin(), skipped.end(),
                      [](const SkippedRecord& r) { return r.unreadable; });
      return unreadable ? absl::NotFoundError(what)
                        : absl::InvalidArgumentError(what);
    }
    if (s.sentences_.empty()) {
      return absl::InvalidArgumentError(
          "--source: the source corpus has no sentences (of 20 bytes or "
          "more)");
    }
    return s;
  }

  size_t num_sentences() const { return sentences_.size(); }

  std::string Sentence(std::mt19937_64& rng) const {
    if (!sentences_.empty()) return sentences_[rng() % sentences_.size()];
    std::uniform_real_distribution<double> u(0, 1);
    size_t len = 8 + rng() % 23;
    std::string out;
    for (size_t i = 0; i < len; ++i) {
      size_t w =
          std::lower_bound(cdf_.begin(), cdf_.end(), u(rng)) - cdf_.begin();
      std::string word = vocab_[std::min(w, vocab_.size() - 1)];
      if (i == 0) word[0] = static_cast<char>(word[0] - 'a' + 'A');
      if (i > 0) out += ' ';
      out += word;
    }
    out += '.';
    return out;
  }

  std::string Word(std::mt19937_64& rng) const {
    if (!vocab_.empty()) return vocab_[rng() % vocab_.size()];
    const std::string& s = sentences_[rng() % sentences_.size()];
    size_t at = s.find(' ', rng() % s.size());
    size_t end =
        at == std::string::npos ? std::string::npos : s.find(' ', at + 1);
    if (at == std::string::npos || end == std::string::npos) return "word";
    return s.substr(at + 1, end - at - 1);
  }

 private:
  std::vector<std::string> vocab_;
  std::vector<double> cdf_;
  std::vector<std::string> sentences_;
};

// The first bytes of `s`, at most `max`, ending on a character's boundary:
// a title cut inside "£" (C2 A3) was invalid UTF-8, on which the JSON
// writer threw (review 39c-02: generate --source BBC aborted).
std::string Utf8Prefix(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::mt19937_64 DocRng(uint64_t seed, uint64_t doc, uint64_t stream) {
  return std::mt19937_64(
      internal::Mix64(internal::Mix64(seed) ^ (doc * 4 + stream)));
}

struct Plan {
  bool planted = false;
  uint64_t base = 0;
};

bool IsPlanted(const GenerateOptions& o, uint64_t i) {
  std::mt19937_64 rng = DocRng(o.seed, i, 0);
  std::uniform_real_distribution<double> u(0, 1);
  return i > 0 && u(rng) < o.duplicate_fraction;
}

// Whether document i is a planted copy, and of which base; depends only on
// (seed, i), so any document can be regenerated independently.
Plan PlanOf(const GenerateOptions& o, uint64_t i) {
  Plan p;
  if (!IsPlanted(o, i)) return p;
  std::mt19937_64 rng = DocRng(o.seed, i, 3);
  // Bases come from the recent past (a news cycle), and are never copies.
  uint64_t window = std::min<uint64_t>(i, 5000);
  for (int tries = 0; tries < 64; ++tries) {
    uint64_t j = i - 1 - rng() % window;
    if (!IsPlanted(o, j)) {
      p.planted = true;
      p.base = j;
      return p;
    }
  }
  return p;
}

std::vector<std::string> BaseSentences(const GenerateOptions& o,
                                       const SentenceSource& src, uint64_t i) {
  std::mt19937_64 rng = DocRng(o.seed, i, 1);
  uint32_t target = o.min_words + static_cast<uint32_t>(
                                      rng() % (o.max_words - o.min_words + 1));
  std::vector<std::string> out;
  size_t words = 0;
  while (words < target) {
    out.push_back(src.Sentence(rng));
    words += static_cast<size_t>(
                 std::count(out.back().begin(), out.back().end(), ' ')) +
             1;
  }
  return out;
}

std::string Join(const std::vector<std::string>& sentences) {
  std::string text;
  for (size_t s = 0; s < sentences.size(); ++s) {
    text += sentences[s];
    text += (s % 4 == 3) ? "\n\n" : " ";
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.pop_back();
  return text;
}

// A rewrite of base sentences: some words replaced, a few sentences moved,
// maybe a header or footer.
std::string Rewrite(const GenerateOptions& o, const SentenceSource& src,
                    std::vector<std::string> sentences, uint64_t i) {
  std::mt19937_64 rng = DocRng(o.seed, i, 2);
  std::uniform_real_distribution<double> u(0, 1);
  // Up to 10% of words (a 5-word shingle survives five kept words):
  // Jaccard about 0.3..1 with the header and footer.
  const double replace = u(rng) * 0.1;
  for (std::string& s : sentences) {
    std::string out;
    size_t start = 0;
    while (start <= s.size()) {
      size_t sp = s.find(' ', start);
      std::string word = s.substr(
          start, sp == std::string::npos ? std::string::npos : sp - start);
      if (u(rng) < replace) word = src.Word(rng);
      if (!out.empty()) out += ' ';
      out += word;
      if (sp == std::string::npos) break;
      start = sp + 1;
    }
    s = std::move(out);
  }
  if (sentences.size() > 4 && u(rng) < 0.5) {
    size_t a = rng() % sentences.size(), b = rng() % sentences.size();
    std::swap(sentences[a], sentences[b]);
  }
  std::string text = Join(sentences);
  if (u(rng) < 0.3)
    text = "Republished with permission. Read the original article.\n\n" + text;
  if (u(rng) < 0.3) text += "\n\nMore stories from our partners.";
  return text;
}

}  // namespace

absl::StatusOr<GenerateStats> Generate(const GenerateOptions& o) {
  if (o.out.empty()) return absl::InvalidArgumentError("--out is required");
  if (o.docs < 1 || o.docs > 1'000'000'000) {
    return absl::InvalidArgumentError("--docs must be in 1..1000000000");
  }
  if (absl::Status s = CheckJsonLinesName("--out", o.out); !s.ok()) return s;
  if (!(o.duplicate_fraction >= 0 && o.duplicate_fraction <= 0.9)) {
    return absl::InvalidArgumentError("--duplicates must be in [0, 0.9]");
  }
  // An article of more words would be over scan's --max-record-bytes
  // (64 MB), and a benchmark corpus its own scan skips measures nothing
  // (review 48a-07).
  constexpr uint32_t kMaxWords = 1'000'000;
  if (o.min_words < 1 || o.max_words < o.min_words || o.max_words > kMaxWords) {
    return absl::InvalidArgumentError(
        absl::StrCat("need 1 <= --min-words <= --max-words <= ", kMaxWords));
  }
  absl::StatusOr<SentenceSource> src = SentenceSource::Create(o.source_paths);
  if (!src.ok()) return src.status();
  std::string truth_path = o.truth;
  if (truth_path.empty()) {
    truth_path = o.out;
    // In any case, as CheckJsonLinesName accepts them: "A.JSONL.GZ" gives
    // "A.truth.tsv" (review 48a-06).
    for (std::string_view ext : {".zst", ".gz", ".jsonl", ".ndjson"}) {
      if (truth_path.size() >= ext.size() &&
          absl::AsciiStrToLower(
              truth_path.substr(truth_path.size() - ext.size())) == ext) {
        truth_path.resize(truth_path.size() - ext.size());
      }
    }
    truth_path += ".truth.tsv";
  }
  {
    std::error_code ec;
    const auto full = [](const std::string& p) {
      return std::filesystem::absolute(p).lexically_normal();
    };
    if (full(truth_path) == full(o.out) ||
        std::filesystem::equivalent(truth_path, o.out, ec)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--truth ", truth_path,
                       " is --out: give it another "
                       "path"));
    }
  }
  absl::StatusOr<std::unique_ptr<internal::Sink>> out =
      internal::Sink::Open(o.out, /*atomic=*/true);
  if (!out.ok()) return out.status();
  absl::StatusOr<std::unique_ptr<internal::Sink>> truth =
      internal::Sink::Open(truth_path, /*atomic=*/true);
  if (!truth.ok()) return truth.status();

  GenerateStats stats;
  stats.source_sentences = src->num_sentences();
  const int64_t kBlock = 4096;
  for (uint64_t first = 0; first < o.docs; first += kBlock) {
    const int64_t n =
        static_cast<int64_t>(std::min<uint64_t>(kBlock, o.docs - first));
    std::vector<std::string> lines(n), truth_lines(n);
    std::vector<size_t> text_bytes(n);
#pragma omp parallel for schedule(dynamic, 16)
    for (int64_t k = 0; k < n; ++k) {
      const uint64_t i = first + static_cast<uint64_t>(k);
      Plan plan = PlanOf(o, i);
      std::string text;
      std::vector<std::string> base =
          BaseSentences(o, *src, plan.planted ? plan.base : i);
      if (plan.planted) {
        text = Rewrite(o, *src, base, i);
        double j = Jaccard(ShingleText(Join(base), o.shingle),
                           ShingleText(text, o.shingle));
        truth_lines[k] =
            absl::StrFormat("g%09d\tg%09d\t%.6f\n", plan.base, i, j);
      } else {
        text = Join(base);
      }
      nlohmann::json doc = {
          {"id", absl::StrFormat("g%09d", i)},
          {"title", Utf8Prefix(base[0], 80)},
          {"text", text},
          {"source", absl::StrCat("generated-", i % 97)},
          {"date", absl::StrFormat("2026-%02d-%02d", 1 + i % 12, 1 + i % 28)}};
      lines[k] = doc.dump() + "\n";
      text_bytes[k] = text.size();
    }
    for (int64_t k = 0; k < n; ++k) {
      if (auto st = (*out)->Write(lines[k]); !st.ok()) return st;
      stats.text_bytes += text_bytes[k];
      if (!truth_lines[k].empty()) {
        if (auto st = (*truth)->Write(truth_lines[k]); !st.ok()) return st;
        ++stats.planted_pairs;
      }
    }
    stats.docs += static_cast<uint64_t>(n);
  }
  if (auto st = (*out)->Close(); !st.ok()) return st;
  if (auto st = (*truth)->Close(); !st.ok()) return st;
  return stats;
}

}  // namespace refrain
