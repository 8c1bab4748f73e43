// RenderInWaves (src/chunks.h): the report files' blocks come out in order,
// a wave at a time, whatever the thread count, while take() of one wave runs
// beside the rendering of the next.
#include "chunks.h"

#include <omp.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace refrain::internal {
namespace {

// Block k's text: its number, repeated a number of times that varies, so
// that a block rendered into another's buffer or handed on twice shows.
std::string BlockText(int64_t k) {
  std::string t;
  for (int64_t i = 0; i <= k % 7; ++i) absl::StrAppend(&t, "b", k, ";");
  return t;
}

struct Taken {
  std::string all;                 // Every text handed on, in order.
  std::vector<int64_t> wave_size;  // The span size of each take() call.
};

Taken RenderAll(int64_t num_blocks, int64_t wave) {
  Taken out;
  RenderInWaves(
      num_blocks, wave,
      [](int64_t k, std::string* text) {
        // Each block is handed an empty text.
        if (!text->empty()) text->assign("NOT-EMPTY");
        text->append(BlockText(k));
      },
      [&](std::span<std::string> texts) {
        out.wave_size.push_back(static_cast<int64_t>(texts.size()));
        for (std::string& t : texts) out.all += t;
      });
  return out;
}

TEST(Chunks, RenderInWavesHandsEveryBlockOnInOrder) {
  const int saved = omp_get_max_threads();
  for (const int threads : {1, 2, 4}) {
    omp_set_num_threads(threads);
    for (const int64_t n : {0, 1, 2, 5, 16, 17, 33, 100}) {
      for (const int64_t wave : {1, 3, 16, 1000}) {
        SCOPED_TRACE(
            absl::StrCat(threads, " threads, ", n, " blocks, wave ", wave));
        std::string expected;
        for (int64_t k = 0; k < n; ++k) expected += BlockText(k);
        const Taken got = RenderAll(n, wave);
        EXPECT_EQ(got.all, expected);
        // Full waves, then the rest; none when there are no blocks.
        std::vector<int64_t> sizes;
        for (int64_t first = 0; first < n; first += wave) {
          sizes.push_back(std::min(wave, n - first));
        }
        EXPECT_EQ(got.wave_size, sizes);
      }
    }
  }
  omp_set_num_threads(saved);
}

// take() may move the texts out or free them: the next waves render into
// the buffers again.
TEST(Chunks, TakeMayMoveTheTextsOut) {
  std::vector<std::string> taken;
  RenderInWaves(
      50, 4, [](int64_t k, std::string* text) { *text = BlockText(k); },
      [&](std::span<std::string> texts) {
        for (std::string& t : texts) {
          taken.push_back(std::move(t));
          std::string().swap(t);
        }
      });
  ASSERT_EQ(taken.size(), 50u);
  for (int64_t k = 0; k < 50; ++k) EXPECT_EQ(taken[k], BlockText(k)) << k;
}

}  // namespace
}  // namespace refrain::internal
