// The stable hashes behind every shingle and band key (internal).
//
// Bytes are hashed with XXH3-64 (xxHash 0.8, a frozen, documented format) and
// shingles combine their tokens' hashes with fixed arithmetic, all with fixed
// seeds, so values are identical across builds, machines and versions of
// refrain's dependencies; absl::Hash is deliberately not used (its values may
// change from build to build). docs/report-format.md documents the scheme.
#ifndef REFRAIN_SRC_HASH_H_
#define REFRAIN_SRC_HASH_H_

// Inlined: most inputs are single words, where a call through the shared
// library costs as much as the hash itself.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace refrain::internal {

inline constexpr uint64_t kTokenSeed = 0x7265667261696e31ull;    // "refrain1"
inline constexpr uint64_t kShingleSeed = 0x7265667261696e32ull;  // "refrain2"
inline constexpr uint64_t kBandSeed = 0x7265667261696e33ull;     // "refrain3"
inline constexpr uint64_t kTextSeed = 0x7265667261696e34ull;     // "refrain4"

inline uint64_t HashBytes(std::string_view s, uint64_t seed) {
  return XXH3_64bits_withSeed(s.data(), s.size(), seed);
}

inline uint64_t HashBytes(const void* p, size_t n, uint64_t seed) {
  return XXH3_64bits_withSeed(p, n, seed);
}

// Document::record_hash: the text, then each metadata field, each hashed
// with the hash before it as its seed (so fields cannot trade bytes).
inline uint64_t HashRecord(std::string_view text, std::string_view title,
                           std::string_view url, std::string_view date,
                           std::string_view source) {
  uint64_t h = HashBytes(text, kTextSeed);
  for (std::string_view f : {title, url, date, source}) h = HashBytes(f, h);
  return h;
}

// A text's hash up to whitespace: runs of whitespace (absl::ascii_isspace)
// count as one space and the ends are trimmed, so that two texts the index
// calls the same up to whitespace (a re-serialized feed's line ends) hash
// alike. What the index keeps of the versions an edit replaced.
inline uint64_t HashUpToWhitespace(std::string_view text,
                                   uint64_t seed = kTextSeed) {
  std::string squeezed;
  squeezed.reserve(text.size());
  bool gap = false;
  for (char c : text) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      gap = !squeezed.empty();
      continue;
    }
    if (gap) squeezed.push_back(' ');
    gap = false;
    squeezed.push_back(c);
  }
  return HashBytes(squeezed, seed);
}

// The name of a record whose id `id` other records share
// (RepeatedIds::kRename): "ID#HASH", 8 hex digits of its record hash.
inline std::string SharedIdName(std::string_view id, uint64_t record_hash) {
  // Debian's absl::string_view is not std::string_view.
  return absl::StrCat(absl::string_view(id.data(), id.size()), "#",
                      absl::Hex(record_hash >> 32, absl::kZeroPad8));
}

// Hash functor for std::string_view keys of absl containers: Debian's
// absl::string_view is not std::string_view, so absl::Hash falls back to
// std::hash for it (libstdc++'s _Hash_bytes, several times slower on words:
// a fifth of the claims' term numbering). Values need not be stable.
struct ViewHash {
  size_t operator()(std::string_view s) const {
    return XXH3_64bits(s.data(), s.size());
  }
};

// splitmix64 finalizer: a bijective mixer used to derive per-permutation
// parameters from one seed.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// The token hash (docs/report-format.md). A token of up to 16 bytes, nearly
// every word, is hashed as one 16-byte block (its bytes, zero-padded) with
// its length added to the seed: XXH3 then runs its 16-byte path with no
// branch on the length. Its short-input paths branch on the length, and
// mispredicting them on real text cost more than the hashing (5.8 against
// 3.4 ns a token on BBC). Longer tokens hash their bytes. `readable` is how
// many bytes from `p` may be read (>= n): the padded block is loaded whole
// when it lies inside the buffer.
inline uint64_t TokenHashOf(const char* p, size_t n, size_t readable) {
  if (n > 16) return XXH3_64bits_withSeed(p, n, kTokenSeed);
  static_assert(std::endian::native == std::endian::little);
  struct Masks {  // Masks[n]: the first n bytes of 16, as two words.
    uint64_t m[17][2];
    constexpr Masks() : m{} {
      for (size_t i = 0; i <= 16; ++i) {
        m[i][0] = i >= 8 ? ~0ull : (1ull << (8 * i)) - 1;
        m[i][1] = i <= 8 ? 0 : i >= 16 ? ~0ull : (1ull << (8 * (i - 8))) - 1;
      }
    }
  };
  static constexpr Masks kMasks;
  uint64_t w[2] = {0, 0};
  if (readable >= 16) [[likely]] {
    std::memcpy(w, p, 16);
  } else {
    std::memcpy(w, p, n);
  }
  w[0] &= kMasks.m[n][0];
  w[1] &= kMasks.m[n][1];
  return XXH3_64bits_withSeed(w, 16, kTokenSeed + n);
}

// Hash of a shingle from the hashes of its `n` tokens: the polynomial
//   h = (kShingleSeed + n) * P^n + t[0] * P^(n-1) + ... + t[n-1]  (mod 2^64)
// for an odd P. The token hashes are uniform (XXH3), so hashing their 8n
// bytes again, as XXH3 did, bought nothing at 3-4x the cost: two different
// shingles collide only if the polynomial does (probability about 2^-64),
// and the high bits, which fingerprints and MinHash use, depend on every
// input bit. MinHash mixes each value again with its own seed.
inline constexpr uint64_t kShinglePoly = 0x9fb21c651e98df25ull;

inline uint64_t ShingleHashOf(const uint64_t* token_hashes, size_t n) {
  uint64_t h = kShingleSeed + n;
  for (size_t j = 0; j < n; ++j) h = h * kShinglePoly + token_hashes[j];
  return h;
}

// The same for n = 5 (the default size), with the powers of P precomputed so
// the four products are independent instead of a chain.
inline uint64_t ShingleHashOf5(const uint64_t* t) {
  constexpr uint64_t p = kShinglePoly, p2 = p * p, p3 = p2 * p, p4 = p3 * p;
  constexpr uint64_t c = (kShingleSeed + 5) * p4 * p;
  return c + t[0] * p4 + t[1] * p3 + t[2] * p2 + t[3] * p + t[4];
}

}  // namespace refrain::internal

#endif  // REFRAIN_SRC_HASH_H_
