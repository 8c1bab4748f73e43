#include "wordnet.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "byte_stream.h"
#include "hash.h"
#include "sink.h"

namespace refrain::wordnet {
namespace {

constexpr std::array<const char*, kNumPos> kPosName = {"noun", "verb", "adj",
                                                       "adv"};

// A file's bytes: mapped when possible (the 28 MB of the database are then
// neither zero-filled nor copied out of the page cache: the load runs on a
// thread beside the scan's first steps, so its CPU time slows them on a
// small machine), else read.
class FileText {
 public:
  FileText() = default;
  FileText(const FileText&) = delete;
  FileText& operator=(const FileText&) = delete;
  FileText(FileText&& o) noexcept { *this = std::move(o); }
  FileText& operator=(FileText&& o) noexcept {
    if (this != &o) {
      Unmap();
      mapped_ = std::exchange(o.mapped_, nullptr);
      mapped_size_ = std::exchange(o.mapped_size_, 0);
      read_ = std::move(o.read_);
    }
    return *this;
  }
  ~FileText() { Unmap(); }

  std::string_view view() const {
    return mapped_ != nullptr
               ? std::string_view(static_cast<const char*>(mapped_),
                                  mapped_size_)
               : std::string_view(read_);
  }

  static absl::StatusOr<FileText> Read(const std::string& path) {
    FileText out;
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return absl::NotFoundError(absl::StrCat("cannot read ", path));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ,
                     MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (p != MAP_FAILED) {
        close(fd);
        out.mapped_ = p;
        out.mapped_size_ = static_cast<size_t>(st.st_size);
        return out;
      }
    }
    close(fd);
    absl::StatusOr<std::string> text = ReadAll(path);
    if (!text.ok()) return text.status();
    out.read_ = *std::move(text);
    return out;
  }

 private:
  static absl::StatusOr<std::string> ReadAll(const std::string& path);
  void Unmap() {
    if (mapped_ != nullptr) munmap(mapped_, mapped_size_);
    mapped_ = nullptr;
    mapped_size_ = 0;
  }

  void* mapped_ = nullptr;
  size_t mapped_size_ = 0;
  std::string read_;
};

absl::StatusOr<std::string> FileText::ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  // One read into a buffer of the file's size: a stringstream grows by
  // doubling and copies the 28 MB again on the way out.
  std::string out;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size > 0) {
    out.resize(static_cast<size_t>(size));
    in.read(out.data(), size);
    out.resize(static_cast<size_t>(in.gcount()));
  } else if (size < 0) {  // Not seekable: read it as a stream.
    in.clear();
    std::ostringstream ss;
    ss << in.rdbuf();
    out = std::move(ss).str();
  }
  if (in.bad())
    return absl::DataLossError(absl::StrCat("error reading ", path));
  return out;
}

// Splits `text` into lines, calling fn(line) for each (without '\n', '\r').
template <typename Fn>
void ForEachLine(std::string_view text, Fn fn) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(line);
    pos = nl + 1;
  }
}

// Space-separated fields of one line.
class Fields {
 public:
  explicit Fields(std::string_view line) : s_(line) {}
  std::string_view Next() {
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
    size_t b = i_;
    while (i_ < s_.size() && s_[i_] != ' ') ++i_;
    return s_.substr(b, i_ - b);
  }
  uint32_t NextNumber(int base = 10) {
    std::string_view f = Next();
    uint32_t v = 0;
    for (char c : f) {
      uint32_t d;
      if (c >= '0' && c <= '9') {
        d = static_cast<uint32_t>(c - '0');
      } else if (base == 16 && c >= 'a' && c <= 'f') {
        d = static_cast<uint32_t>(c - 'a' + 10);
      } else if (base == 16 && c >= 'A' && c <= 'F') {
        d = static_cast<uint32_t>(c - 'A' + 10);
      } else {
        break;
      }
      v = v * static_cast<uint32_t>(base) + d;
    }
    return v;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

int PosOfChar(char c) {
  switch (c) {
    case 'n':
      return kNoun;
    case 'v':
      return kVerb;
    case 'a':
    case 's':
      return kAdj;
    case 'r':
      return kAdv;
    default:
      return -1;
  }
}

enum class Rel { kNone, kHyper, kNear, kAntonym };

Rel RelOfSymbol(std::string_view sym) {
  if (sym == "@" || sym == "@i") return Rel::kHyper;
  if (sym == "!") return Rel::kAntonym;
  if (sym == "+" || sym == "&" || sym == "\\" || sym == "<" || sym == "^" ||
      sym == "$" || sym == "=") {
    return Rel::kNear;
  }
  return Rel::kNone;
}

struct Rule {
  std::string_view suffix;
  std::string_view replacement;
};
// WordNet morphy's detachment rules (morph.c).
constexpr Rule kNounRules[] = {{"s", ""},      {"ses", "s"},   {"xes", "x"},
                               {"zes", "z"},   {"ches", "ch"}, {"shes", "sh"},
                               {"men", "man"}, {"ies", "y"}};
constexpr Rule kVerbRules[] = {{"s", ""},    {"ies", "y"}, {"es", "e"},
                               {"es", ""},   {"ed", "e"},  {"ed", ""},
                               {"ing", "e"}, {"ing", ""}};
constexpr Rule kAdjRules[] = {
    {"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}};

std::span<const Rule> RulesOf(Pos pos) {
  switch (pos) {
    case kNoun:
      return kNounRules;
    case kVerb:
      return kVerbRules;
    case kAdj:
      return kAdjRules;
    default:
      return {};
  }
}

// What Parse reads, before it is laid out as an image.
struct ParsedTables {
  std::vector<uint32_t> hyper_begin, hyper, near_begin, near, anto_begin, anto;
  std::vector<uint32_t> senses;
  // lemma -> (first sense, number of senses), per part of speech.
  std::array<absl::flat_hash_map<std::string, std::pair<uint32_t, uint32_t>>,
             kNumPos>
      lemmas;
  // inflected form -> base forms, per part of speech.
  std::array<absl::flat_hash_map<std::string, std::vector<std::string>>,
             kNumPos>
      exceptions;
};

// The image's payload (what follows the cache file's header), every field
// a native-order uint32: ImageCheck(), the 17 counts below, then
// the arrays they count in that order (a slot is 4 words), then the pool
// of key characters. Read where it lies (WordNet::Open), so all but the
// pool are 4-byte words.
enum ImageCount {
  kHyperBegin,
  kHyper,
  kNearBegin,
  kNear,
  kAntoBegin,
  kAnto,
  kSenses,
  kLemmaSlots,                        // + part of speech
  kExceptionSlots = kLemmaSlots + 4,  // + part of speech
  kExcBases = kExceptionSlots + 4,
  kPoolBytes,
  kNumImageCounts
};
constexpr size_t kImageHeaderWords = 1 + kNumImageCounts;
constexpr uint32_t kSlotWords = 4;

constexpr uint64_t kCacheSeed = 0x7265667261696e77ull;  // "refrainw"

// The hash of the tables' slots. An image written with another hash
// function would find nothing, so its first word is this check.
uint64_t KeyHash(std::string_view key) {
  return internal::HashBytes(key, kCacheSeed);
}
uint32_t ImageCheck() {
  return static_cast<uint32_t>(KeyHash("refrain wordnet image 4"));
}

void PutWords(std::string* out, std::span<const uint32_t> v) {
  out->append(reinterpret_cast<const char*>(v.data()), v.size_bytes());
}

// Lays out `t` as an image payload. Keys are placed in sorted order, so
// equal tables give equal bytes.
absl::StatusOr<std::string> BuildImage(const ParsedTables& t) {
  std::string pool;
  std::vector<uint32_t> slot_words[2][kNumPos];
  std::vector<uint32_t> base_words;
  // Appends `key` to the pool; the slot's four words.
  auto slot_of = [&](std::string_view key, uint32_t begin, uint32_t count) {
    const std::array<uint32_t, kSlotWords> slot = {
        static_cast<uint32_t>(pool.size()), static_cast<uint32_t>(key.size()),
        begin, count};
    pool.append(key);
    return slot;
  };
  // A table of the keys `map` holds (not empty), value(entry) giving a
  // slot's (begin, count). At most 3/4 full, so probes stay short and one
  // slot at least is empty (key_size 0).
  auto table = [&](const auto& map, auto value, std::vector<uint32_t>* words) {
    std::vector<const typename std::decay_t<decltype(map)>::value_type*>
        entries;
    for (const auto& e : map) {
      if (!e.first.empty()) entries.push_back(&e);
    }
    std::sort(entries.begin(), entries.end(),
              [](auto* x, auto* y) { return x->first < y->first; });
    const size_t size = std::bit_ceil(entries.size() * 4 / 3 + 1);
    words->assign(size * kSlotWords, 0);
    for (const auto* e : entries) {
      size_t i = KeyHash(e->first) & (size - 1);
      while ((*words)[i * kSlotWords + 1] != 0) i = (i + 1) & (size - 1);
      const auto [begin, count] = value(e->second);
      const auto slot = slot_of(e->first, begin, count);
      std::copy(slot.begin(), slot.end(), words->begin() + i * kSlotWords);
    }
  };
  for (int p = 0; p < kNumPos; ++p) {
    table(
        t.lemmas[p], [](auto r) { return r; }, &slot_words[0][p]);
    table(
        t.exceptions[p],
        [&](const std::vector<std::string>& bases) {
          const auto first =
              static_cast<uint32_t>(base_words.size() / kSlotWords);
          for (const std::string& b : bases) {
            const auto slot = slot_of(b, 0, 0);
            base_words.insert(base_words.end(), slot.begin(), slot.end());
          }
          return std::pair(first, static_cast<uint32_t>(bases.size()));
        },
        &slot_words[1][p]);
  }
  const std::vector<uint32_t>* arrays[] = {
      &t.hyper_begin, &t.hyper, &t.near_begin, &t.near,
      &t.anto_begin,  &t.anto,  &t.senses};
  uint64_t total = pool.size();
  std::vector<uint32_t> head = {ImageCheck()};
  for (const std::vector<uint32_t>* a : arrays) {
    head.push_back(static_cast<uint32_t>(a->size()));
    total += a->size();
  }
  for (const auto& tables : slot_words) {
    for (const std::vector<uint32_t>& w : tables) {
      head.push_back(static_cast<uint32_t>(w.size() / kSlotWords));
      total += w.size();
    }
  }
  head.push_back(static_cast<uint32_t>(base_words.size() / kSlotWords));
  head.push_back(static_cast<uint32_t>(pool.size()));
  total += base_words.size();
  if (total > std::numeric_limits<uint32_t>::max()) {
    return absl::ResourceExhaustedError(
        "the database is too large for refrain's WordNet tables");
  }
  std::string out;
  PutWords(&out, head);
  for (const std::vector<uint32_t>* a : arrays) PutWords(&out, *a);
  for (const auto& tables : slot_words) {
    for (const std::vector<uint32_t>& w : tables) PutWords(&out, w);
  }
  PutWords(&out, base_words);
  out += pool;
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<WordNet>> WordNet::Parse(
    const std::string& dir) {
  ParsedTables t;
  std::array<FileText, kNumPos> data;
  for (int p = 0; p < kNumPos; ++p) {
    absl::StatusOr<FileText> d =
        FileText::Read(absl::StrCat(dir, "/data.", kPosName[p]));
    if (!d.ok()) return d.status();
    data[p] = *std::move(d);
  }

  // Pass 1: byte offset of every synset, per part of speech (the files are
  // sorted by offset), and dense ids numbered noun, verb, adj, adv.
  std::array<std::vector<uint32_t>, kNumPos> offsets;
  std::array<uint32_t, kNumPos + 1> base{};
  for (int p = 0; p < kNumPos; ++p) {
    ForEachLine(data[p].view(), [&](std::string_view line) {
      if (line.empty() || line[0] == ' ') return;  // License header.
      offsets[p].push_back(Fields(line).NextNumber());
    });
    if (offsets[p].empty()) {
      return absl::DataLossError(
          absl::StrCat(dir, "/data.", kPosName[p], ": no synsets"));
    }
    base[p + 1] = base[p] + static_cast<uint32_t>(offsets[p].size());
  }
  // Offsets -> ids for the several hundred thousand pointers below: per
  // 256-byte block of a data file, the first synset at or past its start.
  // A synset line is longer than that on average, so a look-up checks one
  // or two offsets where a binary search took about 17 cache-missing steps
  // (it was the costliest part of the load, which runs on a thread beside
  // the scan's first steps and so slows them on a small machine).
  constexpr int kBlockBits = 8;
  std::array<std::vector<uint32_t>, kNumPos> block_first;
  for (int p = 0; p < kNumPos; ++p) {
    const std::vector<uint32_t>& o = offsets[p];
    std::vector<uint32_t>& first = block_first[p];
    first.resize((size_t{o.back()} >> kBlockBits) + 2);
    size_t i = 0;
    for (size_t b = 0; b < first.size(); ++b) {
      while (i < o.size() && (size_t{o[i]} >> kBlockBits) < b) ++i;
      first[b] = static_cast<uint32_t>(i);
    }
  }
  auto resolve = [&](int pos, uint32_t offset) -> int64_t {
    const std::vector<uint32_t>& o = offsets[pos];
    const std::vector<uint32_t>& first = block_first[pos];
    const size_t b = offset >> kBlockBits;
    if (b + 1 >= first.size()) return -1;
    for (uint32_t i = first[b]; i < first[b + 1]; ++i) {
      if (o[i] == offset) return base[pos] + i;
    }
    return -1;
  };

  // Pass 2: pointers.
  const uint32_t n = base[kNumPos];
  const std::array<std::pair<std::vector<uint32_t>*, std::vector<uint32_t>*>, 3>
      lists = {std::pair{&t.hyper_begin, &t.hyper},
               std::pair{&t.near_begin, &t.near},
               std::pair{&t.anto_begin, &t.anto}};
  for (auto [begin, ids] : lists) {
    begin->reserve(n + 1);
    begin->push_back(0);
  }
  for (int p = 0; p < kNumPos; ++p) {
    ForEachLine(data[p].view(), [&](std::string_view line) {
      if (line.empty() || line[0] == ' ') return;
      Fields f(line);
      f.Next();  // synset_offset
      f.Next();  // lex_filenum
      f.Next();  // ss_type
      uint32_t w_cnt = f.NextNumber(16);
      for (uint32_t i = 0; i < w_cnt; ++i) {
        f.Next();  // word
        f.Next();  // lex_id
      }
      uint32_t p_cnt = f.NextNumber();
      for (uint32_t i = 0; i < p_cnt; ++i) {
        std::string_view sym = f.Next();
        uint32_t target = f.NextNumber();
        std::string_view tpos = f.Next();
        f.Next();  // source/target
        Rel rel = RelOfSymbol(sym);
        if (rel == Rel::kNone || tpos.empty()) continue;
        int tp = PosOfChar(tpos[0]);
        if (tp < 0) continue;
        int64_t id = resolve(tp, target);
        if (id < 0) continue;
        (rel == Rel::kHyper  ? t.hyper
         : rel == Rel::kNear ? t.near
                             : t.anto)
            .push_back(static_cast<uint32_t>(id));
      }
      // Sort and dedupe this synset's lists.
      for (auto [begin, ids] : lists) {
        auto first = ids->begin() + begin->back();
        std::sort(first, ids->end());
        ids->erase(std::unique(first, ids->end()), ids->end());
        begin->push_back(static_cast<uint32_t>(ids->size()));
      }
    });
  }
  if (t.near_begin.size() != n + 1) {
    return absl::InternalError("WordNet: synset count changed between passes");
  }
  for (FileText& d : data) d = FileText();

  // Index files: lemma -> synset offsets (most frequent sense first).
  for (int p = 0; p < kNumPos; ++p) {
    const std::string path = absl::StrCat(dir, "/index.", kPosName[p]);
    absl::StatusOr<FileText> index = FileText::Read(path);
    if (!index.ok()) return index.status();
    t.lemmas[p].reserve(offsets[p].size() * 3 / 2);
    ForEachLine(index->view(), [&](std::string_view line) {
      if (line.empty() || line[0] == ' ') return;
      Fields f(line);
      std::string_view lemma = f.Next();
      f.Next();  // pos
      uint32_t synset_cnt = f.NextNumber();
      uint32_t p_cnt = f.NextNumber();
      for (uint32_t i = 0; i < p_cnt; ++i) f.Next();
      f.Next();  // sense_cnt
      f.Next();  // tagsense_cnt
      std::pair<uint32_t, uint32_t> r{static_cast<uint32_t>(t.senses.size()),
                                      0};
      for (uint32_t i = 0; i < synset_cnt; ++i) {
        int64_t id = resolve(p, f.NextNumber());
        if (id < 0) continue;
        t.senses.push_back(static_cast<uint32_t>(id));
        ++r.second;
      }
      if (r.second > 0) t.lemmas[p].emplace(std::string(lemma), r);
    });
    if (t.lemmas[p].empty()) {
      return absl::DataLossError(absl::StrCat(path, ": no lemmas"));
    }
  }

  // Exception lists (optional: morphy still works without them).
  for (int p = 0; p < kNumPos; ++p) {
    absl::StatusOr<FileText> exc =
        FileText::Read(absl::StrCat(dir, "/", kPosName[p], ".exc"));
    if (!exc.ok()) continue;
    ForEachLine(exc->view(), [&](std::string_view line) {
      Fields f(line);
      std::string_view form = f.Next();
      if (form.empty()) return;
      std::vector<std::string>& bases = t.exceptions[p][std::string(form)];
      for (std::string_view b = f.Next(); !b.empty(); b = f.Next()) {
        bases.emplace_back(b);
      }
    });
  }
  absl::StatusOr<std::string> image = BuildImage(t);
  if (!image.ok()) {
    return absl::DataLossError(
        absl::StrCat(dir, ": ", image.status().message()));
  }
  auto owned = std::make_shared<const std::string>(*std::move(image));
  std::unique_ptr<WordNet> wn = Open(owned, *owned);
  if (wn == nullptr) {
    return absl::InternalError("WordNet: the parsed tables do not open");
  }
  return wn;
}

// ---------------------------------------------------------------------------
// The cache file: a header (magic, key, payload size, XXH3 of the payload)
// and the image's payload (BuildImage). Parsing the 28 MB of text takes
// about 0.1 s of CPU, and in a scan it runs beside the document level on a
// small machine; the cache file is mapped and checked instead.

namespace {

constexpr char kCacheMagic[8] = {'R', 'F', 'W', 'N', 'C', 'A', 'C', '4'};
constexpr size_t kCacheHeader = sizeof(kCacheMagic) + 3 * sizeof(uint64_t);

// What the image of `dir` depends on: the path and, for every file Parse
// reads, its size, modification time and inode (0 for a missing one).
uint64_t CacheKey(const std::string& dir) {
  std::string id = absl::StrCat("v3|", dir);
  for (const char* prefix : {"data.", "index.", ""}) {
    for (int p = 0; p < kNumPos; ++p) {
      const std::string name = *prefix != '\0'
                                   ? absl::StrCat(prefix, kPosName[p])
                                   : absl::StrCat(kPosName[p], ".exc");
      struct stat st;
      if (stat(absl::StrCat(dir, "/", name).c_str(), &st) == 0) {
        absl::StrAppend(&id, "|", name, ":", st.st_size, ":", st.st_mtim.tv_sec,
                        ".", st.st_mtim.tv_nsec, ":", st.st_ino);
      } else {
        absl::StrAppend(&id, "|", name, ":0");
      }
    }
  }
  return internal::HashBytes(id, kCacheSeed);
}

// One image per database directory (its real path: a symlink to it shares
// the image), overwritten when its files change, so the cache does not grow
// with every change or every path that leads to the same files.
std::string CachePath(const std::string& cache_dir, const std::string& dir) {
  char hex[17];
  std::snprintf(
      hex, sizeof(hex), "%016llx",
      static_cast<unsigned long long>(internal::HashBytes(dir, kCacheSeed)));
  return absl::StrCat(cache_dir, "/wordnet-", hex, ".bin");
}

}  // namespace

std::string WordNet::Serialize() const { return std::string(payload_); }

std::unique_ptr<WordNet> WordNet::Deserialize(std::string_view payload) {
  // Copied into words, so the copy is 4-byte aligned whatever the string
  // library does with short strings.
  auto words = std::make_shared<std::vector<uint32_t>>(
      (payload.size() + sizeof(uint32_t) - 1) / sizeof(uint32_t));
  if (!payload.empty()) {
    std::memcpy(words->data(), payload.data(), payload.size());
  }
  const std::string_view copy(reinterpret_cast<const char*>(words->data()),
                              payload.size());
  return Open(std::move(words), copy);
}

std::unique_ptr<WordNet> WordNet::Open(std::shared_ptr<const void> owner,
                                       std::string_view payload) {
  if (reinterpret_cast<uintptr_t>(payload.data()) % alignof(uint32_t) != 0) {
    return Deserialize(payload);  // Its copy is aligned.
  }
  const size_t num_words = payload.size() / sizeof(uint32_t);
  if (num_words < kImageHeaderWords) return nullptr;
  const auto* words = reinterpret_cast<const uint32_t*>(payload.data());
  if (words[0] != ImageCheck()) return nullptr;
  const uint32_t* count = words + 1;
  // Every array's words, then the pool, must fill the payload exactly.
  uint64_t pos = kImageHeaderWords;
  for (int c = 0; c < kPoolBytes; ++c) {
    pos += uint64_t{count[c]} * (c >= kLemmaSlots ? kSlotWords : 1);
  }
  if (pos > num_words ||
      pos * sizeof(uint32_t) + count[kPoolBytes] != payload.size()) {
    return nullptr;
  }
  auto wn = std::unique_ptr<WordNet>(new WordNet());
  pos = kImageHeaderWords;
  auto take = [&](int c) {
    const std::span<const uint32_t> v(words + pos, count[c]);
    pos += count[c];
    return v;
  };
  auto take_slots = [&](int c) {
    const std::span<const Slot> v(reinterpret_cast<const Slot*>(words + pos),
                                  count[c]);
    pos += uint64_t{count[c]} * kSlotWords;
    return v;
  };
  for (auto [c, v] :
       {std::pair{kHyperBegin, &wn->hyper_begin_},
        std::pair{kHyper, &wn->hyper_}, std::pair{kNearBegin, &wn->near_begin_},
        std::pair{kNear, &wn->near_}, std::pair{kAntoBegin, &wn->anto_begin_},
        std::pair{kAnto, &wn->anto_}, std::pair{kSenses, &wn->senses_}}) {
    *v = take(c);
  }
  for (int p = 0; p < kNumPos; ++p) {
    wn->lemmas_[p] = take_slots(kLemmaSlots + p);
  }
  for (int p = 0; p < kNumPos; ++p) {
    wn->exceptions_[p] = take_slots(kExceptionSlots + p);
  }
  wn->exc_bases_ = take_slots(kExcBases);
  wn->pool_ = payload.substr(pos * sizeof(uint32_t));

  // What the look-ups index must lie in bounds: a checksum collision or a
  // bug must not become a read out of bounds.
  const size_t n = wn->near_begin_.size();
  if (n == 0) return nullptr;
  for (auto [begin, ids] : {std::pair{wn->hyper_begin_, wn->hyper_},
                            std::pair{wn->near_begin_, wn->near_},
                            std::pair{wn->anto_begin_, wn->anto_}}) {
    if (begin.size() != n || begin.back() != ids.size() ||
        !std::is_sorted(begin.begin(), begin.end())) {
      return nullptr;
    }
  }
  for (std::span<const uint32_t> v :
       {wn->hyper_, wn->near_, wn->anto_, wn->senses_}) {
    for (uint32_t id : v) {
      if (id >= n - 1) return nullptr;
    }
  }
  // Tables: a power-of-two number of slots (probes wrap by a mask), keys in
  // the pool, ranges in their arrays.
  auto key_fits = [&](const Slot& s) {
    return uint64_t{s.key_begin} + s.key_size <= wn->pool_.size();
  };
  auto fits = [&](std::span<const Slot> table, size_t range_limit) {
    if (!std::has_single_bit(table.size() + (table.empty() ? 1 : 0))) {
      return false;
    }
    for (const Slot& s : table) {
      if (!key_fits(s) || uint64_t{s.begin} + s.count > range_limit) {
        return false;
      }
    }
    return true;
  };
  for (int p = 0; p < kNumPos; ++p) {
    if (!fits(wn->lemmas_[p], wn->senses_.size()) ||
        !fits(wn->exceptions_[p], wn->exc_bases_.size())) {
      return nullptr;
    }
  }
  if (!std::all_of(wn->exc_bases_.begin(), wn->exc_bases_.end(), key_fits)) {
    return nullptr;
  }
  wn->owner_ = std::move(owner);
  wn->payload_ = payload;
  return wn;
}

std::string WordNet::DefaultCacheDir() {
  if (const char* d = std::getenv("REFRAIN_CACHE_DIR")) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x) {
    return absl::StrCat(x, "/refrain");
  }
  if (const char* h = std::getenv("HOME"); h != nullptr && *h) {
    return absl::StrCat(h, "/.cache/refrain");
  }
  return "";
}

absl::StatusOr<std::unique_ptr<WordNet>> WordNet::Load(
    const std::string& dir, const std::string& cache_dir) {
  if (cache_dir.empty()) return Parse(dir);
  std::error_code ec;
  std::string real = std::filesystem::canonical(dir, ec).string();
  if (ec) real = dir;
  const uint64_t key = CacheKey(real);
  const std::string path = CachePath(cache_dir, real);
  if (absl::StatusOr<FileText> file = FileText::Read(path); file.ok()) {
    auto image = std::make_shared<const FileText>(*std::move(file));
    internal::ByteReader header(image->view());
    const std::string_view magic = header.Raw(sizeof(kCacheMagic));
    const uint64_t image_key = header.U64(), size = header.U64(),
                   checksum = header.U64();
    const std::string_view payload =
        image->view().substr(std::min(kCacheHeader, image->view().size()));
    if (!header.failed() &&
        magic == std::string_view(kCacheMagic, sizeof(kCacheMagic)) &&
        image_key == key && size == payload.size() &&
        checksum == internal::HashBytes(payload, kCacheSeed)) {
      if (std::unique_ptr<WordNet> wn = Open(image, payload)) return wn;
    }
  }
  absl::StatusOr<std::unique_ptr<WordNet>> wn = Parse(dir);
  if (!wn.ok()) return wn;
  // Best effort, through a temporary file synced and renamed over the
  // image: a reader sees an old image or a new one, never part of one.
  std::filesystem::create_directories(cache_dir, ec);
  absl::StatusOr<std::unique_ptr<internal::Sink>> out =
      internal::Sink::Open(path, /*atomic=*/true);
  if (!out.ok()) return wn;
  const std::string_view payload = (*wn)->payload_;
  std::string header(kCacheMagic, sizeof(kCacheMagic));
  internal::PutU64(&header, key);
  internal::PutU64(&header, payload.size());
  internal::PutU64(&header, internal::HashBytes(payload, kCacheSeed));
  if ((*out)->Write(header).ok() && (*out)->Write(payload).ok()) {
    (void)(*out)->Close();  // Not closed: the Sink removes its temporary.
  }
  return wn;
}

bool WordNet::operator==(const WordNet& o) const {
  return payload_ == o.payload_;
}

size_t WordNet::num_lemmas() const {
  size_t n = 0;
  for (std::span<const Slot> table : lemmas_) {
    for (const Slot& s : table) n += s.key_size != 0 ? 1 : 0;
  }
  return n;
}

const WordNet::Slot* WordNet::Find(std::span<const Slot> table,
                                   std::string_view key) const {
  if (table.empty() || key.empty()) return nullptr;
  const size_t mask = table.size() - 1;
  size_t i = KeyHash(key) & mask;
  // Bounded by the table's size as well as by an empty slot: Open does not
  // check that one is empty.
  for (size_t probes = 0; probes < table.size(); ++probes) {
    const Slot& s = table[i];
    if (s.key_size == 0) return nullptr;
    if (s.key_size == key.size() && Key(s) == key) return &s;
    i = (i + 1) & mask;
  }
  return nullptr;
}

template <typename Fn>
void WordNet::ForEachBaseForm(std::string_view word, Pos pos, Fn fn) const {
  if (const Slot* exc = Find(exceptions_[pos], word)) {
    fn(word);
    for (const Slot& b : exc_bases_.subspan(exc->begin, exc->count)) {
      fn(Key(b));
    }
    return;
  }
  fn(word);
  // Reused: the first lookup of each new word in a dump goes through here
  // once per part of speech and rule.
  thread_local std::string candidate;
  for (const Rule& r : RulesOf(pos)) {
    if (word.size() <= r.suffix.size() || !word.ends_with(r.suffix)) continue;
    candidate.assign(word.substr(0, word.size() - r.suffix.size()));
    candidate.append(r.replacement);
    fn(std::string_view(candidate));
  }
}

std::vector<std::string> WordNet::Morphy(std::string_view word, Pos pos) const {
  std::vector<std::string> out;
  ForEachBaseForm(word, pos, [&](std::string_view form) {
    if (Find(lemmas_[pos], form) == nullptr) return;
    for (const std::string& o : out) {
      if (o == form) return;
    }
    out.emplace_back(form);
  });
  return out;
}

void WordNet::Synsets(std::string_view word, uint32_t max_senses,
                      std::vector<uint32_t>* out) const {
  for (int p = 0; p < kNumPos; ++p) {
    // Morphy's lemmas, in its order and deduplicated as it does, without
    // building its strings: equal forms find the same lemma entry and
    // different forms different ones, so the entries stand for the forms.
    absl::InlinedVector<const Slot*, 8> seen;
    ForEachBaseForm(word, static_cast<Pos>(p), [&](std::string_view form) {
      const Slot* r = Find(lemmas_[p], form);
      if (r == nullptr || absl::c_linear_search(seen, r)) return;
      seen.push_back(r);
      uint32_t k = std::min(r->count, max_senses);
      out->insert(out->end(), senses_.begin() + r->begin,
                  senses_.begin() + r->begin + k);
    });
  }
}

}  // namespace refrain::wordnet
