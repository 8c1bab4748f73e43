#include "refrain/similarity.h"

#include <algorithm>

// The 32-bit intersection is compiled once per SIMD target (see
// byte_class.cc).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "similarity.cc"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

// foreach_target includes this file once per target: what is not per
// target is defined on the first pass only.
namespace refrain::internal {
#ifndef REFRAIN_SIMILARITY_SCALAR_MERGE_
#define REFRAIN_SIMILARITY_SCALAR_MERGE_
// The classic merge, from a[i], b[j] on: fast when its branches are
// predictable (copies with most shingles in common).
// `need`: IntersectionSizeAtLeast's; 0 merges to the end. `n`: the count
// so far.
template <typename T>
size_t ScalarIntersection(const T* a, size_t na, const T* b, size_t nb,
                          size_t i = 0, size_t j = 0, size_t n = 0,
                          size_t need = 0) {
  while (i < na && j < nb) {
    if (n + std::min(na - i, nb - j) < need) break;
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++n, ++i, ++j;
    }
  }
  return n;
}
#endif
}  // namespace refrain::internal

HWY_BEFORE_NAMESPACE();
namespace refrain::internal {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Blocks of four (Schlegel, Willhalm and Lehner's merge, as in Lemire et
// al., "SIMD compression and the intersection of sorted integers"): each
// block of a is compared with every lane of b's block (three rotations),
// then the block with the smaller last value advances (both if equal). A
// pair of equal values meets in exactly one pair of blocks: a block is left
// only when the other side's current block ends at or above its last value,
// and never seen again. The rest goes to the scalar merge.
// `need` as ScalarIntersection's; checked once a block, which costs a
// compare of values already in registers.
size_t IntersectionU32Impl(const uint32_t* a, size_t na, const uint32_t* b,
                           size_t nb, size_t need) {
  size_t i = 0, j = 0, n = 0;
#if HWY_TARGET != HWY_SCALAR
  const hn::Full128<uint32_t> d;
  while (i + 4 <= na && j + 4 <= nb) {
    if (n + std::min(na - i, nb - j) < need) return n;
    const auto va = hn::LoadU(d, a + i);
    const auto vb = hn::LoadU(d, b + j);
    auto eq = hn::Eq(va, vb);
    eq = hn::Or(eq, hn::Eq(va, hn::Shuffle0321(vb)));
    eq = hn::Or(eq, hn::Eq(va, hn::Shuffle1032(vb)));
    eq = hn::Or(eq, hn::Eq(va, hn::Shuffle2103(vb)));
    n += hn::CountTrue(d, eq);
    const uint32_t a_last = a[i + 3], b_last = b[j + 3];
    i += a_last <= b_last ? 4 : 0;
    j += b_last <= a_last ? 4 : 0;
  }
#endif
  return ScalarIntersection(a, na, b, nb, i, j, n, need);
}

}  // namespace HWY_NAMESPACE
}  // namespace refrain::internal
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace refrain {
namespace internal {
HWY_EXPORT(IntersectionU32Impl);
}  // namespace internal

size_t IntersectionSize(std::span<const uint64_t> a,
                        std::span<const uint64_t> b) {
  return internal::ScalarIntersection(a.data(), a.size(), b.data(), b.size());
}

size_t IntersectionSize(std::span<const uint32_t> a,
                        std::span<const uint32_t> b) {
  return HWY_DYNAMIC_DISPATCH(internal::IntersectionU32Impl)(
      a.data(), a.size(), b.data(), b.size(), 0);
}

size_t IntersectionSizeAtLeast(std::span<const uint32_t> a,
                               std::span<const uint32_t> b, size_t need) {
  return HWY_DYNAMIC_DISPATCH(internal::IntersectionU32Impl)(
      a.data(), a.size(), b.data(), b.size(), need);
}

double Jaccard(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  if (a.empty() && b.empty()) return 0.0;
  const size_t inter = IntersectionSize(a, b);
  return static_cast<double>(inter) /
         static_cast<double>(a.size() + b.size() - inter);
}

double Containment(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  if (a.empty() || b.empty()) return 0.0;
  return static_cast<double>(IntersectionSize(a, b)) /
         static_cast<double>(std::min(a.size(), b.size()));
}

SimilarityMatrix BuildSimilarityMatrix(uint32_t num_docs,
                                       std::span<const Edge> edges) {
  std::vector<Eigen::Triplet<double, int64_t>> t;
  t.reserve(edges.size());
  for (const Edge& e : edges) {
    t.emplace_back(std::min(e.a, e.b), std::max(e.a, e.b), e.similarity);
  }
  SimilarityMatrix m(num_docs, num_docs);
  // Duplicate entries keep the last value rather than summing.
  m.setFromTriplets(t.begin(), t.end(), [](double, double b) { return b; });
  m.makeCompressed();
  return m;
}

std::vector<Edge> MatrixEdges(const SimilarityMatrix& m) {
  std::vector<Edge> out;
  out.reserve(static_cast<size_t>(m.nonZeros()));
  for (int64_t r = 0; r < m.outerSize(); ++r) {
    for (SimilarityMatrix::InnerIterator it(m, r); it; ++it) {
      out.push_back(Edge{static_cast<uint32_t>(it.row()),
                         static_cast<uint32_t>(it.col()), it.value()});
    }
  }
  return out;
}

}  // namespace refrain
#endif  // HWY_ONCE
