// The stable hashes behind every shingle and band key (internal).
//
// All hashing is XXH3-64 (xxHash 0.8, a frozen, documented format) with fixed
// seeds, so values are identical across builds, machines and versions of
// refrain's dependencies; absl::Hash is deliberately not used (its values may
// change from build to build). docs/report-format.md documents the scheme.
#ifndef REFRAIN_SRC_HASH_H_
#define REFRAIN_SRC_HASH_H_

// Inlined: most inputs are single words, where a call through the shared
// library costs as much as the hash itself.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstdint>
#include <string_view>

namespace refrain::internal {

inline constexpr uint64_t kTokenSeed = 0x7265667261696e31ull;    // "refrain1"
inline constexpr uint64_t kShingleSeed = 0x7265667261696e32ull;  // "refrain2"
inline constexpr uint64_t kBandSeed = 0x7265667261696e33ull;     // "refrain3"

inline uint64_t HashBytes(std::string_view s, uint64_t seed) {
  return XXH3_64bits_withSeed(s.data(), s.size(), seed);
}

inline uint64_t HashBytes(const void* p, size_t n, uint64_t seed) {
  return XXH3_64bits_withSeed(p, n, seed);
}

// splitmix64 finalizer: a bijective mixer used to derive per-permutation
// parameters from one seed.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace refrain::internal

#endif  // REFRAIN_SRC_HASH_H_
