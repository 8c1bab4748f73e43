#include "stopwords.h"

#include <string_view>

#include "absl/container/flat_hash_set.h"

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

const absl::flat_hash_set<std::string_view>& EnglishSet() {
  static const auto* set = new absl::flat_hash_set<std::string_view>(
      std::begin(kEnglish), std::end(kEnglish));
  return *set;
}

}  // namespace

bool IsStopWordOf(std::string_view language, std::string_view word) {
  if (language != "english" && language != "en" && language != "porter") {
    return false;
  }
  return EnglishSet().contains(word);
}

bool IsNegationCue(std::string_view word) {
  if (word.size() > 3 && word.ends_with("n't")) return true;
  for (std::string_view n : kNegations) {
    if (word == n) return true;
  }
  return false;
}

}  // namespace refrain
