// Text extraction from HTML articles (src/html.cc, behind --strip-html and
// .html inputs).
#include "html.h"

#include <gtest/gtest.h>

#include <string>

namespace refrain::internal {
namespace {

std::string Title(const std::string& html) {
  std::string title;
  HtmlToText(html, &title);
  return title;
}

TEST(Html, TextOfMarkup) {
  EXPECT_EQ(HtmlToText("plain words"), "plain words");
  EXPECT_EQ(HtmlToText(""), "");
  // Inline elements do not split words; white space collapses.
  EXPECT_EQ(HtmlToText("Mos<b>cow</b>  said\n\t<i>so</i>"), "Moscow said so");
  // Block elements and <br> end lines; no empty lines, lines trimmed.
  EXPECT_EQ(HtmlToText("<p> One. </p><p>Two.<br>Three.</p><div></div><p>"
                       "Four.</p>"),
            "One.\nTwo.\nThree.\nFour.");
  EXPECT_EQ(HtmlToText("<ul><li>a</li><li>b</li></ul>tail"), "a\nb\ntail");
  // Character references, named and numeric; &nbsp; is a space.
  EXPECT_EQ(HtmlToText("Tom &amp; Jerry&nbsp;&#8220;x&#x201D; &lt;b&gt;"),
            "Tom & Jerry \u201Cx\u201D <b>");
  // A numeric reference to a C1 control is the windows-1252 character a
  // browser shows (review 48b-01); the five bytes that table leaves
  // undefined stay as they are.
  EXPECT_EQ(HtmlToText("The minister&#146;s &#147;view&#148; &#150; "
                       "&#128;4bn&#133; &#x9F;"),
            "The minister\u2019s \u201Cview\u201D \u2013 \u20AC4bn\u2026 "
            "\u0178");
  EXPECT_EQ(HtmlToText("a&#129;b"), "a\u0081b");
  // What a reader does not see is left out.
  EXPECT_EQ(HtmlToText("<head><title>T</title><style>p{}</style></head>"
                       "<script>var s = 1;</script><p>Seen</p>"
                       "<noscript>no</noscript><template>t</template>"),
            "Seen");
  // Broken markup is recovered as browsers do.
  EXPECT_EQ(HtmlToText("<p>Open <b>bold<p>next"), "Open bold\nnext");
  EXPECT_EQ(HtmlToText("a < b and c > d"), "a < b and c > d");
}

// A site's menus, sidebars and page footer are not the article's text
// (review 52a-01: stories under one site's chrome were near-duplicates).
TEST(Html, PageChromeIsNotArticleText) {
  const std::string page =
      "<html><body><header><a href=/>Daily News</a>"
      "<nav><ul><li>Home</li><li>World</li></ul></nav>"
      "<h1>Minister resigns</h1></header>"
      "<main><article><p>The minister resigned on Monday.</p>"
      "<aside>Most read: 1. Cats 2. Dogs</aside>"
      "<p>She gave no reason.</p>"
      "<footer>By Jane Doe, political editor</footer></article>"
      "<section><h2>More</h2><footer>Section footer</footer></section>"
      "</main><div role=\"navigation\">Sections: A B</div>"
      "<div role=\"complementary\">Weather: sun</div>"
      "<footer><p>Cookie notice: we use cookies.</p><p>(c) Daily News</p>"
      "</footer><div role=contentinfo>Terms</div></body></html>";
  EXPECT_EQ(HtmlToText(page),
            "Daily News\nMinister resigns\nThe minister resigned on Monday.\n"
            "She gave no reason.\nBy Jane Doe, political editor\nMore\n"
            "Section footer");
  EXPECT_EQ(Title(page), "Minister resigns");
  // Words on both sides of a left-out element stay apart.
  EXPECT_EQ(HtmlToText("before<nav>menu</nav>after"), "before\nafter");
  EXPECT_EQ(HtmlToText("<NAV ROLE=x>Menu</NAV><p>Text</p>"), "Text");
}

// Review 52b: what is chrome by its tag but holds the article is read.
TEST(Html, ChromeThatHoldsTheArticleIsRead) {
  // A menu never closed makes the story its content (libxml2, as a
  // browser): read, not skipped as an empty page.
  EXPECT_EQ(HtmlToText("<nav><a>Home</a> <a>World</a><h1>Ferry sinks</h1>"
                       "<p>All were saved.</p>"),
            "Home World\nFerry sinks\nAll were saved.");
  EXPECT_EQ(HtmlToText("<aside>Quote<p>Story one.</p><p>Story two.</p></div>"
                       "<footer>(c) Site</footer>"),
            "Quote\nStory one.\nStory two.");
  // A menu holding the page's main content is no menu; teasers (as
  // <article>s, or paragraphs, long or short) are chrome (review 52c-03).
  EXPECT_EQ(HtmlToText("<div role=navigation><main><p>A.</p></main></div>"
                       "<p>T</p>"),
            "A.\nT");
  const std::string long_a(210, 'a'), long_b(210, 'b');
  EXPECT_EQ(HtmlToText("<div role=complementary><p>" + long_a + "</p><p>" +
                       long_b + "</p></div><p>T</p>"),
            "T");
  EXPECT_EQ(HtmlToText("<aside><article><h2>Teaser one</h2><p>Lede.</p>"
                       "</article><article><h2>Teaser two</h2></article>"
                       "</aside><p>Story.</p>"),
            "Story.");
  EXPECT_EQ(HtmlToText("<aside><p>Most read 1</p><p>Most read 2</p><p>Most "
                       "read 3</p></aside><p>Story.</p>"),
            "Story.");
  // A tag in a comment or a script (JSON-LD too) opens nothing (review
  // 52c-02: "<!-- <nav> -->" brought every menu back).
  EXPECT_EQ(HtmlToText("<!-- <nav> --><nav>Menu</nav><script>var m = "
                       "\"<aside>\";</script><aside>Side</aside><p>Story.</p>"),
            "Story.");
  // AMP's menu.
  EXPECT_EQ(HtmlToText("<amp-sidebar id=s>Home World</amp-sidebar><p>S.</p>"),
            "S.");
  // A page that is all chrome by its tags keeps its text.
  EXPECT_EQ(HtmlToText("<body role=navigation><h1>T</h1><p>Text.</p></body>"),
            "T\nText.");
  EXPECT_EQ(HtmlToText("<html role=navigation><p>Text.</p></html>"), "Text.");
  EXPECT_EQ(HtmlToText("<nav>Only a menu</nav>"), "Only a menu");
  // The first token of a role decides; spaces around it do not matter.
  EXPECT_EQ(HtmlToText("<div role=\" complementary \">x</div><p>T</p>"), "T");
  EXPECT_EQ(HtmlToText("<div role=\"navigation banner\">x</div><p>T</p>"), "T");
  EXPECT_EQ(HtmlToText("<div role=\"presentation complementary\">x</div>"
                       "<p>T</p>"),
            "x\nT");
  // A footer inside role main, article or region is its content's, not
  // the page's (HTML-AAM).
  EXPECT_EQ(HtmlToText("<div role=main><p>Story.</p><footer>By Jane Doe"
                       "</footer></div><footer>(c) Site</footer>"),
            "Story.\nBy Jane Doe");
  // The site's name in an <h1> of the menu is no title.
  std::string title;
  EXPECT_EQ(HtmlToText("<nav><h1>Harbour Daily</h1><a>Home</a></nav>"
                       "<h1>Ferry sinks</h1><p>All saved.</p>",
                       &title),
            "Ferry sinks\nAll saved.");
  EXPECT_EQ(title, "Ferry sinks");
  // An <h1> inside chrome inside an <h1>: the outer one is the title, to
  // its own end (fuzz_html: the inner end pointed into later text).
  EXPECT_EQ(HtmlToText("<h1>Site A<footer><h1>B</h1></footer> news</h1>"
                       "<p>L\u00e9a</p>",
                       &title),
            "Site A\nnews\nL\u00e9a");
  EXPECT_EQ(title, "Site A news");
}

TEST(Html, HeadlineIsTheFirstH1ElseTheTitle) {
  EXPECT_EQ(Title("<html><head><title>Page - Site</title></head><body>"
                  "<nav>Home</nav><h1>The <b>headline</b>&nbsp;here</h1>"
                  "<h1>Second</h1></body></html>"),
            "The headline here");
  EXPECT_EQ(Title("<head><title> Page  title </title></head><p>Body</p>"),
            "Page title");
  EXPECT_EQ(Title("<p>No headline</p>"), "");
}

TEST(Html, DeepNestingDoesNotRecurse) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  deep += "bottom";
  EXPECT_EQ(HtmlToText(deep), "bottom");
}

}  // namespace
}  // namespace refrain::internal

namespace refrain::internal {
namespace {

TEST(Html, DeclaredCharset) {
  EXPECT_EQ(DeclaredCharset("<meta charset=\"KOI8-R\"><p>x"), "koi8-r");
  EXPECT_EQ(DeclaredCharset("<META HTTP-EQUIV=\"Content-Type\" "
                            "CONTENT=\"text/html; charset=Shift_JIS\">"),
            "shift_jis");
  EXPECT_EQ(DeclaredCharset("<meta charset = 'utf-8' />"), "utf-8");
  // Browsers read ISO-8859-1 and ASCII as their superset windows-1252.
  EXPECT_EQ(DeclaredCharset("<meta charset=iso-8859-1>"), "windows-1252");
  EXPECT_EQ(DeclaredCharset("<meta charset=US-ASCII>"), "windows-1252");
  // A declaration read from the bytes is in no UTF-16 or UTF-32 text: it
  // stands for UTF-8, as the HTML standard's prescan says.
  EXPECT_EQ(DeclaredCharset("<meta charset=\"utf-16\">"), "utf-8");
  EXPECT_EQ(DeclaredCharset("<meta charset=UTF-16LE>"), "utf-8");
  EXPECT_EQ(DeclaredCharset("<meta charset=utf-32be>"), "utf-8");
  EXPECT_EQ(DeclaredCharset("<p>no declaration</p>"), "");
  // Only in a meta tag, and only in the first 4 KiB.
  EXPECT_EQ(DeclaredCharset("<p>the charset=koi8-r of this text</p>"), "");
  EXPECT_EQ(DeclaredCharset("<meta name=x> charset=koi8-r"), "");
  EXPECT_EQ(DeclaredCharset(std::string(5000, ' ') + "<meta charset=koi8-r>"),
            "");
  EXPECT_EQ(DeclaredCharset("<meta charset=>"), "");
}

}  // namespace
}  // namespace refrain::internal
