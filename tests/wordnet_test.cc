// WordNet reader (src/wordnet.h): morphy, synsets and pointers against the
// database's own files, the image's tables (every lemma found where the
// index files list it), and the cache image's life cycle.
#include "wordnet.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "test_util.h"

namespace refrain {
namespace {

using testing::TempDir;
using wordnet::WordNet;

constexpr const char* kDb = "/usr/share/wordnet";

const WordNet& Db() {
  static const WordNet* wn = [] {
    auto loaded = WordNet::Load(kDb);
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return loaded.ok() ? loaded->release() : nullptr;
  }();
  return *wn;
}

std::vector<std::string> Morphy(std::string_view word, wordnet::Pos pos) {
  return Db().Morphy(word, pos);
}

using Forms = std::vector<std::string>;

// A database of seven synsets, written out in wndb(5)'s format.
void WriteTinyDatabase(const std::string& dir) {
  std::filesystem::create_directory(dir);
  auto write = [&](const char* name, const char* text) {
    std::ofstream(dir + "/" + name) << text;
  };
  write("data.noun",
        "  1 A license header line.\n"
        "00000100 05 n 02 dog 0 domestic_dog 0 001 @ 00000200 n 0000 | a dog\n"
        "00000200 05 n 01 canine 0 000 | a canine\n"
        "00000300 05 n 01 cat 0 001 @ 00000200 n 0000 | a cat\n");
  write("data.verb",
        "00000100 29 v 01 rise 0 001 ! 00000200 v 0101 | go up\n"
        "00000200 29 v 01 fall 0 001 ! 00000100 v 0101 | go down\n");
  write("data.adj", "00000100 00 a 01 good 0 000 | good\n");
  write("data.adv", "00000100 02 r 01 well 0 000 | well\n");
  write("index.noun",
        "  1 A license header line.\n"
        "canine n 1 0 1 0 00000200\n"
        "cat n 1 1 @ 1 0 00000300\n"
        "dog n 1 1 @ 1 0 00000100\n"
        "domestic_dog n 1 1 @ 1 0 00000100\n");
  write("index.verb",
        "fall v 1 1 ! 1 0 00000200\n"
        "rise v 1 1 ! 1 0 00000100\n");
  write("index.adj", "good a 1 0 1 0 00000100\n");
  write("index.adv", "well r 1 0 1 0 00000100\n");
  write("noun.exc", "dogz dog\n");
  write("verb.exc", "rose rise\n");
  write("adj.exc", "better good\n");
}

using Ids = std::vector<uint32_t>;

Ids Of(std::span<const uint32_t> s) { return Ids(s.begin(), s.end()); }

TEST(WordNet, ParsesTheDatabaseFormat) {
  TempDir tmp;
  WriteTinyDatabase(tmp / "wn");
  auto wn = WordNet::Load(tmp / "wn");
  ASSERT_TRUE(wn.ok()) << wn.status();
  const WordNet& db = **wn;
  EXPECT_EQ(db.num_synsets(), 7u);  // Nouns 0-2, verbs 3-4, adj 5, adv 6.
  EXPECT_EQ(db.num_lemmas(), 8u);
  auto synsets = [&](std::string_view word) {
    Ids out;
    db.Synsets(word, 10, &out);
    return out;
  };
  EXPECT_EQ(synsets("dog"), Ids({0}));
  EXPECT_EQ(synsets("domestic_dog"), Ids({0}));
  EXPECT_EQ(synsets("dogs"), Ids({0}));
  EXPECT_EQ(synsets("dogz"), Ids({0}));  // noun.exc
  EXPECT_EQ(synsets("canine"), Ids({1}));
  EXPECT_EQ(synsets("rose"), Ids({3}));  // verb.exc
  EXPECT_EQ(synsets("falling"), Ids({4}));
  EXPECT_EQ(synsets("better"), Ids({5}));  // adj.exc
  EXPECT_EQ(synsets("well"), Ids({6}));
  EXPECT_EQ(synsets("bird"), Ids({}));
  EXPECT_EQ(Of(db.Hypernyms(0)), Ids({1}));
  EXPECT_EQ(Of(db.Hypernyms(1)), Ids({}));
  EXPECT_EQ(Of(db.Hypernyms(2)), Ids({1}));
  EXPECT_EQ(Of(db.Antonyms(3)), Ids({4}));
  EXPECT_EQ(Of(db.Antonyms(4)), Ids({3}));
  EXPECT_EQ(Of(db.Near(0)), Ids({}));
  EXPECT_EQ(db.Morphy("dogz", wordnet::kNoun), Forms({"dog"}));
  EXPECT_EQ(db.Morphy("cats", wordnet::kNoun), Forms({"cat"}));
  EXPECT_EQ(db.Morphy("cats", wordnet::kVerb), Forms({}));
}

TEST(WordNet, Morphy) {
  using wordnet::kAdj;
  using wordnet::kAdv;
  using wordnet::kNoun;
  using wordnet::kVerb;
  // Exception lists first (the word itself, then its listed base forms).
  EXPECT_EQ(Morphy("geese", kNoun), Forms({"goose"}));
  EXPECT_EQ(Morphy("ran", kVerb), Forms({"run"}));
  EXPECT_EQ(Morphy("better", kAdj), Forms({"better", "good", "well"}));
  EXPECT_EQ(Morphy("better", kAdv), Forms({"better", "well"}));
  // Else the word, then the suffix rules' lemmas.
  EXPECT_EQ(Morphy("dogs", kNoun), Forms({"dog"}));
  EXPECT_EQ(Morphy("dog", kNoun), Forms({"dog"}));
  EXPECT_EQ(Morphy("churches", kNoun), Forms({"church"}));
  EXPECT_EQ(Morphy("destabilized", kVerb), Forms({"destabilize"}));
  EXPECT_EQ(Morphy("exporting", kVerb), Forms({"export"}));
  EXPECT_EQ(Morphy("policemen", kNoun), Forms({"policeman"}));
  EXPECT_EQ(Morphy("central_africa", kNoun), Forms({"central_africa"}));
  // Not words of the part of speech, or of WordNet.
  EXPECT_EQ(Morphy("dogs", kAdv), Forms({}));
  EXPECT_EQ(Morphy("zzyzx", kNoun), Forms({}));
  EXPECT_EQ(Morphy("", kNoun), Forms({}));
  EXPECT_EQ(Morphy("Dog", kNoun), Forms({}));  // The caller case-folds.
}

// The synsets of `word` (all parts of speech), sorted.
std::vector<uint32_t> Synsets(std::string_view word, uint32_t max = 1000) {
  std::vector<uint32_t> out;
  Db().Synsets(word, max, &out);
  std::sort(out.begin(), out.end());
  return out;
}

bool Share(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<uint32_t> both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(),
                        std::back_inserter(both));
  return !both.empty();
}

TEST(WordNet, SynsetsAndPointers) {
  EXPECT_TRUE(Share(Synsets("car"), Synsets("automobile")));
  EXPECT_TRUE(Share(Synsets("destabilize"), Synsets("destabilise")));
  EXPECT_FALSE(Share(Synsets("car"), Synsets("banana")));
  EXPECT_TRUE(Synsets("zzyzx").empty());
  // At most `max` senses per lemma and part of speech, most frequent first:
  // "dog" is a noun (7 senses) and a verb (1).
  EXPECT_EQ(Synsets("dog", 1).size(), 2u);
  EXPECT_EQ(Synsets("dog").size(), 8u);
  // The first sense of "dog" has "canine" among its hypernyms, and the
  // first of "destabilize" the verb "destabilization" among its near ones
  // (a derivation).
  std::vector<uint32_t> dog;
  Db().Synsets("dog", 1, &dog);
  const std::vector<uint32_t> canine = Synsets("canine");
  bool found = false;
  for (uint32_t h : Db().Hypernyms(dog[0])) {
    found |= std::binary_search(canine.begin(), canine.end(), h);
  }
  EXPECT_TRUE(found);
  std::vector<uint32_t> destabilize;
  Db().Synsets("destabilize", 1, &destabilize);
  const std::vector<uint32_t> destabilization = Synsets("destabilization");
  found = false;
  for (uint32_t r : Db().Near(destabilize[0])) {
    found |=
        std::binary_search(destabilization.begin(), destabilization.end(), r);
  }
  EXPECT_TRUE(found);
  // Antonyms: "rise" and "fall" as verbs.
  std::vector<uint32_t> rise;
  Db().Synsets("rise", 1000, &rise);
  const std::vector<uint32_t> fall = Synsets("fall");
  found = false;
  for (uint32_t s : rise) {
    for (uint32_t a : Db().Antonyms(s)) {
      found |= std::binary_search(fall.begin(), fall.end(), a);
    }
  }
  EXPECT_TRUE(found);
}

// Every lemma of every index file is found in its part of speech's table,
// with as many senses as the file lists (the image's hash tables hold
// them all).
TEST(WordNet, EveryIndexedLemmaIsFound) {
  constexpr const char* kPos[] = {"noun", "verb", "adj", "adv"};
  size_t lemmas = 0;
  for (int p = 0; p < wordnet::kNumPos; ++p) {
    std::ifstream in(std::string(kDb) + "/index." + kPos[p]);
    ASSERT_TRUE(in) << kPos[p];
    std::string line;
    size_t missing = 0, checked = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == ' ') continue;
      const std::string lemma = line.substr(0, line.find(' '));
      const std::vector<std::string> forms =
          Db().Morphy(lemma, static_cast<wordnet::Pos>(p));
      if (std::find(forms.begin(), forms.end(), lemma) == forms.end()) {
        ++missing;
      }
      ++checked;
    }
    EXPECT_EQ(missing, 0u) << kPos[p];
    EXPECT_GT(checked, 3000u) << kPos[p];
    lemmas += checked;
  }
  EXPECT_EQ(Db().num_lemmas(), lemmas);
}

TEST(WordNet, ImageRoundTripAndDamage) {
  const std::string image = Db().Serialize();
  auto again = WordNet::Deserialize(image);
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(*again == Db());
  EXPECT_EQ(again->Morphy("geese", wordnet::kNoun), Forms({"goose"}));
  // Misaligned bytes are copied, not read in place.
  const std::string shifted = " " + image;
  auto moved = WordNet::Deserialize(std::string_view(shifted).substr(1));
  ASSERT_NE(moved, nullptr);
  EXPECT_TRUE(*moved == Db());
  // A cut or lengthened image does not open.
  EXPECT_EQ(WordNet::Deserialize(image.substr(0, image.size() - 1)), nullptr);
  EXPECT_EQ(WordNet::Deserialize(image + "x"), nullptr);
  EXPECT_EQ(WordNet::Deserialize(""), nullptr);
  // A key past the pool does not open. The last base form's slot (4
  // words) ends where the pool begins, whose size is the header's 18th
  // word (the layout: BuildImage in wordnet.cc).
  uint32_t pool_bytes = 0;
  std::memcpy(&pool_bytes, image.data() + 17 * sizeof(uint32_t), 4);
  ASSERT_LT(pool_bytes, image.size());
  std::string far = image;
  std::memcpy(far.data() + image.size() - pool_bytes - 16, &pool_bytes, 4);
  EXPECT_EQ(WordNet::Deserialize(far), nullptr);
  std::string bad = image;
  bad[0] ^= 1;  // The image's check word: another layout or hash.
  EXPECT_EQ(WordNet::Deserialize(bad), nullptr);
}

// WordNet's cache image: loading from it gives what parsing gives; an image
// that is corrupt, cut or stale is parsed over (and rewritten); a cache that
// cannot be written changes nothing.
TEST(WordNetCache, LoadsWhatTheParseGivesAndSurvivesBadImages) {
  using wordnet::WordNet;
  TempDir tmp;
  // A copy of the database that this test may change.
  const std::string db = tmp / "wn";
  std::filesystem::create_directory(db);
  for (const auto& e :
       std::filesystem::directory_iterator("/usr/share/wordnet")) {
    std::filesystem::copy_file(e.path(),
                               db + "/" + e.path().filename().string());
  }
  const std::string cache = tmp / "cache";
  auto parsed = WordNet::Load(db);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto image = [&] {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(cache)) {
      files.push_back(e.path().string());
    }
    return files;
  };
  auto load = [&] {
    auto wn = WordNet::Load(db, cache);
    EXPECT_TRUE(wn.ok()) << wn.status();
    return wn.ok() ? std::move(*wn) : nullptr;
  };

  auto first = load();  // Parses and writes the image.
  ASSERT_NE(first, nullptr);
  EXPECT_TRUE(*first == **parsed);
  ASSERT_EQ(image().size(), 1u);
  const std::string path = image()[0];
  const auto size = std::filesystem::file_size(path);
  EXPECT_GT(size, 1'000'000u);
  // A load from the image leaves it as it is; a parse would replace it (a
  // new file renamed over it: a new inode).
  auto inode = [&] {
    struct stat st;
    return stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
  };
  const auto written = inode();
  auto second = load();  // From the image.
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(*second == **parsed);
  EXPECT_EQ(inode(), written);
  // The same database through a symlink shares the image.
  std::filesystem::create_directory_symlink(db, tmp / "link");
  auto linked = WordNet::Load(tmp / "link", cache);
  ASSERT_TRUE(linked.ok());
  EXPECT_TRUE(**linked == **parsed);
  EXPECT_EQ(image().size(), 1u);

  auto rewrite = [&](const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  };
  auto read = [&] {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string good = read();
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x20;
  std::string bad_key = good;
  bad_key[8] ^= 1;
  for (const std::string& bad :
       {flipped, good.substr(0, good.size() / 3), good.substr(0, 20),
        std::string("not an image"), bad_key}) {
    rewrite(bad);
    auto wn = load();
    ASSERT_NE(wn, nullptr);
    EXPECT_TRUE(*wn == **parsed);
    // Rewritten whole (the order of its entries may differ: the maps'
    // iteration order does).
    EXPECT_EQ(std::filesystem::file_size(path), size);
    EXPECT_TRUE(read() != bad);
    const auto rewritten = inode();
    EXPECT_NE(rewritten, 0u);
    auto hit = load();
    ASSERT_NE(hit, nullptr);
    EXPECT_TRUE(*hit == **parsed);
    EXPECT_EQ(inode(), rewritten);  // The rewritten image is used.
  }

  // A changed file makes the image stale: the new exception is loaded.
  {
    std::ofstream exc(db + "/verb.exc", std::ios::app);
    exc << "refrainified refrain\n";
  }
  auto changed = WordNet::Load(db);
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(**changed == **parsed);
  auto reloaded = load();
  ASSERT_NE(reloaded, nullptr);
  EXPECT_TRUE(*reloaded == **changed);
  auto again = load();  // From the rewritten image.
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(*again == **changed);
  EXPECT_EQ(image().size(), 1u);

  // A cache directory that cannot exist (under a file): loads all the same.
  auto nowhere = WordNet::Load(db, path + "/sub");
  ASSERT_TRUE(nowhere.ok()) << nowhere.status();
  EXPECT_TRUE(**nowhere == **changed);
}

}  // namespace
}  // namespace refrain
