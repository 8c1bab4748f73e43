#include "refrain/lsh.h"

#include <omp.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <limits>
#include <vector>

#include "bucket_sort.h"
#include "hash.h"

namespace refrain {

double CandidateProbability(double s, LshParams p) {
  return 1.0 - std::pow(1.0 - std::pow(s, p.rows), p.bands);
}

LshParams OptimalLshParams(double threshold, uint32_t num_perm,
                           double fp_weight, double fn_weight) {
  // Both areas by Simpson's rule (200 steps), evaluated for every band
  // count of one row count by a running product ((1 - s^r)^b from
  // (1 - s^r)^(b-1)) instead of two pows per point: ~700 settings x 400
  // points at k = 128 cost about a millisecond instead of 16. (Checked
  // equal to the pow form for k in {16, 64, 128, 256}, thresholds 0.05 to
  // 0.95 and three weightings: 1,092 settings.)
  constexpr int kSteps = 200;
  // Simpson points s and weights w over [lo, hi], and run = (1 - s^r)^b at
  // each point for the current rows r and bands b.
  struct Grid {
    std::vector<double> s, w, q, run;
    Grid(double lo, double hi) {
      if (hi <= lo) return;
      const double h = (hi - lo) / kSteps;
      for (int i = 0; i <= kSteps; ++i) {
        s.push_back(lo + i * h);
        const double m = (i == 0 || i == kSteps) ? 1.0 : (i % 2 ? 4.0 : 2.0);
        w.push_back(m * h / 3.0);
      }
      q.resize(s.size());
      run.resize(s.size());
    }
    void StartRows(uint32_t r) {
      for (size_t i = 0; i < s.size(); ++i) {
        q[i] = 1.0 - std::pow(s[i], r);
        run[i] = 1.0;
      }
    }
    // One more band; the area under the candidate probability 1 - run, or
    // under run when `missed`.
    double NextBand(bool missed) {
      double area = 0;
      for (size_t i = 0; i < s.size(); ++i) {
        run[i] *= q[i];
        area += w[i] * (missed ? run[i] : 1.0 - run[i]);
      }
      return area;
    }
  };
  Grid below(0.0, threshold), above(threshold, 1.0);
  LshParams best{1, num_perm};
  double best_err = std::numeric_limits<double>::infinity();
  for (uint32_t r = 1; r <= num_perm; ++r) {
    below.StartRows(r);
    above.StartRows(r);
    for (uint32_t b = 1; b <= num_perm / r; ++b) {
      const double fp = below.NextBand(/*missed=*/false);
      const double fn = above.NextBand(/*missed=*/true);
      const double err = fp_weight * fp + fn_weight * fn;
      // Ties go to fewer bands, then fewer rows, as a b-major search would.
      if (err < best_err ||
          (err == best_err &&
           (b < best.bands || (b == best.bands && r < best.rows)))) {
        best_err = err;
        best = LshParams{b, r};
      }
    }
  }
  return best;
}

LshIndex::LshIndex(LshParams params, uint32_t num_perm)
    : params_(params), num_perm_(num_perm), bands_(params.bands) {
  assert(params.bands * params.rows <= num_perm);
}

uint64_t BandKey(std::span<const uint32_t> sig, LshParams params,
                 uint32_t band) {
  assert(static_cast<size_t>(band + 1) * params.rows <= sig.size());
  return internal::HashBytes(sig.data() + band * params.rows,
                             params.rows * sizeof(uint32_t),
                             internal::kBandSeed + band);
}

uint32_t LshIndex::KeyOf(std::span<const uint32_t> sig, uint32_t band) const {
  return BucketKey(sig, params_, band);
}

void LshIndex::Reserve(size_t docs) {
  for (Table& t : bands_) t.reserve(docs);
}

void LshIndex::Add(std::span<const uint32_t> signatures) {
  assert(signatures.size() % num_perm_ == 0);
  const size_t n = signatures.size() / num_perm_;
  const uint32_t first = size_;
  for (auto& t : bands_) t.resize(t.size() + n);
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
    auto sig =
        signatures.subspan(static_cast<size_t>(i) * num_perm_, num_perm_);
    for (uint32_t band = 0; band < params_.bands; ++band) {
      bands_[band][first + i] =
          Entry{KeyOf(sig, band), first + static_cast<uint32_t>(i)};
    }
  }
  size_ += static_cast<uint32_t>(n);
  built_ = false;
}

namespace {

// Sorts entries by (key, doc). Band keys are hashes, so about n / 4 buckets
// on the key's top bits hold a few entries each, whatever the data.
template <typename Table>
void SortByKey(Table& v) {
  const size_t n = v.size();
  if (n < 1024) {
    std::sort(v.begin(), v.end());
    return;
  }
  const int bits = internal::BucketBits(n, 4);
  const int shift = 32 - bits;
  internal::SortByBuckets(v, size_t{1} << bits,
                          [shift](const auto& e) { return e.key >> shift; });
}

// Calls fn(first, size) for each bucket (run of equal keys) of a sorted
// band table.
template <typename Table, typename Fn>
void ForEachBucket(const Table& t, Fn fn) {
  for (size_t i = 0; i < t.size();) {
    size_t j = i + 1;
    while (j < t.size() && t[j].key == t[i].key) ++j;
    fn(i, j - i);
    i = j;
  }
}

// The pairs a sorted band table's buckets append (BucketPairCount each).
template <typename Table>
uint64_t BandPairCount(const Table& t, uint32_t max_bucket) {
  uint64_t n = 0;
  ForEachBucket(t,
                [&](size_t, size_t m) { n += BucketPairCount(m, max_bucket); });
  return n;
}

// Sorts packed pairs (first << 32 | second), all in [lo, hi), in place, in
// about n / 4 buckets of their offset from lo (pairs are spread evenly
// enough over that range for the buckets to hold a few each), and drops
// repeats. Returns how many distinct pairs lead `v`.
size_t SortUniquePairs(std::span<uint64_t> v, uint64_t lo, uint64_t hi) {
  const size_t n = v.size();
  if (n < 1024) {
    std::sort(v.begin(), v.end());
  } else {
    const uint64_t span = hi - lo - 1;  // The largest offset.
    const int width = 64 - std::countl_zero(span);
    const int shift = std::max(0, width - internal::BucketBits(n, 4));
    thread_local std::vector<uint64_t> sorted;
    internal::SortByBuckets<uint64_t>(
        v, static_cast<size_t>(span >> shift) + 1,
        [lo, shift](uint64_t x) { return (x - lo) >> shift; }, &sorted);
    std::copy(sorted.begin(), sorted.end(), v.begin());
  }
  return static_cast<size_t>(std::unique(v.begin(), v.end()) - v.begin());
}

}  // namespace

void LshIndex::Build() {
#pragma omp parallel for schedule(dynamic)
  for (int64_t b = 0; b < static_cast<int64_t>(bands_.size()); ++b) {
    SortByKey(bands_[b]);
  }
  built_ = true;
}

std::vector<std::pair<uint32_t, uint32_t>> LshIndex::CandidatePairs(
    uint32_t max_bucket, CandidateStats* stats,
    std::span<const std::pair<uint32_t, uint32_t>> also,
    std::span<const uint32_t> hub_rank) const& {
  return ListPairs(max_bucket, stats, also, hub_rank, [](uint32_t) {});
}

std::vector<std::pair<uint32_t, uint32_t>> LshIndex::CandidatePairs(
    uint32_t max_bucket, CandidateStats* stats,
    std::span<const std::pair<uint32_t, uint32_t>> also,
    std::span<const uint32_t> hub_rank) && {
  auto pairs = ListPairs(max_bucket, stats, also, hub_rank,
                         [this](uint32_t band) { Table().swap(bands_[band]); });
  std::vector<Table>().swap(bands_);
  built_ = false;  // Nothing left to query.
  return pairs;
}

// The pairs are listed by ranges of their first member, each range in its
// own buffer: counted per band and range, written straight to their place,
// then each range sorted and deduplicated on its own, in parallel. So each
// pair is written once and sorted once, and the peak is one buffer slot
// per pair emitted (repeats included) while the band tables shrink as they
// are read. Per-band lists merged afterwards held the lists and the
// merged pairs together: claims on 100k generated articles (121M pairs)
// peaked at 5.47 GB, 2.4 GB of it that merge.
template <typename Release>
std::vector<std::pair<uint32_t, uint32_t>> LshIndex::ListPairs(
    uint32_t max_bucket, CandidateStats* stats,
    std::span<const std::pair<uint32_t, uint32_t>> also,
    std::span<const uint32_t> hub_rank, Release release) const {
  assert(hub_rank.empty() || hub_rank.size() >= size_);
  assert(built_);
  assert(std::is_sorted(also.begin(), also.end()));
  if (stats != nullptr) *stats = {};
  const auto num_bands = static_cast<uint32_t>(bands_.size());
  if (size_ == 0) {
    for (uint32_t b = 0; b < num_bands; ++b) release(b);
    return {also.begin(), also.end()};
  }
  // Ranges of 2^shift first members: enough of them that the threads share
  // the sorting evenly, and for the bucket sort's passes to stay in cache.
  const uint32_t want = 32 * static_cast<uint32_t>(omp_get_max_threads());
  int shift = 0;
  while ((uint64_t{size_} >> shift) > want) ++shift;
  const uint32_t num_ranges = ((size_ - 1) >> shift) + 1;
  // counts[b * num_ranges + r]: band b's pairs whose first member is in
  // range r.
  std::vector<uint64_t> counts(size_t{num_bands} * num_ranges, 0);
  std::vector<CandidateStats> band_stats(num_bands);
#pragma omp parallel for schedule(dynamic)
  for (int64_t b = 0; b < static_cast<int64_t>(num_bands); ++b) {
    // As ForEachBucketPair would emit them, counted without the pairs.
    uint64_t* count = counts.data() + b * num_ranges;
    const Table& t = bands_[b];
    ForEachBucket(t, [&](size_t i, size_t m) {
      if (m > max_bucket) {
        // m - 1 pairs, each led by its smaller document.
        ForEachBucketPair(
            m, [&](size_t x) { return t[i + x].doc; }, max_bucket,
            [&](uint32_t first, uint32_t) { ++count[first >> shift]; },
            hub_rank);
        ++band_stats[b].buckets_capped;
        band_stats[b].docs_in_capped += m;
        return;
      }
      for (size_t x = 0; x + 1 < m; ++x) {
        count[t[i + x].doc >> shift] += m - 1 - x;
      }
    });
  }
  if (stats != nullptr) {
    for (const auto& s : band_stats) {
      stats->buckets_capped += s.buckets_capped;
      stats->docs_in_capped += s.docs_in_capped;
    }
  }
  // Range r's buffer: band 0's pairs, then band 1's, ... Left
  // uninitialized (new[] of a scalar): each page is first touched when a
  // pair is written to it.
  std::vector<std::unique_ptr<uint64_t[]>> buffers(num_ranges);
  std::vector<uint64_t> range_size(num_ranges, 0);
  for (uint32_t r = 0; r < num_ranges; ++r) {
    for (uint32_t b = 0; b < num_bands; ++b) {
      const uint64_t c = counts[size_t{b} * num_ranges + r];
      counts[size_t{b} * num_ranges + r] = range_size[r];  // Band b's start.
      range_size[r] += c;
    }
    if (range_size[r] != 0) buffers[r].reset(new uint64_t[range_size[r]]);
  }
#pragma omp parallel for schedule(dynamic)
  for (int64_t b = 0; b < static_cast<int64_t>(num_bands); ++b) {
    uint64_t* next = counts.data() + b * num_ranges;
    const Table& t = bands_[b];
    ForEachBucket(t, [&](size_t i, size_t m) {
      ForEachBucketPair(
          m, [&](size_t x) { return t[i + x].doc; }, max_bucket,
          [&](uint32_t first, uint32_t second) {
            const uint32_t r = first >> shift;
            buffers[r][next[r]++] = uint64_t{first} << 32 | second;
          },
          hub_rank);
    });
    release(static_cast<uint32_t>(b));
  }
  std::vector<size_t> distinct(num_ranges, 0);
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t r = 0; r < static_cast<int64_t>(num_ranges); ++r) {
    const uint64_t first_lo = static_cast<uint64_t>(r) << shift;
    const uint64_t first_hi =
        std::min<uint64_t>(first_lo + (uint64_t{1} << shift), size_);
    distinct[r] =
        SortUniquePairs(std::span<uint64_t>(buffers[r].get(), range_size[r]),
                        first_lo << 32, first_hi << 32);
  }
  // Copied out in order, each buffer freed once copied: the output grows
  // as the buffers go, so the two are never alive whole at once. `also`
  // is merged in on the way (a pair in both, once).
  size_t total = also.size();
  for (size_t d : distinct) total += d;
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  pairs.reserve(total);
  size_t next_also = 0;
  for (uint32_t r = 0; r < num_ranges; ++r) {
    for (size_t i = 0; i < distinct[r]; ++i) {
      const uint64_t x = buffers[r][i];
      const std::pair<uint32_t, uint32_t> p(static_cast<uint32_t>(x >> 32),
                                            static_cast<uint32_t>(x));
      for (; next_also < also.size() && also[next_also] <= p; ++next_also) {
        if (also[next_also] != p) pairs.push_back(also[next_also]);
      }
      pairs.push_back(p);
    }
    buffers[r].reset();
  }
  pairs.insert(pairs.end(), also.begin() + static_cast<int64_t>(next_also),
               also.end());
  return pairs;
}

uint64_t LshIndex::CandidatePairBound(uint32_t max_bucket) const {
  assert(built_);
  uint64_t n = 0;
#pragma omp parallel for schedule(dynamic) reduction(+ : n)
  for (int64_t b = 0; b < static_cast<int64_t>(bands_.size()); ++b) {
    n += BandPairCount(bands_[b], max_bucket);
  }
  return n;
}

std::vector<uint32_t> LshIndex::Query(std::span<const uint32_t> sig) const {
  assert(built_ && sig.size() == num_perm_);
  std::vector<uint32_t> out;
  for (uint32_t b = 0; b < params_.bands; ++b) {
    const Table& t = bands_[b];
    const uint32_t key = KeyOf(sig, b);
    auto it = std::lower_bound(t.begin(), t.end(), Entry{key, 0});
    for (; it != t.end() && it->key == key; ++it) out.push_back(it->doc);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace refrain
