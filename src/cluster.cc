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

std::vector<StarGroup> StarGroups(std::span<const uint32_t> members,
                                  std::span<const Edge> edges) {
  const auto n = static_cast<uint32_t>(members.size());
  std::vector<uint32_t> sorted(members.begin(), members.end());
  std::sort(sorted.begin(), sorted.end());
  auto local = [&](uint32_t node) -> int64_t {
    auto it = std::lower_bound(sorted.begin(), sorted.end(), node);
    return it != sorted.end() && *it == node ? it - sorted.begin() : -1;
  };
  // Each edge once per direction, in local indexes, neighbours in
  // ascending order.
  struct Arc {
    uint32_t from, to;
    double w;
  };
  std::vector<Arc> arcs;
  for (const Edge& e : edges) {
    const int64_t a = local(e.a), b = local(e.b);
    if (a < 0 || b < 0 || a == b) continue;
    arcs.push_back(
        Arc{static_cast<uint32_t>(a), static_cast<uint32_t>(b), e.similarity});
    arcs.push_back(
        Arc{static_cast<uint32_t>(b), static_cast<uint32_t>(a), e.similarity});
  }
  std::sort(arcs.begin(), arcs.end(), [](const Arc& x, const Arc& y) {
    return x.from != y.from ? x.from < y.from : x.to < y.to;
  });
  std::vector<size_t> first(n + 1, 0);
  for (const Arc& a : arcs) ++first[a.from + 1];
  for (uint32_t i = 0; i < n; ++i) first[i + 1] += first[i];
  std::vector<double> weight(n, 0.0);
  for (const Arc& a : arcs) weight[a.from] += a.w;  // In a fixed order.
  std::vector<uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    const size_t dx = first[x + 1] - first[x], dy = first[y + 1] - first[y];
    if (dx != dy) return dx > dy;
    if (weight[x] != weight[y]) return weight[x] > weight[y];
    return x < y;
  });
  constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> group_of(n, kNone);
  std::vector<std::vector<uint32_t>> groups;  // Local indexes, center first.
  std::vector<uint32_t> alone;
  for (uint32_t v : order) {
    if (group_of[v] != kNone) continue;
    const auto g = static_cast<uint32_t>(groups.size());
    groups.push_back({v});
    group_of[v] = g;
    for (size_t i = first[v]; i < first[v + 1]; ++i) {
      const uint32_t w = arcs[i].to;
      if (group_of[w] == kNone) {
        group_of[w] = g;
        groups[g].push_back(w);
      }
    }
    if (groups[g].size() == 1) alone.push_back(v);
  }
  // A center that took no one: its neighbours all belong to groups of more
  // than one (two lone neighbours would have grouped), so each joins its
  // strongest neighbour's group, ties to the lowest index.
  for (uint32_t v : alone) {
    uint32_t best = kNone;
    double best_w = -1;
    for (size_t i = first[v]; i < first[v + 1]; ++i) {
      if (arcs[i].w > best_w) {
        best_w = arcs[i].w;
        best = arcs[i].to;
      }
    }
    if (best == kNone) continue;  // No edge: stays alone.
    const uint32_t g = group_of[best];
    groups[g].push_back(v);
    groups[group_of[v]].clear();
    group_of[v] = g;
  }
  std::vector<StarGroup> out;
  for (std::vector<uint32_t>& g : groups) {
    if (g.empty()) continue;
    StarGroup s;
    s.center = sorted[g[0]];
    std::sort(g.begin() + 1, g.end());
    s.min_similarity = std::numeric_limits<double>::infinity();
    for (uint32_t v : g) {
      s.members.push_back(sorted[v]);
      for (size_t i = first[v]; i < first[v + 1]; ++i) {
        if (group_of[arcs[i].to] == group_of[v]) {
          s.min_similarity = std::min(s.min_similarity, arcs[i].w);
        }
      }
    }
    if (s.members.size() < 2) s.min_similarity = 0.0;
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const StarGroup& x, const StarGroup& y) {
    return x.members.size() != y.members.size()
               ? x.members.size() > y.members.size()
               : x.center < y.center;
  });
  return out;
}

std::vector<Cluster> ConnectedComponents(const SimilarityMatrix& m) {
  std::vector<Edge> edges = MatrixEdges(m);
  return ConnectedComponents(static_cast<uint32_t>(m.rows()), edges);
}

}  // namespace refrain
