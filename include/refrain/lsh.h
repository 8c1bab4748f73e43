// Locality-sensitive hashing over MinHash signatures (the banding scheme).
//
// A signature of num_perm slots is cut into `bands` bands of `rows` slots;
// two documents become candidates when all rows of at least one band agree.
// The probability of that for Jaccard s is 1 - (1 - s^rows)^bands, an S-curve
// whose steepest point is near (1/bands)^(1/rows).
//
// LshIndex has explicit stages, in this order:
//   Reserve() optionally, room for the documents of several Add() calls;
//   Add()    append signatures (a batch over a contiguous array);
//   Build()  sort the band keys (parallel over bands);
//   then CandidatePairs() / Query(), which are const and thread-safe
//   (or std::move(index).CandidatePairs(), which frees the band tables
//   before merging the pairs: the last use of a large index).
// Adding after Build() requires another Build().
#ifndef REFRAIN_LSH_H_
#define REFRAIN_LSH_H_

#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace refrain {

struct LshParams {
  uint32_t bands = 0;
  uint32_t rows = 0;
};

// The (bands, rows) with bands * rows <= num_perm minimising
// fp_weight * (false-positive area) + fn_weight * (false-negative area) of
// the S-curve around `threshold`, as datasketch does (integrals by Simpson's
// rule). Requires 0 < threshold < 1, num_perm >= 1, weights >= 0.
LshParams OptimalLshParams(double threshold, uint32_t num_perm,
                           double fp_weight = 0.5, double fn_weight = 0.5);

// Probability that a pair of Jaccard `s` becomes a candidate.
double CandidateProbability(double s, LshParams p);

// The bucket key of band `band` of `signature`: XXH3-64 of its `rows` slots
// (little-endian 32-bit words from band * rows on), seed kBandSeed + band.
// What LshIndex buckets by, and what the persistent index (index.h) stores.
uint64_t BandKey(std::span<const uint32_t> signature, LshParams params,
                 uint32_t band);

// What a scan buckets by: the top 32 bits of BandKey (LshIndex's entries
// keep 8 bytes, not 16). Two different band keys sharing their top half
// only add a candidate, which verification judges as any other; every
// bucketing of one scan (the MPI scan's too) uses this, so that they list
// the same candidates.
inline uint32_t BucketKey(std::span<const uint32_t> signature, LshParams params,
                          uint32_t band) {
  return static_cast<uint32_t>(BandKey(signature, params, band) >> 32);
}

// How many pairs AppendBucketPairs appends for a bucket of m members.
inline uint64_t BucketPairCount(uint64_t m, uint32_t max_bucket) {
  return m > max_bucket ? m - 1 : m * (m - 1) / 2;
}

// The member a bucket of m members over max_bucket pairs with all others:
// the one of least hub_rank (ties and an empty hub_rank: the first).
template <typename DocAt>
size_t BucketHub(size_t m, DocAt doc, std::span<const uint32_t> hub_rank) {
  size_t hub = 0;
  if (hub_rank.empty()) return hub;
  for (size_t x = 1; x < m; ++x) {
    if (hub_rank[doc(x)] < hub_rank[doc(hub)]) hub = x;
  }
  return hub;
}

// Calls fn(a, b), a < b, for the candidate pairs of one bucket of m
// members, doc(0) < ... < doc(m-1): every pair, or, over `max_bucket`
// members, each member with the bucket's hub (BucketHub; see
// LshIndex::CandidatePairs). Returns whether the bucket was capped.
template <typename DocAt, typename Fn>
bool ForEachBucketPair(size_t m, DocAt doc, uint32_t max_bucket, Fn fn,
                       std::span<const uint32_t> hub_rank = {}) {
  if (m > max_bucket) {
    const size_t hub = BucketHub(m, doc, hub_rank);
    for (size_t x = 0; x < m; ++x) {
      if (x < hub) fn(doc(x), doc(hub));
      if (x > hub) fn(doc(hub), doc(x));
    }
    return true;
  }
  for (size_t x = 0; x < m; ++x) {
    for (size_t y = x + 1; y < m; ++y) fn(doc(x), doc(y));
  }
  return false;
}

// The same pairs appended to `out` as (a << 32 | b), for the MPI scan,
// whose buckets live on different ranks.
template <typename DocAt>
bool AppendBucketPairs(size_t m, DocAt doc, uint32_t max_bucket,
                       std::vector<uint64_t>* out,
                       std::span<const uint32_t> hub_rank = {}) {
  return ForEachBucketPair(
      m, doc, max_bucket,
      [out](uint32_t a, uint32_t b) { out->push_back(uint64_t{a} << 32 | b); },
      hub_rank);
}

class LshIndex {
 public:
  LshIndex(LshParams params, uint32_t num_perm);

  // Room for `docs` documents in all, so that adding them in several
  // batches does not move the band tables as they grow.
  void Reserve(size_t docs);

  // Appends n = signatures.size() / num_perm documents, numbered from
  // size() on, in order.
  void Add(std::span<const uint32_t> signatures);
  void Build();

  uint32_t size() const { return size_; }

  struct CandidateStats {
    uint64_t buckets_capped = 0;  // Buckets over max_bucket members.
    uint64_t docs_in_capped = 0;  // Members of those buckets (with repeats).
  };

  // All pairs (a < b) that share a bucket in some band, sorted and distinct.
  // A bucket with more than `max_bucket` members (boilerplate-only texts,
  // thousands of copies) does not emit all its pairs: each member is paired
  // with the bucket's hub instead, so the cost stays linear; the clusters
  // are the same when those members really are near-duplicates. The hub is
  // the member of least `hub_rank` (one entry per document; empty: the
  // bucket's first), so that a caller keeping one copy of each story can
  // have them all compared with the copy it keeps. `also`: pairs from
  // another source (sorted, distinct, a < b < size()), merged into the
  // result as it is written out, so that no second copy of it is made.
  std::vector<std::pair<uint32_t, uint32_t>> CandidatePairs(
      uint32_t max_bucket, CandidateStats* stats = nullptr,
      std::span<const std::pair<uint32_t, uint32_t>> also = {},
      std::span<const uint32_t> hub_rank = {}) const&;
  // The same, consuming the index: each band table is freed as soon as its
  // pairs are written out, so the tables shrink as the pair buffers grow.
  std::vector<std::pair<uint32_t, uint32_t>> CandidatePairs(
      uint32_t max_bucket, CandidateStats* stats = nullptr,
      std::span<const std::pair<uint32_t, uint32_t>> also = {},
      std::span<const uint32_t> hub_rank = {}) &&;

  // The pairs CandidatePairs(max_bucket) emits before dropping repeats
  // (a pair sharing several bands counts once per band): an upper bound on
  // its result and a measure of its peak memory (8 bytes each), counted
  // without emitting them, so that a caller can refuse a runaway candidate
  // set before building it.
  uint64_t CandidatePairBound(uint32_t max_bucket) const;

  // Documents sharing at least one band's BucketKey with `signature`
  // (num_perm slots), sorted and distinct.
  std::vector<uint32_t> Query(std::span<const uint32_t> signature) const;

 private:
  // 8 bytes: the document's BucketKey in the band, and the document. Keys
  // that collide in 32 bits (about n^2 / 2^33 pairs of n documents a band:
  // ~116 a band at a million) add candidates; the 16-byte entries of full
  // keys were half of the claim LSH's time in page faults (18 MB of tables
  // for BBC's 40k sentences, 28 bands). A colliding document can also
  // become the first member of a bucket over max_bucket, which then pairs
  // the others with it alone in that band; their other bands still pair
  // them with their true first.
  struct Entry {
    uint32_t key;
    uint32_t doc;
    bool operator<(const Entry& o) const {
      return key != o.key ? key < o.key : doc < o.doc;
    }
  };
  // Leaves the elements a table grows by uninitialized: Add writes every
  // one of them in parallel, so each page is first touched (faulted in and
  // cleared by the kernel) by the thread that fills it. Zero-filled by
  // resize(), the tables of a million documents (21 bands: 336 MB) were
  // faulted in on one thread, most of the LSH step's time.
  template <typename T>
  struct NoInitAllocator : std::allocator<T> {
    template <typename U>
    struct rebind {
      using other = NoInitAllocator<U>;
    };
    NoInitAllocator() = default;
    template <typename U>
    NoInitAllocator(const NoInitAllocator<U>&) {}
    template <typename U>
    void construct(U* p) {
      ::new (static_cast<void*>(p)) U;
    }
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args) {
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
  };
  using Table = std::vector<Entry, NoInitAllocator<Entry>>;

  // refrain::BucketKey with this index's parameters.
  uint32_t KeyOf(std::span<const uint32_t> sig, uint32_t band) const;
  // CandidatePairs, calling release(b) once band b's pairs are listed.
  template <typename Release>
  std::vector<std::pair<uint32_t, uint32_t>> ListPairs(
      uint32_t max_bucket, CandidateStats* stats,
      std::span<const std::pair<uint32_t, uint32_t>> also,
      std::span<const uint32_t> hub_rank, Release release) const;

  LshParams params_;
  uint32_t num_perm_;
  uint32_t size_ = 0;
  bool built_ = true;
  std::vector<Table> bands_;  // One sorted table per band.
};

}  // namespace refrain

#endif  // REFRAIN_LSH_H_
