#ifndef REFRAIN_NORMALIZE_INTERNAL_H_
#define REFRAIN_NORMALIZE_INTERNAL_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "refrain/normalize.h"

namespace refrain::internal {

// Tokenize written to the front of `buffer`; returns how many tokens. The
// buffer only grows and keeps its size, so one reused text after text is not
// value-initialized again each time (as resizing a cleared vector would).
size_t TokenizeInto(std::string_view normalized, std::vector<Token>* buffer);

// Tokenize's definition, one character at a time with no SIMD block or
// stretch paths: what tests and fuzzing compare Tokenize with.
void TokenizeReference(std::string_view text, std::vector<Token>* out);

}  // namespace refrain::internal

#endif  // REFRAIN_NORMALIZE_INTERNAL_H_
