#include "refrain/minhash.h"

#include <gtest/gtest.h>
#include <hwy/targets.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "refrain/similarity.h"

namespace refrain {
namespace {

struct SetPair {
  std::vector<uint64_t> a, b;
  double jaccard = 0;
};

// A pair over a union of `n` random 64-bit elements with round(j * n) shared.
SetPair MakePair(std::mt19937_64& rng, size_t n, double j) {
  SetPair p;
  size_t shared = static_cast<size_t>(std::llround(j * static_cast<double>(n)));
  for (size_t i = 0; i < n; ++i) {
    uint64_t x = rng();
    if (i < shared) {
      p.a.push_back(x);
      p.b.push_back(x);
    } else if (i % 2 == 0) {
      p.a.push_back(x);
    } else {
      p.b.push_back(x);
    }
  }
  std::sort(p.a.begin(), p.a.end());
  std::sort(p.b.begin(), p.b.end());
  p.jaccard = Jaccard(p.a, p.b);
  return p;
}

class MinHashAccuracy : public ::testing::TestWithParam<MinHashAlgorithm> {};

// Over 1,000 pairs spread over Jaccard 0..1 (set unions of 200..1000
// elements, seed 42): mean absolute error <= 0.03 at num_perm = 128, and no
// estimate further than 5 standard deviations sqrt(J(1-J)/k) plus one slot
// (1/k, the estimator's resolution) from the truth.
TEST_P(MinHashAccuracy, MeanErrorAndFiveSigma) {
  MinHashOptions o;
  o.num_perm = 128;
  o.algorithm = GetParam();
  MinHasher hasher(o);
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<size_t> size(200, 1000);
  const int kPairs = 1000;
  double total_error = 0;
  for (int i = 0; i < kPairs; ++i) {
    double target = static_cast<double>(i) / (kPairs - 1);
    SetPair p = MakePair(rng, size(rng), target);
    double est = EstimateJaccard(hasher.Sign(p.a), hasher.Sign(p.b));
    double err = std::abs(est - p.jaccard);
    total_error += err;
    double sd = std::sqrt(p.jaccard * (1 - p.jaccard) / o.num_perm);
    EXPECT_LE(err, 5 * sd + 1.0 / o.num_perm)
        << "J=" << p.jaccard << " estimate=" << est;
  }
  EXPECT_LE(total_error / kPairs, 0.03);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, MinHashAccuracy,
                         ::testing::Values(MinHashAlgorithm::kClassic,
                                           MinHashAlgorithm::kOnePermutation),
                         [](const auto& p) { return AlgorithmName(p.param); });

TEST(MinHash, DeterministicAndSeeded) {
  std::vector<uint64_t> s{5, 1, 9, 1ull << 60, 77};
  MinHashOptions o;
  EXPECT_EQ(MinHasher(o).Sign(s), MinHasher(o).Sign(s));
  MinHashOptions other = o;
  other.seed = 2;
  EXPECT_NE(MinHasher(o).Sign(s), MinHasher(other).Sign(s));
}

TEST(MinHash, EdgeCases) {
  MinHasher h{MinHashOptions{}};
  std::vector<uint64_t> empty, one{7};
  std::vector<uint32_t> e = h.Sign(empty);
  EXPECT_EQ(e, std::vector<uint32_t>(128, 0xFFFFFFFFu));
  EXPECT_DOUBLE_EQ(EstimateJaccard(h.Sign(one), h.Sign(one)), 1.0);
  // Order and duplicates do not matter.
  std::vector<uint64_t> a{1, 2, 3}, b{3, 2, 1, 1};
  EXPECT_EQ(h.Sign(a), h.Sign(b));
}

// The classic signature is slot i = min over x of bits 32..63 of
// a_i * x + b_i (mod 2^64), a_i and b_i drawn by splitmix64 from the seed.
// The SIMD code builds that product from 32-bit halves: it must agree with
// the plain formula bit for bit, at slot counts that do not fill the last
// vector and on values whose halves carry.
void CheckClassicMatchesScalarFormula() {
  auto mix64 = [](uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  };
  std::mt19937_64 rng(7);
  for (uint32_t k : {8u, 9u, 13u, 31u, 128u, 131u, 1024u}) {
    MinHashOptions o;
    o.algorithm = MinHashAlgorithm::kClassic;
    o.num_perm = k;
    o.seed = rng();
    MinHasher hasher(o);
    std::vector<uint64_t> a(k), b(k);
    uint64_t state = o.seed;
    for (uint32_t i = 0; i < k; ++i) {
      a[i] = mix64(state++) | 1;
      b[i] = mix64(state++);
    }
    for (size_t n : {size_t{0}, size_t{1}, size_t{2}, size_t{7}, size_t{40}}) {
      std::vector<uint64_t> s;
      for (size_t j = 0; j < n; ++j) {
        switch (rng() % 4) {
          case 0:
            s.push_back(~uint64_t{0} - rng() % 3);
            break;
          case 1:
            s.push_back(rng() % 5);
            break;
          default:
            s.push_back(rng());
        }
      }
      std::vector<uint32_t> want(k, 0xFFFFFFFFu);
      for (uint32_t i = 0; i < k; ++i) {
        for (uint64_t x : s) {
          want[i] =
              std::min(want[i], static_cast<uint32_t>((a[i] * x + b[i]) >> 32));
        }
      }
      EXPECT_EQ(hasher.Sign(s), want) << "k=" << k << " n=" << n;
    }
  }
}

TEST(MinHash, ClassicMatchesScalarFormula) {
  // On every SIMD target this CPU runs, not only the best one.
  const int64_t supported = hwy::SupportedTargets();
  for (int64_t t = supported; t != 0; t &= t - 1) {
    hwy::SetSupportedTargetsForTest(t & -t);
    SCOPED_TRACE(hwy::TargetName(t & -t));
    CheckClassicMatchesScalarFormula();
  }
  hwy::SetSupportedTargetsForTest(0);
}

TEST(MinHash, ValidatesOptions) {
  MinHashOptions o;
  o.num_perm = 4;
  EXPECT_FALSE(ValidateMinHashOptions(o).ok());
  o.num_perm = 2048;
  EXPECT_FALSE(ValidateMinHashOptions(o).ok());
  o.num_perm = 256;
  EXPECT_TRUE(ValidateMinHashOptions(o).ok());
}

}  // namespace
}  // namespace refrain
