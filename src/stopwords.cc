#include "stopwords.h"

#include <dlfcn.h>
#include <link.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "hash.h"
#include "refrain/normalize.h"
#include "utf8.h"

namespace refrain {
namespace {

// The Snowball English stop list
// (snowballstem.org/algorithms/english/stop.txt) with the contractions it
// lists, plus modal verbs and fillers that carry no claim ("will", "can",
// "also", "just", "s", "t").
constexpr std::string_view kEnglish[] = {
    "i", "me", "my", "myself", "we", "our", "ours", "ourselves", "you", "your",
    "yours", "yourself", "yourselves", "he", "him", "his", "himself", "she",
    "her", "hers", "herself", "it", "its", "itself", "they", "them", "their",
    "theirs", "themselves", "what", "which", "who", "whom", "this", "that",
    "these", "those", "am", "is", "are", "was", "were", "be", "been", "being",
    "have", "has", "had", "having", "do", "does", "did", "doing", "would",
    "should", "could", "ought", "i'm", "you're", "he's", "she's", "it's",
    "we're", "they're", "i've", "you've", "we've", "they've", "i'd", "you'd",
    "he'd", "she'd", "we'd", "they'd", "i'll", "you'll", "he'll", "she'll",
    "we'll", "they'll", "isn't", "aren't", "wasn't", "weren't", "hasn't",
    "haven't", "hadn't", "doesn't", "don't", "didn't", "won't", "wouldn't",
    "shan't", "shouldn't", "can't", "cannot", "couldn't", "mustn't", "let's",
    "that's", "who's", "what's", "here's", "there's", "when's", "where's",
    "why's", "how's", "a", "an", "the", "and", "but", "if", "or", "because",
    "as", "until", "while", "of", "at", "by", "for", "with", "about", "against",
    "between", "into", "through", "during", "before", "after", "above", "below",
    "to", "from", "up", "down", "in", "out", "on", "off", "over", "under",
    "again", "further", "then", "once", "here", "there", "when", "where", "why",
    "how", "all", "any", "both", "each", "few", "more", "most", "other", "some",
    "such", "no", "nor", "not", "only", "own", "same", "so", "than", "too",
    "very",
    // Additions.
    "will", "shall", "can", "may", "might", "must", "also", "just", "s", "t",
    "ain't", "upon", "via", "yet", "whether", "whose", "ever", "etc"};

constexpr std::string_view kNegations[] = {
    "not",     "no",      "never",   "nor",    "none",   "nobody",
    "nothing", "neither", "nowhere", "cannot", "without"};

const absl::flat_hash_set<std::string_view, internal::ViewHash>& EnglishSet() {
  static const auto* set =
      new absl::flat_hash_set<std::string_view, internal::ViewHash>(
          std::begin(kEnglish), std::end(kEnglish));
  return *set;
}

// The Snowball names (CanonicalLanguage) of the languages with a Snowball
// stop list in liblingua-stopwords-perl, and its module names.
constexpr std::pair<std::string_view, std::string_view> kModules[] = {
    {"danish", "DA"},     {"dutch", "NL"},    {"finnish", "FI"},
    {"french", "FR"},     {"german", "DE"},   {"hungarian", "HU"},
    {"indonesian", "ID"}, {"italian", "IT"},  {"norwegian", "NO"},
    {"portuguese", "PT"}, {"romanian", "RO"}, {"russian", "RU"},
    {"spanish", "ES"},    {"swedish", "SV"}};

// The languages whose stop list comes with Lucene++'s analyzers
// (liblucene++-contrib0v5): Jacques Savoy's Arabic list (BSD) and Lucene's
// Greek one, each a UTF-8 array of one word a line, exported as a symbol.
// Snowball has stemmers for both and stop lists for neither.
struct LuceneList {
  std::string_view language;  // Its Snowball name (CanonicalLanguage).
  const char* symbol;         // The array's mangled name.
};
constexpr LuceneList kLuceneLists[] = {
    {"arabic", "_ZN6Lucene14ArabicAnalyzer21DEFAULT_STOPWORD_FILEE"},
    {"greek", "_ZN6Lucene13GreekAnalyzer17_GREEK_STOP_WORDSE"},
};
constexpr char kLuceneLibrary[] = "liblucene++-contrib.so.0";

// Elided words written joined to the next one by an apostrophe ("l'Etat",
// "qu'il", "dell'economia"), as Lucene's ElisionFilter lists them per
// language. Left joined, "l'économie" was a content word of its own, stem
// "l'économ", and never met "économie" written without its article: a
// French restatement lost its shared words to whichever side elided.
struct Elisions {
  std::string_view language;  // Its Snowball name (CanonicalLanguage).
  std::initializer_list<std::string_view> words;
};
const Elisions kElisions[] = {
    {"french",
     {"l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu",
      "puisqu"}},
    {"italian", {"c",    "l",    "all", "dall", "dell", "nell", "sull",
                 "coll", "pell", "gl",  "agl",  "dagl", "degl", "negl",
                 "sugl", "un",   "m",   "t",    "s",    "v",    "d"}},
    {"catalan", {"d", "l", "m", "n", "s", "t"}},
};

// The stop words, then the elisions after a marker line (none: exactly
// the list's old fingerprint), so that an index whose claim stems kept
// the elided articles is told from one that drops them.
std::string FingerprintOf(const absl::flat_hash_set<std::string>& words,
                          const absl::flat_hash_set<std::string>& elisions) {
  std::string joined;
  for (const auto* set : {&words, &elisions}) {
    if (set == &elisions) {
      if (elisions.empty()) break;
      joined.append("\x01elisions\n");
    }
    std::vector<std::string_view> sorted(set->begin(), set->end());
    std::sort(sorted.begin(), sorted.end());
    for (std::string_view w : sorted) {
      joined.append(w);
      joined.push_back('\n');
    }
  }
  return absl::StrFormat("%016x", internal::HashBytes(joined, 0));
}

// The words of a module's `sub _stopwords { return qw( ... ); }`.
absl::StatusOr<std::vector<std::string>> ReadModule(const std::string& path) {
  absl::StatusOr<std::string> text = internal::ReadUtf8File(path);
  if (!text.ok()) return text.status();
  const size_t sub = text->find("_stopwords");
  const size_t open = text->find("qw(", sub == std::string::npos ? 0 : sub);
  const size_t close =
      open == std::string::npos ? open : text->find(')', open + 3);
  if (close == std::string::npos) {
    return absl::DataLossError(absl::StrCat(path, ": no qw( ... ) stop list"));
  }
  std::vector<std::string> words;
  for (absl::string_view w : absl::StrSplit(
           absl::string_view(*text).substr(open + 3, close - open - 3),
           absl::ByAnyChar(" \t\r\n"), absl::SkipEmpty())) {
    words.emplace_back(w);
  }
  return words;
}

// The words of Lucene++'s list `symbol`, read from the library's data by
// the dynamic loader: the array's address by dlsym, its size from its
// symbol table entry (the arrays end in a newline, not a NUL). The library
// stays loaded: it is a C++ library with static objects of its own, and
// the list is read once per process.
absl::StatusOr<std::vector<std::string>> ReadLuceneList(const char* library,
                                                        const char* symbol) {
  void* handle = dlopen(library, RTLD_LAZY | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* e = dlerror();
    return absl::NotFoundError(e != nullptr ? e : library);
  }
  void* data = dlsym(handle, symbol);
  Dl_info info;
  void* found = nullptr;  // The symbol's ElfW(Sym) entry.
  const ElfW(Sym)* entry = nullptr;
  if (data != nullptr && dladdr1(data, &info, &found, RTLD_DL_SYMENT) != 0) {
    entry = static_cast<const ElfW(Sym)*>(found);
  }
  if (data == nullptr || entry == nullptr || entry->st_size == 0) {
    return absl::DataLossError(
        absl::StrCat(library, ": no stop list ", symbol));
  }
  const std::string_view text(static_cast<const char*>(data), entry->st_size);
  std::vector<std::string> words;
  for (absl::string_view w :
       absl::StrSplit(absl::string_view(text.data(), text.size()),
                      absl::ByAnyChar("\r\n"), absl::SkipWhitespace())) {
    w = absl::StripAsciiWhitespace(w);
    if (w.empty() || w[0] == '#' || w.find('\0') != absl::string_view::npos) {
      continue;
    }
    words.emplace_back(w);
  }
  if (words.empty()) {
    return absl::DataLossError(
        absl::StrCat(library, ": the stop list ", symbol, " is empty"));
  }
  return words;
}

}  // namespace

size_t StopWordList::ElidedPrefix(std::string_view word) const {
  if (elisions_.empty()) return 0;
  const size_t apostrophe = word.find('\'');
  // Elisions are at most 6 letters ("quoiqu"); the word goes on after.
  if (apostrophe == std::string_view::npos || apostrophe == 0 ||
      apostrophe > 6 || apostrophe + 1 >= word.size()) {
    return 0;
  }
  const std::string_view e = word.substr(0, apostrophe);
  return elisions_.contains(absl::string_view(e.data(), e.size()))
             ? apostrophe + 1
             : 0;
}

namespace {

// Every language of Debian's libstemmer (2.2) by its Snowball name, its
// ISO 639-1 code, and the other names libstemmer takes for it (its
// modules.txt: ISO 639-2/B and /T codes).
struct LanguageNames {
  std::string_view name, iso1;
  std::initializer_list<std::string_view> others;
};
const LanguageNames kLanguages[] = {
    {"arabic", "ar", {"ara"}},
    {"armenian", "hy", {"hye", "arm"}},
    {"basque", "eu", {"eus", "baq"}},
    {"catalan", "ca", {"cat"}},
    {"danish", "da", {"dan"}},
    {"dutch", "nl", {"dut", "nld"}},
    {"english", "en", {"eng"}},
    {"finnish", "fi", {"fin"}},
    {"french", "fr", {"fre", "fra"}},
    {"german", "de", {"ger", "deu"}},
    {"greek", "el", {"gre", "ell"}},
    {"hindi", "hi", {"hin"}},
    {"hungarian", "hu", {"hun"}},
    {"indonesian", "id", {"ind"}},
    {"irish", "ga", {"gle"}},
    {"italian", "it", {"ita"}},
    {"lithuanian", "lt", {"lit"}},
    {"nepali", "ne", {"nep"}},
    {"norwegian", "no", {"nor", "nb", "nob", "nn", "nno"}},
    {"portuguese", "pt", {"por"}},
    {"romanian", "ro", {"rum", "ron"}},
    {"russian", "ru", {"rus"}},
    {"serbian", "sr", {"srp"}},
    {"spanish", "es", {"esl", "spa"}},
    {"swedish", "sv", {"swe"}},
    {"tamil", "ta", {"tam"}},
    {"turkish", "tr", {"tur"}},
    {"yiddish", "yi", {"yid"}},
};

const LanguageNames* ExactNamesOf(std::string_view language) {
  for (const LanguageNames& l : kLanguages) {
    if (l.name == language || l.iso1 == language ||
        std::find(l.others.begin(), l.others.end(), language) !=
            l.others.end()) {
      return &l;
    }
  }
  return nullptr;
}

// By any of its names, in any case, with or without a region ("German",
// "de-DE", "pt_BR": review 51b-07). The name as given is tried first: the
// analyzer asks with the canonical name for every new token, and that must
// cost no copy.
const LanguageNames* NamesOf(std::string_view given) {
  if (const LanguageNames* l = ExactNamesOf(given)) return l;
  std::string language =
      absl::AsciiStrToLower(absl::string_view(given.data(), given.size()));
  if (const size_t cut = language.find_first_of("-_");
      cut != std::string::npos && cut >= 2 && cut <= 3) {
    language.resize(cut);
  }
  return language == given ? nullptr : ExactNamesOf(language);
}

}  // namespace

std::string CanonicalLanguage(std::string_view language) {
  if (language == "porter") return "porter";  // Another English stemmer.
  const LanguageNames* l = NamesOf(language);
  return std::string(l != nullptr ? l->name : language);
}

std::string StemmerLanguageNames() {
  std::string out;
  for (const LanguageNames& l : kLanguages) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", std::string(l.name));
  }
  return out;
}

std::string IcuLanguageOf(std::string_view language) {
  if (language == "porter") return "en";
  const LanguageNames* l = NamesOf(language);
  return std::string(l != nullptr ? l->iso1 : "");
}

bool IsEnglishLanguage(std::string_view language) {
  if (language == "english" || language == "porter") return true;
  const LanguageNames* l = NamesOf(language);
  return l != nullptr && l->name == "english";
}

bool IsStopWordOf(std::string_view language, std::string_view word) {
  return IsEnglishLanguage(language) && EnglishSet().contains(word);
}

absl::StatusOr<std::shared_ptr<const StopWordList>> StopWordsOf(
    std::string_view given, const std::string& dir) {
  const std::string language = CanonicalLanguage(given);
  static std::mutex mu;
  static auto* loaded =
      new std::map<std::string, std::shared_ptr<const StopWordList>>();
  const std::string key = absl::StrCat(dir, "\n", std::string(language));
  std::lock_guard lock(mu);
  if (auto it = loaded->find(key); it != loaded->end()) return it->second;
  auto list = std::make_shared<StopWordList>();
  if (IsEnglishLanguage(language)) {
    list->words_.insert(std::begin(kEnglish), std::end(kEnglish));
  } else {
    std::string_view module;
    for (const auto& [name, m] : kModules) {
      if (name == language) module = m;
    }
    const char* lucene_symbol = nullptr;
    for (const LuceneList& l : kLuceneLists) {
      if (l.language == language) lucene_symbol = l.symbol;
    }
    absl::StatusOr<std::vector<std::string>> words = std::vector<std::string>();
    if (!module.empty()) {
      words = ReadModule(absl::StrCat(dir, "/", std::string(module), ".pm"));
      if (!words.ok()) {
        return absl::FailedPreconditionError(absl::StrCat(
            "stop words for ", std::string(language), ": ",
            words.status().message(),
            " (Snowball's lists come with Debian's liblingua-stopwords-perl)"));
      }
    } else if (lucene_symbol != nullptr) {
      words = ReadLuceneList(kLuceneLibrary, lucene_symbol);
      if (!words.ok()) {
        return absl::FailedPreconditionError(
            absl::StrCat("stop words for ", std::string(language), ": ",
                         words.status().message(),
                         " (Lucene++'s lists come with Debian's "
                         "liblucene++-contrib0v5)"));
      }
    }
    // Normalized as the words they are compared with (Arabic's hamza forms
    // fold to bare alef, as in the text). Greek's list is unaccented, as
    // TermAnalyzer::Word makes Greek words.
    for (const std::string& w : *words) {
      list->words_.insert(Normalize(w).text());
    }
  }
  for (const Elisions& e : kElisions) {
    if (language == e.language) {
      list->elisions_.insert(e.words.begin(), e.words.end());
    }
  }
  list->fingerprint_ = FingerprintOf(list->words_, list->elisions_);
  loaded->emplace(key, list);
  return std::shared_ptr<const StopWordList>(std::move(list));
}

namespace {

// Negation words of the other languages with a stop list, as the
// normalizer leaves them (case-folded, accents kept; Arabic's hamza forms
// as bare alef): particles, negative pronouns and adverbs, and "without".
// By Snowball name (CanonicalLanguage).
struct Negations {
  std::string_view language;
  std::initializer_list<std::string_view> words;
};
const Negations kOtherNegations[] = {
    {"arabic",
     {"لا", "ولا", "لم", "ولم", "لن", "ولن", "ليس", "ليست", "غير", "بدون",
      "دون"}},
    {"greek",
     {"δεν", "μην", "μη", "όχι", "οχι", "ποτέ", "ποτε", "κανείς", "κανεις",
      "τίποτα", "τιποτα", "χωρίς", "χωρις", "ούτε", "ουτε"}},
    {"danish", {"ikke", "aldrig", "ingen", "intet", "uden", "hverken"}},
    {"dutch",
     {"niet", "geen", "nooit", "niemand", "niets", "nergens", "zonder",
      "noch"}},
    {"finnish",
     {"ei", "en", "et", "emme", "ette", "eivät", "eikä", "ilman", "koskaan"}},
    {"french",
     {"ne", "pas", "jamais", "aucun", "aucune", "rien", "nul", "nulle", "sans",
      "ni", "non", "nullement", "guère"}},
    {"german",
     {"nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie",
      "niemals", "niemand", "nichts", "nirgends", "ohne", "weder"}},
    {"hungarian",
     {"nem", "sem", "nincs", "nincsenek", "soha", "semmi", "senki", "sehol",
      "nélkül"}},
    {"indonesian",
     {"tidak", "tak", "bukan", "belum", "tanpa", "jangan", "tiada"}},
    {"italian",
     {"non", "mai", "nessuno", "nessuna", "niente", "nulla", "senza", "né"}},
    {"norwegian", {"ikke", "aldri", "ingen", "intet", "uten", "verken"}},
    {"portuguese",
     {"não", "nunca", "jamais", "nenhum", "nenhuma", "ninguém", "nada", "sem",
      "nem"}},
    {"romanian",
     {"nu", "niciodată", "nimeni", "nimic", "fără", "nici", "niciun", "nicio"}},
    {"russian",
     {"не", "нет", "никогда", "никто", "ничто", "ничего", "ни", "без",
      "нигде"}},
    {"spanish",
     {"no", "nunca", "jamás", "ningún", "ninguno", "ninguna", "nadie", "nada",
      "sin", "ni", "tampoco"}},
    {"swedish",
     {"inte", "ej", "aldrig", "ingen", "inget", "inga", "utan", "varken"}},
};

}  // namespace

DenialCue DenialCueOf(std::string_view word, std::string_view language) {
  if (!IsEnglishLanguage(language)) return DenialCue::kNone;
  // Verbs of denial and refusal, and words that negate without a negation
  // word: "failed to recover" is "has not recovered", "the home secretary
  // rather than a judge" / "and not judges", "the least likely to win" /
  // "may not win" (BBC matches flagged negation_differs for want of them,
  // docs/quality.md "A claim and its denial"). "resisted calls to publish"
  // / "refuses to publish" (BBC) say one thing.
  static constexpr std::string_view kBeforeTo[] = {
      "refuse",  "refuses",  "refused",   "refusing",  "fail",
      "fails",   "failed",   "failing",   "unable",    "unwilling",
      "neglect", "neglects", "neglected", "neglecting"};
  static constexpr std::string_view kWords[] = {
      "deny",     "denies",    "denied", "denying", "reject",   "rejects",
      "rejected", "rejecting", "resist", "resists", "resisted", "resisting",
      "rather",   "instead",   "least",  "lack",    "lacks",    "lacked",
      "lacking",  "avoid",     "avoids", "avoided", "avoiding", "against"};
  if (std::find(std::begin(kBeforeTo), std::end(kBeforeTo), word) !=
      std::end(kBeforeTo)) {
    return DenialCue::kBeforeTo;
  }
  // "declined to" is left out: as often a fall ("declined to record lows",
  // "to five million") as a refusal (review 48c-01).
  if (word == "yet") return DenialCue::kOnlyBeforeTo;
  if (word == "failure" || word == "failures") return DenialCue::kNounBeforeTo;
  return std::find(std::begin(kWords), std::end(kWords), word) !=
                 std::end(kWords)
             ? DenialCue::kWord
             : DenialCue::kNone;
}

HedgeCue HedgeCueOf(std::string_view word, std::string_view language) {
  if (!IsEnglishLanguage(language)) return HedgeCue::kNone;
  static constexpr std::string_view kAlways[] = {
      "could",      "might",      "may",       "would",     "possibly",
      "probably",   "perhaps",    "possible",  "potential", "likely",
      "unlikely",   "reportedly", "allegedly", "alleged",   "supposedly",
      "apparently", "rumoured",   "rumored",   "suspected", "purportedly"};
  static constexpr std::string_view kBeforeTo[] = {
      "expected",   "tipped",     "set",       "poised",    "predicted",
      "forecast",   "bound",      "favourite", "favorite",  "plan",
      "plans",      "planned",    "planning",  "hope",      "hopes",
      "hoped",      "hoping",     "aim",       "aims",      "aiming",
      "intend",     "intends",    "intended",  "intending", "threaten",
      "threatens",  "threatened", "want",      "wants",     "wanted",
      "seek",       "seeks",      "seeking",   "thought",   "believed",
      "understood", "appears",    "appear",    "appeared",  "seems",
      "seem",       "seemed"};
  static constexpr std::string_view kWeak[] = {
      "will",       "shall",       "can",         "should",  "must",
      "promise",    "promises",    "promised",    "pledge",  "pledges",
      "pledged",    "vow",         "vows",        "vowed",   "fear",
      "fears",      "feared",      "betting",     "if",      "unless",
      "whether",    "allegation",  "allegations", "accused", "accuses",
      "accusation", "accusations", "charged",     "claim",   "claims",
      "claimed"};
  static constexpr std::string_view kWeakBeforeTo[] = {
      "is",   "are", "was", "were", "be",   "been",
      "have", "has", "had", "need", "needs"};
  auto in = [word](std::span<const std::string_view> list) {
    return std::find(list.begin(), list.end(), word) != list.end();
  };
  if (in(kAlways)) return HedgeCue::kAlways;
  if (in(kWeak) || (word.size() > 3 && word.ends_with("'ll"))) {
    return HedgeCue::kWeak;
  }
  if (in(kBeforeTo)) return HedgeCue::kBeforeTo;
  if (in(kWeakBeforeTo)) return HedgeCue::kWeakBeforeTo;
  return HedgeCue::kNone;
}

bool IsNegationCue(std::string_view word, std::string_view language) {
  if (IsEnglishLanguage(language)) {
    if (word.size() > 3 && word.ends_with("n't")) return true;
    for (std::string_view n : kNegations) {
      if (word == n) return true;
    }
    return false;
  }
  // French elides "ne" before a vowel: "n'a", "n'est" are one token.
  if (language == "french" && word.size() > 2 && word.starts_with("n'")) {
    return true;
  }
  for (const Negations& n : kOtherNegations) {
    if (language != n.language) continue;
    for (std::string_view w : n.words) {
      if (word == w) return true;
    }
    return false;
  }
  return false;
}

}  // namespace refrain
