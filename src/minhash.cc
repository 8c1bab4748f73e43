#include "refrain/minhash.h"

#include <algorithm>
#include <cassert>
#include <limits>

#include "hash.h"

namespace refrain {
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
  const uint32_t k = options_.num_perm;
  std::fill(out.begin(), out.end(), std::numeric_limits<uint32_t>::max());
  const uint64_t* a = a_.data();
  const uint64_t* b = b_.data();
  uint32_t* o = out.data();
  for (uint64_t x : s) {
    for (uint32_t i = 0; i < k; ++i) {
      uint32_t h = static_cast<uint32_t>((a[i] * x + b[i]) >> 32);
      o[i] = std::min(o[i], h);
    }
  }
}

void MinHasher::SignOnePermutation(std::span<const uint64_t> s,
                                   std::span<uint32_t> out) const {
  const uint32_t k = options_.num_perm;
  // Values are kept 64-bit while binning so an empty bin is distinguishable
  // from a real 0xFFFFFFFF value.
  thread_local std::vector<uint64_t> bins;
  bins.assign(k, std::numeric_limits<uint64_t>::max());
  uint64_t* bin_min = bins.data();
  for (uint64_t x : s) {
    uint64_t h = internal::Mix64(x ^ oph_seed_);
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
