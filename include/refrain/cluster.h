// Clustering: connected components over verified edges.
//
// Components do not depend on edge order (unlike greedy union-find
// assignment in some peers), and every cluster reports its weakest link so a
// chain of merely-similar documents is visible as such.
#ifndef REFRAIN_CLUSTER_H_
#define REFRAIN_CLUSTER_H_

#include <cstdint>
#include <span>
#include <vector>

#include "refrain/similarity.h"

namespace refrain {

struct Cluster {
  std::vector<uint32_t> members;  // Document indexes, ascending; size >= 2.
  // The member first in input order; a scan may name another
  // (ScanOptions::keep).
  uint32_t representative = 0;
  double min_similarity = 0.0;   // Over the cluster's edges.
  double mean_similarity = 0.0;  // Over the cluster's edges.
  uint64_t edges = 0;            // Verified edges inside the cluster.
};

// Connected components of the graph whose edges are the non-zeros of `m`
// (singletons omitted). Clusters are ordered by size (descending), then by
// first member. O(E α(N) + N).
std::vector<Cluster> ConnectedComponents(const SimilarityMatrix& m);

// Generic form over an edge list on `num_nodes` nodes.
std::vector<Cluster> ConnectedComponents(uint32_t num_nodes,
                                         std::span<const Edge> edges);

// A group of a cluster's members that restate one thing: a center and the
// members matched to it directly.
struct StarGroup {
  uint32_t center = 0;
  std::vector<uint32_t> members;  // The center first, then ascending.
  double min_similarity = 0.0;    // Over the edges inside the group.
};

// Splits a connected component into stars, so that a chain of matches (A
// restates B, B restates C, A and C say different things) reads as the
// claims it joins. Centers are taken in order of degree inside the
// component, then of the sum of their edge weights, then of index; each
// takes the members not yet grouped among its neighbours. A member left
// alone, its neighbours all taken by earlier centers, joins the group of
// its strongest neighbour instead. `edges` may hold edges of other
// components (ignored); every member must have an edge. The result depends
// on the edges, not on their order; groups by size (descending), then
// center. O(E log E) in the component's edges.
std::vector<StarGroup> StarGroups(std::span<const uint32_t> members,
                                  std::span<const Edge> edges);

}  // namespace refrain

#endif  // REFRAIN_CLUSTER_H_
