// UTF-8 helpers (internal).
#ifndef REFRAIN_SRC_UTF8_H_
#define REFRAIN_SRC_UTF8_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace refrain::internal {

// The UTF-8 encoding of U+FEFF, which Windows tools write at the start of
// a "UTF-8 with BOM" file: a byte-order mark, not text. Readers drop it
// where a file (or a line of JSON Lines) starts with it.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// The whole file at `path` as UTF-8, read as an input file is: gzip or
// zstd decompressed (told by its first bytes, whatever its name), UTF-16
// with a byte-order mark converted, a leading UTF-8 byte-order mark dropped
// and invalid sequences replaced (RepairUtf8; left to the caller, who may
// say where they were, with `repair` false). For the side files read at
// once: MSRP pair files and background IDF corpora. NotFound if it cannot
// be opened, DataLoss on a read or decompression error, each naming the
// file. Defined in ingest.cc, beside the readers it shares.
absl::StatusOr<std::string> ReadUtf8File(const std::string& path,
                                         bool repair = true);

// Replaces every invalid UTF-8 sequence in `text` by U+FFFD (as ICU's
// converter does: one replacement per maximal invalid subpart) and returns
// the number of replacements. Valid input, the common case, costs one SIMD
// validation pass (simdjson) and is left untouched.
uint32_t RepairUtf8(std::string* text);

// Converts `*text` from `charset` (an ICU converter name or alias, e.g.
// "windows-1252", "koi8-r", "shift_jis") to UTF-8, bytes with no mapping
// (or illegal in the charset) becoming U+FFFD, counted in `*substituted`
// if given. False, `*text` unchanged, if ICU has no such converter.
bool ConvertToUtf8(std::string* text, const std::string& charset,
                   uint32_t* substituted = nullptr);

// True if `text` is valid UTF-8.
bool IsValidUtf8(std::string_view text);

// `s` for a terminal: ids and texts come from the input, and a terminal
// acts on their control characters (ESC recolours, \r and \b overwrite)
// instead of showing them. Each one but \n and \t becomes \u00XX, C1
// controls (U+0080..U+009F, C2 80..C2 9F in UTF-8) included, and so does
// each bidirectional embedding, override or isolate (U+202A..U+202E,
// U+2066..U+2069), which reorder what follows on the line. With
// `one_line` (ids, titles, locations: fields printed one to a line), \n and
// \t too, so that an id holding a newline cannot split its line.
std::string Printable(std::string_view s, bool one_line = false);

// Trims ASCII and Unicode white space (as ICU's u_isUWhiteSpace) from both
// ends of [begin, end) of `text`, returning the narrowed range.
void TrimSpace(std::string_view text, uint32_t* begin, uint32_t* end);

}  // namespace refrain::internal

#endif  // REFRAIN_SRC_UTF8_H_
