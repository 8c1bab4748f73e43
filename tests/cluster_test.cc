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

using Members = std::vector<uint32_t>;

TEST(StarGroups, TwoClaimsJoinedByOneMatchSplit) {
  // Node 10 restates 11, 12 and 13; node 20 restates 21, 22 and 23; 13 and
  // 21 match too, which makes one component of all eight.
  const std::vector<Edge> edges{{10, 11, 0.9}, {10, 12, 0.8}, {10, 13, 0.7},
                                {20, 21, 0.9}, {20, 22, 0.8}, {20, 23, 0.6},
                                {13, 21, 0.55}};
  const Members members{10, 11, 12, 13, 20, 21, 22, 23};
  ASSERT_EQ(ConnectedComponents(24, edges).size(), 1u);
  const std::vector<StarGroup> g = StarGroups(members, edges);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].center, 10u);
  EXPECT_EQ(g[0].members, (Members{10, 11, 12, 13}));
  EXPECT_DOUBLE_EQ(g[0].min_similarity, 0.7);
  EXPECT_EQ(g[1].center, 20u);
  EXPECT_EQ(g[1].members, (Members{20, 21, 22, 23}));
  EXPECT_DOUBLE_EQ(g[1].min_similarity, 0.6);
}

TEST(StarGroups, CentersByDegreeThenWeightThenIndex) {
  // A triangle is one group around its first node.
  EXPECT_EQ(
      StarGroups(Members{0, 1, 2},
                 std::vector<Edge>{{0, 1, 0.9}, {1, 2, 0.9}, {0, 2, 0.9}})[0]
          .members,
      (Members{0, 1, 2}));
  // Node 2 has the most matches: the center.
  std::vector<StarGroup> g =
      StarGroups(Members{0, 1, 2, 3},
                 std::vector<Edge>{{0, 2, 0.6}, {1, 2, 0.6}, {2, 3, 0.6}});
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].center, 2u);
  EXPECT_EQ(g[0].members, (Members{2, 0, 1, 3}));
  // Equal degrees: the stronger matches win. 0-1 (0.9) and 2-3 (0.9) joined
  // by 1-2 (0.6): 1 and 2 have two matches each, 2's weigh more.
  g = StarGroups(Members{0, 1, 2, 3},
                 std::vector<Edge>{{0, 1, 0.9}, {1, 2, 0.6}, {2, 3, 0.95}});
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].center, 2u);
  // 0 matched only 1, taken by 2: it joins 1's group.
  EXPECT_EQ(g[0].members, (Members{2, 0, 1, 3}));
  EXPECT_DOUBLE_EQ(g[0].min_similarity, 0.6);
}

TEST(StarGroups, LoneMemberJoinsItsStrongestNeighboursGroup) {
  // Stars at 0 (1, 2, 3) and 4 (5, 6, 7); 8 matched 3 (0.7) and 5 (0.8),
  // both taken: it joins 4's group.
  const std::vector<Edge> edges{{0, 1, 0.9}, {0, 2, 0.9}, {0, 3, 0.9},
                                {4, 5, 0.9}, {4, 6, 0.9}, {4, 7, 0.9},
                                {3, 8, 0.7}, {5, 8, 0.8}};
  const std::vector<StarGroup> g =
      StarGroups(Members{0, 1, 2, 3, 4, 5, 6, 7, 8}, edges);
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0].members, (Members{4, 5, 6, 7, 8}));
  EXPECT_DOUBLE_EQ(g[0].min_similarity, 0.8);
  EXPECT_EQ(g[1].members, (Members{0, 1, 2, 3}));
}

TEST(StarGroups, IndependentOfEdgeOrderAndOtherComponents) {
  std::vector<Edge> edges;
  std::mt19937 rng(5);
  for (int i = 0; i < 300; ++i) {
    uint32_t a = rng() % 60, b = rng() % 60;
    if (a != b) {
      edges.push_back(
          {std::min(a, b), std::max(a, b), 0.5 + (rng() % 50) / 100.0});
    }
  }
  edges.push_back({100, 101, 0.9});  // Another component.
  const std::vector<Cluster> c = ConnectedComponents(102, edges);
  const std::vector<StarGroup> first = StarGroups(c[0].members, edges);
  std::shuffle(edges.begin(), edges.end(), rng);
  const std::vector<StarGroup> second = StarGroups(c[0].members, edges);
  ASSERT_EQ(first.size(), second.size());
  size_t grouped = 0;
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].members, second[i].members);
    EXPECT_EQ(first[i].members[0], first[i].center);
    grouped += first[i].members.size();
  }
  EXPECT_EQ(grouped, c[0].members.size());  // A partition.
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
