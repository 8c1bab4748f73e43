// Internal variant of ShingleHashes for the scan's reused per-slot buffers.
#ifndef REFRAIN_SRC_SHINGLE_INTERNAL_H_
#define REFRAIN_SRC_SHINGLE_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "refrain/normalize.h"
#include "refrain/shingle.h"

namespace refrain::internal {

// ShingleHashes written to the front of `buffer`; returns how many. The
// buffer only grows and keeps its size: a buffer reused for document after
// document is not zero-filled again each time (std::vector::resize would
// fill every element, 1.4% of a scan's CPU).
size_t ShingleHashesInto(std::string_view normalized,
                         std::span<const Token> tokens,
                         const ShingleOptions& options,
                         std::vector<uint64_t>* buffer);

}  // namespace refrain::internal

#endif  // REFRAIN_SRC_SHINGLE_INTERNAL_H_
