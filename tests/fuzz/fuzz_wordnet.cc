// Fuzz target: the WordNet cache image's reader (WordNet::Deserialize).
//
// The input is an image payload as Load reads it after the header (whose
// checksum a damaged file fails first: the fuzzer reaches the reader
// directly). Any bytes must give null or a WordNet whose look-ups stay in
// bounds (ASan checks the reads):
//   - Morphy of a few words gives each base form once;
//   - Synsets of those words, and the hypernyms and near
//     relations of every synset they give and of the first synset ids, read
//     inside the tables;
//   - an accepted image survives its own round trip: Deserialize of its
//     Serialize() holds the same database.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "wordnet.h"

namespace refrain {
namespace {

using wordnet::WordNet;

void Check(const WordNet& wn) {
  const size_t n = wn.num_synsets();
  std::vector<uint32_t> synsets;
  for (std::string_view word :
       {"dog", "dogs", "ran", "running", "geese", "better", "a", "", "x_y"}) {
    for (int p = 0; p < wordnet::kNumPos; ++p) {
      // Lemmas of the part of speech, each once.
      std::vector<std::string> bases =
          wn.Morphy(word, static_cast<wordnet::Pos>(p));
      std::sort(bases.begin(), bases.end());
      FUZZ_CHECK(std::adjacent_find(bases.begin(), bases.end()) == bases.end());
    }
    synsets.clear();
    wn.Synsets(word, 1000, &synsets);
    for (uint32_t s : synsets) {
      FUZZ_CHECK(s < n);
      for (uint32_t h : wn.Hypernyms(s)) FUZZ_CHECK(h < n);
      for (uint32_t r : wn.Near(s)) FUZZ_CHECK(r < n);
    }
  }
  for (uint32_t s = 0; s < std::min<size_t>(n, 1000); ++s) {
    for (uint32_t h : wn.Hypernyms(s)) FUZZ_CHECK(h < n);
    for (uint32_t r : wn.Near(s)) FUZZ_CHECK(r < n);
  }
  std::unique_ptr<WordNet> again = WordNet::Deserialize(wn.Serialize());
  FUZZ_CHECK(again != nullptr);
  FUZZ_CHECK(*again == wn);
}

}  // namespace
}  // namespace refrain

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  if (std::unique_ptr<refrain::wordnet::WordNet> wn =
          refrain::wordnet::WordNet::Deserialize(payload)) {
    refrain::Check(*wn);
  }
  return 0;
}
