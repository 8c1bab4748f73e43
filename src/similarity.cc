#include "refrain/similarity.h"

#include <algorithm>

namespace refrain {

double Jaccard(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  if (a.empty() && b.empty()) return 0.0;
  const size_t inter = IntersectionSize<uint64_t>(a, b);
  return static_cast<double>(inter) /
         static_cast<double>(a.size() + b.size() - inter);
}

double Containment(std::span<const uint64_t> a, std::span<const uint64_t> b) {
  if (a.empty() || b.empty()) return 0.0;
  return static_cast<double>(IntersectionSize<uint64_t>(a, b)) /
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
