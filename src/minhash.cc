#include "refrain/minhash.h"

#include <algorithm>
#include <cassert>
#include <limits>

#include "hash.h"

// The classic MinHash loop is compiled once per SIMD target (see
// byte_class.cc): it is a 64-bit multiply per shingle and permutation, which
// the baseline x86-64 build can only emulate two lanes at a time.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "minhash.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace refrain::internal {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// out[i] = min over x in s[0, n) of bits 32..63 of a[i] * x + b[i] (mod
// 2^64), for i < k. The product is put together from 32 x 32 -> 64-bit
// multiplies, which every target has: with a = ah:al and x = xh:xl,
// a * x + b = (al * xl + b) + 2^32 (al * xh + ah * xl) mod 2^64, so the
// wanted bits are those of (al * xl + b) >> 32 plus al * xh + ah * xl, mod
// 2^32: the same value the scalar formula gives.
void SignClassicImpl(const uint64_t* a, const uint64_t* b, uint32_t k,
                     const uint64_t* s, size_t n, uint32_t* out) {
  uint32_t i = 0;
#if HWY_TARGET != HWY_SCALAR  // One-lane vectors cannot split a u64.
  const hn::ScalableTag<uint64_t> d64;
  const hn::Repartition<uint32_t, decltype(d64)> d32;
  const size_t lanes = hn::Lanes(d64);
  const auto low32 = hn::Set(d64, uint64_t{0xFFFFFFFF});
  HWY_ALIGN uint64_t mins[HWY_MAX_BYTES / sizeof(uint64_t)];
  // Permutations outer, shingles inner: each lane's minimum stays in a
  // register across the whole set.
  for (; i + lanes <= k; i += static_cast<uint32_t>(lanes)) {
    const auto va = hn::LoadU(d64, a + i);
    const auto vb = hn::LoadU(d64, b + i);
    const auto al = hn::BitCast(d32, va);  // Even 32-bit lanes: low halves.
    const auto ah = hn::BitCast(d32, hn::ShiftRight<32>(va));
    auto m = low32;
    for (size_t j = 0; j < n; ++j) {
      const auto xl = hn::BitCast(d32, hn::Set(d64, s[j] & 0xFFFFFFFF));
      const auto xh = hn::BitCast(d32, hn::Set(d64, s[j] >> 32));
      const auto lo = hn::Add(hn::MulEven(al, xl), vb);
      const auto cross = hn::Add(hn::MulEven(al, xh), hn::MulEven(ah, xl));
      const auto h = hn::And(hn::Add(hn::ShiftRight<32>(lo), cross), low32);
      m = hn::Min(m, h);
    }
    hn::Store(m, d64, mins);
    for (size_t l = 0; l < lanes; ++l) {
      out[i + l] = static_cast<uint32_t>(mins[l]);
    }
  }
#endif
  for (; i < k; ++i) {
    uint32_t m = std::numeric_limits<uint32_t>::max();
    for (size_t j = 0; j < n; ++j) {
      m = std::min(m, static_cast<uint32_t>((a[i] * s[j] + b[i]) >> 32));
    }
    out[i] = m;
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace refrain::internal
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace refrain {
namespace internal {
HWY_EXPORT(SignClassicImpl);
}  // namespace internal

namespace {

constexpr uint32_t kNeverProbed = std::numeric_limits<uint32_t>::max();

// The bin that empty bin j copies from at densification attempt `attempt`.
uint32_t ProbeBin(uint64_t seed, uint32_t k, uint32_t j, uint64_t attempt) {
  uint64_t h = internal::Mix64(seed ^ (uint64_t{j} << 32 | attempt));
  return static_cast<uint32_t>(((h >> 32) * k) >> 32);
}

}  // namespace

absl::Status ValidateMinHashOptions(const MinHashOptions& o) {
  if (o.num_perm < 8 || o.num_perm > 1024) {
    return absl::InvalidArgumentError("--num-perm must be in 8..1024");
  }
  return absl::OkStatus();
}

const char* AlgorithmName(MinHashAlgorithm a) {
  return a == MinHashAlgorithm::kClassic ? "classic" : "oph";
}

MinHasher::MinHasher(const MinHashOptions& options) : options_(options) {
  a_.resize(options.num_perm);
  b_.resize(options.num_perm);
  uint64_t state = options.seed;
  for (uint32_t i = 0; i < options.num_perm; ++i) {
    a_[i] = internal::Mix64(state++) | 1;  // odd multiplier
    b_[i] = internal::Mix64(state++);
  }
  oph_seed_ = internal::Mix64(state++);
  if (options.algorithm == MinHashAlgorithm::kOnePermutation) {
    const uint32_t k = options.num_perm;
    first_probe_.assign(size_t{k} * k, kNeverProbed);
    for (uint32_t j = 0; j < k; ++j) {
      uint32_t* row = &first_probe_[size_t{j} * k];
      uint32_t seen = 0;
      for (uint32_t attempt = 1; attempt <= 64 * k && seen < k; ++attempt) {
        uint32_t& first = row[ProbeBin(oph_seed_, k, j, attempt)];
        if (first == kNeverProbed) {
          first = attempt;
          ++seen;
        }
      }
    }
  }
}

void MinHasher::Sign(std::span<const uint64_t> shingles,
                     std::span<uint32_t> out) const {
  assert(out.size() == options_.num_perm);
  if (options_.algorithm == MinHashAlgorithm::kClassic) {
    SignClassic(shingles, out);
  } else {
    SignOnePermutation(shingles, out);
  }
}

void MinHasher::SignClassic(std::span<const uint64_t> s,
                            std::span<uint32_t> out) const {
  HWY_DYNAMIC_DISPATCH(internal::SignClassicImpl)
  (a_.data(), b_.data(), options_.num_perm, s.data(), s.size(), out.data());
}

void MinHasher::SignOnePermutation(std::span<const uint64_t> s,
                                   std::span<uint32_t> out) const {
  const uint32_t k = options_.num_perm;
  // Values are kept 64-bit while binning so an empty bin is distinguishable
  // from a real 0xFFFFFFFF value.
  thread_local std::vector<uint64_t> bins;
  bins.assign(k, std::numeric_limits<uint64_t>::max());
  uint64_t* bin_min = bins.data();
  // A local copy: the stores into bin_min are uint64_t like the member, so
  // the compiler would otherwise reload it after every store, and each
  // iteration would wait for the previous one's store address.
  const uint64_t seed = oph_seed_;
  for (uint64_t x : s) {
    uint64_t h = internal::Mix64(x ^ seed);
    // High half picks the bin (Lemire's multiply-shift range reduction), low
    // half is the value: independent bits of one good hash.
    uint32_t bin = static_cast<uint32_t>(((h >> 32) * k) >> 32);
    uint64_t v = static_cast<uint32_t>(h);
    // Branch-free: whether a value lowers its bin is a coin toss early on.
    bin_min[bin] = std::min(bin_min[bin], v);
  }
  thread_local std::vector<uint32_t> filled;
  filled.clear();
  for (uint32_t j = 0; j < k; ++j) {
    if (bins[j] != std::numeric_limits<uint64_t>::max()) filled.push_back(j);
  }
  if (filled.empty()) {
    std::fill(out.begin(), out.end(), std::numeric_limits<uint32_t>::max());
    return;
  }
  // Optimal densification: an empty bin j copies the first non-empty bin in
  // the probe sequence hash(j, 1), hash(j, 2), ... The sequence depends only
  // on (j, attempt, seed), so two documents make the same choice whenever
  // their bins agree, which keeps the estimator unbiased. Probing costs
  // about k / m attempts per empty bin for m non-empty bins: quadratic in k
  // for a tiny document (52 us for one shingle, k = 128). With m^2 <= k the
  // first_probe_ table gives the same bin in m steps.
  const bool by_table = filled.size() * filled.size() <= k;
  for (uint32_t j = 0; j < k; ++j) {
    if (bins[j] != std::numeric_limits<uint64_t>::max()) {
      out[j] = static_cast<uint32_t>(bins[j]);
      continue;
    }
    if (by_table) {
      const uint32_t* row = &first_probe_[size_t{j} * k];
      uint64_t best = ~uint64_t{0};  // (attempt, bin), branch-free minimum.
      for (uint32_t b : filled)
        best = std::min(best, uint64_t{row[b]} << 32 | b);
      if ((best >> 32) != kNeverProbed) {
        out[j] = static_cast<uint32_t>(bins[static_cast<uint32_t>(best)]);
        continue;
      }
    }
    for (uint64_t attempt = 1;; ++attempt) {
      uint32_t from = ProbeBin(oph_seed_, k, j, attempt);
      if (bins[from] != std::numeric_limits<uint64_t>::max()) {
        out[j] = static_cast<uint32_t>(bins[from]);
        break;
      }
    }
  }
}

double EstimateJaccard(std::span<const uint32_t> a,
                       std::span<const uint32_t> b) {
  assert(a.size() == b.size());
  if (a.empty()) return 0.0;
  size_t eq = 0;
  for (size_t i = 0; i < a.size(); ++i) eq += a[i] == b[i];
  return static_cast<double>(eq) / static_cast<double>(a.size());
}

}  // namespace refrain
#endif  // HWY_ONCE
