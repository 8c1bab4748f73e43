#include "refrain/shingle.h"

#include <algorithm>

#include "hash.h"

namespace refrain {

absl::Status ValidateShingleOptions(const ShingleOptions& o) {
  if (o.size < 1 || o.size > 32) {
    return absl::InvalidArgumentError("--shingle must be in 1..32");
  }
  return absl::OkStatus();
}

uint64_t TokenHash(std::string_view token) {
  return internal::TokenHashOf(token.data(), token.size(), token.size());
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
  // Local pointers: stores through the buffer would otherwise make the
  // compiler reload both vectors' bounds at every token.
  thread_local std::vector<uint64_t> th_buffer;
  th_buffer.resize(tokens.size());
  uint64_t* const th = th_buffer.data();
  const Token* const tk = tokens.data();
  const size_t num_tokens = tokens.size();
  for (size_t i = 0; i < num_tokens; ++i) {
    th[i] = internal::TokenHashOf(text.data() + tk[i].begin,
                                  tk[i].end - tk[i].begin,
                                  text.size() - tk[i].begin);
  }
  // A run of len tokens gives max(1, len - k + 1) <= len shingles, so the
  // token count bounds the output: write by index, no capacity checks.
  out.resize(num_tokens);
  uint64_t* const o = out.data();
  size_t m = 0;
  for (size_t run = 0; run < num_tokens;) {
    size_t end = run + 1;
    while (end < num_tokens && !tk[end].starts_run) ++end;
    const size_t len = end - run;
    if (len < k) {
      o[m++] = internal::ShingleHashOf(th + run, len);
    } else if (k == 5) {
      for (size_t i = run; i + 5 <= end; ++i) {
        o[m++] = internal::ShingleHashOf5(th + i);
      }
    } else {
      for (size_t i = run; i + k <= end; ++i) {
        o[m++] = internal::ShingleHashOf(th + i, k);
      }
    }
    run = end;
  }
  out.resize(m);
}

ShingleSet ShingleText(std::string_view original,
                       const ShingleOptions& options) {
  NormalizedText n = Normalize(original);
  std::vector<Token> tokens;
  Tokenize(n.text(), &tokens);
  return Shingles(n.text(), tokens, options);
}

}  // namespace refrain
