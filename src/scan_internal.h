// Internal stages of the scan (scan.h), shared by the single-process scan
// (scan.cc) and the MPI scan (scan_mpi.cc) so both give the same report.
#ifndef REFRAIN_SRC_SCAN_INTERNAL_H_
#define REFRAIN_SRC_SCAN_INTERNAL_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "bucket_sort.h"
#include "refrain/claim_score.h"
#include "refrain/claims.h"
#include "refrain/document.h"
#include "refrain/ingest.h"
#include "refrain/minhash.h"
#include "refrain/report.h"
#include "refrain/scan.h"
#include "refrain/similarity.h"

namespace refrain {
namespace internal {

class IndexedScan;

// The shingle sets of all documents, kept for exact verification as 32-bit
// fingerprints (the high half of each 64-bit shingle hash) in one flat arena:
// half the memory of the 64-bit sets and no per-document allocation. Two
// distinct shingles of a pair share a fingerprint with probability about
// |A u B|^2 / 2^33 (1e-5 for two 600-word articles), the only way the
// verified Jaccard can differ from the 64-bit one.
//
// Fingerprints are appended in text order and sorted lazily, only for the
// documents that LSH makes candidates (a few percent in news): sorting every
// document's set was the single largest cost of the scan after tokenizing.
class FingerprintArena {
 public:
  // Room for the next document's `n` fingerprints, uninitialized, to fill
  // with Fill (from any thread). Reserving is bookkeeping only, so the scan
  // reserves in input order on one thread and fills, touching the new
  // memory, in parallel.
  uint32_t* Reserve(size_t n) {
    // Blocks of fixed capacity, never reallocated: growing one flat vector
    // would briefly need 1.5-2x its size while it copies (gigabytes at a
    // million articles).
    if (blocks_.empty() || used_ + n > capacity_) {
      capacity_ = std::max(kBlock, n);
      blocks_.push_back(std::make_unique_for_overwrite<uint32_t[]>(capacity_));
      used_ = 0;
    }
    docs_.push_back(Where{static_cast<uint32_t>(blocks_.size() - 1),
                          static_cast<uint32_t>(used_),
                          static_cast<uint32_t>(n)});
    uint32_t* out = blocks_.back().get() + used_;
    used_ += n;
    return out;
  }
  static void Fill(std::span<const uint64_t> hashes, uint32_t* out) {
    for (size_t i = 0; i < hashes.size(); ++i) {
      out[i] = static_cast<uint32_t>(hashes[i] >> 32);
    }
  }
  // Sorts and de-duplicates document i's fingerprints in place. Documents
  // may be prepared concurrently, each by one thread.
  void Prepare(size_t i) {
    Where& w = docs_[i];
    uint32_t* begin = blocks_[w.block].get() + w.offset;
    SortHashes(std::span<uint32_t>(begin, w.size));
    w.size = static_cast<uint32_t>(std::unique(begin, begin + w.size) - begin);
  }
  // Requires Prepare(i).
  std::span<const uint32_t> operator[](size_t i) const {
    const Where& w = docs_[i];
    return std::span<const uint32_t>(blocks_[w.block].get() + w.offset, w.size);
  }

 private:
  static constexpr size_t kBlock = size_t{1} << 24;  // 64 MiB of fingerprints
  struct Where {
    uint32_t block, offset, size;
  };
  std::vector<std::unique_ptr<uint32_t[]>> blocks_;
  size_t used_ = 0, capacity_ = 0;  // Of the last block.
  std::vector<Where> docs_;
};

// Signatures of all documents, num_perm slots each, in blocks of a fixed
// number of documents (no reallocation copies; see FingerprintArena).
class SignatureStore {
 public:
  explicit SignatureStore(uint32_t k) : k_(k) {}
  // Room for the next document's signature, uninitialized (as
  // FingerprintArena::Reserve).
  uint32_t* Reserve() {
    if (docs_ % kDocsPerBlock == 0) {
      blocks_.push_back(
          std::make_unique_for_overwrite<uint32_t[]>(kDocsPerBlock * k_));
    }
    return blocks_.back().get() + (docs_++ % kDocsPerBlock) * k_;
  }
  void Append(std::span<const uint32_t> sig) {
    std::copy(sig.begin(), sig.end(), Reserve());
  }
  std::span<const uint32_t> operator[](size_t doc) const {
    return std::span<const uint32_t>(
        blocks_[doc / kDocsPerBlock].get() + (doc % kDocsPerBlock) * k_, k_);
  }
  size_t size() const { return docs_; }  // Documents.
  // The signatures in document order, in blocks, for LshIndex::Add.
  std::vector<std::span<const uint32_t>> Blocks() const {
    std::vector<std::span<const uint32_t>> out;
    for (size_t b = 0; b < blocks_.size(); ++b) {
      const size_t docs = std::min(kDocsPerBlock, docs_ - b * kDocsPerBlock);
      out.emplace_back(blocks_[b].get(), docs * k_);
    }
    return out;
  }

 private:
  static constexpr size_t kDocsPerBlock = 1 << 16;
  uint32_t k_;
  size_t docs_ = 0;
  std::vector<std::unique_ptr<uint32_t[]>> blocks_;
};

// One document out of SketchInputs: its shingle hashes (text order, with
// repeats) and signature, or, for a --floor run, only its word count.
struct Sketched {
  std::span<const uint64_t> shingles;
  std::span<const uint32_t> signature;
  uint64_t floor_words = 0;
  // Its claim segments (SegmentForClaims), if SketchInputs was asked to
  // make them; on_doc may move from them. Null otherwise.
  ClaimSegments* claim_segments = nullptr;
};

// Where on_doc wants a document's sketch stored: SketchInputs fills these
// (fingerprints: FingerprintArena::Fill of Sketched::shingles; signature:
// num_perm slots) in parallel once the batch's on_doc calls are done, so the
// copies and the first touch of new memory are not sequential. Null: not
// stored.
struct SketchSlots {
  uint32_t* fingerprints = nullptr;
  uint32_t* signature = nullptr;
};

// Ingest, normalize, shingle and sign `files`: a reader thread cuts the
// input into batches of options.batch_records while OpenMP workers sketch
// the previous batch. Calls `on_doc` and `on_skip` sequentially, in input
// order, on the calling thread, and `after_batch` after each batch. Drops
// the text of each document unless `keep_text`. With `segment_for_claims`
// (which needs keep_text) it also segments each document for the claims
// stage (Sketched::claim_segments): on a dump of many small files the
// reader is slower than the workers, which would otherwise wait for it.
absl::Status SketchInputs(
    std::span<const InputFile> files, const ScanOptions& options,
    const MinHasher& hasher, bool keep_text, bool segment_for_claims,
    const std::function<SketchSlots(Document&&, const Sketched&)>& on_doc,
    const std::function<void(SkippedRecord&&)>& on_skip,
    const std::function<void()>& after_batch);

// The ids of the documents kept so far, for KeepDocument. Keyed by a
// 64-bit hash of the id, and the document holds the id itself: a string
// key copied every id and made each slot 40 bytes, and at a million
// documents the table and its rehashing were 5% of the scan's CPU, on the
// one thread that keeps documents in order. An id whose hash collides with
// an earlier, different id (about n^2 / 2^65 of n ids) is kept by value in
// a map of its own.
class IdIndex {
 public:
  using HashFn = uint64_t (*)(std::string_view);
  static uint64_t Hash(std::string_view id);
  explicit IdIndex(HashFn hash = &Hash) : hash_(hash) {}

  // The document already holding `id`, if any; if none, `doc` becomes its
  // holder. `docs[i].id`, or the id it came with (Document::
  // input_id_bytes), must be the id of every holder i so far.
  std::optional<uint32_t> Insert(std::string_view id, uint32_t doc,
                                 std::span<const Document> docs);

  // The documents kept so far that came with `id`, an id given again
  // (`first`: its first holder, listed when the id is first asked for).
  std::vector<uint32_t>& SharedBy(std::string_view id, uint32_t first);

 private:
  HashFn hash_;
  absl::flat_hash_map<uint64_t, uint32_t> by_hash_;
  absl::flat_hash_map<std::string, uint32_t> collided_;
  absl::flat_hash_map<std::string, std::vector<uint32_t>> shared_;
};

// Merges one document into the report, in input order, as every scan does:
// a document with the id of an earlier one is skipped ("duplicate id ...",
// "repeats the record at ...") or, with the earlier ones, renamed, as
// report->options.ingest.repeated_ids says (Report::RenamedIds). Returns
// whether it was appended to report->documents (counting its bytes and
// repairs).
bool KeepDocument(Document&& doc, IdIndex* id_index, Report* report);

// Exact verification of one candidate pair from its sorted fingerprint sets.
// With `near_only`, only a near-duplicate gets its Jaccard and containment:
// the merge of any other pair stops as soon as it cannot reach either
// threshold, and its figures stay 0.
struct Verified {
  double jaccard = 0, containment = 0;
  bool near_duplicate = false;
};
// Whether two shingle sets of `small` and `large` shingles, with this
// Jaccard similarity and containment (of the smaller in the larger), are
// near-duplicates under `options` (containment_threshold 1: Jaccard only).
bool IsNearDuplicate(double jaccard, double containment, double small,
                     double large, const ScanOptions& options);
Verified VerifyPair(std::span<const uint32_t> x, std::span<const uint32_t> y,
                    const ScanOptions& options, bool near_only = false);

// Computes the listed pairs (jaccard, containment, MinHash estimate), in
// any order. Called once per scan.
using PairsFn = std::function<std::vector<NearDuplicatePair>(
    std::span<const std::pair<uint32_t, uint32_t>>)>;

// Sets report->damaged: this run's documents read from an input whose
// compressed data failed its check (a skipped record with
// SkippedRecord::damaged names the file). ClusterAndListPairs calls it.
void MarkDamaged(Report* report);

// Per document of report.documents, its place in the order --keep prefers
// documents in (as a cluster's representative is chosen: indexed articles,
// then the longest or the earliest, then input order), for
// LshIndex::CandidatePairs' hub_rank: a bucket too large to pair all its
// members pairs them with the one --keep would keep, so that each copy is
// compared with it (review 41b-01: 3,000 copies of one story, each compared
// with the first, kept 180 under --keep longest). Empty under --keep first,
// whose choice the bucket's first member already is.
std::vector<uint32_t> HubRanks(const Report& report);

// From the verified near-duplicate edges over report->documents: the
// similarity matrix, the clusters and the pairs the report lists (every
// edge of a cluster of at most max_cluster_pairs members, else each
// member's pair with the representative), sorted by (a, b).
void ClusterAndListPairs(std::span<const Edge> edges, const PairsFn& evaluate,
                         Report* report);

// The story of every document of the report: its near-duplicate cluster's
// representative, or itself. Copies within one story are one claim source.
std::vector<uint32_t> StoryOf(const Report& report);

// The claims stage over report->documents (text kept): copies within one
// near-duplicate cluster count as one story. `indexed` may be null.
// `presegmented`: the claim segments already made of some documents
// (FindClaims), or empty.
absl::Status RunClaimsStage(
    IndexedScan* indexed, Report* report,
    std::span<std::optional<ClaimSegments>> presegmented = {});

// What a failed claims stage (`claims`) does to a scan: past a resource
// limit (ResourceExhausted: too many candidate pairs, too little memory),
// the scan keeps its document-level results, with the reason in
// report->claims_error (OK returned), and adds nothing to an index, which
// must not record this dump half-done (IndexSummary::withheld; review
// 47a-02: such a scan wrote nothing at all); anything else fails the scan.
absl::Status KeepDocumentLevelIfClaimsFail(absl::Status claims, Report* report);

// Loads the claim scorer's lexicon (WordNet, 0.1 s) on a thread of its own
// while the document-level stages run: the loaded lexicon is shared by
// every scorer of the process while one holds it, so FindClaims later finds
// it ready. Does nothing when claims are off. A load error is not reported
// here: FindClaims meets it again and fails with it.
class ClaimsPrefetch {
 public:
  explicit ClaimsPrefetch(const ScanOptions& options);
  ~ClaimsPrefetch();  // Waits for the load.
  ClaimsPrefetch(const ClaimsPrefetch&) = delete;
  ClaimsPrefetch& operator=(const ClaimsPrefetch&) = delete;

 private:
  std::thread thread_;
  std::optional<absl::StatusOr<ClaimScorer>> scorer_;
};

// The report's fixed part, from the options alone: options, LSH banding.
void StartReport(const ScanOptions& options, Report* report);

// The document LSH banding a scan with `options` uses (without an index,
// whose banding an indexed scan takes): --bands x --rows if given, else
// the one OptimalLshParams chooses for EffectiveLshThreshold.
LshParams DocumentBanding(const ScanOptions& options);

}  // namespace internal
}  // namespace refrain

#endif  // REFRAIN_SRC_SCAN_INTERNAL_H_
