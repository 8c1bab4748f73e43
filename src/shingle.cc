#include "refrain/shingle.h"

#include <algorithm>
#include <cassert>
#include <type_traits>

#include "hash.h"
#include "shingle_internal.h"

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
                   const ShingleOptions& options, std::vector<uint64_t>* out) {
  out->resize(internal::ShingleHashesInto(text, tokens, options, out));
}

namespace internal {

namespace {
using FiveTokens = std::integral_constant<size_t, 5>;
}  // namespace

size_t ShingleHashesInto(std::string_view text, std::span<const Token> tokens,
                         const ShingleOptions& options,
                         std::vector<uint64_t>* buffer) {
  if (tokens.empty()) return 0;
  const size_t k = options.size;
  // Token hashes in a reused per-thread buffer: no allocation per token.
  // Local pointers: stores through the buffer would otherwise make the
  // compiler reload both vectors' bounds at every token. k - 1 <= 31 spare
  // slots in front, so that the window of the first tokens reads in bounds
  // (what it computes there is not kept).
  constexpr size_t kSpare = 31;
  assert(k >= 1 && k <= kSpare + 1);  // ValidateShingleOptions: 1..32.
  thread_local std::vector<uint64_t> th_buffer;
  if (th_buffer.size() < tokens.size() + kSpare) {
    th_buffer.resize(tokens.size() + kSpare);
  }
  uint64_t* const th = th_buffer.data() + kSpare;
  const Token* const tk = tokens.data();
  const size_t num_tokens = tokens.size();
  for (size_t i = 0; i < num_tokens; ++i) {
    th[i] = TokenHashOf(text.data() + tk[i].begin, tk[i].end - tk[i].begin,
                        text.size() - tk[i].begin);
  }
  // A run of len tokens gives max(1, len - k + 1) <= len shingles, so the
  // token count bounds the output: write by index, no capacity checks.
  if (buffer->size() < num_tokens) buffer->resize(num_tokens);
  uint64_t* const o = buffer->data();
  // One pass: the shingle of the last k token hashes, written at every
  // token and kept (m advances) once the run holds k. A run shorter than k
  // is one shingle, written when the next run starts, in the same place in
  // the output. `size` is k, a compile-time constant for the default size,
  // whose window has its own hash with independent products.
  auto one_pass = [&](auto size) {
    size_t m = 0, run = 0;
    for (size_t i = 0; i < num_tokens; ++i) {
      if (tk[i].starts_run && i > run) {
        if (i - run < size) o[m++] = ShingleHashOf(th + run, i - run);
        run = i;
      }
      if constexpr (std::is_same_v<decltype(size), FiveTokens>) {
        o[m] = ShingleHashOf5(th + i - 4);
      } else {
        o[m] = ShingleHashOf(th + i + 1 - size, size);
      }
      m += i + 1 >= run + size;
    }
    if (num_tokens - run < size) {
      o[m++] = ShingleHashOf(th + run, num_tokens - run);
    }
    return m;
  };
  return k == 5 ? one_pass(FiveTokens{}) : one_pass(k);
}

}  // namespace internal

ShingleSet ShingleText(std::string_view original,
                       const ShingleOptions& options) {
  NormalizedText n = Normalize(original);
  std::vector<Token> tokens;
  Tokenize(n.text(), &tokens);
  return Shingles(n.text(), tokens, options);
}

}  // namespace refrain
