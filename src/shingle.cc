#include "refrain/shingle.h"

#include <algorithm>

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

size_t ShingleHashesInto(std::string_view text, std::span<const Token> tokens,
                         const ShingleOptions& options,
                         std::vector<uint64_t>* buffer) {
  if (tokens.empty()) return 0;
  const size_t k = options.size;
  // Token hashes in a reused per-thread buffer: no allocation per token.
  // Local pointers: stores through the buffer would otherwise make the
  // compiler reload both vectors' bounds at every token.
  // Four spare slots in front, so that the five-token window of the first
  // tokens reads in bounds (what it computes there is not kept).
  thread_local std::vector<uint64_t> th_buffer;
  if (th_buffer.size() < tokens.size() + 4) th_buffer.resize(tokens.size() + 4);
  uint64_t* const th = th_buffer.data() + 4;
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
  size_t m = 0;
  if (k == 5) {
    // One pass for the default size: a window of the last five token
    // hashes, a shingle written at every token and kept (m advances) once
    // the run holds five. A run shorter than five is one shingle, written
    // when the next run starts, in the same place in the output.
    size_t run = 0;
    for (size_t i = 0; i < num_tokens; ++i) {
      if (tk[i].starts_run && i > run) {
        if (i - run < 5) o[m++] = ShingleHashOf(th + run, i - run);
        run = i;
      }
      o[m] = ShingleHashOf5(th + i - 4);
      m += i >= run + 4;
    }
    if (num_tokens - run < 5)
      o[m++] = ShingleHashOf(th + run, num_tokens - run);
    return m;
  }
  for (size_t run = 0; run < num_tokens;) {
    size_t end = run + 1;
    while (end < num_tokens && !tk[end].starts_run) ++end;
    const size_t len = end - run;
    if (len < k) {
      o[m++] = ShingleHashOf(th + run, len);
    } else {
      for (size_t i = run; i + k <= end; ++i) o[m++] = ShingleHashOf(th + i, k);
    }
    run = end;
  }
  return m;
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
