#include "refrain/scan.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <limits>
#include <mutex>
#include <numeric>
#include <optional>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "byte_class.h"
#include "cpus.h"
#include "date.h"
#include "hash.h"
#include "normalize_internal.h"
#include "refrain/index.h"
#include "refrain/normalize.h"
#include "refrain/report.h"
#include "scan_index.h"
#include "scan_internal.h"
#include "shingle_internal.h"
#include "stopwords.h"

namespace refrain {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Sets the OpenMP thread count for the scan and restores it afterwards.
class ThreadScope {
 public:
  explicit ThreadScope(int threads) : saved_(omp_get_max_threads()) {
    omp_set_num_threads(threads > 0 ? threads : DefaultThreadCount());
  }
  ~ThreadScope() { omp_set_num_threads(saved_); }

 private:
  int saved_;
};

// One input event, in input order: a record to parse or a skip from the walk.
struct Pending {
  RawRecord record;
  std::variant<Document, SkippedRecord> result;
};

// Record batches from the reader thread to the workers, on request. With
// no lookahead the reader fills a batch only while a worker thread sleeps
// waiting for it, so the two never compete for a core: running ahead on its
// own, the reader shared the cores with both workers, and idle OpenMP
// workers spin (0.3-0.4 CPU-s of a 100k-article scan on 2 cores). When the
// workers leave a core free (--threads below the core count), the reader
// may fill `lookahead` batches ahead, in parallel with them.
class BatchPipe {
 public:
  explicit BatchPipe(uint64_t lookahead) : lookahead_(lookahead) {}
  // Reader: blocks until another batch may be filled.
  void AwaitRequest() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return requested_ + lookahead_ > delivered_; });
  }
  void Push(std::vector<Pending> batch) {
    std::lock_guard lock(mu_);
    items_.push_back(std::move(batch));
    ++delivered_;
    cv_.notify_all();
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }
  // Worker: asks for the next batch and waits for it; nothing once the
  // reader is done and every batch was taken.
  std::optional<std::vector<Pending>> Next() {
    std::unique_lock lock(mu_);
    ++requested_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return std::nullopt;
    std::vector<Pending> b = std::move(items_.front());
    items_.pop_front();
    return b;
  }

 private:
  const uint64_t lookahead_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<Pending>> items_;
  uint64_t requested_ = 0, delivered_ = 0;
  bool closed_ = false;
};

// The floor's word split: the byte ranges of maximal runs of ASCII
// alphanumerics or non-ASCII bytes, materialized as our tokenizer's are, in
// a reused buffer. The cheapest split that still yields the words: the same
// SIMD byte classes the tokenizer reads, then one bit trick per word.
uint64_t CountFloorWords(std::string_view text) {
  thread_local internal::ByteClasses classes;
  thread_local std::vector<Token> words;
  internal::ClassifyBytes(text, &classes);
  words.clear();
  uint32_t start = 0;
  uint64_t carry =
      0;  // Whether the byte before this word of bits is in a word.
  const size_t n_words = (text.size() + 63) / 64 + 1;
  for (size_t w = 0; w < n_words; ++w) {
    const uint64_t m = classes.word[w] | classes.high[w];
    const uint64_t before = m << 1 | carry;
    uint64_t edges = m ^ before;  // Starts (m set) and ends (m clear).
    while (edges != 0) {
      const int bit = __builtin_ctzll(edges);
      const uint32_t at = static_cast<uint32_t>(w * 64 + bit);
      if ((m >> bit) & 1) {
        start = at;
      } else {
        words.push_back(Token{start, at, false});
      }
      edges &= edges - 1;
    }
    carry = m >> 63;
  }
  return words.size();
}

// scan --index: puts the indexed documents related to the new ones in front
// of them, in index order. That is the order one scan over every dump would
// have seen, so candidates, capped buckets and cluster representatives come
// out as in that scan. Sets report->index.loaded.
absl::Status LoadRelated(internal::IndexedScan& indexed, Report* report,
                         internal::FingerprintArena* fingerprints,
                         internal::SignatureStore* signatures, uint32_t k) {
  absl::StatusOr<std::vector<IndexedDocument>> loaded = indexed.FindRelated(
      report->documents, [&](size_t i) { return (*signatures)[i]; });
  if (!loaded.ok()) return loaded.status();
  report->index.loaded = static_cast<uint32_t>(loaded->size());
  // For the representatives.
  report->index.origins = indexed.origins();
  indexed.SetReindexed(report->index.loaded, &report->index);
  if (loaded->empty()) return absl::OkStatus();
  const size_t n = report->documents.size();
  internal::FingerprintArena fp;
  internal::SignatureStore sigs(k);
  auto append = [&](std::span<const uint32_t> f) {
    std::copy(f.begin(), f.end(), fp.Reserve(f.size()));
  };
  std::vector<Document> docs;
  docs.reserve(loaded->size() + n);
  for (IndexedDocument& d : *loaded) {
    append(d.fingerprints);
    sigs.Append(d.signature);
    docs.push_back(std::move(d.doc));
  }
  for (size_t i = 0; i < n; ++i) {
    fingerprints->Prepare(i);
    append((*fingerprints)[i]);
    sigs.Append((*signatures)[i]);
    docs.push_back(std::move(report->documents[i]));
  }
  *fingerprints = std::move(fp);
  *signatures = std::move(sigs);
  report->documents = std::move(docs);
  return absl::OkStatus();
}

}  // namespace

double EffectiveLshThreshold(const ScanOptions& o) {
  // Banding given by hand was tuned for nothing: the Jaccard where its
  // S-curve 1 - (1 - J^rows)^bands rises fastest, about (1/bands)^(1/rows)
  // (review 39a-07: it reported the threshold of the banding it replaced).
  if (o.bands != 0 && o.rows != 0) {
    return std::pow(1.0 / o.bands, 1.0 / o.rows);
  }
  if (o.lsh_threshold > 0) return o.lsh_threshold;
  if (o.containment_threshold >= 1.0) return o.threshold;
  // Jaccard of a pair whose smaller set (ratio r of the larger) has
  // containment c: c r / (1 + r - c r). r = 0.7 (0.589 for c = 0.9: 25
  // bands x 5 rows): a whole article inside a re-post 43% longer (Jaccard
  // 0.7) is a candidate with probability 0.99, inside one 60% longer (0.625)
  // 0.92. r = 0.8 (21 x 6) gave 0.93 and 0.73, and found 150 of 200 BBC
  // articles re-posted with a footer of 60% of their length (review,
  // thirty-eighth session); r = 0.65 (28 x 4) 0.99 for both, but its
  // candidates cost BBC x45 0.2 s more to verify, against 0.07 s for r = 0.7.
  const double c = o.containment_threshold, r = 0.7;
  return std::min(o.threshold, c * r / (1 + r - c * r));
}

const char* KeepPolicyName(KeepPolicy k) {
  switch (k) {
    case KeepPolicy::kFirst:
      return "first";
    case KeepPolicy::kLongest:
      return "longest";
    case KeepPolicy::kEarliest:
      return "earliest";
  }
  return "first";
}

absl::Status ValidateScanOptions(const ScanOptions& o) {
  if (auto s = ValidateIngestOptions(o.ingest); !s.ok()) return s;
  if (auto s = ValidateSegmentOptions(o.segment); !s.ok()) return s;
  if (auto s = ValidateShingleOptions(o.shingle); !s.ok()) return s;
  if (auto s = ValidateMinHashOptions(o.minhash); !s.ok()) return s;
  if (auto s = ValidateClaimOptions(o.claims); !s.ok()) return s;
  if (!(o.threshold > 0.0 && o.threshold < 1.0)) {
    return absl::InvalidArgumentError("--threshold must be in (0, 1)");
  }
  if (!(o.containment_threshold > 0.0 && o.containment_threshold <= 1.0)) {
    return absl::InvalidArgumentError("--containment must be in (0, 1]");
  }
  if (!(o.min_length_ratio > 0.0 && o.min_length_ratio <= 1.0)) {
    return absl::InvalidArgumentError("--min-length-ratio must be in (0, 1]");
  }
  if (!(o.lsh_threshold >= 0.0 && o.lsh_threshold < 1.0)) {
    return absl::InvalidArgumentError("--lsh-threshold must be in [0, 1)");
  }
  if ((o.bands == 0) != (o.rows == 0)) {
    return absl::InvalidArgumentError("--bands and --rows go together");
  }
  if (o.bands != 0 && uint64_t{o.bands} * o.rows > o.minhash.num_perm) {
    return absl::InvalidArgumentError("--bands x --rows must be <= --num-perm");
  }
  // Written so that NaN fails too: no comparison with it is true.
  if (!(o.fp_weight >= 0 && o.fn_weight >= 0 && o.fp_weight + o.fn_weight > 0 &&
        std::isfinite(o.fp_weight + o.fn_weight))) {
    return absl::InvalidArgumentError(
        "LSH weights must be finite, >= 0 and not both 0");
  }
  if (o.max_bucket < 2)
    return absl::InvalidArgumentError("--max-bucket must be >= 2");
  if (o.max_cluster_pairs < 2) {
    return absl::InvalidArgumentError("--max-cluster-pairs must be >= 2");
  }
  if (o.threads < 0 || o.threads > kMaxThreads) {
    return absl::InvalidArgumentError(
        absl::StrCat("--threads must be in [0, ", kMaxThreads, "]"));
  }
  if (o.batch_records < 1)
    return absl::InvalidArgumentError("batch size must be >= 1");
  if (o.index_read_only && o.index_path.empty()) {
    return absl::InvalidArgumentError("--index-read-only needs --index PATH");
  }
  if (o.index_report_unchanged && o.index_path.empty()) {
    return absl::InvalidArgumentError(
        "--index-report-unchanged needs --index PATH");
  }
  if (!o.index_path.empty() && o.floor) {
    return absl::InvalidArgumentError("--index cannot be used with --floor");
  }
  if (o.index_merge_min_documents < 1) {
    return absl::InvalidArgumentError("index merge threshold must be >= 1");
  }
  if (o.index_wait_ms < 0) {
    return absl::InvalidArgumentError("--index-wait must be >= 0");
  }
  return absl::OkStatus();
}

namespace internal {

ClaimsPrefetch::ClaimsPrefetch(const ScanOptions& options) {
  if (!options.claims.enabled || options.floor ||
      options.claims.wordnet_dir.empty()) {
    return;
  }
  thread_ = std::thread([this, dir = options.claims.wordnet_dir] {
    scorer_.emplace(ClaimScorer::Create(ClaimScorerOptions{dir}));
  });
}

ClaimsPrefetch::~ClaimsPrefetch() {
  if (thread_.joinable()) thread_.join();
}

LshParams DocumentBanding(const ScanOptions& options) {
  return options.bands != 0
             ? LshParams{options.bands, options.rows}
             : OptimalLshParams(EffectiveLshThreshold(options),
                                options.minhash.num_perm, options.fp_weight,
                                options.fn_weight);
}

void StartReport(const ScanOptions& options, Report* report) {
  report->options = options;
  report->lsh_threshold = EffectiveLshThreshold(options);
  report->lsh = DocumentBanding(options);
}

absl::Status SketchInputs(
    std::span<const InputFile> files, const ScanOptions& options,
    const MinHasher& hasher, bool keep_text, bool segment_for_claims,
    const std::function<SketchSlots(Document&&, const Sketched&)>& on_doc,
    const std::function<void(SkippedRecord&&)>& on_skip,
    const std::function<void()>& after_batch) {
  segment_for_claims = segment_for_claims && keep_text && !options.floor;
  const uint32_t k = options.minhash.num_perm;
  // One batch with its sketches. Two alternate: the workers sketch one
  // while the calling thread hands the one before over (on_doc in input
  // order), so the hand-over overlaps the parallel work instead of leaving
  // the other cores waiting for it. Slot i's shingle hashes are the first
  // set_sizes[i] of sets[i] (ShingleHashesInto: the buffers only grow, and
  // are reused batch after batch).
  struct Buffers {
    std::vector<Pending> batch;
    std::vector<std::vector<uint64_t>> sets;
    std::vector<size_t> set_sizes;
    std::vector<uint32_t> sigs;
    std::vector<uint64_t> words;
    std::vector<SketchSlots> slots;
    std::vector<ClaimSegments> segments;  // With segment_for_claims.
    std::span<const uint64_t> set(size_t i) const {
      return std::span<const uint64_t>(sets[i].data(), set_sizes[i]);
    }
  };
  Buffers buffers[2];
  auto sketch = [&](Buffers& b, int64_t i) {
    Pending& p = b.batch[i];
    if (std::holds_alternative<SkippedRecord>(p.result)) return;
    p.result = ParseRecord(std::move(p.record), options.ingest);
    auto* doc = std::get_if<Document>(&p.result);
    if (doc == nullptr) return;
    if (options.floor) {
      b.words[i] = CountFloorWords(doc->text);
      return;
    }
    thread_local std::string norm;
    thread_local std::vector<Token> tokens;
    NormalizeInto(doc->text, &norm);
    const size_t num_tokens = TokenizeInto(norm, &tokens);
    b.set_sizes[i] = ShingleHashesInto(
        norm, std::span<const Token>(tokens.data(), num_tokens),
        options.shingle, &b.sets[i]);
    hasher.Sign(b.set(i), std::span<uint32_t>(b.sigs).subspan(i * k, k));
    if (segment_for_claims) {
      b.segments[i] = SegmentForClaims(*doc, options.segment);
    }
    if (!keep_text) std::string().swap(doc->text);
  };
  // In input order, on the calling thread: what must be sequential (ids,
  // order).
  auto hand_over = [&](Buffers& b) {
    const size_t n = b.batch.size();
    b.slots.assign(n, SketchSlots{});
    for (size_t i = 0; i < n; ++i) {
      Pending& p = b.batch[i];
      if (auto* skip = std::get_if<SkippedRecord>(&p.result)) {
        on_skip(std::move(*skip));
        continue;
      }
      Sketched sk;
      if (options.floor) {
        sk.floor_words = b.words[i];
      } else {
        sk.shingles = b.set(i);
        sk.signature = std::span<const uint32_t>(b.sigs).subspan(i * k, k);
        if (segment_for_claims) sk.claim_segments = &b.segments[i];
      }
      b.slots[i] = on_doc(std::get<Document>(std::move(p.result)), sk);
    }
    if (after_batch) after_batch();
  };
  // The copies into the stores of documents [begin, end) of a handed-over
  // batch; any thread.
  auto store = [&](const Buffers& b, size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      if (b.slots[i].fingerprints != nullptr) {
        FingerprintArena::Fill(b.set(i), b.slots[i].fingerprints);
      }
      if (b.slots[i].signature != nullptr) {
        std::copy_n(b.sigs.begin() + i * k, k, b.slots[i].signature);
      }
    }
  };
  constexpr size_t kStoreChunk = 32;
  // Sketches `cur` while the calling thread waits for the next batch
  // (`fetch_next`, which waits for the reader) and then hands `prev` over,
  // its copies left as tasks to whichever thread is free.
  auto process_batch = [&](Buffers& cur, Buffers* prev,
                           const std::function<void()>& fetch_next) {
    const int64_t n = static_cast<int64_t>(cur.batch.size());
    if (options.floor) {
      cur.words.assign(cur.batch.size(), 0);
    } else {
      cur.sets.resize(cur.batch.size());
      cur.set_sizes.assign(cur.batch.size(), 0);
      cur.sigs.resize(cur.batch.size() * k);
      if (segment_for_claims) {
        cur.segments.clear();
        cur.segments.resize(cur.batch.size());
      }
    }
#pragma omp parallel
    {
#pragma omp master
      {
        fetch_next();
        if (prev != nullptr) {
          hand_over(*prev);
          for (size_t c = 0; c < prev->batch.size(); c += kStoreChunk) {
#pragma omp task
            store(*prev, c, std::min(c + kStoreChunk, prev->batch.size()));
          }
        }
      }
#pragma omp for schedule(dynamic, 8) nowait
      for (int64_t i = 0; i < n; ++i) sketch(cur, i);
    }
    if (prev != nullptr) prev->batch.clear();
  };
  // A reader thread walks, decompresses and cuts the input into batches,
  // each while the workers sketch the previous one, so reading (sequential
  // by nature) overlaps the parallel work instead of adding to it.
  BatchPipe pipe(omp_get_max_threads() < internal::UsableCpus() ? 2 : 0);
  absl::Status read_status;
  std::thread reader([&] {
    std::vector<Pending> filling;
    std::function<void(RawRecord &&)> on_record = [&](RawRecord&& r) {
      if (filling.empty()) pipe.AwaitRequest();
      filling.push_back(Pending{std::move(r), Document{}});
      if (filling.size() >= options.batch_records) {
        pipe.Push(std::exchange(filling, {}));
      }
    };
    std::function<void(SkippedRecord &&)> on_walk_skip =
        [&](SkippedRecord&& s) {
          if (filling.empty()) pipe.AwaitRequest();
          filling.push_back(Pending{RawRecord{}, std::move(s)});
        };
    read_status =
        ReadInputFiles(files, options.ingest, on_record, on_walk_skip);
    if (!filling.empty()) pipe.Push(std::move(filling));
    pipe.Close();
  });
  // A batch handed over on its own (the last one; every one on a single
  // thread, where nothing could overlap the hand-over).
  auto finish = [&](Buffers& b) {
    hand_over(b);
    const auto chunks =
        static_cast<int64_t>((b.batch.size() + kStoreChunk - 1) / kStoreChunk);
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t c = 0; c < chunks; ++c) {
      store(b, c * kStoreChunk,
            std::min((c + 1) * kStoreChunk, b.batch.size()));
    }
    b.batch.clear();
  };
  const bool overlap = omp_get_max_threads() > 1;
  std::optional<std::vector<Pending>> next = pipe.Next();
  Buffers* prev = nullptr;
  for (int turn = 0; next; turn ^= 1) {
    Buffers& cur = buffers[turn];
    cur.batch = *std::move(next);
    next.reset();
    process_batch(cur, prev, [&] { next = pipe.Next(); });
    prev = &cur;
    if (!overlap) {
      finish(cur);
      prev = nullptr;
    }
  }
  if (prev != nullptr) finish(*prev);
  reader.join();
  return read_status;
}

uint64_t IdIndex::Hash(std::string_view id) {
  return HashBytes(id, kTokenSeed);
}

std::optional<uint32_t> IdIndex::Insert(std::string_view id, uint32_t doc,
                                        std::span<const Document> docs) {
  auto [it, inserted] = by_hash_.try_emplace(hash_(id), doc);
  if (inserted) return std::nullopt;
  const Document& holder = docs[it->second];
  if (holder.id == id || InputId(holder) == id) return it->second;
  auto [c, new_id] = collided_.try_emplace(std::string(id), doc);
  if (new_id) return std::nullopt;
  return c->second;
}

std::vector<uint32_t>& IdIndex::SharedBy(std::string_view id, uint32_t first) {
  auto [it, inserted] = shared_.try_emplace(std::string(id));
  if (inserted) it->second.push_back(first);
  return it->second;
}

namespace {

// Names document `d` (number `i`) "ID#HASH" (RepeatedIds::kRename), by the
// top 32 bits of its record hash, or "ID#HASH@LOCATION" if a record gave
// that as its own id. False, nothing changed, if both are taken.
bool RenameSharedId(Document* d, uint32_t i, IdIndex* id_index,
                    std::span<const Document> docs) {
  std::string name = SharedIdName(d->id, d->record_hash);
  if (id_index->Insert(name, i, docs)) {
    absl::StrAppend(&name, "@", d->location);
    if (id_index->Insert(name, i, docs)) return false;
  }
  d->input_id_bytes = static_cast<uint32_t>(d->id.size());
  d->id = std::move(name);
  return true;
}

}  // namespace

namespace {

// Why a record repeating document `first` is skipped.
std::string RepeatReason(const Document& first) {
  return absl::StrCat("repeats the record at ", first.location,
                      " (the same id '", std::string(InputId(first)),
                      "', text, title, url, date and source)");
}

}  // namespace

bool KeepDocument(Document&& doc, IdIndex* id_index, Report* report) {
  const auto here = static_cast<uint32_t>(report->documents.size());
  const std::optional<uint32_t> first =
      id_index->Insert(doc.id, here, report->documents);
  std::string reason;
  if (first && report->options.ingest.repeated_ids == RepeatedIds::kSkip) {
    reason = absl::StrCat("duplicate id '", doc.id, "' (first at ",
                          report->documents[*first].location, ")");
  } else if (first) {
    std::vector<Document>& docs = report->documents;
    std::vector<uint32_t>& holders = id_index->SharedBy(doc.id, *first);
    auto same = std::find_if(holders.begin(), holders.end(), [&](uint32_t h) {
      return docs[h].record_hash == doc.record_hash &&
             docs[h].text_bytes == doc.text_bytes;
    });
    if (same != holders.end()) {
      reason = RepeatReason(docs[*same]);
      report->repeated_records.emplace_back(
          static_cast<uint32_t>(report->skipped.size()), *same);
    } else {
      // The first holder is renamed too, so that no name depends on which
      // record came first: the same records give the same names whatever
      // their files' names and order, and an index finds them again.
      if (holders.size() == 1 && docs[holders[0]].input_id_bytes == 0) {
        (void)RenameSharedId(&docs[holders[0]], holders[0], id_index, docs);
      }
      const std::string id = doc.id;
      if (RenameSharedId(&doc, here, id_index, docs)) {
        holders.push_back(here);
      } else {
        reason = absl::StrCat("duplicate id '", id, "' (first at ",
                              docs[*first].location,
                              "), and earlier records have the names it "
                              "would be given");
      }
    }
  }
  if (!reason.empty()) {
    if (report->duplicate_ids++ == 0) report->first_duplicate_id = doc.location;
    report->skipped.push_back(SkippedRecord{doc.location, std::move(reason)});
    return false;
  }
  if (doc.id_from_location && report->ids_from_location++ == 0) {
    report->first_id_from_location = doc.location;
  }
  report->input_bytes += doc.input_bytes;
  report->invalid_utf8 += doc.invalid_utf8;
  report->looks_like_html += doc.looks_like_html ? 1 : 0;
  report->documents.push_back(std::move(doc));
  return true;
}

Verified VerifyPair(std::span<const uint32_t> x, std::span<const uint32_t> y,
                    const ScanOptions& options, bool near_only) {
  Verified v;
  if (x.empty() || y.empty()) return v;
  const double small = static_cast<double>(std::min(x.size(), y.size()));
  const double large = static_cast<double>(std::max(x.size(), y.size()));
  size_t need = 0;
  if (near_only) {
    // The least intersection either test can pass with: Jaccard t needs
    // t (s + l) / (1 + t), containment c needs c s. One under its floor,
    // so that rounding cannot stop a merge IsNearDuplicate would pass.
    double least =
        options.threshold * (small + large) / (1 + options.threshold);
    if (options.containment_threshold < 1.0 &&
        small >= options.min_length_ratio * large) {
      least = std::min(least, options.containment_threshold * small);
    }
    if (least >= 2) need = static_cast<size_t>(std::floor(least)) - 1;
  }
  const size_t count =
      need == 0 ? IntersectionSize(x, y) : IntersectionSizeAtLeast(x, y, need);
  if (count < need) return v;  // Stopped early: under both thresholds.
  const double inter = static_cast<double>(count);
  v.jaccard = inter / (small + large - inter);
  v.containment = inter / small;
  v.near_duplicate =
      IsNearDuplicate(v.jaccard, v.containment, small, large, options);
  return v;
}

bool IsNearDuplicate(double jaccard, double containment, double small,
                     double large, const ScanOptions& options) {
  return jaccard >= options.threshold ||
         (options.containment_threshold < 1.0 &&
          containment >= options.containment_threshold &&
          small >= options.min_length_ratio * large);
}

namespace {

// A date's place for --keep earliest: the dates ParseDate reads (date.h)
// as instants; any other text after every parsed date, compared as text; no
// date last.
struct DateKey {
  int rank = 2;  // 0 parsed, 1 text, 2 none.
  absl::Time time;
  std::string_view text;
  bool operator<(const DateKey& o) const {
    if (rank != o.rank) return rank < o.rank;
    return rank == 0 ? time < o.time : text < o.text;
  }
};

DateKey KeyOfDate(std::string_view date) {
  DateKey k;
  if (date.empty()) return k;
  if (std::optional<absl::Time> t = ParseDate(date)) {
    k.rank = 0;
    k.time = *t;
  } else {
    k.rank = 1;
    k.text = date;
  }
  return k;
}

// Whether ScanOptions::keep prefers document x to document y: indexed
// documents first, then the first in input order, the one with the most
// text or the earliest date (`date_key`, filled for --keep earliest); ties
// by input order.
bool Prefer(uint32_t x, uint32_t y, const Report& report,
            std::span<const DateKey> date_key) {
  const IndexSummary& ix = report.index;
  if (ix.IsIndexed(x) != ix.IsIndexed(y)) return ix.IsIndexed(x);
  if (report.IsDamaged(x) != report.IsDamaged(y)) return report.IsDamaged(y);
  const std::vector<Document>& docs = report.documents;
  // A copy whose markup was read as words (a JSONL body of <p> tags
  // without --strip-html) after a clean one: a deduplicated dataset kept
  // the markup copy whenever it came first (review 52a-05).
  if (docs[x].looks_like_html != docs[y].looks_like_html) {
    return docs[y].looks_like_html;
  }
  switch (report.options.keep) {
    case KeepPolicy::kFirst:
      break;
    case KeepPolicy::kLongest:
      if (docs[x].text_bytes != docs[y].text_bytes) {
        return docs[x].text_bytes > docs[y].text_bytes;
      }
      break;
    case KeepPolicy::kEarliest:
      if (date_key[x] < date_key[y]) return true;
      if (date_key[y] < date_key[x]) return false;
      break;
  }
  return x < y;
}

// The member of `members` (ascending) that ScanOptions::keep names.
uint32_t Representative(std::span<const uint32_t> members, const Report& report,
                        std::span<const DateKey> date_key) {
  const IndexSummary& ix = report.index;
  // Indexed documents come first: the earliest dump's members that its run
  // kept, by this same rule. Indexed members their runs left out are not
  // kept now either; with no kept one loaded (the one they were left out
  // for is like no new article), a new member stands for them.
  uint64_t first = std::numeric_limits<uint64_t>::max();
  for (uint32_t m : members) {
    if (ix.IsIndexed(m) && ix.origins[m].kept) {
      first = std::min(first, ix.origins[m].dump_seq);
    }
  }
  std::vector<uint32_t> candidates;
  for (uint32_t m : members) {
    if (first != std::numeric_limits<uint64_t>::max()
            ? ix.IsIndexed(m) && ix.origins[m].kept &&
                  ix.origins[m].dump_seq == first
            : !ix.IsIndexed(m)) {
      candidates.push_back(m);
    }
  }
  if (candidates.empty()) candidates.assign(members.begin(), members.end());
  if (first == std::numeric_limits<uint64_t>::max()) {
    // An article sent again under an id an earlier run indexed is that
    // indexed article (which is not loaded again): first one its run kept
    // when a dump is scanned again for its report (so the rerun names the
    // representative its first scan named, review 44b-03), then the
    // others; one edited since its run left it out comes last, which the
    // dataset may hold.
    auto in = [](const std::vector<uint32_t>& v, uint32_t m) {
      return std::binary_search(v.begin(), v.end(), m);
    };
    auto rank = [&](uint32_t m) {
      if (!in(ix.reindexed, m)) return 3;
      if (in(ix.rerun_kept, m)) return 0;
      return in(ix.edited_left_out, m) ? 2 : 1;
    };
    const auto best = std::min_element(
        candidates.begin(), candidates.end(),
        [&](uint32_t x, uint32_t y) { return rank(x) < rank(y); });
    if (rank(*best) < 3) return *best;
  }
  return *std::min_element(
      candidates.begin(), candidates.end(),
      [&](uint32_t x, uint32_t y) { return Prefer(x, y, report, date_key); });
}

// The members of `c` a deduplicated dataset keeps, ascending: the
// representative, then, in the keep policy's order of preference, each
// member with no verified edge to a member kept before it. So every member
// left out has a kept near-duplicate at or above the threshold, and no two
// kept members have a verified edge: a chain of small edits (A ~ B ~ C,
// A and C under the threshold) keeps A and C, where keeping the
// representative alone would drop C with nothing like it kept. Indexed
// members stay as their runs left them (IndexedOrigin::kept): a new member
// with an edge to a kept one is left out, and one whose only indexed
// partners were left out is kept, as one scan over both dumps would.
// `partners`: the similarity matrix with both triangles (row d: every
// verified partner of d).
std::vector<uint32_t> KeptMembers(const Cluster& c, const Report& report,
                                  std::span<const DateKey> date_key,
                                  const SimilarityMatrix& partners,
                                  std::vector<char>* kept_flag) {
  std::vector<uint32_t> order;
  order.reserve(c.members.size());
  for (uint32_t m : c.members) {
    if (m != c.representative) order.push_back(m);
  }
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    return Prefer(x, y, report, date_key);
  });
  std::vector<uint32_t> kept = {c.representative};
  (*kept_flag)[c.representative] = 1;
  for (uint32_t m : order) {
    bool near_kept = false;
    for (SimilarityMatrix::InnerIterator it(partners, m); it && !near_kept;
         ++it) {
      near_kept = (*kept_flag)[it.col()] != 0;
    }
    if (report.index.IsIndexed(m) ? report.index.origins[m].kept
                                  : !near_kept && !report.IsDamaged(m)) {
      kept.push_back(m);
      (*kept_flag)[m] = 1;
    }
  }
  std::sort(kept.begin(), kept.end());
  return kept;
}

// With --keep earliest, counts this run's documents whose date is compared
// as text, so that a feed's unread date form does not pass unseen.
void CountDatesNotRead(Report* report) {
  if (report->options.keep != KeepPolicy::kEarliest) return;
  const std::vector<Document>& docs = report->documents;
  const auto n = static_cast<int64_t>(docs.size());
  uint64_t count = 0, undated = 0;
  int64_t first = n;
#pragma omp parallel for schedule(dynamic, 1024) reduction(+ : count, undated) \
    reduction(min : first)
  for (int64_t d = report->index.loaded; d < n; ++d) {
    const int rank = KeyOfDate(docs[d].date).rank;
    if (rank == 1) {
      ++count;
      first = std::min(first, d);
    }
    if (rank == 2) ++undated;
  }
  report->dates_not_read = count;
  report->undated = undated;
  report->first_date_not_read = static_cast<uint32_t>(first);
}

}  // namespace

std::vector<uint32_t> HubRanks(const Report& report) {
  const KeepPolicy keep = report.options.keep;
  if (keep == KeepPolicy::kFirst && report.looks_like_html == 0) return {};
  const std::vector<Document>& docs = report.documents;
  const auto n = static_cast<uint32_t>(docs.size());
  std::vector<DateKey> date_key;
  if (keep == KeepPolicy::kEarliest) {
    date_key.resize(n);
#pragma omp parallel for schedule(dynamic, 4096)
    for (int64_t d = 0; d < static_cast<int64_t>(n); ++d) {
      date_key[d] = KeyOfDate(docs[d].date);
    }
  }
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    return Prefer(x, y, report, date_key);
  });
  std::vector<uint32_t> rank(n);
  for (uint32_t i = 0; i < n; ++i) rank[order[i]] = i;
  return rank;
}

void MarkDamaged(Report* report) {
  // A location is "path", "path:line" or "path:line:column", and a path
  // read as input ends in its extension, never in ":digits".
  auto path_of = [](std::string_view location) {
    for (int k = 0; k < 2; ++k) {
      const size_t colon = location.rfind(':');
      if (colon == std::string_view::npos || colon + 1 == location.size() ||
          location.find_first_not_of("0123456789", colon + 1) !=
              std::string_view::npos) {
        break;
      }
      location = location.substr(0, colon);
    }
    return location;
  };
  report->damaged.clear();
  absl::flat_hash_set<std::string_view> paths;
  for (const SkippedRecord& s : report->skipped) {
    if (s.damaged) paths.insert(path_of(s.location));
  }
  if (paths.empty()) return;
  // A record of a damaged file repeated by an intact one (the re-delivery
  // the summary asks for, in the same dump) is read from the intact file:
  // both were skipped as damaged and as a repeat (review 45a-07).
  std::vector<Document>& docs = report->documents;
  absl::flat_hash_set<uint32_t> restored;
  for (auto [s, d] : report->repeated_records) {
    SkippedRecord& skip = report->skipped[s];
    Document& doc = docs[report->index.loaded + d];
    if (restored.contains(d)) {
      skip.reason = RepeatReason(doc);
    } else if (paths.contains(path_of(doc.location)) &&
               !paths.contains(path_of(skip.location))) {
      std::swap(doc.location, skip.location);
      if (report->first_duplicate_id == doc.location) {
        report->first_duplicate_id = skip.location;
      }
      skip.reason = absl::StrCat(
          "in a file that failed its integrity check; the same record is "
          "read intact at ",
          doc.location);
      restored.insert(d);
    }
  }
  for (size_t d = report->index.loaded; d < report->documents.size(); ++d) {
    if (paths.contains(path_of(report->documents[d].location))) {
      report->damaged.push_back(static_cast<uint32_t>(d));
    }
  }
}

void ClusterAndListPairs(std::span<const Edge> edges, const PairsFn& evaluate,
                         Report* report) {
  const ScanOptions& options = report->options;
  MarkDamaged(report);
  const uint32_t num_docs = static_cast<uint32_t>(report->documents.size());
  CountDatesNotRead(report);
  report->similarity = BuildSimilarityMatrix(num_docs, edges);
  std::vector<Cluster> clusters = ConnectedComponents(report->similarity);
  // Each clustered document's date parsed once, for --keep earliest.
  std::vector<DateKey> date_key;
  if (options.keep == KeepPolicy::kEarliest) {
    date_key.resize(num_docs);
    for (const Cluster& c : clusters) {
      for (uint32_t m : c.members) {
        date_key[m] = KeyOfDate(report->documents[m].date);
      }
    }
  }
  for (Cluster& c : clusters)
    c.representative = Representative(c.members, *report, date_key);
  std::vector<const Cluster*> cluster_of(num_docs, nullptr);
  for (const Cluster& c : clusters) {
    for (uint32_t m : c.members) cluster_of[m] = &c;
  }
  std::vector<std::pair<uint32_t, uint32_t>> listed;
  for (const Edge& e : MatrixEdges(report->similarity)) {
    if (cluster_of[e.a]->members.size() > options.max_cluster_pairs) continue;
    listed.emplace_back(e.a, e.b);
  }
  const SimilarityMatrix partners =
      report->similarity + SimilarityMatrix(report->similarity.transpose());
  std::vector<char> kept_flag(num_docs, 0);
  std::vector<char> reached(num_docs, 0);
  std::vector<uint32_t> queue;
  for (Cluster& c : clusters) {
    DocumentCluster dc;
    dc.kept = KeptMembers(c, *report, date_key, partners, &kept_flag);
    dc.pairs_as_tree = c.members.size() > options.max_cluster_pairs;
    if (dc.pairs_as_tree) {
      // A spanning tree of verified pairs, breadth first from the
      // representative: each member with the member it is reached from.
      // Pairs of the representative with members it is no near-duplicate
      // of (a chain of edits) were listed before, under both thresholds
      // (review, thirty-eighth session).
      queue.assign(1, c.representative);
      reached[c.representative] = 1;
      for (size_t q = 0; q < queue.size(); ++q) {
        const uint32_t u = queue[q];
        for (SimilarityMatrix::InnerIterator it(partners, u); it; ++it) {
          const auto v = static_cast<uint32_t>(it.col());
          if (reached[v]) continue;
          reached[v] = 1;
          queue.push_back(v);
          listed.emplace_back(std::min(u, v), std::max(u, v));
        }
      }
    }
    dc.cluster = std::move(c);
    report->clusters.push_back(std::move(dc));
  }
  report->pairs = evaluate(listed);
  std::sort(report->pairs.begin(), report->pairs.end(),
            [](const NearDuplicatePair& x, const NearDuplicatePair& y) {
              return x.a != y.a ? x.a < y.a : x.b < y.b;
            });
}

std::vector<uint32_t> StoryOf(const Report& report) {
  const uint32_t num_docs = static_cast<uint32_t>(report.documents.size());
  std::vector<uint32_t> story_of(num_docs);
  for (uint32_t d = 0; d < num_docs; ++d) story_of[d] = d;
  // Labelled by the first member, whichever is the representative.
  for (const DocumentCluster& dc : report.clusters) {
    for (uint32_t m : dc.cluster.members)
      story_of[m] = dc.cluster.members.front();
  }
  return story_of;
}

absl::Status RunClaimsStage(
    IndexedScan* indexed, Report* report,
    std::span<std::optional<ClaimSegments>> presegmented) {
  const std::vector<uint32_t> story_of = StoryOf(*report);
  absl::StatusOr<ClaimsResult> claims = FindClaims(
      report->documents, story_of, report->options.segment,
      report->options.claims,
      indexed ? indexed->claims(report->index.loaded) : nullptr, presegmented);
  if (!claims.ok()) return claims.status();
  report->claims = *std::move(claims);
  return absl::OkStatus();
}

absl::Status KeepDocumentLevelIfClaimsFail(absl::Status claims,
                                           Report* report) {
  if (claims.ok() || !absl::IsResourceExhausted(claims)) {
    return claims;
  }
  report->claims = ClaimsResult();
  report->claims.threshold = EffectiveClaimThreshold(report->options.claims);
  report->claims.headline_threshold = report->options.claims.headline_threshold;
  report->claims.min_story_similarity =
      report->options.claims.min_story_similarity;
  report->claims.unrelated_threshold =
      report->options.claims.unrelated_threshold;
  if (IsEnglishLanguage(report->options.claims.language)) {
    report->claims.min_shared_outside_attribution =
        report->options.claims.min_shared_outside_attribution;
  }
  report->claims_error = std::string(claims.message());
  return absl::OkStatus();
}

}  // namespace internal

int DefaultThreadCount() {
  return std::min(internal::DefaultThreads(), kMaxThreads);
}

absl::StatusOr<Report> RunScan(std::span<const std::string> paths,
                               const ScanOptions& options,
                               const ProgressFn& progress,
                               const BeforeIndexCommitFn& before_commit) {
  using internal::FingerprintArena;
  using internal::SignatureStore;
  if (auto s = ValidateScanOptions(options); !s.ok()) return s;
  ThreadScope thread_scope(options.threads);
  const auto t0 = Clock::now();

  internal::ClaimsPrefetch prefetch(options);
  Report report;
  internal::StartReport(options, &report);
  const MinHasher hasher(options.minhash);
  const uint32_t k = options.minhash.num_perm;
  // Claims quote the text at the end and the index stores it; otherwise
  // only metadata is kept.
  const bool keep_text =
      (options.claims.enabled || !options.index_path.empty()) && !options.floor;
  // scan --index: a bad index fails the scan here, before any work.
  std::optional<internal::IndexedScan> indexed;
  if (!options.index_path.empty()) {
    // A scan that can read nothing creates no index: a mistyped dump path
    // left an empty index file behind (review 44c).
    if (std::error_code ec;
        !std::filesystem::exists(options.index_path, ec) && !paths.empty() &&
        std::none_of(paths.begin(), paths.end(), [](const std::string& p) {
          std::error_code e;
          return p == kStdinPath || std::filesystem::exists(p, e);
        })) {
      return absl::NotFoundError(absl::StrCat(paths.front(),
                                              ": cannot open (nothing to "
                                              "read: no index created at ",
                                              options.index_path, ")"));
    }
    // Without --bands, the banding follows --threshold, and an index keeps
    // the banding it was built with: a scan at another threshold (which
    // verification applies exactly) takes the index's.
    if (options.bands == 0) {
      const std::optional<LshParams> theirs = internal::IndexBanding(options);
      if (theirs && (theirs->bands != report.lsh.bands ||
                     theirs->rows != report.lsh.rows)) {
        report.index.banding_for_threshold = report.lsh;
        report.lsh = *theirs;
        // What is known of the banding that ran, as for one given by hand
        // (review 47a-04: params said --threshold's).
        report.lsh_threshold =
            std::pow(1.0 / theirs->bands, 1.0 / theirs->rows);
      }
    }
    absl::StatusOr<internal::IndexedScan> ix =
        internal::IndexedScan::Open(options, report.lsh);
    if (!ix.ok()) return ix.status();
    indexed.emplace(*std::move(ix));
  }

  // ---- Ingest, normalize, shingle, sign: batch by batch, in parallel. ----
  // The claims stage's first step, segmenting, is done here too: a dump of
  // small files is read more slowly than it is sketched, and the workers
  // would otherwise wait for the reader.
  const bool presegment = options.claims.enabled && keep_text;
  // Per document of report.documents (presegment): its claim segments.
  std::vector<std::optional<ClaimSegments>> claim_segments;
  FingerprintArena fingerprints;
  SignatureStore signatures(k);
  internal::IdIndex id_index;
  // Sequential, in input order: keeps the order and catches duplicate ids.
  auto on_doc = [&](Document&& doc, const internal::Sketched& sk) {
    if (options.floor) std::string().swap(doc.text);
    if (!internal::KeepDocument(std::move(doc), &id_index, &report)) {
      return internal::SketchSlots{};
    }
    if (options.floor) {
      report.floor_words += sk.floor_words;
      return internal::SketchSlots{};
    }
    if (presegment) {
      claim_segments.emplace_back();
      if (sk.claim_segments != nullptr) {
        claim_segments.back() = std::move(*sk.claim_segments);
      }
    }
    return internal::SketchSlots{fingerprints.Reserve(sk.shingles.size()),
                                 signatures.Reserve()};
  };
  auto on_skip = [&](SkippedRecord&& s) {
    report.skipped.push_back(std::move(s));
  };
  auto after_batch = [&] {
    if (progress) progress(report.documents.size(), report.input_bytes);
  };
  absl::Status read_status = internal::SketchInputs(
      ListInputFiles(paths, /*sizes=*/false, options.ingest.exclude_from_walk),
      options, hasher, keep_text, presegment, on_doc, on_skip, after_batch);
  if (!read_status.ok()) return read_status;
  id_index = internal::IdIndex();  // Its memory goes before the LSH step.
  report.records = report.documents.size() + report.skipped.size();
  report.timings.ingest_s = Seconds(t0);
  if (options.floor) {
    report.timings.total_s = Seconds(t0);
    return report;
  }
  if (indexed) {
    absl::Status s =
        LoadRelated(*indexed, &report, &fingerprints, &signatures, k);
    if (!s.ok()) return s;
    // The indexed documents went in front: segmented in the claims stage.
    if (presegment) {
      claim_segments.insert(claim_segments.begin(), report.index.loaded,
                            std::nullopt);
    }
  }

  // ---- LSH candidates. ----
  auto t1 = Clock::now();
  std::vector<std::pair<uint32_t, uint32_t>> candidates;
  {
    LshIndex index(report.lsh, k);
    index.Reserve(signatures.size());
    for (std::span<const uint32_t> block : signatures.Blocks())
      index.Add(block);
    index.Build();
    LshIndex::CandidateStats stats;
    candidates = index.CandidatePairs(options.max_bucket, &stats, {},
                                      internal::HubRanks(report));
    report.capped_buckets = stats.buckets_capped;
  }
  report.candidate_pairs = candidates.size();
  report.timings.lsh_s = Seconds(t1);

  // ---- Verify every candidate: exact Jaccard and containment. ----
  auto t2 = Clock::now();
  {
    std::vector<uint32_t> involved;
    involved.reserve(candidates.size() * 2);
    for (auto [a, b] : candidates) {
      involved.push_back(a);
      involved.push_back(b);
    }
    std::sort(involved.begin(), involved.end());
    involved.erase(std::unique(involved.begin(), involved.end()),
                   involved.end());
    const int64_t ni = static_cast<int64_t>(involved.size());
#pragma omp parallel for schedule(dynamic, 64)
    for (int64_t i = 0; i < ni; ++i) fingerprints.Prepare(involved[i]);
  }

  const int64_t nc = static_cast<int64_t>(candidates.size());
  std::vector<internal::Verified> verified(candidates.size());
#pragma omp parallel for schedule(dynamic, 256)
  for (int64_t i = 0; i < nc; ++i) {
    verified[i] = internal::VerifyPair(fingerprints[candidates[i].first],
                                       fingerprints[candidates[i].second],
                                       options, /*near_only=*/true);
  }
  std::vector<Edge> edges;
  for (int64_t i = 0; i < nc; ++i) {
    if (verified[i].near_duplicate) {
      edges.push_back(
          Edge{candidates[i].first, candidates[i].second, verified[i].jaccard});
    }
  }
  std::vector<std::pair<uint32_t, uint32_t>>().swap(candidates);
  std::vector<internal::Verified>().swap(verified);
  report.timings.verify_s = Seconds(t2);

  // ---- Cluster, and choose which pairs the report lists. ----
  auto t3 = Clock::now();
  internal::ClusterAndListPairs(
      edges,
      [&](std::span<const std::pair<uint32_t, uint32_t>> listed) {
        std::vector<NearDuplicatePair> out;
        out.reserve(listed.size());
        for (auto [a, b] : listed) {
          internal::Verified v =
              internal::VerifyPair(fingerprints[a], fingerprints[b], options);
          out.push_back(
              NearDuplicatePair{a, b, v.jaccard, v.containment,
                                EstimateJaccard(signatures[a], signatures[b])});
        }
        return out;
      },
      &report);
  report.timings.cluster_s = Seconds(t3);

  // Only the index reads the document-level sketches again: without one,
  // their memory goes before the claims stage's peak.
  if (!indexed) {
    fingerprints = FingerprintArena();
    signatures = SignatureStore(k);
  }

  // ---- Claims: copies within one near-duplicate cluster are one story. ----
  if (options.claims.enabled) {
    auto t4 = Clock::now();
    absl::Status s = internal::KeepDocumentLevelIfClaimsFail(
        internal::RunClaimsStage(indexed ? &*indexed : nullptr, &report,
                                 claim_segments),
        &report);
    if (!s.ok()) return s;
    report.timings.claims_s = Seconds(t4);
  }
  if (indexed) {
    absl::Status s = indexed->Finish(
        paths,
        [&](size_t d) {
          fingerprints.Prepare(d);
          return fingerprints[d];
        },
        [&](size_t d) { return signatures[d]; },
        [&](Report* r) {
          r->timings.total_s = Seconds(t0);
          return before_commit ? before_commit(*r) : absl::OkStatus();
        },
        &report);
    if (!s.ok()) return s;
  }
  report.timings.total_s = Seconds(t0);
  return report;
}

namespace {

// Every document under `paths`, in input order, merged as a scan merges
// them (a repeated id is a skipped record, internal::KeepDocument); the
// records not read are appended to `skipped`.
std::vector<Document> ReadDocuments(std::span<const std::string> paths,
                                    const IngestOptions& options,
                                    std::vector<SkippedRecord>* skipped) {
  Report merged;
  merged.options.ingest = options;  // Its repeated_ids, as the scan's.
  internal::IdIndex ids;
  std::function<void(RawRecord &&)> on_record = [&](RawRecord&& r) {
    auto v = ParseRecord(std::move(r), options);
    if (auto* d = std::get_if<Document>(&v)) {
      internal::KeepDocument(std::move(*d), &ids, &merged);
    } else {
      merged.skipped.push_back(std::get<SkippedRecord>(std::move(v)));
    }
  };
  std::function<void(SkippedRecord &&)> on_skip = [&](SkippedRecord&& s) {
    merged.skipped.push_back(std::move(s));
  };
  (void)ReadRecords(paths, options, on_record, on_skip);
  std::move(merged.skipped.begin(), merged.skipped.end(),
            std::back_inserter(*skipped));
  return std::move(merged.documents);
}

// " (N records skipped; the first: LOCATION: REASON)", or "".
std::string SkippedNote(const std::vector<SkippedRecord>& skipped) {
  if (skipped.empty()) return "";
  return absl::StrCat(" (", skipped.size(),
                      skipped.size() == 1 ? " record" : " records",
                      " skipped; the first: ", skipped[0].location, ": ",
                      skipped[0].reason, ")");
}

// The stories (near-duplicate clusters, StoryOf) of the documents of
// `inputs`, as a scan of them groups them: a second read, at the document
// level, of the inputs `docs` were read from (an error if it does not read
// the same documents).
absl::StatusOr<std::vector<uint32_t>> StoriesOf(
    std::span<const std::string> inputs, std::span<const Document> docs,
    const ScanOptions& options) {
  ScanOptions doc_level = options;
  doc_level.claims.enabled = false;
  doc_level.index_path.clear();
  doc_level.index_read_only = false;
  doc_level.index_report_unchanged = false;
  absl::StatusOr<Report> report = RunScan(inputs, doc_level);
  if (!report.ok()) return report.status();
  bool same = report->documents.size() == docs.size();
  for (size_t d = 0; same && d < docs.size(); ++d) {
    // By the id each came with: the index may have renamed docs[d].
    same = InputId(report->documents[d]) == InputId(docs[d]) &&
           report->documents[d].record_hash == docs[d].record_hash;
  }
  if (!same) {
    return absl::FailedPreconditionError(
        "compare: the inputs changed while they were read; run it again");
  }
  return internal::StoryOf(*report);
}

// Claim matches between docs[pair[0]] and docs[pair[1]], every unit pair
// scored (no LSH), with the IDF learned from the units of the documents d
// with counts[d] set and, if `index`, the index's counts: what a scan of the
// dump (with that index) learns, so compare gives the scores the scan
// reported.
absl::StatusOr<ClaimsResult> CompareClaims(std::span<const Document> docs,
                                           std::span<const uint32_t> story_of,
                                           std::span<const char> counts,
                                           const size_t pair[2],
                                           const Index* index,
                                           const ScanOptions& options) {
  ClaimOptions claims = options.claims;
  // Two documents' units are kept; every other document's only add to the
  // IDF counts, each distinct text once (FirstOfEachText) and not if the
  // index counts it, one table per thread (the sums do not depend on which
  // thread counted what).
  std::vector<IdfTable> counted(omp_get_max_threads());
  ClaimUnits kept[2];
  std::mutex mu;
  absl::flat_hash_set<UnitTermsKey> seen;    // Under mu.
  absl::Status in_index = absl::OkStatus();  // Under mu.
  absl::Status analyzed = ForEachClaimUnits(
      docs, story_of, options.segment, claims,
      [&](uint32_t d, ClaimUnits units) {
        std::vector<char> new_text(units.units.size(), 0);
        if (counts[d]) {
          std::lock_guard lock(mu);
          std::vector<char> indexed(units.keys.size(), 0);
          if (index != nullptr && in_index.ok()) {
            absl::StatusOr<std::vector<char>> found =
                index->CountedTexts(units.keys);
            if (found.ok()) {
              indexed = *std::move(found);
            } else {
              in_index = found.status();
            }
          }
          for (size_t u = 0; u < units.keys.size(); ++u) {
            new_text[u] = seen.insert(units.keys[u]).second && !indexed[u];
          }
        }
        for (size_t u = 0; u < units.stems.size(); ++u) {
          if (new_text[u])
            counted[omp_get_thread_num()].AddStems(units.stems[u]);
        }
        for (size_t side = 0; side < 2; ++side) {
          if (d != pair[side]) continue;
          std::lock_guard lock(mu);
          kept[side] = units;
        }
      });
  if (!analyzed.ok()) return analyzed;
  if (!in_index.ok()) return in_index;
  IdfTable idf;
  for (const IdfTable& t : counted) idf.Merge(t);
  absl::StatusOr<TermAnalyzer> analyzer =
      TermAnalyzer::Create(TermAnalyzerOptions{claims.language});
  if (!analyzer.ok()) return analyzer.status();
  if (auto s = AddBackgroundIdf(claims, *analyzer, &idf); !s.ok()) return s;
  ClaimUnits two;
  for (size_t side = 0; side < 2; ++side) {
    for (size_t u = 0; u < kept[side].units.size(); ++u) {
      two.units.push_back(kept[side].units[u]);
      two.units.back().doc = static_cast<uint32_t>(side);
      two.stems.push_back(std::move(kept[side].stems[u]));
      two.keys.push_back(kept[side].keys[u]);
    }
  }
  if (index != nullptr) {
    std::vector<std::string> stems;
    for (const TermList& unit_stems : two.stems) {
      for (std::string_view stem : unit_stems) stems.emplace_back(stem);
    }
    std::sort(stems.begin(), stems.end());
    stems.erase(std::unique(stems.begin(), stems.end()), stems.end());
    absl::StatusOr<IdfTable> indexed = index->LoadIdf(stems);
    if (!indexed.ok()) return indexed.status();
    idf.Merge(*indexed);
  }
  claims.same_document = false;
  claims.all_pairs = true;  // Two documents: score every pair, no LSH.
  const Document both[2] = {docs[pair[0]], docs[pair[1]]};
  const uint32_t stories[2] = {0, 1};
  return FindClaimsFromUnits(both, stories, claims, std::move(two),
                             std::move(idf), /*idf_counts_units=*/true);
}

}  // namespace

absl::StatusOr<Comparison> CompareDocuments(const std::string& a,
                                            const std::string& b,
                                            std::span<const std::string> inputs,
                                            const ScanOptions& options) {
  if (auto s = ValidateScanOptions(options); !s.ok()) return s;
  ThreadScope thread_scope(options.threads);
  // The documents whose units make the IDF: the two files alone, or the
  // inputs' documents, then those of A and B found in the index only.
  std::vector<Document> docs;
  std::vector<SkippedRecord> skipped;  // Of the inputs.
  size_t pair[2] = {0, 1};             // A and B in `docs`.
  size_t from_inputs = 0;
  std::optional<Index> index;
  // Per document of the inputs: its row when the index holds it as the
  // same article (internal::IdsInIndex::row), else 0.
  std::vector<int64_t> indexed_rows;
  if (inputs.empty() && options.index_path.empty()) {
    // Refused before either is read: the first - drains standard input
    // for the second, and a directory (a dump, not one document) was
    // walked whole before its count of documents refused it.
    if (a == kStdinPath && b == kStdinPath) {
      return absl::InvalidArgumentError(
          "compare: standard input (-) can be given once, as A or as B");
    }
    for (const char* side : {"A", "B"}) {
      const std::string& path = *side == 'A' ? a : b;
      if (std::error_code ec; std::filesystem::is_directory(path, ec)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "compare ", side, ": ", path,
            " is a directory, not a file holding one document (to compare "
            "documents of a dump by id, add --in ",
            path, ")"));
      }
    }
    for (const std::string& path : {a, b}) {
      std::vector<SkippedRecord> not_read;
      std::vector<Document> one = ReadDocuments(
          std::span<const std::string>(&path, 1), options.ingest, &not_read);
      if (one.size() != 1) {
        // Nothing readable is a missing input (exit 1, as scan gives);
        // several documents, a usage error.
        return absl::Status(
            one.empty() ? absl::StatusCode::kNotFound
                        : absl::StatusCode::kInvalidArgument,
            absl::StrCat(
                path, ": expected a file holding one document, found ",
                one.size(), SkippedNote(not_read),
                " (to compare documents of a dump by id, add --in PATH)"));
      }
      docs.push_back(std::move(one[0]));
    }
  } else {
    if (absl::Status s = CheckReadableTwice(
            inputs, "compare --in", "to group near-duplicates as a scan does");
        !s.ok()) {
      return s;
    }
    docs = ReadDocuments(inputs, options.ingest, &skipped);
    from_inputs = docs.size();
    if (!options.index_path.empty()) {
      IndexOptions io;
      io.read_only = true;
      io.quick_check_max_bytes = 0;  // Nothing is written.
      absl::StatusOr<Index> opened = Index::Open(options.index_path, io);
      if (!opened.ok()) return opened.status();
      index.emplace(*std::move(opened));
      // Its signatures and counts are read as this comparison's own: the
      // same sketch parameters (the banding aside, which a comparison does
      // not use; the claims' too without claims).
      const IndexParams mine =
          IndexParams::ForScan(options, index->params().lsh);
      IndexParams want = mine;
      if (!options.claims.enabled) {
        want = index->params();
        want.num_perm = mine.num_perm;
        want.seed = mine.seed;
        want.minhash = mine.minhash;
        want.shingle = mine.shingle;
      }
      if (absl::Status s = index->CheckParams(want); !s.ok()) return s;
      // One snapshot, beside any scan writing it.
      if (absl::Status s = index->BeginRead(); !s.ok()) return s;
      // The inputs named as scan --index names them (an id the index holds
      // for another article is ID#HASH), and those it holds as the same
      // article found: they are in its IDF counts, not the inputs'.
      const MinHasher hasher(options.minhash);
      std::vector<std::vector<uint32_t>> signatures(docs.size());
      absl::StatusOr<internal::IdsInIndex> ids = internal::MatchIdsInIndex(
          *index, docs, [&](size_t i) -> std::span<const uint32_t> {
            if (signatures[i].empty()) {
              signatures[i] =
                  hasher.Sign(ShingleText(docs[i].text, options.shingle));
            }
            return signatures[i];
          });
      if (!ids.ok()) return ids.status();
      indexed_rows = std::move(ids->row);
    }
    for (size_t side = 0; side < 2; ++side) {
      const std::string& id = side == 0 ? a : b;
      // A text file's id is its path as the walk tidies it ("./in/a.txt"
      // is "in/a.txt").
      const std::string tidy = TidyPath(id);
      auto it = std::find_if(docs.begin(), docs.end(), [&](const Document& d) {
        return d.id == id || d.id == tidy;
      });
      pair[side] = static_cast<size_t>(it - docs.begin());
      if (it != docs.end()) continue;
      if (index) {
        absl::StatusOr<std::vector<int64_t>> rows =
            index->FindIds(std::span<const std::string>(&id, 1));
        if (rows.ok() && (*rows)[0] == 0 && tidy != id) {
          rows = index->FindIds(std::span<const std::string>(&tidy, 1));
        }
        if (!rows.ok()) return rows.status();
        if ((*rows)[0] != 0) {
          absl::StatusOr<std::vector<IndexedDocument>> loaded =
              index->LoadDocuments(*rows);
          if (!loaded.ok()) return loaded.status();
          docs.push_back(std::move((*loaded)[0].doc));
          continue;
        }
      }
      // An id several records gave: each has a name of its own.
      std::vector<std::string> named;
      for (const Document& d : docs) {
        if (d.input_id_bytes > 0 && InputId(d) == id) {
          named.push_back(absl::StrCat(d.id, " (", d.location, ")"));
        }
      }
      if (index) {
        absl::StatusOr<std::vector<std::string>> names = index->NamesOf(id, 10);
        if (!names.ok()) return names.status();
        for (std::string& name : *names) {
          // A document of the inputs named as its indexed version is listed
          // once, as the inputs' (review 43a-05).
          if (std::any_of(docs.begin(), docs.end(),
                          [&](const Document& d) { return d.id == name; })) {
            continue;
          }
          named.push_back(absl::StrCat(name, " (in the index)"));
        }
      }
      if (!named.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "no document has the id '", id, "', but ", named.size(),
            named.size() == 1 ? " has" : " have", " a name of the form '", id,
            "#...' (scan names a record ID#HASH when another had its id): ",
            absl::StrJoin(named, ", "), "; give one of these names"));
      }
      return absl::NotFoundError(absl::StrCat(
          "no document with id '", id, "' in the inputs",
          index ? absl::StrCat(" or the index ", options.index_path) : "",
          SkippedNote(skipped)));
    }
  }

  Comparison c;
  c.skipped = std::move(skipped);
  c.documents = {docs[pair[0]], docs[pair[1]]};
  c.shingle = options.shingle.size;
  ShingleSet sa = ShingleText(c.documents[0].text, options.shingle);
  ShingleSet sb = ShingleText(c.documents[1].text, options.shingle);
  c.jaccard = Jaccard(sa, sb);
  c.containment = Containment(sa, sb);
  const MinHasher hasher(options.minhash);
  // Two empty sets sign alike (every slot empty): the estimate of sets
  // without a shingle is their Jaccard, 0, not 1.
  const std::vector<uint32_t> sig_a = hasher.Sign(sa), sig_b = hasher.Sign(sb);
  c.estimate = sa.empty() || sb.empty() ? 0.0 : EstimateJaccard(sig_a, sig_b);
  c.near_duplicate =
      !sa.empty() && !sb.empty() &&
      internal::IsNearDuplicate(
          c.jaccard, c.containment,
          static_cast<double>(std::min(sa.size(), sb.size())),
          static_cast<double>(std::max(sa.size(), sb.size())), options);
  // Whether the scan's banding makes the pair a candidate: a near-duplicate
  // that compare finds and a scan never verifies was a disagreement with no
  // explanation (review 52a-02: re-posts with a footer as long as the
  // article).
  auto bands_shared = [&](LshParams p) {
    uint32_t n = 0;
    for (uint32_t band = 0; band < p.bands && !sa.empty() && !sb.empty();
         ++band) {
      n += BucketKey(sig_a, p, band) == BucketKey(sig_b, p, band);
    }
    return n;
  };
  {
    // A scan with the index bands as the index does (review 52b-03).
    c.lsh_of_index = index.has_value();
    c.lsh = index ? index->params().lsh : internal::DocumentBanding(options);
    c.bands_matched = bands_shared(c.lsh);
    c.candidate_probability = CandidateProbability(c.jaccard, c.lsh);
    // The highest threshold, in steps of 0.05 under the pair's Jaccard,
    // whose banding the pair shares a band of.
    for (double t = std::floor(c.jaccard * 20) / 20;
         c.near_duplicate && c.bands_matched == 0 &&
         (options.bands == 0 || c.lsh_of_index) && t >= 0.2 - 1e-9;
         t -= 0.05) {
      const LshParams p = OptimalLshParams(
          t, options.minhash.num_perm, options.fp_weight, options.fn_weight);
      if (const uint32_t n = bands_shared(p); n > 0) {
        c.suggested_lsh_threshold = std::round(t * 100) / 100;
        c.suggested_lsh = p;
        c.suggested_bands_matched = n;
        break;
      }
    }
  }
  auto end_read = [&] { return index ? index->EndRead() : absl::OkStatus(); };
  if (!options.claims.enabled) {
    if (absl::Status s = end_read(); !s.ok()) return s;
    return c;
  }

  // Every document its own story and counted in the IDF, except: the
  // inputs' documents are grouped into stories as a scan of them groups
  // them (a line is boilerplate in enough distinct stories), and with an
  // index, documents it holds are in its counts instead (as in scan
  // --index).
  std::vector<uint32_t> story_of(docs.size());
  std::iota(story_of.begin(), story_of.end(), 0);
  std::vector<char> counts(docs.size(), 1);
  if (from_inputs > 0) {
    absl::StatusOr<std::vector<uint32_t>> stories = StoriesOf(
        inputs, std::span<const Document>(docs).first(from_inputs), options);
    if (!stories.ok()) return stories.status();
    std::copy(stories->begin(), stories->end(), story_of.begin());
  }
  if (index) {
    // Documents the index holds are in its counts (as in scan --index):
    // those found in it by id, and inputs it holds as the same article.
    for (size_t d = 0; d < docs.size(); ++d) {
      counts[d] = d < from_inputs && indexed_rows[d] == 0;
    }
  }
  if (inputs.empty()) {
    c.idf = index ? "the index" : "the two documents";
  } else {
    c.idf = index ? "the inputs and the index" : "the inputs";
  }
  absl::StatusOr<ClaimsResult> r = CompareClaims(
      docs, story_of, counts, pair, index ? &*index : nullptr, options);
  if (!r.ok()) return r.status();
  c.claims = *std::move(r);
  if (absl::Status s = end_read(); !s.ok()) return s;
  return c;
}

Report ComparisonReport(const Comparison& c, const ScanOptions& options) {
  Report report;
  internal::StartReport(options, &report);
  report.documents = c.documents;
  report.records = report.documents.size();
  for (const Document& d : report.documents) {
    report.input_bytes += d.input_bytes;
    report.invalid_utf8 += d.invalid_utf8;
  }
  std::vector<Edge> edges;
  if (c.near_duplicate) edges.push_back(Edge{0, 1, c.jaccard});
  report.candidate_pairs = edges.size();
  internal::ClusterAndListPairs(
      edges,
      [&](std::span<const std::pair<uint32_t, uint32_t>> listed) {
        std::vector<NearDuplicatePair> out;
        for (auto [a, b] : listed) {
          out.push_back(
              NearDuplicatePair{a, b, c.jaccard, c.containment, c.estimate});
        }
        return out;
      },
      &report);
  report.claims = c.claims;
  report.options.claims.enabled = !c.idf.empty();
  return report;
}

}  // namespace refrain
