// MinHash signatures: a fixed-size sketch of a shingle set whose slot-wise
// agreement rate estimates Jaccard similarity.
//
// The builder (MinHasher: seeded hash parameters) is separate from the value
// (a signature: num_perm 32-bit slots, stored contiguously so a batch of n
// documents is one n x num_perm array).
//
// Two algorithms:
//  - kClassic: num_perm independent hash functions h_i(x) = (a_i x + b_i) >> 32
//    (multiply-shift on the 64-bit shingle hash), slot i = min h_i. O(num_perm)
//    per shingle. The reference.
//  - kOnePermutation (default): one-permutation hashing with optimal
//    densification (Shrivastava, ICML 2017): each shingle's hash picks one of
//    num_perm bins and a 32-bit value, each bin keeps its minimum, and empty
//    bins borrow from a bin chosen by a fixed probe sequence shared by all
//    documents. O(1) per shingle plus O(num_perm) per document; the same
//    estimator and accuracy (tests/minhash_test.cc checks both).
#ifndef REFRAIN_MINHASH_H_
#define REFRAIN_MINHASH_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace refrain {

enum class MinHashAlgorithm { kClassic, kOnePermutation };

struct MinHashOptions {
  // Slots per signature. More slots: smaller estimation error
  // (sd = sqrt(J(1-J)/num_perm)) and more work. Default 128; range 8..1024.
  uint32_t num_perm = 128;
  // Seed of all hash parameters. Signatures are comparable only between
  // identical options. Default 1.
  uint64_t seed = 1;
  // Default kOnePermutation.
  MinHashAlgorithm algorithm = MinHashAlgorithm::kOnePermutation;
};

absl::Status ValidateMinHashOptions(const MinHashOptions& options);
const char* AlgorithmName(MinHashAlgorithm a);  // "classic" / "oph"

class MinHasher {
 public:
  explicit MinHasher(const MinHashOptions& options);

  uint32_t num_perm() const { return options_.num_perm; }
  const MinHashOptions& options() const { return options_; }

  // Writes the signature of the sorted-or-not set `shingles` (duplicates
  // allowed) into `out` (num_perm slots). An empty set gives all slots
  // 0xFFFFFFFF. Thread-safe (const).
  void Sign(std::span<const uint64_t> shingles, std::span<uint32_t> out) const;

  std::vector<uint32_t> Sign(std::span<const uint64_t> shingles) const {
    std::vector<uint32_t> sig(options_.num_perm);
    Sign(shingles, sig);
    return sig;
  }

 private:
  void SignClassic(std::span<const uint64_t> s, std::span<uint32_t> out) const;
  void SignOnePermutation(std::span<const uint64_t> s,
                          std::span<uint32_t> out) const;

  MinHashOptions options_;
  std::vector<uint64_t> a_, b_;  // kClassic parameters.
  uint64_t oph_seed_ = 0;
  // kOnePermutation: first_probe_[j * num_perm + b] is the attempt at which
  // empty bin j's densification probe sequence first reaches bin b (or
  // UINT32_MAX if not within 64 * num_perm attempts). With few non-empty
  // bins, the first one probed is the one with the smallest entry: O(m)
  // per empty bin instead of O(num_perm / m) probes, the same result.
  // num_perm^2 entries (64 KiB for 128).
  std::vector<uint32_t> first_probe_;
};

// Fraction of equal slots: an unbiased estimate of Jaccard similarity.
double EstimateJaccard(std::span<const uint32_t> a,
                       std::span<const uint32_t> b);

}  // namespace refrain

#endif  // REFRAIN_MINHASH_H_
