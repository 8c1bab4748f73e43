#include "byte_class.h"

#include <algorithm>
#include <bit>
#include <cstring>

// Highway compiles this file once per SIMD target (SSSE3, SSE4, AVX2,
// AVX-512, ...) and picks the best one the CPU supports at run time.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "byte_class.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace refrain::internal {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Bytes [0, n) of s into masks[0, kCount), `lanes` bytes at a time: word,
// space and high (ByteClasses), and with kCount = 10 the tokenizer's seven
// more, in the order ClassifyTokenBytes lists them. The last partial vector
// is read from a zero-padded copy (0 is in no class).
template <int kCount>
void Classify(const uint8_t* s, size_t n, uint8_t* const* masks) {
  static_assert(kCount == 3 || kCount == 10);
  const hn::ScalableTag<uint8_t> d;
  const size_t lanes = hn::Lanes(d);
  if (lanes % 8 != 0) {
    // A target whose vectors are not whole bytes of mask bits (scalar
    // emulation): byte by byte, ORing bits into cleared bytes.
    for (int m = 0; m < kCount; ++m) std::memset(masks[m], 0, (n + 7) / 8);
    for (size_t i = 0; i < n; ++i) {
      const uint8_t c = s[i];
      const uint8_t bit = static_cast<uint8_t>(1u << (i & 7));
      const uint8_t lower = static_cast<uint8_t>(c | 0x20);
      const bool digit = c >= '0' && c <= '9';
      const bool stop =
          c == '.' || c == '!' || c == '?' || c == ';' || c == ':';
      const bool white = c == ' ' || (c >= 0x09 && c <= 0x0D);
      const bool classes[10] = {
          digit || (lower >= 'a' && lower <= 'z'),
          c == ' ',
          c >= 0x80,
          digit,
          c == '\'',
          c == '.' || c == ',',
          stop,
          c == '\n' || c == '\r',
          white,
          stop || white || c == '"' || c == '\'' || c == ')'};
      for (int m = 0; m < kCount; ++m) {
        if (classes[m]) masks[m][i >> 3] |= bit;
      }
    }
    return;
  }
  const auto k0 = hn::Set(d, '0');
  const auto k9 = hn::Set(d, 9);
  const auto ka = hn::Set(d, 'a');
  const auto k25 = hn::Set(d, 25);
  const auto k20 = hn::Set(d, 0x20);
  const auto k80 = hn::Set(d, 0x80);
  const auto k4 = hn::Set(d, 4);
  const auto tab = hn::Set(d, 0x09);
  auto classify = [&](const uint8_t* p, size_t i) {
    const auto v = hn::LoadU(d, p);
    // x in [lo, lo + span] as (x - lo) <= span, unsigned: min(x - lo, span)
    // equals x - lo.
    const auto digit_off = hn::Sub(v, k0);
    const auto letter = hn::Sub(hn::Or(v, k20), ka);
    const auto digit = hn::Eq(hn::Min(digit_off, k9), digit_off);
    const auto space = hn::Eq(v, k20);
    const size_t at = i / 8;
    hn::StoreMaskBits(d, hn::Or(digit, hn::Eq(hn::Min(letter, k25), letter)),
                      masks[0] + at);
    hn::StoreMaskBits(d, space, masks[1] + at);
    hn::StoreMaskBits(d, hn::TestBit(v, k80), masks[2] + at);
    if constexpr (kCount == 10) {
      auto eq = [&](char c) {
        return hn::Eq(v, hn::Set(d, static_cast<uint8_t>(c)));
      };
      const auto control = hn::Sub(v, tab);
      const auto apostrophe = eq('\'');
      const auto stop = hn::Or(hn::Or(eq('.'), eq('!')),
                               hn::Or(eq('?'), hn::Or(eq(';'), eq(':'))));
      const auto white = hn::Or(space, hn::Eq(hn::Min(control, k4), control));
      const auto keeps = hn::Or(hn::Or(stop, white),
                                hn::Or(apostrophe, hn::Or(eq('"'), eq(')'))));
      hn::StoreMaskBits(d, digit, masks[3] + at);
      hn::StoreMaskBits(d, apostrophe, masks[4] + at);
      hn::StoreMaskBits(d, hn::Or(eq('.'), eq(',')), masks[5] + at);
      hn::StoreMaskBits(d, stop, masks[6] + at);
      hn::StoreMaskBits(d, hn::Or(eq('\n'), eq('\r')), masks[7] + at);
      hn::StoreMaskBits(d, white, masks[8] + at);
      hn::StoreMaskBits(d, keeps, masks[9] + at);
    }
  };
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) classify(s + i, i);
  if (i < n) {
    HWY_ALIGN uint8_t tail[HWY_MAX_BYTES] = {};
    std::memcpy(tail, s + i, n - i);
    classify(tail, i);
  }
}

void ClassifyImpl(const uint8_t* s, size_t n, uint8_t* const* masks) {
  Classify<3>(s, n, masks);
}

void ClassifyTokenImpl(const uint8_t* s, size_t n, uint8_t* const* masks) {
  Classify<10>(s, n, masks);
}

// The number of leading bytes of s[0, n) below 0x80.
size_t AsciiPrefixImpl(const uint8_t* s, size_t n) {
  const hn::ScalableTag<uint8_t> d;
  const size_t lanes = hn::Lanes(d);
  const auto k80 = hn::Set(d, 0x80);
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    const intptr_t high =
        hn::FindFirstTrue(d, hn::TestBit(hn::LoadU(d, s + i), k80));
    if (high >= 0) return i + static_cast<size_t>(high);
  }
  while (i < n && s[i] < 0x80) ++i;
  return i;
}

}  // namespace HWY_NAMESPACE
}  // namespace refrain::internal
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace refrain::internal {

HWY_EXPORT(ClassifyImpl);
HWY_EXPORT(AsciiPrefixImpl);
HWY_EXPORT(ClassifyTokenImpl);

size_t AsciiPrefix(std::string_view text) {
  return HWY_DYNAMIC_DISPATCH(AsciiPrefixImpl)(
      reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

namespace {

// Sizes the masks for `text` and runs `kernel` on them. The kernel writes
// every mask byte up to its last vector; only the words from the one holding
// the text's end on are cleared here (not whole buffers, reused text after
// text).
template <size_t kCount, typename Kernel>
void RunClassify(std::string_view text,
                 std::vector<uint64_t>* const (&masks)[kCount],
                 const Kernel& kernel) {
  // Mask bytes are written in order into 64-bit words.
  static_assert(std::endian::native == std::endian::little);
  // One spare word past the text, and room for the last vector's mask bytes
  // (at most HWY_MAX_BYTES / 8 past the last whole word).
  const size_t words = (text.size() + 63) / 64 + 1 + HWY_MAX_BYTES / 64;
  const size_t written = text.size() / 64;
  uint8_t* bytes[kCount];
  for (size_t m = 0; m < kCount; ++m) {
    masks[m]->resize(words);
    std::fill(masks[m]->begin() + written, masks[m]->end(), 0);
    bytes[m] = reinterpret_cast<uint8_t*>(masks[m]->data());
  }
  kernel(reinterpret_cast<const uint8_t*>(text.data()), text.size(), bytes);
}

}  // namespace

void ClassifyBytes(std::string_view text, ByteClasses* out) {
  std::vector<uint64_t>* const masks[3] = {&out->word, &out->space, &out->high};
  RunClassify(text, masks, [](const uint8_t* s, size_t n, uint8_t* const* m) {
    HWY_DYNAMIC_DISPATCH(ClassifyImpl)(s, n, m);
  });
}

void ClassifyTokenBytes(std::string_view text, TokenClasses* out) {
  std::vector<uint64_t>* const masks[10] = {
      &out->word,       &out->space,     &out->high, &out->digit,
      &out->apostrophe, &out->dot_comma, &out->stop, &out->newline,
      &out->white,      &out->keeps_stop};
  RunClassify(text, masks, [](const uint8_t* s, size_t n, uint8_t* const* m) {
    HWY_DYNAMIC_DISPATCH(ClassifyTokenImpl)(s, n, m);
  });
}

}  // namespace refrain::internal
#endif  // HWY_ONCE
