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
// wave's texts, in block order, to take(std::span<std::string>). take() of
// one wave runs on one thread while the others render the next: writing a
// wave to the file was a serial step with the other threads idle (at 1M
// articles the kernel's copy into the page cache was a fifth of writing
// report.json). Two sets of texts alternate, so at most two waves are held;
// their buffers are reused. take() must not touch what render() reads.
template <typename Render, typename Take>
void RenderInWaves(int64_t num_blocks, int64_t wave, Render render, Take take) {
  if (num_blocks <= 0) return;
  const int64_t per_wave = std::min(num_blocks, wave);
  const int64_t num_waves = (num_blocks + per_wave - 1) / per_wave;
  std::vector<std::string> texts[2] = {std::vector<std::string>(per_wave),
                                       std::vector<std::string>(per_wave)};
  auto count = [&](int64_t w) {
    return std::min(per_wave, num_blocks - w * per_wave);
  };
  // Every thread walks the waves; one of them hands on the previous wave
  // (single nowait) and then joins the rendering of this one (dynamic
  // schedule). The barrier that ends each loop also waits for that
  // take(), so a set of texts is rendered into again only once handed on.
#pragma omp parallel
  for (int64_t w = 0; w < num_waves; ++w) {
    std::string* t = texts[w % 2].data();
#pragma omp single nowait
    if (w > 0) {
      take(std::span<std::string>(texts[(w - 1) % 2].data(), count(w - 1)));
    }
#pragma omp for schedule(dynamic, 1)
    for (int64_t j = 0; j < count(w); ++j) {
      t[j].clear();
      render(w * per_wave + j, &t[j]);
    }
  }
  const int64_t last = num_waves - 1;
  take(std::span<std::string>(texts[last % 2].data(), count(last)));
}

}  // namespace refrain::internal

#endif  // REFRAIN_SRC_CHUNKS_H_
