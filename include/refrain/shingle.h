// Word shingling: a document becomes the set of hashes of its k consecutive
// normalized words.
//
// Shingles do not cross sentence or line boundaries (Token::starts_run), so
// reordered sentences and paragraphs, the commonest rewrite of wire copy,
// leave the set unchanged; a run of 1..k-1 tokens (a short sentence, a
// dateline, a "More Stories" line) becomes one shingle of all its tokens.
// The line breaks of hard-wrapped text, inside its sentences, end no run:
// a copy wrapped at 72 columns has the shingles of the unwrapped article.
//
// Hash scheme (stable; documented in docs/report-format.md): each token is
// hashed with XXH3-64 (seed "refrain1" plus the length, up to 16 bytes
// zero-padded to 16), and a shingle is a polynomial (mod 2^64) of its token
// hashes, seeded with "refrain2" (src/hash.h).
#ifndef REFRAIN_SHINGLE_H_
#define REFRAIN_SHINGLE_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "refrain/normalize.h"

namespace refrain {

// A sorted set of distinct 64-bit shingle hashes.
using ShingleSet = std::vector<uint64_t>;

struct ShingleOptions {
  // Words per shingle. Default 5 (as datasketch's and text-dedup's word
  // shingles for news); range 1..32.
  uint32_t size = 5;
};

absl::Status ValidateShingleOptions(const ShingleOptions& options);

// Hash of one token's bytes.
uint64_t TokenHash(std::string_view token);

// The shingle hashes of `normalized` text in text order, with repeats:
// what MinHash needs, without the cost of sorting. Fills `out` (cleared).
void ShingleHashes(std::string_view normalized,
                   const std::vector<Token>& tokens,
                   const ShingleOptions& options, std::vector<uint64_t>* out);

// Shingle set of `normalized` text given its tokens. Pure; thread-safe.
ShingleSet Shingles(std::string_view normalized,
                    const std::vector<Token>& tokens,
                    const ShingleOptions& options);

// Convenience: Normalize + Tokenize + Shingles.
ShingleSet ShingleText(std::string_view original,
                       const ShingleOptions& options);

}  // namespace refrain

#endif  // REFRAIN_SHINGLE_H_
