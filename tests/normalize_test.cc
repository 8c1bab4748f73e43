#include "refrain/normalize.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "normalize_internal.h"

namespace refrain {
namespace {

std::string N(std::string_view s) { return Normalize(s).text(); }

std::vector<std::string> Words(std::string_view s) {
  NormalizedText n = Normalize(s);
  std::vector<Token> tokens;
  Tokenize(n.text(), &tokens);
  std::vector<std::string> out;
  for (const Token& t : tokens)
    out.push_back(n.text().substr(t.begin, t.end - t.begin));
  return out;
}

// The original bytes behind each token.
std::vector<std::string> OriginalWords(std::string_view s) {
  NormalizedText n = Normalize(s);
  std::vector<Token> tokens;
  Tokenize(n.text(), &tokens);
  std::vector<std::string> out;
  for (const Token& t : tokens) {
    Span sp = n.ToOriginal(t.begin, t.end);
    out.emplace_back(s.substr(sp.begin, sp.size()));
  }
  return out;
}

TEST(Normalize, EdgeCases) {
  EXPECT_EQ(N(""), "");
  EXPECT_EQ(N("Hello World"), "hello world");
  EXPECT_EQ(N("ＡＢＣ１２３"), "abc123");             // fullwidth
  EXPECT_EQ(N("ﬁnance"), "finance");                  // ligature
  EXPECT_EQ(N("STRASSE Straße"), "strasse strasse");  // case folding
  EXPECT_EQ(N("e\xCC\x81t\xC3\xA9"),
            "\xC3\xA9t\xC3\xA9");  // combining mark composes
  EXPECT_EQ(N("“quoted” ‘single’ «guillemets»"),
            "\"quoted\" 'single' \"guillemets\"");
  EXPECT_EQ(N("Lavrov’s"), "lavrov's");
  EXPECT_EQ(N("a–b—c−d"), "a-b-c-d");        // en, em, minus
  EXPECT_EQ(N("ПРИВЕТ мир"), "привет мир");  // Cyrillic case
  EXPECT_EQ(N("x\xC2\xADy"), "xy");          // soft hyphen dropped
  EXPECT_EQ(N("line1\nline2"), "line1\nline2");
  // Optional marks folded away (review 39b-05): Arabic vowels and tatweel,
  // Hebrew points, Russian ё as е (and Ё, case folded first).
  EXPECT_EQ(N("\u0643\u064e\u062a\u064e\u0628\u064e"), "\u0643\u062a\u0628");
  EXPECT_EQ(N("\u0643\u0640\u062a\u0628"), "\u0643\u062a\u0628");
  EXPECT_EQ(N("\u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd"),
            "\u05e9\u05dc\u05d5\u05dd");
  EXPECT_EQ(N("\u0451\u0436 \u0401\u041b\u041a\u0410"),
            "\u0435\u0436 \u0435\u043b\u043a\u0430");
  EXPECT_EQ(N("\u05d0\u05be\u05d1"), "\u05d0\u05be\u05d1");  // maqaf stays
  // Turkish capital dotted I folds to plain i, not i and a combining dot;
  // letters NFKC composes with the dot keep it.
  EXPECT_EQ(N("\u0130stanbul \u0130ZM\u0130R"), "istanbul izmir");
  EXPECT_EQ(N("z\u0307 \u017b"), "\u017c \u017c");  // ż
  // Digits of every script are ASCII digits, with the Arabic separators and
  // percent sign; Arabic letters with hamza or madda are bare alef, final ى
  // is ي and ة is ه, as Lucene folds them (review 51b-04).
  EXPECT_EQ(N("\u0662\u0667\u066b\u0662\u0665\u066a"), "27.25%");
  EXPECT_EQ(N("\u0661\u066c\u0665\u0660\u0660"), "1,500");
  EXPECT_EQ(N("\u06f2\u06f0\u06f0 \u0e52\u0e50\u0e50 \u0968\u0966\u0966"),
            "200 200 200");  // Persian, Thai, Devanagari
  EXPECT_EQ(N("\u0623\u0639\u0644\u0646 \u0625\u0644\u0649 "
              "\u0622\u062e\u0631 \u0645\u062f\u064a\u0646\u0629"),
            "\u0627\u0639\u0644\u0646 \u0627\u0644\u064a "
            "\u0627\u062e\u0631 \u0645\u062f\u064a\u0646\u0647");
  EXPECT_EQ(N("\u00b2 \u2163"), "2 iv");  // NFKC's own: not decimal digits
}

TEST(Normalize, OffsetsPointIntoTheOriginal) {
  EXPECT_EQ(OriginalWords("ＡＢＣ def"),
            (std::vector<std::string>{"ＡＢＣ", "def"}));
  EXPECT_EQ(OriginalWords("the ﬁnal word"),
            (std::vector<std::string>{"the", "ﬁnal", "word"}));
  EXPECT_EQ(OriginalWords("cafe\xCC\x81 ok"),
            (std::vector<std::string>{"cafe\xCC\x81", "ok"}));
  EXPECT_EQ(OriginalWords("“Islamic State’s plans”"),
            (std::vector<std::string>{"Islamic", "State’s", "plans"}));
  // A word whose marks were folded away quotes them still.
  EXPECT_EQ(OriginalWords("\u0643\u064e\u062a\u064e\u0628\u064e \u0451\u0436"),
            (std::vector<std::string>{"\u0643\u064e\u062a\u064e\u0628\u064e",
                                      "\u0451\u0436"}));
}

TEST(Normalize, WithoutOffsetsIsTheSameText) {
  for (std::string_view s :
       {"", "plain ascii TEXT", "“Curly” — dashes – and ‘quotes’",
        "e\xCC\x81t\xC3\xA9 cafe\xCC\x81", "ＦＵＬＬ ｗｉｄｔｈ ﬁﬂ",
        "ПРИВЕТ, Мир! Ёлка", "東京大学で「研究」する", "Straße ΣΊΣΥΦΟΣ",
        "mixed ascii é\xCC\xA3\xCC\x81 ÅNGSTRÖM x\xC2\xADy",
        "a\xCC\x81\xCC\x81\xCC\x81"
        "b"}) {
    std::string fast;
    NormalizeInto(s, &fast);
    EXPECT_EQ(fast, N(s)) << s;
  }
}

TEST(Tokenize, Words) {
  EXPECT_EQ(Words("Islamic State's allies"),
            (std::vector<std::string>{"islamic", "state's", "allies"}));
  EXPECT_EQ(Words("Afghan-Tajik border"),
            (std::vector<std::string>{"afghan", "tajik", "border"}));
  EXPECT_EQ(
      Words("at least 2,000 militants, 3.5%"),
      (std::vector<std::string>{"at", "least", "2,000", "militants", "3.5"}));
  EXPECT_EQ(Words("'quoted' ... !!!"), (std::vector<std::string>{"quoted"}));
  EXPECT_EQ(Words("东京大学"),
            (std::vector<std::string>{"东", "京", "大", "学"}));
  EXPECT_EQ(Words("مرحبا بالعالم"),
            (std::vector<std::string>{"مرحبا", "بالعالم"}));
  EXPECT_TRUE(Words("... --- !!!").empty());
}

// Thai, Lao, Khmer and Burmese write words without spaces in letters: ICU's
// dictionaries find the words (as letters, any two Thai sentences shared
// most tokens: review 39b-02). Each token maps back to its original bytes,
// among them SARA AM, which NFKC writes as two characters.
TEST(Tokenize, DictionaryScriptsAreCutIntoWords) {
  EXPECT_EQ(Words("รัฐบาลจะลดภาษี"),
            (std::vector<std::string>{"รัฐบาล", "จะ", "ลด", "ภาษี"}));
  // Around Latin words and digits, and after them in one run.
  EXPECT_EQ(Words("BBC รัฐบาล 2026"),
            (std::vector<std::string>{"bbc", "รัฐบาล", "2026"}));
  const std::string thai = "ทีมชาติไทยชนะการแข่งขันนัดสำคัญ";
  const std::vector<std::string> original = OriginalWords(thai);
  EXPECT_GE(original.size(), 5u);
  EXPECT_LE(original.size(), 12u);
  std::string joined;
  for (const std::string& w : original) joined += w;
  EXPECT_EQ(joined, thai);
  // A Burmese sentence: words, not its 40-odd letters and marks.
  const std::vector<std::string> burmese = Words(
      "မိုးလေဝသဌာနက "
      "နောက်အပတ်");
  EXPECT_GE(burmese.size(), 2u);
  EXPECT_LE(burmese.size(), 8u);
}

TEST(Tokenize, RunBoundaries) {
  NormalizedText n =
      Normalize("One two. Three four\nfive \"six.\" Seven U.S. eight");
  std::vector<Token> t;
  Tokenize(n.text(), &t);
  std::vector<bool> starts;
  for (const Token& tok : t) starts.push_back(tok.starts_run);
  // one two | three four | five six | seven u s | eight
  EXPECT_EQ(starts, (std::vector<bool>{true, false, true, false, true, false,
                                       true, false, false, true}));
}

// The tokenizer reads SIMD byte masks 64 bytes at a time, so the same text
// must give the same tokens wherever it falls against those blocks: shifted
// by k leading spaces (k = 0..130), every token shifts by k and keeps its
// run flag. The texts mix long words, runs of spaces, joiners, sentence
// ends and multi-byte characters so that every kind of stretch crosses a
// block edge at some shift. Fixed seed.
TEST(Tokenize, SameTokensAtEveryAlignment) {
  const std::vector<std::string> pieces = {"word",
                                           " ",
                                           "  ",
                                           "supercalifragilisticexpialidocious",
                                           ". ",
                                           "state's",
                                           "2,000.5",
                                           "\n",
                                           "\"quoted.\" ",
                                           "caf\xc3\xa9",
                                           "\xe4\xb8\x9c",
                                           "-",
                                           "a",
                                           "x1y2",
                                           "U.S.",
                                           "!",
                                           "\t",
                                           "  ; ",
                                           "'",
                                           "0"};
  uint64_t rng = 42;
  auto next = [&rng] {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>(rng >> 33);
  };
  for (int trial = 0; trial < 200; ++trial) {
    std::string text;
    const size_t n = 5 + next() % 60;
    for (size_t i = 0; i < n; ++i) text += pieces[next() % pieces.size()];
    std::vector<Token> base;
    Tokenize(text, &base);
    for (uint32_t k = 1; k <= 130; ++k) {
      std::vector<Token> shifted;
      Tokenize(std::string(k, ' ') + text, &shifted);
      ASSERT_EQ(shifted.size(), base.size()) << "shift " << k << ": " << text;
      for (size_t t = 0; t < base.size(); ++t) {
        ASSERT_EQ(shifted[t].begin, base[t].begin + k) << text;
        ASSERT_EQ(shifted[t].end, base[t].end + k) << text;
        // The first token always starts a run; others keep their flag.
        ASSERT_EQ(shifted[t].starts_run, t == 0 || base[t].starts_run)
            << "shift " << k << " token " << t << ": " << text;
      }
    }
  }
}

// Tokenize reads all-ASCII 64-byte blocks with bit operations (joiners and
// sentence ends included) and other blocks by stretches and characters; the
// tokens must be those of the definition, one character at a time. Random
// texts of pieces that put every kind of byte against every block edge
// (lengths 1-700 bytes, shifted by 0-70 spaces); fixed seed.
TEST(Tokenize, SameTokensAsTheDefinition) {
  const std::vector<std::string> pieces = {
      "word",
      " ",
      "  ",
      "a",
      "0",
      "x1y2",
      "'",
      "state's",
      "o'",
      "'s",
      "2,000.5",
      "1.",
      ".5",
      ",",
      ".",
      "!",
      "?",
      ";",
      ":",
      "\n",
      "\t",
      "\r",
      "\v",
      "\f",
      "\"",
      ")",
      "(",
      "-",
      "%",
      "U.S.",
      "\" ",
      ". \"",
      ".)",
      "caf\xc3\xa9",
      "\xc3\xa9",
      "l'\xc3\xa9t\xc3\xa9",
      "\xe4\xb8\x9c",
      "\xe2\x80\x99",
      "\xe3\x80\x82",
      "\xe2\x80\xa9",
      "\xc2\xa0",
      "\xd9\xa3",
      "3\xd9\xa3",
      "\x01",
      "\x1c",
      std::string(1, '\0'),
      "supercalifragilisticexpialidocious"};
  uint64_t rng = 7;
  auto next = [&rng] {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>(rng >> 33);
  };
  size_t tokens_seen = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string text(next() % 71, ' ');
    // Mostly ASCII texts (so that whole blocks take the bit path), some
    // with non-ASCII pieces anywhere.
    const bool ascii_only = trial % 2 == 0;
    const size_t n = 1 + next() % 120;
    for (size_t i = 0; i < n; ++i) {
      const std::string& piece = pieces[next() % pieces.size()];
      if (ascii_only && static_cast<unsigned char>(piece[0]) >= 0x80) continue;
      text += piece;
    }
    std::vector<Token> got, want;
    Tokenize(text, &got);
    internal::TokenizeReference(text, &want);
    ASSERT_EQ(got.size(), want.size()) << testing::PrintToString(text);
    for (size_t t = 0; t < got.size(); ++t) {
      ASSERT_EQ(got[t].begin, want[t].begin) << testing::PrintToString(text);
      ASSERT_EQ(got[t].end, want[t].end) << testing::PrintToString(text);
      ASSERT_EQ(got[t].starts_run, want[t].starts_run)
          << "token " << t << ": " << testing::PrintToString(text);
    }
    tokens_seen += got.size();
  }
  EXPECT_GT(tokens_seen, 40000u);
}

// Plain words and spaces only: the tokens are exactly the runs of letters
// and digits, one run in all, whatever the lengths around 64-byte edges.
TEST(Tokenize, WordsAndSpacesAtBlockEdges) {
  for (size_t word = 1; word <= 70; word += 3) {
    for (size_t gap = 1; gap <= 66; gap += 5) {
      std::string text;
      std::vector<std::pair<uint32_t, uint32_t>> expected;
      while (text.size() < 300) {
        expected.emplace_back(text.size(), text.size() + word);
        text += std::string(word, 'a' + (expected.size() % 26));
        text += std::string(gap, ' ');
      }
      std::vector<Token> tokens;
      Tokenize(text, &tokens);
      ASSERT_EQ(tokens.size(), expected.size()) << word << " " << gap;
      for (size_t t = 0; t < tokens.size(); ++t) {
        EXPECT_EQ(tokens[t].begin, expected[t].first);
        EXPECT_EQ(tokens[t].end, expected[t].second);
        EXPECT_EQ(tokens[t].starts_run, t == 0);
      }
    }
  }
}

// A word opened after a sentence end clears it: a tab or a closing quote
// after that word is not a second boundary.
TEST(Tokenize, WordAfterSentenceEndClearsIt) {
  auto starts = [](std::string_view text) {
    std::vector<Token> t;
    Tokenize(text, &t);
    std::vector<bool> out;
    for (const Token& tok : t) out.push_back(tok.starts_run);
    return out;
  };
  EXPECT_EQ(starts("done. word\tnext"), (std::vector<bool>{true, true, false}));
  EXPECT_EQ(starts("done. word\" next"),
            (std::vector<bool>{true, true, false}));
  EXPECT_EQ(starts("done.\tword next"), (std::vector<bool>{true, true, false}));
  EXPECT_EQ(starts("done. \"word\" next"),
            (std::vector<bool>{true, true, false}));
  EXPECT_EQ(starts("done.\" next"), (std::vector<bool>{true, true}));
}

// Hard-wrapped text (a wire feed at 72 columns): a line break inside a
// sentence starts no run, so that a wrapped copy keeps the unwrapped
// article's shingles (Shingle.HardWrappedCopyKeepsTheShingles). One mark
// per gap between two words that holds a line break: 'j' when the word
// after it starts no run (joined), '|' when it does.
TEST(Tokenize, HardWrappedLinesRunOn) {
  auto joins = [](std::string_view text) {
    const NormalizedText n = Normalize(text);
    const std::string_view t = n.text();
    std::vector<Token> tokens;
    Tokenize(t, &tokens);
    std::string out;
    for (size_t i = 1; i < tokens.size(); ++i) {
      const std::string_view gap =
          t.substr(tokens[i - 1].end, tokens[i].begin - tokens[i - 1].end);
      if (gap.find_first_of("\r\n") != std::string_view::npos) {
        out += tokens[i].starts_run ? '|' : 'j';
      }
    }
    return out;
  };
  auto with_eol = [](std::string_view text, std::string_view eol) {
    std::string out;
    for (char c : text) {
      if (c == '\n') {
        out += eol;
      } else {
        out += c;
      }
    }
    return out;
  };
  // Lines of 40 to 60 characters that run their sentences on.
  const std::string wrapped =
      "The national railway company said on Tuesday that\n"
      "the strike by its drivers in the north would go ahead\n"
      "next week, after talks with the union broke down late\n"
      "on Monday evening in the capital. Commuters will have\n"
      "no trains for the whole week, officials said.";
  EXPECT_EQ(joins(wrapped), "jjjj");
  for (std::string_view eol : {"\r\n", "\r", "\r\r\n"}) {
    EXPECT_EQ(joins(with_eol(wrapped, eol)), "jjjj") << eol.size();
  }
  // Two line breaks are too few to call a text wrapped.
  EXPECT_EQ(joins("The national railway company said on Tuesday that\n"
                  "the strike by its drivers in the north would go ahead\n"
                  "next week."),
            "||");
  // Blank lines between the lines: paragraphs, never run on.
  EXPECT_EQ(joins(with_eol(wrapped, "\n\n")), "||||");
  // One paragraph a line: only the headline's line lacks a stop.
  EXPECT_EQ(joins("Rail strike goes ahead\n"
                  "The national railway company said on Tuesday that the "
                  "strike would go ahead.\n"
                  "Commuters will have no trains for the whole week.\n"
                  "Officials said talks had broken down."),
            "|||");
  // In wrapped text a line after a stop, or before a bullet or a dash,
  // keeps its run; a quotation mark, a bracket, a currency sign or the ">"
  // of quoted mail does not stop one.
  EXPECT_EQ(joins("The national railway company said on Tuesday that\n"
                  "the strike by its drivers in the north would go ahead.\n"
                  "Next week, after talks with the union broke down late\n"
                  "- on Monday evening in the capital city of the country\n"
                  "commuters will have no trains for the whole of the week\n"
                  "and officials said the strike could last even longer."),
            "j||jj");
  EXPECT_EQ(joins("The national railway company said profits rose to\n"
                  "$284m last year, and sales in the north of the country\n"
                  "\"fell sharply\" in the second half of the year, it said\n"
                  "(by far the worst result) in the company's whole history\n"
                  "> of more than a hundred years of running trains, with\n"
                  "\u00A33m lost."),
            "jjjjj");
  // A short line in wrapped text (a subheading, a byline) is no wrap: its
  // next word would have fitted the width of the wrapped lines.
  EXPECT_EQ(joins("The national railway company said on Tuesday that\n"
                  "the strike by its drivers in the north would go ahead\n"
                  "next week after talks with the union broke down late\n"
                  "on Monday evening in the capital city of the country.\n"
                  "Strike talks\n"
                  "Commuters will be left without a service for the\n"
                  "whole of next week, and officials said the strike\n"
                  "could last even longer than the unions had said."),
            "jjj||jj");
  // Lines under 40 characters are no wrap of prose, however full: verse,
  // bylines, an address, a list of fixtures.
  EXPECT_EQ(joins("Two roads diverged in a yellow wood,\n"
                  "And sorry I could not travel both\n"
                  "And be one traveler, long I stood\n"
                  "And looked down one as far as I could\n"
                  "To where it bent in the undergrowth"),
            "||||");
  EXPECT_EQ(joins("Arsenal v Stoke\nSwindon/Notts Co v Middlesbrough\n"
                  "Man Utd v Exeter\nPlymouth v Everton\nLeicester v "
                  "Blackpool\nDerby v Wigan"),
            "|||||");
}

TEST(Tokenize, CountWords) {
  EXPECT_EQ(CountWords(""), 0u);
  EXPECT_EQ(CountWords("of special concern are Islamic State’s plans"), 7u);
}

}  // namespace
}  // namespace refrain
