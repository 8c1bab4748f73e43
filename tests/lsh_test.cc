#include "refrain/lsh.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "bucket_sort.h"
#include "refrain/minhash.h"

namespace refrain {
namespace {

TEST(Lsh, OptimalParamsMatchDatasketch) {
  // datasketch's _optimal_param with equal weights (docs/landscape.md).
  LshParams p = OptimalLshParams(0.8, 128, 0.5, 0.5);
  EXPECT_EQ(p.bands, 9u);
  EXPECT_EQ(p.rows, 13u);
  p = OptimalLshParams(0.5, 128, 0.5, 0.5);
  EXPECT_EQ(p.bands, 25u);
  EXPECT_EQ(p.rows, 5u);
  p = OptimalLshParams(0.8, 256, 0.5, 0.5);
  EXPECT_EQ(p.bands, 17u);
  EXPECT_EQ(p.rows, 15u);
}

TEST(Lsh, RecallWeightedDefaultsAreSteeperOnTheRecallSide) {
  LshParams p = OptimalLshParams(0.8, 128, 0.1, 0.9);
  EXPECT_EQ(p.bands, 14u);
  EXPECT_EQ(p.rows, 9u);
  EXPECT_GT(CandidateProbability(0.9, p), 0.998);
  EXPECT_LT(CandidateProbability(0.5, p), 0.03);
}

class LshRecall : public ::testing::TestWithParam<MinHashAlgorithm> {};

// 1,000 synthetic pairs with Jaccard in [0.9, 1.0] (unions of 300 random
// elements, seed 7): at threshold 0.8 with the default weights, at least 99%
// share a bucket. Expected from the S-curve: >= 99.9%.
TEST_P(LshRecall, PairsAboveNinetyPercentBecomeCandidates) {
  MinHashOptions o;
  o.algorithm = GetParam();
  MinHasher hasher(o);
  LshParams params = OptimalLshParams(0.8, o.num_perm, 0.1, 0.9);
  LshIndex index(params, o.num_perm);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> jd(0.9, 1.0);
  const int kPairs = 1000;
  std::vector<uint32_t> sigs;
  for (int i = 0; i < kPairs; ++i) {
    std::vector<uint64_t> a, b;
    const int n = 300;
    int shared = static_cast<int>(jd(rng) * n);
    for (int e = 0; e < n; ++e) {
      uint64_t x = rng();
      if (e < shared || e % 2 == 0) a.push_back(x);
      if (e < shared || e % 2 == 1) b.push_back(x);
    }
    for (auto* s : {&a, &b}) {
      std::vector<uint32_t> sig = hasher.Sign(*s);
      sigs.insert(sigs.end(), sig.begin(), sig.end());
    }
  }
  index.Add(sigs);
  index.Build();
  auto pairs = index.CandidatePairs(1000);
  int found = 0;
  for (auto [x, y] : pairs) found += (x % 2 == 0 && y == x + 1);
  EXPECT_GE(found, 990) << "recall " << found / 1000.0;
  // Query() agrees with CandidatePairs() for a member.
  auto q = index.Query(std::span<const uint32_t>(sigs).subspan(0, o.num_perm));
  EXPECT_TRUE(std::binary_search(q.begin(), q.end(), 0u));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, LshRecall,
                         ::testing::Values(MinHashAlgorithm::kClassic,
                                           MinHashAlgorithm::kOnePermutation),
                         [](const auto& p) { return AlgorithmName(p.param); });

TEST(Lsh, GiantBucketsStayLinear) {
  // 5,000 identical signatures: one bucket per band. Capped at 100, the
  // candidates are the 4,999 edges to the first member, not 12.5 million.
  const uint32_t k = 128;
  std::vector<uint32_t> sigs;
  for (int i = 0; i < 5000; ++i) {
    for (uint32_t s = 0; s < k; ++s) sigs.push_back(s * 7 + 1);
  }
  LshIndex index(LshParams{14, 9}, k);
  index.Add(sigs);
  index.Build();
  LshIndex::CandidateStats stats;
  auto pairs = index.CandidatePairs(100, &stats);
  EXPECT_EQ(pairs.size(), 4999u);
  EXPECT_EQ(stats.buckets_capped, 14u);
  for (auto [a, b] : pairs) EXPECT_EQ(a, 0u);
  // Counted per band: 14 capped buckets of 4,999 pairs each.
  EXPECT_EQ(index.CandidatePairBound(100), 14u * 4999u);
  EXPECT_EQ(index.CandidatePairBound(5000), 14u * (5000u * 4999u / 2));
  // With hub ranks (the order --keep prefers), each member is paired with
  // the member of least rank instead, the pair still (smaller, larger).
  std::vector<uint32_t> rank(5000);
  for (uint32_t d = 0; d < 5000; ++d) rank[d] = (d + 5000 - 2718) % 5000;
  const auto hubbed = index.CandidatePairs(100, nullptr, {}, rank);
  ASSERT_EQ(hubbed.size(), 4999u);
  for (auto [a, b] : hubbed) {
    EXPECT_LT(a, b);
    EXPECT_TRUE(a == 2718u || b == 2718u) << a << " " << b;
  }
  // Consuming the index lists the same.
  EXPECT_EQ(std::move(index).CandidatePairs(100, nullptr, {}, rank), hubbed);
}

TEST(Lsh, AddingInBatchesEqualsAddingAtOnce) {
  // 3,000 signatures (over the 1,024 from which a band is bucket-sorted),
  // every third a copy of an earlier one so that buckets are shared. Added
  // at once, in uneven batches after Reserve, and in batches that grow the
  // tables: the same candidates and the same answers to queries.
  const uint32_t k = 64;
  const LshParams params{16, 4};
  const size_t n = 3000;
  std::mt19937 rng(11);
  std::vector<uint32_t> sigs;
  for (size_t d = 0; d < n; ++d) {
    if (d % 3 == 2) {
      const size_t from = (rng() % (d / 3 + 1)) * k;
      for (uint32_t s = 0; s < k; ++s) sigs.push_back(sigs[from + s]);
    } else {
      for (uint32_t s = 0; s < k; ++s) sigs.push_back(rng());
    }
  }
  const std::span<const uint32_t> all(sigs);
  LshIndex at_once(params, k), reserved(params, k), grown(params, k);
  at_once.Add(all);
  reserved.Reserve(n);
  const size_t cuts[] = {0, 1, 700, 2999, n};
  for (size_t c = 0; c + 1 < std::size(cuts); ++c) {
    const auto batch = all.subspan(cuts[c] * k, (cuts[c + 1] - cuts[c]) * k);
    reserved.Add(batch);
    grown.Add(batch);
  }
  for (LshIndex* index : {&at_once, &reserved, &grown}) index->Build();
  const auto pairs = at_once.CandidatePairs(1000);
  EXPECT_GE(pairs.size(), n / 3);  // Each copy with its original.
  EXPECT_EQ(reserved.CandidatePairs(1000), pairs);
  EXPECT_EQ(grown.CandidatePairs(1000), pairs);
  for (size_t d = 0; d < n; d += 97) {
    const auto sig = all.subspan(d * k, k);
    const std::vector<uint32_t> found = at_once.Query(sig);
    EXPECT_TRUE(std::binary_search(found.begin(), found.end(), d));
    EXPECT_EQ(reserved.Query(sig), found);
    EXPECT_EQ(grown.Query(sig), found);
  }
}

// The bucket sort behind the band tables and the candidate lists gives
// std::sort's order, with one level of buckets (up to 2^16) and with two
// (over it, as at a million documents), for hashes (buckets on the top
// bits, a power of two) and for values in a range (a bucket count that is
// not), with repeats.
TEST(BucketSort, SameOrderAsStdSort) {
  std::mt19937_64 rng(5);
  for (size_t n : {100u, 5'000u, 300'000u, 1'500'000u}) {
    std::vector<uint64_t> hashes(n);
    for (uint64_t& x : hashes) x = rng() | (rng() % 3 == 0 ? 0 : 1);
    for (size_t i = 0; i < n / 10; ++i) hashes[rng() % n] = hashes[i];
    std::vector<uint64_t> expected = hashes;
    std::sort(expected.begin(), expected.end());
    const int bits = internal::BucketBits(n, 4);
    std::vector<uint64_t> got = hashes;
    internal::SortByBuckets(got, size_t{1} << bits,
                            [bits](uint64_t x) { return x >> (64 - bits); });
    EXPECT_EQ(got, expected) << n << " hashes";

    constexpr uint64_t kLo = 1'000'000;
    const uint64_t span = 3 * n + 7;  // Values in [kLo, kLo + span].
    std::vector<uint64_t> values(n);
    for (uint64_t& x : values) x = kLo + rng() % (span + 1);
    expected = values;
    std::sort(expected.begin(), expected.end());
    const size_t buckets = span / 3 + 1;  // Not a power of two.
    got = values;
    internal::SortByBuckets(got, buckets,
                            [](uint64_t x) { return (x - kLo) / 3; });
    EXPECT_EQ(got, expected) << n << " values";
  }
}

TEST(Lsh, CandidatePairBoundCountsEveryBandsPairs) {
  // 300 random signatures, then each repeated: the copies share every
  // band, random pairs almost none. The bound counts what CandidatePairs
  // emits before dropping repeats, so it is at least its result and at
  // most bands x its result.
  const uint32_t k = 64;
  const LshParams params{16, 4};
  std::mt19937 rng(7);
  std::vector<uint32_t> sigs;
  for (int i = 0; i < 300; ++i) {
    for (uint32_t s = 0; s < k; ++s) sigs.push_back(rng() % 8);
  }
  const std::vector<uint32_t> once = sigs;
  sigs.insert(sigs.end(), once.begin(), once.end());
  LshIndex index(params, k);
  index.Add(sigs);
  index.Build();
  uint64_t emitted = 0;  // Pairs per band, by brute force over the keys.
  for (uint32_t b = 0; b < params.bands; ++b) {
    std::map<uint64_t, uint64_t> bucket_sizes;
    for (size_t d = 0; d < sigs.size() / k; ++d) {
      ++bucket_sizes[BandKey(std::span(sigs).subspan(d * k, k), params, b)];
    }
    for (auto [key, m] : bucket_sizes) emitted += BucketPairCount(m, 1000);
  }
  EXPECT_EQ(index.CandidatePairBound(1000), emitted);
  const size_t pairs = index.CandidatePairs(1000).size();
  EXPECT_GE(pairs, 300u);  // Each signature with its copy.
  EXPECT_GE(index.CandidatePairBound(1000), pairs);
  EXPECT_LE(index.CandidatePairBound(1000), params.bands * pairs);
  // Consuming the index (its tables freed before the merge) gives the same
  // pairs and capped-bucket counts, here with every bucket of two or more
  // capped (max_bucket 1).
  LshIndex::CandidateStats kept_stats, moved_stats;
  const auto kept = index.CandidatePairs(1, &kept_stats);
  const auto moved = std::move(index).CandidatePairs(1, &moved_stats);
  EXPECT_GE(kept_stats.buckets_capped, 300u);  // Each signature's copy.
  EXPECT_EQ(moved, kept);
  EXPECT_EQ(moved_stats.buckets_capped, kept_stats.buckets_capped);
  EXPECT_EQ(moved_stats.docs_in_capped, kept_stats.docs_in_capped);
}

TEST(Lsh, CandidatePairsEqualEveryBandsBucketPairs) {
  // 3,000 signatures over a 4-letter alphabet, 3 rows a band: 64 buckets a
  // band of about 47 members, so about 700k pairs, listed in 64 ranges of
  // their first member or more. Against a brute-force union of every
  // band's bucket pairs, with every bucket whole (max_bucket 1000) and
  // with the larger buckets capped (max_bucket 47: each member with the
  // first), from the index kept and consumed.
  const uint32_t k = 48;
  const LshParams params{16, 3};
  const size_t n = 3000;
  std::mt19937 rng(5);
  std::vector<uint32_t> sigs(n * k);
  for (auto& x : sigs) x = rng() % 4;
  for (const uint32_t max_bucket : {1000u, 47u}) {
    std::set<std::pair<uint32_t, uint32_t>> expected;
    uint64_t capped = 0;
    for (uint32_t b = 0; b < params.bands; ++b) {
      std::map<uint64_t, std::vector<uint32_t>> buckets;
      for (uint32_t d = 0; d < n; ++d) {
        buckets[BandKey(std::span(sigs).subspan(d * k, k), params, b)]
            .push_back(d);
      }
      for (const auto& bucket : buckets) {
        const std::vector<uint32_t>& docs = bucket.second;
        capped += ForEachBucketPair(
            docs.size(), [&](size_t x) { return docs[x]; }, max_bucket,
            [&](uint32_t a, uint32_t c) { expected.emplace(a, c); });
      }
    }
    LshIndex index(params, k);
    index.Add(sigs);
    index.Build();
    LshIndex::CandidateStats kept_stats, moved_stats;
    const auto kept = index.CandidatePairs(max_bucket, &kept_stats);
    EXPECT_GT(kept.size(), 100'000u);
    EXPECT_TRUE(
        std::equal(kept.begin(), kept.end(), expected.begin(), expected.end()))
        << "max_bucket " << max_bucket << ": " << kept.size() << " pairs, "
        << expected.size() << " expected";
    EXPECT_EQ(kept_stats.buckets_capped, capped);
    EXPECT_EQ(std::move(index).CandidatePairs(max_bucket, &moved_stats), kept);
    EXPECT_EQ(moved_stats.buckets_capped, capped);
    EXPECT_EQ(capped > 0, max_bucket == 47u);  // About half the buckets.
  }
}

// Pairs from another source are merged in as the pairs are written out:
// the sorted union, each pair once, whichever side it came from.
TEST(Lsh, CandidatePairsMergeAnotherSourcesPairs) {
  const uint32_t k = 12;
  const LshParams params{4, 3};
  const size_t n = 500;
  std::mt19937 rng(9);
  std::vector<uint32_t> sigs(n * k);
  for (auto& x : sigs) x = rng() % 6;
  LshIndex index(params, k);
  index.Add(sigs);
  index.Build();
  const auto lsh = index.CandidatePairs(1000);
  ASSERT_GT(lsh.size(), 100u);
  // Some of the LSH's pairs, some new ones, and the very first and last.
  std::set<std::pair<uint32_t, uint32_t>> also = {{0, 1}, {498, 499}};
  for (size_t i = 0; i < lsh.size(); i += 7) also.insert(lsh[i]);
  for (int i = 0; i < 200; ++i) {
    const uint32_t a = rng() % (n - 1);
    also.emplace(a, a + 1 + rng() % (n - 1 - a));
  }
  std::set<std::pair<uint32_t, uint32_t>> expected(lsh.begin(), lsh.end());
  expected.insert(also.begin(), also.end());
  const std::vector<std::pair<uint32_t, uint32_t>> also_list(also.begin(),
                                                             also.end());
  const auto merged = index.CandidatePairs(1000, nullptr, also_list);
  EXPECT_TRUE(std::equal(merged.begin(), merged.end(), expected.begin(),
                         expected.end()));
  EXPECT_EQ(std::move(index).CandidatePairs(1000, nullptr, also_list), merged);
  LshIndex empty(params, k);
  empty.Build();
  EXPECT_EQ(empty.CandidatePairs(1000, nullptr, also_list), also_list);
}

}  // namespace
}  // namespace refrain
