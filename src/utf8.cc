#include "utf8.h"

#include <simdjson.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace refrain::internal {

namespace {

// Replaces each byte sequence with no mapping (or illegal) by U+FFFD, as
// RepairUtf8 does, and counts them. ICU's own substitution would write
// U+001A for some single-byte and Shift_JIS converters.
struct CountingSubstitute {
  UConverterToUCallback previous = nullptr;
  const void* previous_context = nullptr;
  uint32_t count = 0;
};

void CountAndSubstitute(const void* context, UConverterToUnicodeArgs* args,
                        const char* units, int32_t length,
                        UConverterCallbackReason reason, UErrorCode* err) {
  auto* c = static_cast<CountingSubstitute*>(const_cast<void*>(context));
  if (reason == UCNV_UNASSIGNED || reason == UCNV_ILLEGAL ||
      reason == UCNV_IRREGULAR) {
    ++c->count;
    *err = U_ZERO_ERROR;
    static constexpr UChar kReplacement = 0xFFFD;
    ucnv_cbToUWriteUChars(args, &kReplacement, 1, 0, err);
    return;
  }
  c->previous(c->previous_context, args, units, length, reason, err);
}

}  // namespace

bool ConvertToUtf8(std::string* text, const std::string& charset,
                   uint32_t* substituted) {
  UErrorCode err = U_ZERO_ERROR;
  UConverter* from = ucnv_open(charset.c_str(), &err);
  if (U_FAILURE(err)) return false;
  UConverter* to = ucnv_open("UTF-8", &err);
  if (U_FAILURE(err)) {
    ucnv_close(from);
    return false;
  }
  CountingSubstitute counter;
  ucnv_setToUCallBack(from, CountAndSubstitute, &counter, &counter.previous,
                      &counter.previous_context, &err);
  // Up to 3 UTF-8 bytes per input byte (a single-byte charset's U+FFFD or
  // any BMP character), and 4 per 2 bytes for multi-byte ones.
  std::string out(text->size() * 3 + 16, '\0');
  char* target = out.data();
  const char* source = text->data();
  UChar pivot[1024];
  UChar* pivot_source = pivot;
  UChar* pivot_target = pivot;
  ucnv_convertEx(to, from, &target, out.data() + out.size(), &source,
                 text->data() + text->size(), pivot, &pivot_source,
                 &pivot_target, pivot + 1024, /*reset=*/true, /*flush=*/true,
                 &err);
  ucnv_close(from);
  ucnv_close(to);
  if (U_FAILURE(err)) return false;
  out.resize(static_cast<size_t>(target - out.data()));
  *text = std::move(out);
  if (substituted != nullptr) *substituted = counter.count;
  return true;
}

bool IsValidUtf8(std::string_view text) {
  return simdjson::validate_utf8(text.data(), text.size());
}

uint32_t RepairUtf8(std::string* text) {
  if (IsValidUtf8(*text)) return 0;
  // Round trip through UTF-16 with substitution. u_strFromUTF8WithSub counts
  // the substitutions and follows the Unicode "maximal subpart" practice.
  UErrorCode status = U_ZERO_ERROR;
  int32_t len16 = 0;
  int32_t subs = 0;
  u_strFromUTF8WithSub(nullptr, 0, &len16, text->data(),
                       static_cast<int32_t>(text->size()), 0xFFFD, &subs,
                       &status);
  status = U_ZERO_ERROR;
  std::vector<UChar> buf(static_cast<size_t>(len16) + 1);
  u_strFromUTF8WithSub(buf.data(), len16 + 1, &len16, text->data(),
                       static_cast<int32_t>(text->size()), 0xFFFD, &subs,
                       &status);
  int32_t len8 = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8(nullptr, 0, &len8, buf.data(), len16, &status);
  std::string out(static_cast<size_t>(len8), '\0');
  status = U_ZERO_ERROR;
  u_strToUTF8(out.data(), len8, &len8, buf.data(), len16, &status);
  text->swap(out);
  return static_cast<uint32_t>(subs);
}

void TrimSpace(std::string_view text, uint32_t* begin, uint32_t* end) {
  uint32_t b = *begin, e = *end;
  while (b < e) {
    int32_t i = static_cast<int32_t>(b);
    UChar32 c;
    U8_NEXT(text.data(), i, static_cast<int32_t>(e), c);
    if (c < 0 || !u_isUWhiteSpace(c)) break;
    b = static_cast<uint32_t>(i);
  }
  while (e > b) {
    int32_t i = static_cast<int32_t>(e);
    UChar32 c;
    U8_PREV(text.data(), static_cast<int32_t>(b), i, c);
    if (c < 0 || !u_isUWhiteSpace(c)) break;
    e = static_cast<uint32_t>(i);
  }
  *begin = b;
  *end = e;
}

std::string Printable(std::string_view s, bool one_line) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const auto next =
        static_cast<unsigned char>(i + 1 < s.size() ? s[i + 1] : 0);
    if ((c < 0x20 && (one_line || (c != '\n' && c != '\t'))) || c == 0x7F) {
      out += absl::StrFormat("\\u%04x", c);
    } else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {
      out += absl::StrFormat("\\u%04x", next);
      ++i;
    } else if (const auto third =
                   static_cast<unsigned char>(i + 2 < s.size() ? s[i + 2] : 0);
               c == 0xE2 &&
               ((next == 0x80 && third >= 0xAA && third <= 0xAE) ||
                (next == 0x81 && third >= 0xA6 && third <= 0xA9))) {
      // Bidirectional embeddings, overrides and isolates (U+202A..U+202E,
      // U+2066..U+2069): a terminal reorders the rest of the line by them,
      // so an id could show as another.
      out += absl::StrFormat("\\u%04x",
                             0x2000 + ((next & 0x3Fu) << 6) + (third & 0x3Fu));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace refrain::internal
