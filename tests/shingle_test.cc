#include "refrain/shingle.h"

#include <gtest/gtest.h>

#include "refrain/similarity.h"

namespace refrain {
namespace {

TEST(Shingle, SortedDistinct) {
  ShingleSet s = ShingleText("a b c d e f g a b c d e", {});
  EXPECT_TRUE(std::is_sorted(s.begin(), s.end()));
  EXPECT_EQ(std::adjacent_find(s.begin(), s.end()), s.end());
  // 12 words, one run: 8 windows, of which "a b c d e" repeats.
  EXPECT_EQ(s.size(), 7u);
}

TEST(Shingle, NormalizationMakesVariantsEqual) {
  EXPECT_EQ(ShingleText("“The Quick brown fox” jumps", {}),
            ShingleText("\"the quick BROWN fox\" jumps", {}));
  EXPECT_EQ(ShingleText("ＴＨＥ quick brown fox jumps", {}),
            ShingleText("the quick brown fox jumps", {}));
}

TEST(Shingle, ShortRunsAreOneShingle) {
  EXPECT_EQ(ShingleText("More Stories", {}).size(), 1u);
  EXPECT_TRUE(ShingleText("", {}).empty());
  EXPECT_TRUE(ShingleText("... !!!", {}).empty());
}

TEST(Shingle, SentenceReorderingKeepsTheSet) {
  const char* a = "The first sentence is here now. The second one follows it closely. "
                  "And a third sentence ends the text.";
  const char* b = "And a third sentence ends the text. The first sentence is here now. "
                  "The second one follows it closely.";
  EXPECT_EQ(ShingleText(a, {}), ShingleText(b, {}));
}

TEST(Shingle, SizeOption) {
  ShingleOptions o;
  o.size = 1;
  EXPECT_EQ(ShingleText("a b c a", o).size(), 3u);
  o.size = 0;
  EXPECT_FALSE(ValidateShingleOptions(o).ok());
  o.size = 33;
  EXPECT_FALSE(ValidateShingleOptions(o).ok());
}

TEST(Shingle, HashesAreStable) {
  // Pinned values: a change here silently changes every persisted index and
  // signature, so it must be deliberate (and bump the index schema).
  EXPECT_EQ(TokenHash("news"), 0xaebe63f8cdba39a5ull) << std::hex << TokenHash("news");
}

TEST(Similarity, JaccardAndContainment) {
  std::vector<uint64_t> a{1, 2, 3, 4}, b{3, 4, 5, 6, 7, 8}, e;
  EXPECT_DOUBLE_EQ(Jaccard(a, b), 2.0 / 8.0);
  EXPECT_DOUBLE_EQ(Containment(a, b), 2.0 / 4.0);
  EXPECT_DOUBLE_EQ(Jaccard(a, a), 1.0);
  EXPECT_DOUBLE_EQ(Jaccard(e, e), 0.0);
  EXPECT_DOUBLE_EQ(Containment(a, e), 0.0);
}

}  // namespace
}  // namespace refrain
