#include "refrain/cluster.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace refrain {
namespace {

class DisjointSets {
 public:
  explicit DisjointSets(uint32_t n) : parent_(n) {
    std::iota(parent_.begin(), parent_.end(), 0u);
  }
  uint32_t Find(uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];  // path halving
      x = parent_[x];
    }
    return x;
  }
  // The smaller root wins, so roots are the first member in input order.
  void Union(uint32_t a, uint32_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<uint32_t> parent_;
};

}  // namespace

std::vector<Cluster> ConnectedComponents(uint32_t n,
                                         std::span<const Edge> edges) {
  DisjointSets sets(n);
  for (const Edge& e : edges) sets.Union(e.a, e.b);
  // Map root -> cluster slot, in order of the root (= first member).
  std::vector<int64_t> slot(n, -1);
  std::vector<Cluster> clusters;
  std::vector<uint32_t> root_of(n);
  for (uint32_t i = 0; i < n; ++i) root_of[i] = sets.Find(i);
  std::vector<uint32_t> count(n, 0);
  for (uint32_t i = 0; i < n; ++i) ++count[root_of[i]];
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t r = root_of[i];
    if (count[r] < 2) continue;
    if (slot[r] < 0) {
      slot[r] = static_cast<int64_t>(clusters.size());
      clusters.emplace_back();
      clusters.back().representative = r;
      clusters.back().min_similarity = std::numeric_limits<double>::infinity();
    }
    clusters[slot[r]].members.push_back(i);
  }
  for (const Edge& e : edges) {
    Cluster& c = clusters[slot[root_of[e.a]]];
    c.min_similarity = std::min(c.min_similarity, e.similarity);
    c.mean_similarity += e.similarity;
    ++c.edges;
  }
  for (Cluster& c : clusters) {
    if (c.edges > 0) c.mean_similarity /= static_cast<double>(c.edges);
  }
  std::stable_sort(clusters.begin(), clusters.end(),
                   [](const Cluster& x, const Cluster& y) {
                     return x.members.size() > y.members.size();
                   });
  return clusters;
}

std::vector<Cluster> ConnectedComponents(const SimilarityMatrix& m) {
  std::vector<Edge> edges = MatrixEdges(m);
  return ConnectedComponents(static_cast<uint32_t>(m.rows()), edges);
}

}  // namespace refrain
