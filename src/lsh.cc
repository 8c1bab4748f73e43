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

uint64_t LshIndex::BandKey(std::span<const uint32_t> sig, uint32_t band) const {
  return refrain::BandKey(sig, params_, band);
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
          Entry{BandKey(sig, band), first + static_cast<uint32_t>(i)};
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
  const int shift = 64 - bits;
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

// Sorts packed pairs (first << 32 | second), all in [lo, hi), in about
// n / 4 buckets of their offset from lo: pairs are spread evenly enough
// over that range for the buckets to hold a few each.
void SortPairs(std::vector<uint64_t>& v, uint64_t lo, uint64_t hi) {
  const size_t n = v.size();
  if (n < 1024) {
    std::sort(v.begin(), v.end());
    return;
  }
  const uint64_t span = hi - lo - 1;  // The largest offset.
  const int width = 64 - std::countl_zero(span);
  const int shift = std::max(0, width - internal::BucketBits(n, 4));
  internal::SortByBuckets(
      v, static_cast<size_t>(span >> shift) + 1,
      [lo, shift](uint64_t x) { return (x - lo) >> shift; });
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
    uint32_t max_bucket, CandidateStats* stats) const& {
  return MergeBandPairs(BandPairs(max_bucket, stats));
}

std::vector<std::pair<uint32_t, uint32_t>> LshIndex::CandidatePairs(
    uint32_t max_bucket, CandidateStats* stats) && {
  std::vector<std::vector<uint64_t>> per_band = BandPairs(max_bucket, stats);
  std::vector<Table>().swap(bands_);
  built_ = false;  // Nothing left to query.
  return MergeBandPairs(std::move(per_band));
}

std::vector<std::vector<uint64_t>> LshIndex::BandPairs(
    uint32_t max_bucket, CandidateStats* stats) const {
  assert(built_);
  std::vector<std::vector<uint64_t>> per_band(bands_.size());
  std::vector<CandidateStats> band_stats(bands_.size());
#pragma omp parallel for schedule(dynamic)
  for (int64_t b = 0; b < static_cast<int64_t>(bands_.size()); ++b) {
    const Table& t = bands_[b];
    std::vector<uint64_t>& out = per_band[b];
    // Counted first, so the list is allocated once at its size: the
    // lists of all bands are alive together at the merge.
    out.reserve(BandPairCount(t, max_bucket));
    ForEachBucket(t, [&](size_t i, size_t m) {
      if (AppendBucketPairs(
              m, [&](size_t x) { return t[i + x].doc; }, max_bucket, &out)) {
        ++band_stats[b].buckets_capped;
        band_stats[b].docs_in_capped += m;
      }
    });
    SortPairs(out, 0, uint64_t{size_} << 32);
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
  if (stats != nullptr) {
    *stats = {};
    for (const auto& s : band_stats) {
      stats->buckets_capped += s.buckets_capped;
      stats->docs_in_capped += s.docs_in_capped;
    }
  }
  return per_band;
}

std::vector<std::pair<uint32_t, uint32_t>> LshIndex::MergeBandPairs(
    std::vector<std::vector<uint64_t>> per_band) const {
  // The union of the bands' sorted lists, merged in parallel: the pairs
  // are split by their first member into ranges, each gathered from every
  // band, sorted and deduplicated on its own, then copied into place. One
  // sort of the concatenation ran on one thread and held the pairs three
  // times over (claims on gen-100000: 8.9 of its 11.6 s, on one thread).
  size_t total = 0;
  for (const std::vector<uint64_t>& v : per_band) total += v.size();
  const uint32_t num_ranges =
      total < (1u << 16)
          ? 1
          : std::min<uint32_t>(
                size_, 32 * static_cast<uint32_t>(omp_get_max_threads()));
  auto range_begin = [&](uint32_t r) {  // First member of range r's pairs.
    return static_cast<uint32_t>(uint64_t{size_} * r / num_ranges);
  };
  std::vector<std::vector<uint64_t>> merged(num_ranges);
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t r = 0; r < static_cast<int64_t>(num_ranges); ++r) {
    const uint32_t a_lo = range_begin(static_cast<uint32_t>(r));
    const uint32_t a_hi = range_begin(static_cast<uint32_t>(r + 1));
    const uint64_t lo = uint64_t{a_lo} << 32, hi = uint64_t{a_hi} << 32;
    std::vector<uint64_t>& out = merged[r];
    for (const std::vector<uint64_t>& v : per_band) {
      auto first = std::lower_bound(v.begin(), v.end(), lo);
      auto last = std::lower_bound(first, v.end(), hi);
      out.insert(out.end(), first, last);
    }
    SortPairs(out, lo, hi);
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
  std::vector<std::vector<uint64_t>>().swap(per_band);
  std::vector<size_t> offset(num_ranges + 1, 0);
  for (uint32_t r = 0; r < num_ranges; ++r)
    offset[r + 1] = offset[r] + merged[r].size();
  std::vector<std::pair<uint32_t, uint32_t>> pairs(offset[num_ranges]);
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t r = 0; r < static_cast<int64_t>(num_ranges); ++r) {
    std::pair<uint32_t, uint32_t>* out = pairs.data() + offset[r];
    for (uint64_t x : merged[r]) {
      *out++ = {static_cast<uint32_t>(x >> 32), static_cast<uint32_t>(x)};
    }
    std::vector<uint64_t>().swap(merged[r]);
  }
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
    uint64_t key = BandKey(sig, b);
    auto it = std::lower_bound(t.begin(), t.end(), Entry{key, 0});
    for (; it != t.end() && it->key == key; ++it) out.push_back(it->doc);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace refrain
