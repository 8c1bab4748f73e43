// WordNet look-ups as the claim scorer makes them (synsets of every morphy
// base form in the four parts of speech, then each synset's hypernym and
// "near" pointers), for every distinct word of a directory of texts: through
// refrain's in-memory reader (src/wordnet.h) and through WordNet's own C
// library (Debian wordnet-dev, libwordnet). Built when libwordnet is found.
//   build/bench/wordnet_bench ../shared/data/bbc-news/bbc
#include <wn.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "wordnet.h"

namespace {

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t)
      .count();
}

// The lower-cased alphabetic words (2+ letters) of every file under `dir`.
std::set<std::string> Words(const char* dir) {
  std::set<std::string> words;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string w;
    char c;
    while (in.get(c)) {
      if (std::isalpha(static_cast<unsigned char>(c))) {
        w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      } else {
        if (w.size() > 1) words.insert(w);
        w.clear();
      }
    }
  }
  return words;
}

bool Near(int type) {
  return type == HYPERPTR || type == DERIVATION || type == SIMPTR ||
         type == PERTPTR || type == PPLPTR || type == SEEALSOPTR ||
         type == VERBGROUP || type == ATTRIBUTE;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: wordnet_bench DIR\n");
    return 2;
  }
  const std::set<std::string> words = Words(argv[1]);

  auto t = std::chrono::steady_clock::now();
  auto wn = refrain::wordnet::WordNet::Load("/usr/share/wordnet");
  if (!wn.ok()) {
    std::fprintf(stderr, "%s\n", std::string(wn.status().message()).c_str());
    return 1;
  }
  const double load = Since(t);
  // The same from a cache image (the first call writes it).
  const std::string cache =
      (std::filesystem::temp_directory_path() / "refrain-wordnet-bench")
          .string();
  (void)refrain::wordnet::WordNet::Load("/usr/share/wordnet", cache);
  t = std::chrono::steady_clock::now();
  auto cached = refrain::wordnet::WordNet::Load("/usr/share/wordnet", cache);
  const double cached_load = Since(t);
  if (!cached.ok() || !(**cached == **wn)) {
    std::fprintf(stderr, "the cached load differs from the parsed one\n");
    return 1;
  }
  std::printf("refrain's reader: parse %.3f s, from its cache image %.3f s\n",
              load, cached_load);
  t = std::chrono::steady_clock::now();
  long senses = 0, pointers = 0;
  std::vector<uint32_t> syn;
  for (const std::string& w : words) {
    syn.clear();
    (*wn)->Synsets(w, 1000, &syn);
    senses += static_cast<long>(syn.size());
    for (uint32_t s : syn) {
      pointers +=
          static_cast<long>((*wn)->Hypernyms(s).size() + (*wn)->Near(s).size());
    }
  }
  const double ours = Since(t);
  std::printf(
      "refrain's reader: %zu words, load %.3f s, look-ups %.3f s "
      "(%.2f us a word), %ld senses, %ld pointers\n",
      words.size(), load, ours, 1e6 * ours / words.size(), senses, pointers);

  t = std::chrono::steady_clock::now();
  if (wninit() != 0) {
    std::fprintf(stderr, "libwordnet: wninit failed\n");
    return 1;
  }
  senses = 0;
  pointers = 0;
  for (const std::string& word : words) {
    for (int pos = NOUN; pos <= ADV; ++pos) {
      std::vector<std::string> forms{word};
      for (char* m = morphstr(const_cast<char*>(word.c_str()), pos);
           m != nullptr; m = morphstr(nullptr, pos)) {
        forms.emplace_back(m);
      }
      for (const std::string& f : forms) {
        IndexPtr idx = index_lookup(const_cast<char*>(f.c_str()), pos);
        if (idx == nullptr) continue;
        for (int i = 0; i < idx->off_cnt; ++i) {
          SynsetPtr s = read_synset(pos, idx->offset[i], const_cast<char*>(""));
          if (s == nullptr) continue;
          ++senses;
          for (int p = 0; p < s->ptrcount; ++p) pointers += Near(s->ptrtyp[p]);
          free_synset(s);
        }
        free_index(idx);
      }
    }
  }
  const double lib = Since(t);
  std::printf(
      "libwordnet:       %zu words, look-ups %.3f s (%.2f us a word), "
      "%ld senses, %ld pointers\n",
      words.size(), lib, 1e6 * lib / words.size(), senses, pointers);
  return 0;
}
