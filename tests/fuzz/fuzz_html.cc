// Fuzz target: text extraction from HTML (--strip-html and .html inputs).
//
// The input is an article body as ingest passes it on (UTF-8 repaired
// first). Properties:
//   - nothing crashes, leaks or reads out of bounds (ASan, UBSan), whatever
//     the markup, its nesting or its character references;
//   - a charset a meta tag declares is one token, and converting the page
//     from it (when ICU knows it) gives valid UTF-8;
//   - the text and the headline are valid UTF-8;
//   - the text has no empty line and no line with leading or trailing white
//     space, and the headline is one line without outer spaces;
//   - extraction is a fixed point on its own output's plain lines: text
//     without markup characters extracts to itself with its line breaks
//     as spaces (HTML white space).
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "html.h"
#include "utf8.h"

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

void CheckLines(std::string_view text, bool one_line) {
  if (text.empty()) return;
  size_t start = 0;
  for (;;) {
    const size_t nl = text.find('\n', start);
    FUZZ_CHECK(!one_line || nl == std::string_view::npos);
    const std::string_view line = text.substr(
        start, nl == std::string_view::npos ? std::string_view::npos
                                            : nl - start);
    FUZZ_CHECK(!line.empty());
    FUZZ_CHECK(!IsSpace(line.front()) && !IsSpace(line.back()));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace refrain;
  if (size > (1 << 16)) return 0;  // Long inputs add time, not paths.
  std::string html(reinterpret_cast<const char*>(data), size);
  // A declared legacy charset, as ingest applies it to invalid UTF-8: the
  // conversion gives valid UTF-8 whenever ICU knows the charset.
  if (const std::string cs = internal::DeclaredCharset(html); !cs.empty()) {
    FUZZ_CHECK(cs.find_first_of(" \t\"'<>=") == std::string::npos);
    std::string converted = html;
    if (internal::ConvertToUtf8(&converted, cs)) {
      FUZZ_CHECK(internal::IsValidUtf8(converted));
    }
  }
  internal::RepairUtf8(&html);
  std::string title;
  const std::string text = internal::HtmlToText(html, &title);
  FUZZ_CHECK(internal::IsValidUtf8(text));
  FUZZ_CHECK(internal::IsValidUtf8(title));
  CheckLines(text, false);
  CheckLines(title, true);
  if (html.find_first_of("<>&") == std::string::npos &&
      text.find('\xC2') == std::string::npos) {
    std::string flat = text;
    for (char& c : flat) {
      if (c == '\n') c = ' ';
    }
    FUZZ_CHECK(internal::HtmlToText(flat) == flat);
  }
  return 0;
}
