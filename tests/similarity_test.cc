// IntersectionSize, Jaccard and Containment (similarity.h): the 32-bit
// intersection compares blocks of four with SIMD, so it is checked against
// std::set_intersection on block boundaries, tails and random sets.
#include "refrain/similarity.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace refrain {
namespace {

using U32 = std::vector<uint32_t>;

size_t Reference(const U32& a, const U32& b) {
  U32 out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(),
                        std::back_inserter(out));
  return out.size();
}

size_t Both(const U32& a, const U32& b) {
  const size_t ab = IntersectionSize(std::span<const uint32_t>(a),
                                     std::span<const uint32_t>(b));
  EXPECT_EQ(ab, IntersectionSize(std::span<const uint32_t>(b),
                                 std::span<const uint32_t>(a)));
  return ab;
}

// A sorted set of at most `max_size` distinct values from 0..universe.
U32 RandomSet(std::mt19937& rng, uint32_t universe, int max_size) {
  std::uniform_int_distribution<uint32_t> value(0, universe);
  U32 v(std::uniform_int_distribution<int>(0, max_size)(rng));
  for (uint32_t& x : v) x = value(rng);
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

TEST(Similarity, IntersectionSizeEdgeCases) {
  EXPECT_EQ(Both({}, {}), 0u);
  EXPECT_EQ(Both({1, 2, 3, 4}, {}), 0u);
  EXPECT_EQ(Both({1, 2, 3, 4}, {1, 2, 3, 4}), 4u);
  EXPECT_EQ(Both({1, 2, 3, 4, 5, 6, 7, 8}, {1, 2, 3, 4, 5, 6, 7, 8}), 8u);
  EXPECT_EQ(Both({1, 3, 5, 7, 9, 11, 13, 15}, {2, 4, 6, 8, 10, 12, 14, 16}),
            0u);
  // A match in the last lane of one block and the first of the other.
  EXPECT_EQ(Both({1, 2, 3, 10}, {4, 5, 6, 7, 8, 9, 10, 11}), 1u);
  // Equal last values: both blocks advance.
  EXPECT_EQ(Both({1, 2, 3, 9, 20}, {4, 5, 6, 9, 20}), 2u);
  // Matches only in the scalar tails (fewer than four left on one side).
  EXPECT_EQ(Both({1, 2, 3, 4, 100, 200}, {50, 100, 200}), 2u);
  EXPECT_EQ(Both({7}, {1, 2, 3, 4, 5, 6, 7, 8, 9}), 1u);
  // Every value of one inside the range of the other, none shared.
  EXPECT_EQ(Both({10, 20, 30, 40, 50}, {11, 12, 13, 14, 15, 16, 17, 18}), 0u);
  // The ends of the 32-bit range.
  EXPECT_EQ(Both({0, 1, 0xFFFFFFFE, 0xFFFFFFFF},
                 {0, 5, 6, 7, 0xFFFFFFFE, 0xFFFFFFFF}),
            3u);
}

TEST(Similarity, IntersectionSizeMatchesSetIntersection) {
  std::mt19937 rng(42);  // Fixed seed: the same sets every run.
  for (int trial = 0; trial < 3000; ++trial) {
    // Small universes make many matches, large ones few; sizes cross the
    // block boundaries.
    const uint32_t universe = 8u << (trial % 12);
    const U32 a = RandomSet(rng, universe, 70),
              b = RandomSet(rng, universe, 70);
    ASSERT_EQ(Both(a, b), Reference(a, b)) << "trial " << trial;
  }
}

// IntersectionSizeAtLeast: the exact count whenever it reaches `need`
// (every need up to one past it is tried), a count under `need` otherwise,
// and at least one random pair of every kind stops early.
TEST(Similarity, IntersectionSizeAtLeastIsExactFromItsBoundOn) {
  EXPECT_EQ(IntersectionSizeAtLeast(U32{1, 2, 3, 4}, U32{1, 2, 3, 4}, 4), 4u);
  // Five of four cannot be reached: given up before the first compare.
  EXPECT_EQ(IntersectionSizeAtLeast(U32{1, 2, 3, 4}, U32{1, 2, 3, 4}, 5), 0u);
  EXPECT_EQ(IntersectionSizeAtLeast(U32{1, 2, 3}, U32{}, 1), 0u);
  // Disjoint blocks: with need 5 of 8 values, the merge gives up after the
  // first block of each side is passed, so it returns 0 without reading on.
  EXPECT_EQ(IntersectionSizeAtLeast(U32{1, 2, 3, 4, 5, 6, 7, 8},
                                    U32{11, 12, 13, 14, 15, 16, 17, 18}, 5),
            0u);
  std::mt19937 rng(7);  // Fixed seed.
  int stopped_under = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    const uint32_t universe = 16u << (trial % 8);
    const U32 a = RandomSet(rng, universe, 90),
              b = RandomSet(rng, universe, 90);
    const size_t exact = Reference(a, b);
    for (size_t need = 0; need <= std::min(a.size(), b.size()) + 1; ++need) {
      const size_t got = IntersectionSizeAtLeast(a, b, need);
      if (exact >= need) {
        ASSERT_EQ(got, exact) << "trial " << trial << " need " << need;
      } else {
        ASSERT_LT(got, need) << "trial " << trial << " need " << need;
        ASSERT_LE(got, exact) << "trial " << trial << " need " << need;
        stopped_under += got < exact;
      }
    }
  }
  EXPECT_GT(stopped_under, 1000);  // The early stop is taken, not only legal.
}

TEST(Similarity, JaccardAndContainment) {
  const std::vector<uint64_t> a = {1, 2, 3, 4}, b = {3, 4, 5, 6, 7, 8};
  EXPECT_DOUBLE_EQ(Jaccard(a, b), 2.0 / 8.0);
  EXPECT_DOUBLE_EQ(Containment(a, b), 2.0 / 4.0);
  EXPECT_DOUBLE_EQ(Jaccard({}, {}), 0.0);
  EXPECT_DOUBLE_EQ(Containment(a, {}), 0.0);
  EXPECT_EQ(IntersectionSize(std::span<const uint64_t>(a),
                             std::span<const uint64_t>(b)),
            2u);
}

}  // namespace
}  // namespace refrain
