// Large report files (report.json, the CSVs) rendered in parallel blocks and
// handed on in order, a wave of blocks at a time, so that what is held is a
// wave, not the file.
#ifndef REFRAIN_SRC_CHUNKS_H_
#define REFRAIN_SRC_CHUNKS_H_

#include <algorithm>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace refrain::internal {

// Receives a file's bytes in order, piece by piece, as they are rendered.
using ChunkSink = std::function<void(std::string&&)>;

// Blocks of a large array rendered in parallel before they are handed to a
// ChunkSink together: enough to keep the threads busy, few enough to bound
// what is held (16 blocks of claim matches are about 25 MB).
constexpr int64_t kWaveBlocks = 16;

// Renders blocks 0..num_blocks-1 in parallel, `wave` of them at a time
// (render(k, &text) writes block k into an empty text), and hands each
// wave's texts, in block order, to take(std::span<std::string>) before the
// next wave is rendered. The texts' buffers are reused from wave to wave.
template <typename Render, typename Take>
void RenderInWaves(int64_t num_blocks, int64_t wave, Render render, Take take) {
  std::vector<std::string> texts(std::min(num_blocks, wave));
  for (int64_t first = 0; first < num_blocks; first += wave) {
    const int64_t count = std::min(wave, num_blocks - first);
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t j = 0; j < count; ++j) {
      texts[j].clear();
      render(first + j, &texts[j]);
    }
    take(std::span<std::string>(texts.data(), count));
  }
}

}  // namespace refrain::internal

#endif  // REFRAIN_SRC_CHUNKS_H_
