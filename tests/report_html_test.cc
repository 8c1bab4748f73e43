// Tests of report.html (WriteHtml) on synthetic reports: escaping of hostile
// text, self-containment and the CSP script hash, shared words marked in
// claim clusters, the article view's spans and anchors, the heatmap, caps at
// scale, determinism, and WriteReports writing every file (or, when a
// write fails, none; with two writers, every file of one).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hash.h"
#include "refrain/claim_score.h"
#include "refrain/report.h"
#include "refrain/scan.h"
#include "test_util.h"

namespace refrain {
namespace {

using testing::CorpusDir;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

constexpr char kPython[] = "/usr/bin/python3";

const std::vector<std::string>& Payloads() {
  static const std::vector<std::string> p = {
      "<script>document.title='pwned'</script>",
      "<img src=x onerror=\"document.title='pwned'\">",
      "\"><svg onload=\"document.title='pwned'\">",
      "' onmouseover='alert(1)",
      "</textarea></style></title><b>bold</b>",
      "AT&T &amp; co",
      "\x1b[31mred\x1b[0m\x07 bell",
  };
  return p;
}

// The escaping WriteHtml promises, written out independently.
std::string Escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '\x1b':
      case '\x07':
        out += "&#xFFFD;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

Document MakeDoc(std::string id, std::string title, std::string text,
                 std::string source = "") {
  Document d;
  d.id = std::move(id);
  d.title = std::move(title);
  d.text = std::move(text);
  d.source = std::move(source);
  d.location = d.id;
  return d;
}

// Fills similarity, clusters and pairs of `r` from near-duplicate edges.
void SetEdges(Report& r, const std::vector<Edge>& edges) {
  r.similarity =
      BuildSimilarityMatrix(static_cast<uint32_t>(r.documents.size()), edges);
  r.clusters.clear();
  for (Cluster& c : ConnectedComponents(r.similarity)) {
    const uint32_t kept = c.representative;
    r.clusters.push_back({std::move(c), false, {kept}});
  }
  r.pairs.clear();
  for (const Edge& e : MatrixEdges(r.similarity)) {
    r.pairs.push_back({e.a, e.b, e.similarity, e.similarity, e.similarity});
  }
  r.records = r.documents.size() + r.skipped.size();
}

// Span of the first occurrence of `needle` in document `d`'s text.
Span Find(const Report& r, uint32_t d, const std::string& needle) {
  const size_t at = r.documents[d].text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return {static_cast<uint32_t>(at), static_cast<uint32_t>(at + needle.size())};
}

const char kClaimA[] =
    "Russia is seriously concerned over Islamic State plans in Central Asia.";
const char kClaimB[] =
    "The plans of the Islamic State in Central Asia are of particular concern.";

// Three articles: 0 and 1 near-duplicates, 0 and 2 sharing a claim; the
// claim in 0 is a sentence with a quote inside it (overlapping units).
Report ClaimReport() {
  Report r;
  r.documents.push_back(MakeDoc("tass-1", "Moscow concerned",
                                std::string("Moscow, June 3. ") + kClaimA +
                                    " He added: \"we will not stand by\"."));
  r.documents.push_back(MakeDoc("tass-1-copy", "Moscow concerned (copy)",
                                r.documents[0].text + " Copy.", "Mirror"));
  r.documents.push_back(MakeDoc("ocean-7", "Russia accredits Taliban",
                                std::string("Lavrov spoke. ") + kClaimB,
                                "Times of Ocean"));
  r.documents[2].url = "https://example.org/ocean-7";
  SetEdges(r, {{0, 1, 0.9}});
  ClaimsResult& c = r.claims;
  c.units = {
      {0, UnitKind::kSentence, Find(r, 0, kClaimA)},
      {0, UnitKind::kQuote, Find(r, 0, "Islamic State plans in Central Asia")},
      {2, UnitKind::kSentence, Find(r, 2, kClaimB)}};
  c.matches = {{0, 2, 0.8, 0.6}, {1, 2, 0.7, 0.5}};
  c.clusters = {{{0, 1, 2}, {0, 2}, 0.7, 0.75, {}}};
  c.threshold = 0.5;
  return r;
}

std::string Html(const Report& r, const HtmlOptions& o = {}) {
  std::ostringstream out;
  WriteHtml(r, out, o);
  return out.str();
}

// Two documents, each its text `a` / `b` as one sentence unit, matched
// (score 0.8).
const Report& OneMatch(Report* r, const std::string& a, const std::string& b) {
  r->documents = {MakeDoc("a", "", a), MakeDoc("b", "", b)};
  r->claims.units = {{0, UnitKind::kSentence, Find(*r, 0, a)},
                     {1, UnitKind::kSentence, Find(*r, 1, b)}};
  r->claims.matches = {{0, 1, 0.8, 0.8}};
  r->claims.clusters = {{{0, 1}, {0, 1}, 0.8, 0.8, {}}};
  return *r;
}

TEST(ReportHtml, EscapesHostileTextEverywhere) {
  Report r;
  std::string all;
  for (const std::string& p : Payloads()) all += p + " ";
  const std::string sentence =
      "The minister said " + Payloads()[1] + " plans will fail.";
  for (int i = 0; i < 2; ++i) {
    Document d = MakeDoc(absl::StrCat(Payloads()[i], i), Payloads()[2] + all,
                         all + "\n" + sentence + "\n" + all, Payloads()[0]);
    d.date = Payloads()[3];
    d.url = "javascript:document.title='pwned'";
    r.documents.push_back(d);
  }
  r.skipped.push_back({Payloads()[4], "duplicate id '" + Payloads()[1] + "'"});
  SetEdges(r, {{0, 1, 1.0}});
  r.claims.units = {{0, UnitKind::kSentence, Find(r, 0, sentence)},
                    {1, UnitKind::kSentence, Find(r, 1, sentence)}};
  r.claims.matches = {{0, 1, 0.9, 0.9}};
  r.claims.clusters = {{{0, 1}, {0, 1}, 0.9, 0.9, {}}};
  r.options.claims.language = Payloads()[0];  // Shown in the parameters.
  const std::string html = Html(r);
  for (const std::string& p : Payloads()) {
    EXPECT_EQ(html.find(p), std::string::npos) << "unescaped: " << p;
    EXPECT_NE(html.find(Escaped(p)), std::string::npos) << "not shown: " << p;
  }
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  EXPECT_EQ(html.find("pwned'\""), std::string::npos);
  // Nothing from the input reaches the script.
  const size_t script = html.rfind("<script>");
  ASSERT_NE(script, std::string::npos);
  EXPECT_EQ(html.find("pwned", script), std::string::npos);
  EXPECT_EQ(Count(html, "<script>"), 1u);
  EXPECT_EQ(Count(html, "<img"), 0u);
  // A right-to-left override (U+202E) in a title ends with its element
  // (review, twenty-ninth session: it reversed the badges after it).
  EXPECT_NE(html.find("span,a,td,th,li,summary{unicode-bidi:isolate}"),
            std::string::npos);
}

TEST(ReportHtml, OnlyHttpUrlsBecomeLinks) {
  Report r = ClaimReport();
  r.documents[0].url = " javascript:alert(1)";
  r.documents[1].url = "data:text/html,<script>alert(1)</script>";
  const std::string html = Html(r);
  EXPECT_NE(html.find("href=\"https://example.org/ocean-7\""),
            std::string::npos);
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  EXPECT_EQ(html.find("data:text"), std::string::npos);
}

TEST(ReportHtml, IsSelfContained) {
  const std::string html = Html(ClaimReport());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(
      html.find("Content-Security-Policy\" content=\"default-src 'none';"),
      std::string::npos);
  for (const char* external :
       {" src=", "<link", "@import", "url(http", "<iframe", "<img"}) {
    EXPECT_EQ(html.find(external), std::string::npos) << external;
  }
  // The only URLs: the SVG namespace and the article's own link.
  EXPECT_EQ(Count(html, "http://") + Count(html, "https://"),
            Count(html, "http://www.w3.org/2000/svg") + 1);
}

TEST(ReportHtml, CspNamesTheHashOfItsScript) {
  ASSERT_TRUE(std::filesystem::exists(kPython)) << "needs Debian's python3";
  TempDir dir;
  WriteFile(dir / "report.html", Html(ClaimReport()));
  WriteFile(dir / "check.py", R"py(
import base64, hashlib, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
csp = re.search(r"script-src 'sha256-([A-Za-z0-9+/=]+)'", html).group(1)
digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
print(len(scripts), csp, digest)
sys.exit(0 if len(scripts) == 1 and csp == digest else 1)
)py");
  const std::string cmd = std::string(kPython) + " " + (dir / "check.py") +
                          " " + (dir / "report.html") + " >" + (dir / "log") +
                          " 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << ReadFile(dir / "log");
}

TEST(ReportHtml, ClaimClusterShowsOriginalsSideBySideWithSharedWordsMarked) {
  const std::string html = Html(ClaimReport());
  ASSERT_NE(html.find("class=\"card claim filterable\" id=\"claim-1\""),
            std::string::npos);
  EXPECT_EQ(Count(html, "<figure class=\"member\">"), 3u);
  // Shared stems are marked ("concerned" ~ "concern", "plans" ~ "plans"),
  // runs separated by spaces read as one mark, stop words are not marked.
  EXPECT_NE(
      html.find(
          "<blockquote dir=\"auto\">Russia is seriously <mark>concerned</mark> "
          "over "
          "<mark>Islamic "
          "State plans</mark> in <mark>Central Asia</mark>.</blockquote>"),
      std::string::npos)
      << html;
  EXPECT_NE(
      html.find(
          "<blockquote dir=\"auto\">The <mark>plans</mark> of the "
          "<mark>Islamic "
          "State</mark> in "
          "<mark>Central Asia</mark> are of particular <mark>concern</mark>."
          "</blockquote>"),
      std::string::npos);
  for (const char* stop :
       {"<mark>The</mark>", "<mark>of</mark>", "<mark>in</mark>"}) {
    EXPECT_EQ(html.find(stop), std::string::npos) << stop;
  }
  // Every member links to its passage in the article view and to the article.
  for (const char* link :
       {"href=\"#u0\"", "href=\"#u1\"", "href=\"#u2\"", "href=\"#doc-2\""}) {
    EXPECT_NE(html.find(link), std::string::npos) << link;
  }
  EXPECT_NE(html.find("Times of Ocean"), std::string::npos);
}

// Figures are marked as the scorer reads them: "1.4 million" is
// "1,400,000", "2,5 percent" (2.5) is not "25 percent".
TEST(ReportHtml, FiguresAreMarkedByTheirValue) {
  Report r;
  const std::string a =
      "Jobless rate rose by 2,5 percent with 1.4 million young workers idle.";
  const std::string b =
      "Jobless rate rose by 25 percent with 1,400,000 young workers idle.";
  const std::string html = Html(OneMatch(&r, a, b));
  EXPECT_NE(html.find("rose</mark> by 2,5 percent with <mark>1.4 million "
                      "young workers idle</mark>."),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("rose</mark> by 25 percent with <mark>1,400,000 young "
                      "workers idle</mark>."),
            std::string::npos)
      << html;
}

// Control characters but white space are shown as U+FFFD, C1 controls
// (a feed's windows-1252 quotes decoded as Latin-1) too (review 48b-05:
// they went to the page raw).
TEST(ReportHtml, ControlCharactersAreShownAsReplacement) {
  Report r;
  const std::string html =
      Html(OneMatch(&r,
                    "The finance minister\u0092s office announced the "
                    "\x01railway funding on Tuesday",
                    "The finance minister's office announced the railway "
                    "funding on Tuesday"));
  EXPECT_EQ(html.find("\u0092"), std::string::npos);
  EXPECT_EQ(html.find('\x01'), std::string::npos);
  EXPECT_NE(html.find("minister&#xFFFD;s"), std::string::npos) << html;
  EXPECT_NE(html.find("&#xFFFD;railway"), std::string::npos) << html;
  // Other characters of two bytes are kept: "é" (C3 A9), "£" (C2 A3).
  Report e;
  const std::string cafe =
      "The caf\u00e9 owner paid \u00a35 for the railway funding report";
  const std::string kept = Html(OneMatch(&e, cafe, cafe));
  EXPECT_NE(kept.find("caf\u00e9"), std::string::npos);
  EXPECT_NE(kept.find("\u00a35"), std::string::npos);
}

// The title names inputs, whose names may hold invalid UTF-8 or a
// bidirectional override: the page stays valid UTF-8, and the heading
// reads in order (review 41a-05, 06).
TEST(ReportHtml, TitleIsValidUtf8WithoutBidiControls) {
  Report r;
  HtmlOptions o;
  o.title = "refrain report: bad\xff\xfe, rtl\u202eevil";
  std::ostringstream out;
  WriteHtml(r, out, o);
  const std::string html = out.str();
  EXPECT_NE(html.find("<title>refrain report: bad\uFFFD\uFFFD, "
                      "rtl\\u202eevil</title>"),
            std::string::npos)
      << html.substr(0, 1200);
  EXPECT_NE(html.find("<h1>refrain report: bad\uFFFD\uFFFD, rtl\\u202eevil"
                      "</h1>"),
            std::string::npos);
}

// "say" and "tell" are not marked (review 40a): "said" is in nearly every
// news sentence, and a reader took it for part of the claim. Other speech
// verbs carry news ("announced 5,000 job cuts"), and a capitalized "Said"
// is a name: both stay marked (review 41a-02).
TEST(ReportHtml, SpeechVerbsAreNotMarkedAsShared) {
  Report r;
  const std::string a =
      "The minister said the new bridge will open in March, officials told "
      "reporters.";
  const std::string b =
      "The new bridge will open in March, the minister said, as officials "
      "told the press.";
  const std::string html = Html(OneMatch(&r, a, b));
  EXPECT_NE(html.find("The <mark>minister</mark> said the <mark>new "
                      "bridge</mark> will <mark>open</mark> in "
                      "<mark>March</mark>, <mark>officials</mark> told "
                      "reporters."),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("<mark>said"), std::string::npos);
  EXPECT_EQ(html.find("<mark>told"), std::string::npos);
  EXPECT_NE(html.find("stop words and the verbs “say” and “tell” aside"),
            std::string::npos);
  Report r2;
  const std::string html2 = Html(OneMatch(
      &r2, "The firm announced 5,000 job cuts at its plant in Port Said.",
      "In Port Said, the firm announced 5,000 job cuts at its plant."));
  EXPECT_NE(html2.find("<mark>firm announced 5,000 job cuts</mark>"),
            std::string::npos)
      << html2;
  EXPECT_NE(html2.find("<mark>Port Said</mark>"), std::string::npos);
}

// A character that normalization makes several words ("½" is 1/2, "4¾"
// is 4 3/4, "㈱" three words) is marked once: each of its words marked it
// again, and each mark wrote the rest of the statement again (review
// 39b-01: "by <mark>½</mark> point to 4¾ per cent ... inflation.<mark>½
// point</mark> to ...").
TEST(ReportHtml, ACharacterOfSeveralWordsIsMarkedOnce) {
  Report r;
  const std::string a =
      "The bank raised its rate by \u00bd point to 4\u00be per cent, citing "
      "inflation.";
  const std::string b =
      "The bank lifted its key rate by \u00bd point to 4\u00be per cent.";
  const std::string html = Html(OneMatch(&r, a, b));
  EXPECT_NE(html.find("<mark>rate</mark> by <mark>\u00bd point</mark> to "
                      "<mark>4\u00be per cent</mark>, citing inflation.</"),
            std::string::npos)
      << html;
  // Each statement once on its card.
  for (const std::string& t : {a, b}) {
    const std::string tail = t.substr(t.size() - 12);
    size_t n = 0;
    for (size_t at = html.find(tail); at != std::string::npos;
         at = html.find(tail, at + 1)) {
      ++n;
    }
    EXPECT_LE(n, 3u) << tail;
  }
}

// Words are keyed as the claim terms key them (TermAnalyzer::Word): in
// French an elided article is no part of its word, so "l'économie" and
// "économie" are one word and both are marked.
TEST(ReportHtml, FrenchElidedArticlesAreMarkedAsTheirWord) {
  Report r;
  r.options.claims.language = "french";
  const std::string a =
      "Selon Insee, l'\u00e9conomie fran\u00e7aise progresse.";
  const std::string b = "Selon Insee, \u00e9conomie fran\u00e7aise recule.";
  const std::string html = Html(OneMatch(&r, a, b));
  EXPECT_NE(html.find("<mark>Selon Insee</mark>, <mark>l&#39;\u00e9conomie "
                      "fran\u00e7aise</mark> progresse."),
            std::string::npos)
      << html;
}

// With --collapse-copies a copy's unit joins a claim cluster without a
// match of its own: its card still links to it, highlighted in its article.
TEST(ReportHtml, CollapsedCopiesLinkIntoTheirArticles) {
  Report r = ClaimReport();
  r.documents.push_back(
      MakeDoc("ocean-7-copy", "Copy", r.documents[2].text, "Copies"));
  r.claims.units.push_back({3, UnitKind::kSentence, Find(r, 3, kClaimB)});
  r.claims.clusters[0].units.push_back(3);
  r.claims.clusters[0].docs.push_back(3);
  const std::string html = Html(r);
  ASSERT_NE(html.find("href=\"#u3\""), std::string::npos);
  EXPECT_NE(html.find("<a id=\"u3\"></a>"), std::string::npos) << html;
  // Every in-page link has its target.
  for (size_t at = html.find("href=\"#"); at != std::string::npos;
       at = html.find("href=\"#", at + 1)) {
    const size_t end = html.find('"', at + 7);
    const std::string target = html.substr(at + 7, end - at - 7);
    EXPECT_NE(html.find("id=\"" + target + "\""), std::string::npos) << target;
  }
}

TEST(ReportHtml, MatchesWhoseNumbersDifferAreBadged) {
  Report r = ClaimReport();
  EXPECT_EQ(Html(r).find("numbers differ</span>"), std::string::npos);
  r.claims.matches[1].numbers_differ = true;
  const std::string html = Html(r);
  // On the claim's card, on the match in its table and among the matches
  // to check.
  EXPECT_EQ(Count(html, "<span class=\"badge numbers\""), 3u) << html;
}

// In a card's table of matches, a statement past the card's cap is named
// by its article and its first words (review 40a-08: the article alone
// named neither of two statements it may hold).
TEST(ReportHtml, AStatementPastTheCardCapIsNamedByItsWords) {
  Report r = ClaimReport();
  HtmlOptions o;
  o.max_claim_members = 2;
  const std::string html = Html(r, o);
  EXPECT_EQ(Count(html,
                  "ocean-7 \u201cThe plans of the Islamic State in "
                  "Central Asia are of partic\u2026\u201d"),
            2u)
      << html;
}

// Flagged matches are listed together, both statements side by side, also
// those of claims past the card cap (review 40a-01: on BBC most were in
// claims the page did not show, with no sign of them), with the counts the
// terminal summary gives.
TEST(ReportHtml, FlaggedMatchesAreListedPastTheCardCap) {
  Report r = ClaimReport();
  EXPECT_EQ(Html(r).find("id=\"check\""), std::string::npos);
  r.claims.matches[1].numbers_differ = true;
  ClaimScorer::Contrast hedged;
  hedged.hedge_a = "could";
  r.claims.contrasts = {hedged};
  r.claims.matches[0].contrast = 0;
  HtmlOptions o;
  o.max_claim_clusters = 0;
  const std::string html = Html(r, o);
  const size_t at = html.find("<details class=\"check\" id=\"check\" open>");
  ASSERT_NE(at, std::string::npos) << html;
  const std::string check = html.substr(at, html.find("</details>", at) - at);
  EXPECT_NE(check.find("Matches to check: 1 match states different numbers; "
                       "1 match hedges what the other side states as fact"),
            std::string::npos)
      << check;
  EXPECT_EQ(Count(check, "<tr class=\"filterable\">"), 2u);
  EXPECT_EQ(Count(check, kClaimB), 2u);
  EXPECT_NE(check.find("Islamic State plans in Central Asia</q>"),
            std::string::npos);
  EXPECT_EQ(Count(check, "claim 1 (not on this page)"), 2u);
  EXPECT_NE(html.find("<a href=\"#check\">Matches to check (2)</a>"),
            std::string::npos);
  // With its card on the page, the match links to it; at a cap of one the
  // other is counted.
  o.max_claim_clusters = 200;
  o.max_flagged_matches = 1;
  const std::string capped = Html(r, o);
  EXPECT_NE(capped.find("<a href=\"#claim-1\">Claim 1</a>"), std::string::npos);
  EXPECT_NE(capped.find("1 more flagged match"), std::string::npos) << capped;
}

// compare --html says first how alike the two articles are, where the
// claim scores' IDF comes from, and why a scan lists no match between two
// near-duplicates (review 40a-03, 04).
TEST(ReportHtml, ComparePageSaysHowAlikeThePairIs) {
  Report r = ClaimReport();
  Comparison c;
  c.documents = {r.documents[0], r.documents[2]};
  c.jaccard = 0.697;
  c.containment = 0.949;
  c.estimate = 0.656;
  c.near_duplicate = true;
  c.idf = "the inputs";
  HtmlOptions o;
  o.comparison = &c;
  const std::string html = Html(r, o);
  EXPECT_NE(html.find("Jaccard <b>0.697</b>, containment <b>0.949</b> (word "
                      "5-shingles"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("MinHash estimate 0.656: <b>near-duplicates</b>"),
            std::string::npos);
  EXPECT_NE(html.find("Claim scores use the IDF of the inputs"),
            std::string::npos);
  EXPECT_NE(html.find("a scan lists no claim match between them"),
            std::string::npos);
  EXPECT_NE(html.find("<a href=\"#pair\">The two articles</a>"),
            std::string::npos);
  c.near_duplicate = false;
  c.idf = "the two documents";
  const std::string apart = Html(r, o);
  EXPECT_EQ(apart.find("a scan lists no claim match"), std::string::npos);
  EXPECT_NE(apart.find("give the dump with --in"), std::string::npos);
  // A scan's page has no such section.
  EXPECT_EQ(Html(r).find("id=\"pair\""), std::string::npos);
}

TEST(ReportHtml, MatchesThatMayStateOppositesAreBadged) {
  Report r = ClaimReport();
  EXPECT_EQ(Html(r).find("badge opposite"), std::string::npos);
  ClaimScorer::Contrast negation, words;
  negation.negation = true;
  words.antonym_a = "rose";
  words.antonym_b = "<fell>";
  words.swapped_first = "russia";
  words.swapped_second = "ukraine";
  r.claims.contrasts = {negation, words};
  r.claims.matches[1].contrast = 0;
  r.claims.matches[0].contrast = 1;
  const std::string html = Html(r);
  // The claim's card once; each match in its table and among the matches
  // to check.
  EXPECT_EQ(Count(html, ">may state opposites</span>"), 1u) << html;
  EXPECT_EQ(Count(html, ">negation differs</span>"), 2u) << html;
  EXPECT_EQ(Count(html, ">rose / &lt;fell&gt;</span>"), 2u) << html;
  EXPECT_EQ(Count(html, ">russia \u21c4 ukraine</span>"), 2u) << html;
}

TEST(ReportHtml, MatchesThatOneSideHedgesAreBadged) {
  Report r = ClaimReport();
  EXPECT_EQ(Html(r).find("badge hedged"), std::string::npos);
  ClaimScorer::Contrast hedged;
  hedged.hedge_b = "tipped <to>";
  r.claims.contrasts = {hedged};
  r.claims.matches[1].contrast = 0;
  const std::string html = Html(r);
  // The claim's card once, the match in its table and among the matches to
  // check, which says which side hedges; a hedge is no opposite.
  EXPECT_EQ(Count(html, ">one side hedges</span>"), 1u) << html;
  EXPECT_EQ(Count(html, " hedged: tipped &lt;to&gt;</span>"), 2u) << html;
  EXPECT_EQ(Count(html, ">right hedged: tipped &lt;to&gt;</span>"), 1u);
  EXPECT_EQ(html.find("may state opposites</span>"), std::string::npos);
}

// How report.html marks a word that opposes another statement's.
constexpr char kOpposed[] =
    "<mark class=\"opp\" title=\"opposes a word of another statement\">";

// Gives matches `which` of `r` the contrast "one side negates what the
// other states" (ClaimScorer::Contrast::negation) with no cue placed, as a
// contrast built by hand: every negation word is marked.
void NegationOn(Report* r, std::initializer_list<size_t> which) {
  ClaimScorer::Contrast negation;
  negation.negation = true;
  r->claims.contrasts = {negation};
  for (size_t m : which) r->claims.matches[m].contrast = 0;
}

// Gives every match of `r` the contrast the scorer finds between its two
// statements, the cues placed as a scan places them (their positions must
// name the same words in report.html's reading of the text).
void ScoredContrasts(Report* r) {
  static const TermAnalyzer* analyzer =
      new TermAnalyzer(*TermAnalyzer::Create({}));
  static const ClaimScorer* scorer = new ClaimScorer(*ClaimScorer::Create({}));
  auto text = [&](uint32_t u) {
    const ClaimUnit& unit = r->claims.units[u];
    return std::string_view(r->documents[unit.doc].text)
        .substr(unit.span.begin, unit.span.size());
  };
  r->claims.contrasts.clear();
  for (ClaimMatch& m : r->claims.matches) {
    m.contrast = static_cast<uint32_t>(r->claims.contrasts.size());
    r->claims.contrasts.push_back(
        scorer->Contrasts(analyzer->Analyze(text(m.a)),
                          analyzer->Analyze(text(m.b)), IdfTable()));
  }
}

// The words that oppose the other statement are marked apart from the
// shared ones, on each side its own word.
TEST(ReportHtml, OpposedWordsAreMarkedApart) {
  Report r;
  OneMatch(&r, "Oil prices rose sharply on Monday in London",
           "Oil prices fell sharply on Monday in London");
  ClaimScorer::Contrast antonyms;
  antonyms.antonym_a = "rose";
  antonyms.antonym_b = "fell";
  r.claims.contrasts = {antonyms};
  r.claims.matches[0].contrast = 0;
  const std::string html = Html(r);
  for (const char* word : {"rose", "fell"}) {
    EXPECT_NE(html.find(absl::StrCat("<mark>Oil prices</mark> ", kOpposed, word,
                                     "</mark> <mark>sharply</mark>")),
              std::string::npos)
        << word << "\n"
        << html;
  }
  // A negation is marked on the side that has it.
  Report n;
  OneMatch(&n, "The board did not approve the merger",
           "The board approved the merger");
  ScoredContrasts(&n);
  ASSERT_TRUE(n.claims.contrasts[0].negation);
  const std::string negated = Html(n);
  EXPECT_NE(
      negated.find(absl::StrCat("did ", kOpposed, "not</mark> <mark>approve")),
      std::string::npos)
      << negated;
  EXPECT_EQ(Count(negated, kOpposed), 1u) << negated;
  // So is a verb of denial before "to", which negates as "did not" does.
  Report f;
  OneMatch(&f, "The board failed to approve the merger",
           "The board approved the merger");
  ScoredContrasts(&f);
  ASSERT_TRUE(f.claims.contrasts[0].negation);
  const std::string failed = Html(f);
  EXPECT_NE(failed.find(absl::StrCat(kOpposed, "failed</mark> to")),
            std::string::npos)
      << failed;
  EXPECT_EQ(Count(failed, kOpposed), 1u) << failed;
  // Of two negation words, the one that negates what the other side
  // states (review 47c-07: both were marked).
  Report two;
  OneMatch(&two,
           "The board failed to approve the merger and the chairman did "
           "not comment",
           "The board approved the merger");
  ScoredContrasts(&two);
  ASSERT_TRUE(two.claims.contrasts[0].negation);
  const std::string one_cue = Html(two);
  EXPECT_NE(one_cue.find(absl::StrCat(kOpposed, "failed</mark> to")),
            std::string::npos)
      << one_cue;
  EXPECT_EQ(Count(one_cue, kOpposed), 1u) << one_cue;
  // A contrast that places no cue marks every negation word, as before.
  NegationOn(&two, {0});
  EXPECT_EQ(Count(Html(two), kOpposed), 2u);
  // The same word elsewhere in the statement, negating nothing the other
  // states, is not marked (review 48c-03: a word's every place was).
  Report again;
  OneMatch(&again,
           "The board did not approve the merger on Friday, though not for "
           "lack of support",
           "The board approved the merger on Friday");
  ScoredContrasts(&again);
  const std::string first_not = Html(again);
  EXPECT_NE(first_not.find(
                absl::StrCat("did ", kOpposed, "not</mark> <mark>approve")),
            std::string::npos)
      << first_not;
  EXPECT_NE(first_not.find("though not for"), std::string::npos) << first_not;
  EXPECT_EQ(Count(first_not, kOpposed), 1u) << first_not;
  // Every cue that negates is marked, not only the first (48c-04); the
  // side that states it unmarked. A figure of two tokens is one word.
  Report both;
  OneMatch(&both,
           "The board worth 1.4 million pounds did not approve the merger and "
           "will never approve the sale",
           "The board worth 1.4 million pounds approved the merger and will "
           "approve the sale");
  ScoredContrasts(&both);
  const std::string two_cues = Html(both);
  EXPECT_NE(two_cues.find(absl::StrCat("did ", kOpposed, "not</mark>")),
            std::string::npos)
      << two_cues;
  EXPECT_NE(two_cues.find(absl::StrCat("will ", kOpposed, "never</mark>")),
            std::string::npos)
      << two_cues;
  EXPECT_EQ(Count(two_cues, kOpposed), 2u) << two_cues;
}

// Roles swapped as names of several words: every word of each is marked.
TEST(ReportHtml, SwappedNamesOfSeveralWordsAreMarkedWhole) {
  Report r;
  OneMatch(&r, "The United States accused China of hacking",
           "China accused the United States of hacking");
  ClaimScorer::Contrast swapped;
  swapped.swapped_first = "united states";
  swapped.swapped_second = "china";
  r.claims.contrasts = {swapped};
  r.claims.matches[0].contrast = 0;
  const std::string html = Html(r);
  for (const char* word : {"United", "States", "China"}) {
    EXPECT_NE(html.find(absl::StrCat(kOpposed, word, "</mark>")),
              std::string::npos)
        << word << "\n"
        << html;
  }
}

// A negation word that is no stop word ("never") and that another member
// holds too is marked once, as opposed: two marks of one span wrote the
// rest of the statement twice.
TEST(ReportHtml, SharedNegationWordIsMarkedOnce) {
  Report r;
  const std::string a = "The board never approved the merger on Friday.";
  const std::string b = "The board approved the merger on Friday.";
  const std::string c =
      "He said the board never approved the merger on Friday.";
  r.documents = {MakeDoc("a", "", a), MakeDoc("b", "", b), MakeDoc("c", "", c)};
  r.claims.units = {{0, UnitKind::kSentence, Find(r, 0, a)},
                    {1, UnitKind::kSentence, Find(r, 1, b)},
                    {2, UnitKind::kSentence, Find(r, 2, c)}};
  r.claims.matches = {{0, 1, 0.9, 0.9}, {0, 2, 0.9, 0.9}, {1, 2, 0.7, 0.7}};
  r.claims.clusters = {{{0, 1, 2}, {0, 1, 2}, 0.7, 0.8, {}}};
  NegationOn(&r, {0, 2});
  const std::string html = Html(r);
  EXPECT_NE(html.find(absl::StrCat("The <mark>board</mark> ", kOpposed,
                                   "never</mark> <mark>approved</mark> the "
                                   "<mark>merger</mark> on <mark>Friday</mark>"
                                   ".</blockquote>")),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("on Friday.<mark>"), std::string::npos) << html;
  EXPECT_EQ(Count(html, kOpposed), 2u) << html;
}

// The cue of a hedge is marked on the side that hedges, apart from the
// shared words.
TEST(ReportHtml, HedgeCuesAreMarkedOnTheirSide) {
  Report r;
  OneMatch(&r, "Hilary Swank is tipped to win the best actress prize",
           "Hilary Swank won the best actress prize");
  ClaimScorer::Contrast hedged;
  hedged.hedge_a = "tipped to";
  r.claims.contrasts = {hedged};
  r.claims.matches[0].contrast = 0;
  const std::string html = Html(r);
  constexpr char kHedge[] =
      "<mark class=\"hedge\" title=\"hedges what another statement states "
      "as fact\">";
  // The whole cue (review, thirty-sixth session: "tipped" alone).
  EXPECT_NE(html.find(absl::StrCat("<mark>Hilary Swank</mark> is ", kHedge,
                                   "tipped to</mark> win")),
            std::string::npos)
      << html;
  EXPECT_EQ(Count(html, kHedge), 1u) << html;
  // The cue where the scorer placed it, not the same words hedging nothing
  // the other states (review 49a-05: both were marked).
  Report twice;
  OneMatch(&twice,
           "Analysts were tipped to leave early, and Acme is tipped to "
           "approve the merger with Zenith Corp on Monday",
           "Acme approved the merger with Zenith Corp on Monday");
  ScoredContrasts(&twice);
  ASSERT_EQ(twice.claims.contrasts[0].hedge_a, "tipped to");
  const std::string placed = Html(twice);
  EXPECT_NE(placed.find(absl::StrCat("is ", kHedge, "tipped to</mark> ")),
            std::string::npos)
      << placed;
  EXPECT_NE(placed.find("were tipped to leave"), std::string::npos) << placed;
  EXPECT_EQ(Count(placed, kHedge), 1u) << placed;
}

// "No 10" negates nothing (TermAnalyzer::Analyze: "no" before a bare
// figure), so neither side marks its "No" as an opposed negation.
TEST(ReportHtml, NumberSignNoIsNoOpposedNegation) {
  Report r;
  OneMatch(&r, "The prime minister did not leave No 10 on Friday",
           "The prime minister left No 10 on Friday");
  ScoredContrasts(&r);
  ASSERT_TRUE(r.claims.contrasts[0].negation);
  const std::string html = Html(r);
  EXPECT_NE(html.find(absl::StrCat("did ", kOpposed, "not</mark> leave No")),
            std::string::npos)
      << html;
  EXPECT_EQ(Count(html, kOpposed), 1u) << html;
}

TEST(ReportHtml, ArticleViewMarksMatchedSpansWithAnchors) {
  const Report r = ClaimReport();
  const std::string html = Html(r);
  // Overlapping units (a quote inside its sentence) make one highlighted
  // passage holding both anchors.
  EXPECT_NE(html.find("Moscow, June 3. <mark class=\"span\"><a "
                      "id=\"u0\"></a>Russia is seriously "
                      "concerned over <a id=\"u1\"></a>Islamic State plans"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("Central Asia.</mark> He added"), std::string::npos);
  EXPECT_NE(
      html.find(
          "Lavrov spoke. <mark class=\"span\"><a id=\"u2\"></a>The plans"),
      std::string::npos);
  for (const char* id : {"id=\"doc-0\"", "id=\"doc-1\"", "id=\"doc-2\""}) {
    EXPECT_NE(html.find(id), std::string::npos) << id;
  }
}

// An article cut for the page says when a matched passage lies past the
// cut, which then has nothing highlighted.
TEST(ReportHtml, ArticleCutSaysWhichMatchedPassagesItLeavesOut) {
  const Report r = ClaimReport();
  HtmlOptions o;
  o.max_article_bytes = 20;  // Past "Moscow, June 3. ", inside unit 0.
  const std::string cut = Html(r, o);
  EXPECT_NE(cut.find("Cut after "), std::string::npos) << cut;
  // Unit 1 begins past the cut; unit 0 runs across it, and is highlighted
  // up to it (review 48b-06: it was said to have no highlight).
  EXPECT_NE(cut.find("1 matched passage past the cut, not highlighted here; "
                     "1 matched passage across the cut, highlighted up to it "
                     "(whole in report.json and claims.csv)."),
            std::string::npos)
      << cut;
  o.max_article_bytes = 100000;
  EXPECT_EQ(Html(r, o).find("past the cut"), std::string::npos);
}

TEST(ReportHtml, NearDuplicateClustersListMembersAndScores) {
  Report r;
  for (int i = 0; i < 5; ++i) {
    r.documents.push_back(
        MakeDoc(absl::StrCat("id-", i), absl::StrCat("Story ", i), "text"));
  }
  r.documents[1].source = "Mirror";
  SetEdges(r, {{0, 1, 0.9}, {1, 2, 0.85}, {3, 4, 0.95}});
  const std::string html = Html(r);
  // A cluster of three lists its pairs; a pair is described in its header.
  ASSERT_NE(html.find("id=\"dup-1\""), std::string::npos);
  EXPECT_NE(
      html.find(
          "3 articles · Jaccard min 0.850, mean 0.875 · 2 verified pairs"),
      std::string::npos);
  EXPECT_NE(html.find("<td class=\"n\">0.900<span class=\"bar\""),
            std::string::npos);
  EXPECT_NE(html.find("2 articles · Jaccard 0.950 · containment 0.950 · "
                      "MinHash estimate 0.950"),
            std::string::npos);
  EXPECT_EQ(Count(html, "<span class=\"bar\""), 2u);
  EXPECT_NE(html.find("<td class=\"nw\">Mirror</td>"), std::string::npos);
  EXPECT_EQ(Count(html, "<th>Source</th>"),
            1u);  // Only where a member has one.
  EXPECT_EQ(Count(html, "<th>Date</th>"), 0u);
  EXPECT_EQ(Count(html, "\">kept</span>"), 2u);  // The representatives.
  // Of the five, a dedup keeps the first of each cluster: id-0 and id-3.
  EXPECT_NE(
      html.find("<b>2</b><span>articles a deduplicated dataset keeps</span>"),
      std::string::npos);
  // The help text names the shingle size the scan used.
  EXPECT_NE(html.find("Jaccard similarity of their 5-word shingles"),
            std::string::npos);
  r.options.shingle.size = 3;
  EXPECT_NE(Html(r).find("Jaccard similarity of their 3-word shingles"),
            std::string::npos);
}

// An indexed scan: the articles of earlier dumps are badged with their
// dump, the counts are this run's, and the index's part is summarised.
// A near-duplicate card shows what sets a member apart from the kept one,
// side by side (review 40a-07): a paragraph one side lacks whole, a changed
// word within a paragraph both have, a paragraph split in two as its
// words; the long stretches both share are cut to their ends, and text
// both have is not repeated.
// A paragraph moved elsewhere is said to be moved, not shown as removed
// here and added there (review 40c); with nothing else changed, the card
// says the order alone differs.
TEST(ReportHtml, NearDuplicateDiffSaysAParagraphMoved) {
  std::string body;
  for (int p = 0; p < 6; ++p) {
    for (int w = 0; w < 12; ++w) absl::StrAppend(&body, "p", p, "w", w, " ");
    body += "\n";
  }
  const std::string lead = "The council approved the harbour plan on Monday.\n";
  const std::string a = lead + body + "A new closing line.\n";
  // b: the lead paragraph moved to the end, the closing line dropped.
  const std::string b = body + lead;
  Report r;
  r.documents = {
      MakeDoc("a", "Harbour", a), MakeDoc("b", "Harbour", b),
      MakeDoc("c", "Harbour", body + lead + "A new closing line.\n")};
  SetEdges(r, {{0, 1, 0.85}, {0, 2, 0.9}});
  const std::string html = Html(r);
  const size_t at = html.find("<details class=\"diff\">");
  ASSERT_NE(at, std::string::npos) << html;
  const std::string diff = html.substr(at, html.find("</details>", at) - at);
  EXPECT_NE(diff.find("<span class=\"moved\"><b>moved from here:</b> The "
                      "council approved the harbour plan on Monday.</span>"),
            std::string::npos)
      << diff;
  EXPECT_NE(diff.find("<span class=\"moved\"><b>moved here:</b> The council "
                      "approved the harbour plan on Monday.</span>"),
            std::string::npos)
      << diff;
  EXPECT_EQ(diff.find("<del>The council"), std::string::npos) << diff;
  EXPECT_EQ(diff.find("<ins>The council"), std::string::npos) << diff;
  // The dropped line is still removed.
  EXPECT_NE(diff.find("<del>A new closing line.</del>"), std::string::npos);
  // c differs from a only by the lead's place: said so, once (b has a
  // removal too).
  EXPECT_EQ(Count(diff, "The same paragraphs in another order."), 1u) << diff;
}

TEST(ReportHtml, NearDuplicatesShowWhatDiffers) {
  Report r;
  std::string shared;
  for (int i = 0; i < 40; ++i) absl::StrAppend(&shared, "word", i, " ");
  const std::string a =
      "Breaking: read this first.\nThe minister said the "
      "tax would rise by 5% next year.\n" +
      shared + "end.\nAll of it the same.\n";
  const std::string b =
      "The minister said the tax would rise by 6% next "
      "year.\n" +
      shared +
      "\nend.\nAll of it the same.\n"
      "Share this <story> with friends.\n";
  r.documents = {MakeDoc("a", "Tax", a), MakeDoc("b", "Tax", b),
                 MakeDoc("c", "Tax", a + " ")};
  SetEdges(r, {{0, 1, 0.85}, {0, 2, 1.0}});
  const std::string html = Html(r);
  const size_t at = html.find("<details class=\"diff\">");
  ASSERT_NE(at, std::string::npos) << html;
  const std::string diff = html.substr(at, html.find("</details>", at) - at);
  // The lost paragraph, its break outside the mark.
  EXPECT_NE(diff.find("<del>Breaking: read this first.</del><br>The "),
            std::string::npos)
      << diff;
  EXPECT_NE(diff.find("rise by <del>5%</del> next year."), std::string::npos)
      << diff;
  EXPECT_NE(diff.find("rise by <ins>6%</ins> next year."), std::string::npos);
  EXPECT_NE(diff.find("<ins>Share this &lt;story&gt; with friends.</ins>"),
            std::string::npos);
  // The paragraph split after word39 is each side's own layout, no change;
  // a run of shared words shown as its first and last 12 (review 40c-04:
  // a break marked as removed or added showed as nothing).
  EXPECT_NE(diff.find("word9 \u2026 word29"), std::string::npos) << diff;
  EXPECT_EQ(diff.find("word20"), std::string::npos);
  EXPECT_NE(diff.find("word39<br>end."), std::string::npos) << diff;
  EXPECT_EQ(diff.find("<ins><br>"), std::string::npos);
  EXPECT_EQ(diff.find("All of it the same."), std::string::npos);
  // The same words but for spacing say so; the members are told apart by
  // their ids, their titles being the same.
  EXPECT_NE(diff.find("The same words in the same order"), std::string::npos);
  EXPECT_NE(diff.find("<h4 class=\"diff\">Tax · a ⇄ Tax · c</h4>"),
            std::string::npos);
  // Spacing, a paragraph split or joined, a double space: no difference
  // (review 40c-01, 02: a table with nothing marked, and split and join
  // told apart).
  for (const std::string& other :
       {std::string("Breaking: read  this first.\nThe minister said the tax "
                    "would rise\n\nby 5% next year.\n") +
            shared + "end. All of it the same.\n",
        std::string("Breaking: read this first. The minister said the tax "
                    "would rise by 5% next year. ") +
            shared + "end.\nAll of it the same.\n"}) {
    Report s;
    s.documents = {MakeDoc("a", "Tax", a), MakeDoc("b", "Tax", other)};
    SetEdges(s, {{0, 1, 0.95}});
    const std::string page = Html(s);
    EXPECT_NE(page.find("The same words in the same order"), std::string::npos)
        << other;
    EXPECT_EQ(page.find("<table class=\"diff\">"), std::string::npos);
  }
  // Past five members, the others are counted (review 40c-05).
  Report seven;
  std::vector<Edge> edges;
  for (int m = 0; m < 7; ++m) {
    seven.documents.push_back(
        MakeDoc(absl::StrCat("m", m), "", absl::StrCat(a, "x", m)));
    if (m > 0) edges.push_back({0, static_cast<uint32_t>(m), 0.9});
  }
  SetEdges(seven, edges);
  const std::string page = Html(seven);
  EXPECT_EQ(Count(page, "<h4 class=\"diff\">"), 5u);
  EXPECT_NE(page.find("Not shown here: 1 more member compared with the kept "
                      "one"),
            std::string::npos)
      << page;
  // Without texts (scans without claims keep none), nothing to show, and
  // the section says why (review 41a-04).
  EXPECT_EQ(Html(r).find("This scan kept no texts"), std::string::npos);
  for (Document& d : r.documents) d.text.clear();
  r.options.claims.enabled = false;
  const std::string bare = Html(r);
  EXPECT_EQ(bare.find("<details class=\"diff\""), std::string::npos);
  EXPECT_NE(bare.find("This scan kept no texts (<code>--no-claims</code>)"),
            std::string::npos);
}

TEST(ReportHtml, IndexedScanBadgesArticlesOfEarlierDumps) {
  Report r;
  r.documents.push_back(MakeDoc("old-1", "Old story", "text"));
  r.documents.push_back(MakeDoc("new-1", "New story", "text"));
  r.documents.push_back(MakeDoc("new-2", "Other story", "text"));
  SetEdges(r, {{0, 1, 0.9}});
  r.index.used = true;
  r.index.path = "news.db";
  r.index.loaded = 1;
  r.index.origins = {{3, "dump <3>.jsonl", "2026-11-22T06:00:03Z"}};
  r.index.documents_before = 40;
  r.index.added = 2;
  r.index.dump_seq = 4;
  std::string html = Html(r);
  // In its cluster card and in the article view.
  EXPECT_EQ(Count(html, ">indexed · dump 3 · 2026-11-22</span>"), 2u);
  EXPECT_NE(html.find("added by dump 3 (dump &lt;3&gt;.jsonl) at "
                      "2026-11-22T06:00:03Z"),
            std::string::npos);
  EXPECT_NE(html.find("2 articles · compared with 1 indexed article ·"),
            std::string::npos);
  EXPECT_NE(html.find("<b>2</b><span>articles read</span>"), std::string::npos);
  EXPECT_NE(html.find("<b>1</b><span>indexed articles compared</span>"),
            std::string::npos);
  EXPECT_NE(html.find("<td>added</td><td>2 articles as dump 4</td>"),
            std::string::npos);
  // What the index knew of a new article's id (in its cluster card and in
  // the article view), and a damaged input.
  EXPECT_EQ(Count(html, ">already indexed ·"), 0u);
  r.index.reindexed = {1};
  r.damaged = {1};
  html = Html(r);
  EXPECT_EQ(Count(html, ">already indexed · edited</span>"), 2u);
  EXPECT_EQ(Count(html, ">damaged input</span>"), 2u);
  EXPECT_NE(html.find("which replaces the indexed text"), std::string::npos);
  r.index.unchanged = {1};
  r.damaged = {};
  html = Html(r);
  EXPECT_EQ(Count(html, ">already indexed · unchanged</span>"), 2u);
  EXPECT_EQ(Count(html, ">already indexed · edited</span>"), 0u);
  EXPECT_EQ(Count(html, "damaged input"), 0u);
  r.index.reindexed = {};
  r.index.unchanged = {};
  r.index.id_taken = {1};
  html = Html(r);
  EXPECT_EQ(Count(html, ">id taken in the index</span>"), 2u);
  r.index.id_taken = {};
  // Renamed ID#HASH (its id held by another indexed article): the id it
  // came with is shown beside its name.
  r.documents[1].id = "new-1#0badcafe";
  r.documents[1].input_id_bytes = 5;
  r.index.id_renamed = {1};
  html = Html(r);
  EXPECT_EQ(Count(html, "came with the id <span class=\"id\">new-1</span>"),
            1u);
  EXPECT_NE(html.find("<td>id held by another indexed article (added as "
                      "ID#HASH)</td><td>1</td>"),
            std::string::npos);
  r.documents[1].id = "new-1";
  r.documents[1].input_id_bytes = 0;
  r.index.id_renamed = {};
  r.index.read_only = true;
  html = Html(r);
  EXPECT_NE(html.find("<td>added</td><td>nothing (read-only)</td>"),
            std::string::npos);
  // Without an index: no badge, no index table.
  r.index = IndexSummary();
  html = Html(r);
  EXPECT_EQ(Count(html, "class=\"idx\""), 0u);
  EXPECT_EQ(Count(html, "Persistent index"), 0u);
  EXPECT_NE(html.find("<b>3</b><span>articles read</span>"), std::string::npos);
}

TEST(ReportHtml, HeatmapIsDenseOverClusterMembersThenClaimDocuments) {
  Report r;
  for (int i = 0; i < 7; ++i) {
    r.documents.push_back(
        MakeDoc(absl::StrCat("d", i), absl::StrCat("Article ", i),
                absl::StrCat("Some text of article ", i, ".")));
  }
  SetEdges(r, {{0, 4, 0.9}, {4, 5, 0.85}, {1, 3, 0.95}});
  r.claims.units = {{2, UnitKind::kSentence, {0, 4}},
                    {6, UnitKind::kSentence, {0, 4}}};
  r.claims.matches = {{0, 1, 0.6, 0.5}};
  r.claims.clusters = {{{0, 1}, {2, 6}, 0.6, 0.6, {}}};
  const std::string html = Html(r);
  const size_t svg = html.find("<svg id=\"heatmap\"");
  ASSERT_NE(svg, std::string::npos);
  const std::string heatmap = html.substr(svg, html.find("</svg>", svg) - svg);
  // Rows: cluster {0,4,5}, cluster {1,3}, then the claim documents 2 and 6.
  size_t last = 0;
  for (const char* row :
       {">Article 0<", ">Article 4<", ">Article 5<", ">Article 1<",
        ">Article 3<", ">Article 2<", ">Article 6<"}) {
    const size_t at = heatmap.find(row);
    ASSERT_NE(at, std::string::npos) << row;
    EXPECT_GT(at, last) << row;
    last = at;
  }
  // 7 diagonal cells + 2 x 3 edges, each with its names and score; two
  // cluster blocks; one claim dot each way; a colour legend.
  EXPECT_EQ(Count(heatmap, ": the same article</title>"), 7u);
  EXPECT_EQ(
      Count(heatmap, "<title>Article 0 ~ Article 4: Jaccard 0.900</title>"),
      1u);
  EXPECT_EQ(
      Count(heatmap, "<title>Article 4 ~ Article 0: Jaccard 0.900</title>"),
      1u);
  EXPECT_EQ(Count(heatmap, ": Jaccard 0.950</title>"), 2u);
  EXPECT_EQ(Count(heatmap, ": Jaccard 0.850</title>"), 2u);
  EXPECT_EQ(Count(heatmap, "stroke=\"#102a43\""), 2u);
  EXPECT_EQ(Count(heatmap, "<title>1 claim match</title>"), 2u);
  EXPECT_NE(heatmap.find("<linearGradient id=\"scale\""), std::string::npos);
  EXPECT_NE(html.find("class=\"histogram\""), std::string::npos);
}

TEST(ReportHtml, HeatmapIsCapped) {
  Report r;
  std::vector<Edge> edges;
  for (uint32_t i = 0; i < 150; ++i) {
    r.documents.push_back(MakeDoc(absl::StrCat("d", i), "", "text"));
    if (i > 0) edges.push_back({0, i, 0.9});
  }
  SetEdges(r, edges);
  HtmlOptions o;
  o.heatmap_docs = 60;
  const std::string html = Html(r, o);
  EXPECT_NE(html.find("Not drawn: 90 more articles in clusters or sharing "
                      "claims (the map shows at most 60)."),
            std::string::npos)
      << html;
  EXPECT_EQ(Count(html, "dominant-baseline=\"central\""), 60u);
  // Past 40 rows cells of one colour share a rect; each still says what it
  // shows (review 40a-05: "Hover for names and scores" and no title): the
  // rows of "d0", the diagonal apart.
  EXPECT_NE(html.find("<title>d0: the same article</title>"),
            std::string::npos);
  EXPECT_NE(html.find("<title>d0: Jaccard 0.90 with 59 articles (d1 … d59)"
                      "</title>"),
            std::string::npos)
      << html;
  // At the cap with nothing left out, nothing is said.
  o.heatmap_docs = 150;
  EXPECT_EQ(Html(r, o).find("Not drawn"), std::string::npos);
}

// A dump of 100k articles: 10k near-duplicate pairs, 5k claim clusters. The
// page embeds only the capped items and stays small.
TEST(ReportHtml, StaysSmallAt100kArticles) {
  Report r;
  const uint32_t n = 100000;
  r.documents.reserve(n);
  std::vector<Edge> edges;
  for (uint32_t i = 0; i < n; ++i) {
    r.documents.push_back(MakeDoc(
        absl::StrCat("article-", i), absl::StrCat("Headline number ", i),
        absl::StrCat(
            "Officials said on Monday that the plan for article ", i / 2,
            " would go ahead. Critics disagreed strongly with the plan.")));
    if (i % 10 == 1) edges.push_back({i - 1, i, 0.95});
  }
  SetEdges(r, edges);
  for (uint32_t i = 0; i + 1 < 10000; i += 2) {
    r.claims.units.push_back({i * 10 + 2, UnitKind::kSentence, {0, 60}});
    r.claims.units.push_back({i * 10 + 13, UnitKind::kSentence, {0, 60}});
    r.claims.matches.push_back({i, i + 1, 0.7, 0.6});
    r.claims.clusters.push_back(
        {{i, i + 1}, {i * 10 + 2, i * 10 + 13}, 0.7, 0.7, {}});
  }
  const std::string html = Html(r);
  const HtmlOptions defaults;
  EXPECT_LT(html.size(), 3'000'000u);
  EXPECT_EQ(Count(html, "class=\"card dup filterable\""),
            defaults.max_clusters);
  EXPECT_EQ(Count(html, "class=\"card claim filterable\""),
            defaults.max_claim_clusters);
  EXPECT_LE(Count(html, "class=\"article filterable\""), defaults.max_articles);
  EXPECT_NE(html.find("Not shown here: 9800 more clusters (see report.json and "
                      "pairs.csv)."),
            std::string::npos);
  EXPECT_NE(html.find("Not shown here: 4800 more recurring claims (see "
                      "report.json and claims.csv)."),
            std::string::npos);
}

TEST(ReportHtml, CapsAreOptions) {
  Report r = ClaimReport();
  HtmlOptions o;
  o.max_clusters = 0;
  o.max_claim_clusters = 0;
  o.max_articles = 0;
  o.title = "Desk <review>";
  const std::string html = Html(r, o);
  EXPECT_EQ(Count(html, "filterable\""), 0u);
  EXPECT_NE(html.find("<title>Desk &lt;review&gt;</title>"), std::string::npos);
  EXPECT_NE(
      html.find(
          "Not shown here: 1 more cluster (see report.json and pairs.csv)."),
      std::string::npos);
}

TEST(ReportHtml, SummaryShowsInputsSkippedParametersAndTimings) {
  Report r = ClaimReport();
  r.skipped.push_back({"dump.jsonl:7", "malformed JSON: expected an object"});
  r.timings.total_s = 12.5;
  std::string html = Html(r);
  EXPECT_NE(
      html.find("dump.jsonl:7</span>: malformed JSON: expected an object"),
      std::string::npos);
  EXPECT_NE(html.find("<td>Jaccard threshold</td><td>0.800</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<td>total</td><td>12.50 s</td>"), std::string::npos);
  // The articles whose invalid bytes were replaced are named (review
  // 40a-11: the count alone), and a small dump's size is in kB.
  r.input_bytes = 2500;
  r.invalid_utf8 = 3;
  r.documents[2].invalid_utf8 = 3;
  html = Html(r);
  EXPECT_NE(html.find("<td>invalid byte sequences replaced (U+FFFD)</td><td>3 "
                      "in <span class=\"id\">ocean-7</span> (3)</td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td>text</td><td>2.5 kB</td>"), std::string::npos);
  HtmlOptions o;
  o.show_timings = false;
  html = Html(r, o);
  EXPECT_EQ(html.find("12.50 s"), std::string::npos);
}

TEST(ReportHtml, ScansWithoutTextsHaveNoArticleView) {
  Report r = ClaimReport();
  r.claims = {};
  r.options.claims.enabled = false;
  for (Document& d : r.documents) d.text.clear();
  const std::string html = Html(r);
  EXPECT_NE(html.find("The claims stage was disabled for this scan."),
            std::string::npos);
  EXPECT_EQ(html.find("class=\"article filterable\""), std::string::npos);
  EXPECT_EQ(html.find("href=\"#doc-"), std::string::npos);
  EXPECT_NE(html.find("id=\"dup-1\""), std::string::npos);
}

TEST(ReportHtml, Deterministic) {
  const Report r = ClaimReport();
  EXPECT_EQ(Html(r), Html(r));
}

TEST(ReportHtml, EmptyReportRenders) {
  const std::string html = Html(Report{});
  EXPECT_NE(html.find("No recurring claims found."), std::string::npos);
  EXPECT_NE(html.find("No near-duplicate articles found."), std::string::npos);
  EXPECT_NE(html.find("</html>\n"), std::string::npos);
}

TEST(ReportHtml, WriteReportsWritesEveryFileAndKeepsJson) {
  absl::StatusOr<Report> r =
      RunScan(std::vector<std::string>{CorpusDir()}, ScanOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  TempDir dir;
  ASSERT_TRUE(WriteReports(*r, dir.path()).ok());
  std::ostringstream json;
  WriteJson(*r, json);
  EXPECT_EQ(ReadFile(dir / "report.json"), json.str());
  HtmlOptions o;
  std::ostringstream html;
  WriteHtml(*r, html, o);
  EXPECT_EQ(ReadFile(dir / "report.html"), html.str());
  EXPECT_EQ(ReadFile(dir / "documents.csv").rfind("id,location,cluster", 0),
            0u);
  EXPECT_EQ(ReadFile(dir / "pairs.csv").rfind("a,b,jaccard", 0), 0u);
  EXPECT_EQ(ReadFile(dir / "claims.csv").rfind("doc_a,start_a", 0), 0u);
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos)
        << "temporary file left: " << e.path();
  }
}

// A write that fails part-way (here the file size limit, as a full disk
// would) leaves the previous reports as they were and no temporary files,
// including the temporaries of the files written before the failing one.
TEST(ReportHtml, WriteReportsKeepsThePreviousFilesWhenAWriteFails) {
  absl::StatusOr<Report> r =
      RunScan(std::vector<std::string>{CorpusDir()}, ScanOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  TempDir dir;
  const std::vector<std::string> names = {
      "report.json", "report.html", "documents.csv", "pairs.csv", "claims.csv"};
  for (const std::string& name : names) WriteFile(dir / name, "old " + name);
  std::ostringstream json, html;
  WriteJson(*r, json);
  WriteHtml(*r, html, HtmlOptions{});
  // report.json (written first) fits under the limit, report.html does not.
  const rlim_t limit = json.str().size() + 1;
  ASSERT_GT(html.str().size(), limit);
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  auto* const previous = std::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead.
  rlimit lowered = old;
  lowered.rlim_cur = limit;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &lowered), 0);
  const absl::Status s = WriteReports(*r, dir.path());
  setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, previous);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("report.html"), std::string_view::npos) << s;
  for (const std::string& name : names) {
    EXPECT_EQ(ReadFile(dir / name), "old " + name);
  }
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos)
        << "temporary file left: " << e.path();
  }
}

// Two writers of one directory (two scans with one --out) rename their
// files one at a time under an exclusive lock on the directory, so the
// directory holds every file of one of them, never a mix. Here the lock is
// held by the test: WriteReports renders its files and then waits for it.
TEST(ReportHtml, WriteReportsWaitsForAnotherWriterOfTheDirectory) {
  absl::StatusOr<Report> r =
      RunScan(std::vector<std::string>{CorpusDir()}, ScanOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  TempDir dir;
  WriteFile(dir / "report.json", "old");
  const int fd = open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX), 0);
  std::future<absl::Status> done = std::async(
      std::launch::async, [&] { return WriteReports(*r, dir.path()); });
  // Not a speed figure: only an upper bound on waiting for a writer that
  // must not finish while the lock is held.
  EXPECT_EQ(done.wait_for(std::chrono::milliseconds(500)),
            std::future_status::timeout);
  EXPECT_EQ(ReadFile(dir / "report.json"), "old");
  close(fd);
  const absl::Status s = done.get();
  ASSERT_TRUE(s.ok()) << s;
  std::ostringstream json;
  WriteJson(*r, json);
  EXPECT_EQ(ReadFile(dir / "report.json"), json.str());
}

TEST(ReportHtml, CorpusShowsTheLavrovClaim) {
  absl::StatusOr<Report> r =
      RunScan(std::vector<std::string>{CorpusDir()}, ScanOptions{});
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string html = Html(*r);
  // Which neighbouring words are marked depends on the cluster's other
  // members; the claim's key words are shared by all of them.
  const size_t quote = html.find("concern</mark> are <mark>Islamic State");
  ASSERT_NE(quote, std::string::npos);
  EXPECT_NE(html.rfind("special", quote), std::string::npos);
  EXPECT_NE(html.find("The <mark>plans</mark> of the <mark>Islamic State"),
            std::string::npos);
  EXPECT_NE(html.find("<svg id=\"heatmap\""), std::string::npos);
  // The matches' table gives how alike the two articles are (000 and 003:
  // 0.319, docs/quality.md).
  EXPECT_NE(html.find(">Stories</th>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"n\">0.319</td>"), std::string::npos);
}

}  // namespace
}  // namespace refrain
