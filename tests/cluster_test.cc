#include "refrain/cluster.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace refrain {
namespace {

TEST(Cluster, ComponentsWithWeakestLink) {
  // 0-1-2 chain, 3-4 pair, 5 alone.
  std::vector<Edge> edges{{0, 1, 0.9}, {1, 2, 0.8}, {3, 4, 1.0}};
  SimilarityMatrix m = BuildSimilarityMatrix(6, edges);
  std::vector<Cluster> c = ConnectedComponents(m);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].members, (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(c[0].representative, 0u);
  EXPECT_DOUBLE_EQ(c[0].min_similarity, 0.8);
  EXPECT_DOUBLE_EQ(c[0].mean_similarity, 0.85);
  EXPECT_EQ(c[0].edges, 2u);
  EXPECT_EQ(c[1].members, (std::vector<uint32_t>{3, 4}));
  EXPECT_DOUBLE_EQ(c[1].min_similarity, 1.0);
}

TEST(Cluster, IndependentOfEdgeOrder) {
  std::vector<Edge> edges;
  std::mt19937 rng(3);
  for (int i = 0; i < 200; ++i) {
    uint32_t a = rng() % 100, b = rng() % 100;
    if (a != b) edges.push_back({std::min(a, b), std::max(a, b), 0.5 + (rng() % 50) / 100.0});
  }
  auto first = ConnectedComponents(100, edges);
  std::shuffle(edges.begin(), edges.end(), rng);
  auto second = ConnectedComponents(100, edges);
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].members, second[i].members);
    EXPECT_DOUBLE_EQ(first[i].min_similarity, second[i].min_similarity);
  }
}

TEST(SimilarityMatrix, RoundTripsEdges) {
  std::vector<Edge> edges{{2, 1, 0.7}, {0, 3, 0.9}};
  SimilarityMatrix m = BuildSimilarityMatrix(4, edges);
  EXPECT_EQ(m.nonZeros(), 2);
  EXPECT_DOUBLE_EQ(m.coeff(1, 2), 0.7);
  std::vector<Edge> back = MatrixEdges(m);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].a, 0u);
  EXPECT_EQ(back[0].b, 3u);
  EXPECT_EQ(back[1].a, 1u);
}

}  // namespace
}  // namespace refrain
