#include "refrain/lsh.h"

#include <omp.h>

#include <algorithm>
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
template <typename Entry>
void SortByKey(std::vector<Entry>& v) {
  const size_t n = v.size();
  if (n < 1024) {
    std::sort(v.begin(), v.end());
    return;
  }
  const int bits = internal::BucketBits(n, 4);
  const int shift = 64 - bits;
  internal::SortByBuckets(v, size_t{1} << bits,
                          [shift](const Entry& e) { return e.key >> shift; });
}

// Sorts packed pairs (first << 32 | second, first < num_docs), in buckets
// of `first` coarsened to about n / 4 of them.
void SortPairs(std::vector<uint64_t>& v, uint32_t num_docs) {
  const size_t n = v.size();
  if (n < 1024 || num_docs == 0) {
    std::sort(v.begin(), v.end());
    return;
  }
  int drop = 0;  // Low bits of `first` dropped from the bucket number.
  while (drop < 32 && (size_t{num_docs} >> drop) > n / 4) ++drop;
  const int shift = 32 + drop;
  internal::SortByBuckets(v, (size_t{num_docs - 1} >> drop) + 1,
                          [shift](uint64_t x) { return x >> shift; });
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
    uint32_t max_bucket, CandidateStats* stats) const {
  assert(built_);
  std::vector<std::vector<uint64_t>> per_band(bands_.size());
  std::vector<CandidateStats> band_stats(bands_.size());
#pragma omp parallel for schedule(dynamic)
  for (int64_t b = 0; b < static_cast<int64_t>(bands_.size()); ++b) {
    const std::vector<Entry>& t = bands_[b];
    std::vector<uint64_t>& out = per_band[b];
    for (size_t i = 0; i < t.size();) {
      size_t j = i + 1;
      while (j < t.size() && t[j].key == t[i].key) ++j;
      const size_t m = j - i;
      if (AppendBucketPairs(
              m, [&](size_t x) { return t[i + x].doc; }, max_bucket, &out)) {
        ++band_stats[b].buckets_capped;
        band_stats[b].docs_in_capped += m;
      }
      i = j;
    }
    SortPairs(out, size_);
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
  std::vector<uint64_t> all;
  size_t total = 0;
  for (auto& v : per_band) total += v.size();
  all.reserve(total);
  for (auto& v : per_band) {
    all.insert(all.end(), v.begin(), v.end());
    std::vector<uint64_t>().swap(v);
  }
  SortPairs(all, size_);
  all.erase(std::unique(all.begin(), all.end()), all.end());
  std::vector<std::pair<uint32_t, uint32_t>> pairs(all.size());
  for (size_t i = 0; i < all.size(); ++i) {
    pairs[i] = {static_cast<uint32_t>(all[i] >> 32),
                static_cast<uint32_t>(all[i])};
  }
  if (stats != nullptr) {
    *stats = {};
    for (const auto& s : band_stats) {
      stats->buckets_capped += s.buckets_capped;
      stats->docs_in_capped += s.docs_in_capped;
    }
  }
  return pairs;
}

uint64_t LshIndex::CandidatePairBound(uint32_t max_bucket) const {
  assert(built_);
  uint64_t n = 0;
  for (const std::vector<Entry>& t : bands_) {
    for (size_t i = 0; i < t.size();) {
      size_t j = i + 1;
      while (j < t.size() && t[j].key == t[i].key) ++j;
      n += BucketPairCount(j - i, max_bucket);
      i = j;
    }
  }
  return n;
}

std::vector<uint32_t> LshIndex::Query(std::span<const uint32_t> sig) const {
  assert(built_ && sig.size() == num_perm_);
  std::vector<uint32_t> out;
  for (uint32_t b = 0; b < params_.bands; ++b) {
    const std::vector<Entry>& t = bands_[b];
    uint64_t key = BandKey(sig, b);
    auto it = std::lower_bound(t.begin(), t.end(), Entry{key, 0});
    for (; it != t.end() && it->key == key; ++it) out.push_back(it->doc);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace refrain
