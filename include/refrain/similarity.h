// Exact set similarities and the sparse document similarity matrix.
#ifndef REFRAIN_SIMILARITY_H_
#define REFRAIN_SIMILARITY_H_

#include <Eigen/SparseCore>
#include <cstdint>
#include <span>
#include <vector>

namespace refrain {

// |A ∩ B| of two sorted arrays of distinct values: 64-bit shingle hashes,
// or the scan's 32-bit fingerprints (verification). O(|A| + |B|); the
// 32-bit arrays are compared four against four at a time with SIMD
// (Highway, chosen at run time), where a scalar merge mispredicts about
// every other step on two sets that share half their elements.
size_t IntersectionSize(std::span<const uint64_t> a,
                        std::span<const uint64_t> b);
size_t IntersectionSize(std::span<const uint32_t> a,
                        std::span<const uint32_t> b);

// IntersectionSize(a, b) when it is at least `need`; otherwise some value
// under `need`: the merge stops as soon as what is left of the shorter side
// cannot bring the count to `need`. Verification asks only whether a pair
// reaches the thresholds, and most candidates that do not are decided a
// fraction of the way through.
size_t IntersectionSizeAtLeast(std::span<const uint32_t> a,
                               std::span<const uint32_t> b, size_t need);

// |A ∩ B| / |A ∪ B|; 0 when both are empty.
double Jaccard(std::span<const uint64_t> a, std::span<const uint64_t> b);

// |A ∩ B| / min(|A|, |B|): how much of the smaller set the larger contains;
// 0 when either is empty.
double Containment(std::span<const uint64_t> a, std::span<const uint64_t> b);

// A verified pair of documents (a < b) and its similarity.
struct Edge {
  uint32_t a = 0;
  uint32_t b = 0;
  double similarity = 0.0;
};

// Document x document similarity matrix, symmetric, stored as its upper
// triangle (row < column); the diagonal (1.0) is implicit.
using SimilarityMatrix = Eigen::SparseMatrix<double, Eigen::RowMajor, int64_t>;

// Builds the matrix from edges (any order). O(E log E).
SimilarityMatrix BuildSimilarityMatrix(uint32_t num_docs,
                                       std::span<const Edge> edges);

// The edges of `m`, ordered by (a, b).
std::vector<Edge> MatrixEdges(const SimilarityMatrix& m);

}  // namespace refrain

#endif  // REFRAIN_SIMILARITY_H_
