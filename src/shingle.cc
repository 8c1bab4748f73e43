#include "refrain/shingle.h"

#include <algorithm>
#include <bit>

#include "hash.h"

namespace refrain {

absl::Status ValidateShingleOptions(const ShingleOptions& o) {
  if (o.size < 1 || o.size > 32) {
    return absl::InvalidArgumentError("--shingle must be in 1..32");
  }
  return absl::OkStatus();
}

uint64_t TokenHash(std::string_view token) {
  return internal::HashBytes(token, internal::kTokenSeed);
}

ShingleSet Shingles(std::string_view text, const std::vector<Token>& tokens,
                    const ShingleOptions& options) {
  ShingleSet out;
  ShingleHashes(text, tokens, options, &out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void ShingleHashes(std::string_view text, const std::vector<Token>& tokens,
                   const ShingleOptions& options,
                   std::vector<uint64_t>* out_ptr) {
  std::vector<uint64_t>& out = *out_ptr;
  out.clear();
  if (tokens.empty()) return;
  const size_t k = options.size;
  // Token hashes in a reused per-thread buffer: no allocation per token.
  thread_local std::vector<uint64_t> th;
  th.resize(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    th[i] = TokenHash(
        text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin));
  }
  // XXH3 reads bytes, so the token hashes must be little-endian in memory;
  // refrain targets little-endian machines (x86-64, arm64).
  static_assert(std::endian::native == std::endian::little);
  out.reserve(tokens.size());
  for (size_t run = 0; run < tokens.size();) {
    size_t end = run + 1;
    while (end < tokens.size() && !tokens[end].starts_run) ++end;
    const size_t len = end - run;
    if (len < k) {
      out.push_back(internal::HashBytes(&th[run], len * sizeof(uint64_t),
                                        internal::kShingleSeed));
    } else if (k == 5) {
      // The default size as a constant: XXH3's length dispatch is resolved
      // at compile time (same values as the general loop).
      for (size_t i = run; i + 5 <= end; ++i) {
        out.push_back(internal::HashBytes(&th[i], 5 * sizeof(uint64_t),
                                          internal::kShingleSeed));
      }
    } else {
      for (size_t i = run; i + k <= end; ++i) {
        out.push_back(internal::HashBytes(&th[i], k * sizeof(uint64_t),
                                          internal::kShingleSeed));
      }
    }
    run = end;
  }
}

ShingleSet ShingleText(std::string_view original,
                       const ShingleOptions& options) {
  NormalizedText n = Normalize(original);
  std::vector<Token> tokens;
  Tokenize(n.text(), &tokens);
  return Shingles(n.text(), tokens, options);
}

}  // namespace refrain
