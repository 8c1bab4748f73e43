// Byte classes of a text as bitmasks, computed with SIMD (Highway, runtime
// dispatch: the widest vector unit of the running CPU, not of the build
// machine). The tokenizer and the floor's word split read these masks to
// skip whole runs of word bytes or spaces with one count-trailing-zeros
// instead of testing byte by byte.
#ifndef REFRAIN_BYTE_CLASS_H_
#define REFRAIN_BYTE_CLASS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace refrain::internal {

// Bit i % 64 of word i / 64 describes byte i of the text. Each mask has at
// least (size + 63) / 64 + 1 words, and every bit past the text's end is 0,
// so a scan for the next 0 bit always stops at the end.
struct ByteClasses {
  std::vector<uint64_t> word;   // ASCII letters and digits.
  std::vector<uint64_t> space;  // ' ' (0x20) only.
  std::vector<uint64_t> high;   // Bytes >= 0x80 (parts of non-ASCII UTF-8).
};

// Fills `out` for `text`, reusing its buffers. Thread-safe.
void ClassifyBytes(std::string_view text, ByteClasses* out);

// The tokenizer's classes: with these, a 64-byte block of ASCII text is
// tokenized by bit operations alone, joiners and sentence ends included
// (see Tokenize in normalize.cc). Same layout as ByteClasses.
struct TokenClasses : ByteClasses {
  std::vector<uint64_t> digit;       // '0'-'9'.
  std::vector<uint64_t> apostrophe;  // '\''.
  std::vector<uint64_t> dot_comma;   // '.' and ','.
  std::vector<uint64_t> stop;        // Sentence ends: . ! ? ; :
  std::vector<uint64_t> newline;     // '\n' or '\r' (old Mac line ends).
  std::vector<uint64_t> white;       // \t \n \v \f \r and ' '.
  // Bytes after which a sentence end still counts: the stops, white space,
  // and the closers '"', '\'' and ')'.
  std::vector<uint64_t> keeps_stop;
};

// Fills `out` for `text`, reusing its buffers. Thread-safe.
void ClassifyTokenBytes(std::string_view text, TokenClasses* out);

// The length of the longest prefix of `text` without bytes >= 0x80: how far
// normalization's ASCII fast path reaches.
size_t AsciiPrefix(std::string_view text);

// The first position >= i whose bit is 0 in both masks.
inline size_t NextZeroBit(const std::vector<uint64_t>& a,
                          const std::vector<uint64_t>& b, size_t i) {
  size_t w = i >> 6;
  uint64_t x = ~(a[w] | b[w]) >> (i & 63);
  if (x != 0) return i + static_cast<size_t>(__builtin_ctzll(x));
  for (++w;; ++w) {
    x = ~(a[w] | b[w]);
    if (x != 0) return (w << 6) + static_cast<size_t>(__builtin_ctzll(x));
  }
}

}  // namespace refrain::internal

#endif  // REFRAIN_BYTE_CLASS_H_
