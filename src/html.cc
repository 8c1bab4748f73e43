#include "html.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

namespace refrain::internal {
namespace {

bool NameIs(const xmlNode* n, const char* name) {
  return n->name != nullptr &&
         std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0;
}

// Elements whose content is not text a reader sees.
bool Hidden(const xmlNode* n) {
  static constexpr std::array kHidden = {"script",   "style",  "noscript",
                                         "template", "head",   "title",
                                         "svg",      "iframe", "object"};
  for (const char* h : kHidden) {
    if (NameIs(n, h)) return true;
  }
  return false;
}

// The value of attribute `name` of `n`, ASCII lower-cased ("" if none).
std::string Attribute(const xmlNode* n, const char* name) {
  if (n->properties == nullptr) return std::string();  // Most elements.
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (v == nullptr) return std::string();
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

// The ARIA role of `n`: the first of the space-separated tokens of its
// role attribute (the others are fallbacks for older browsers).
std::string Role(const xmlNode* n) {
  const std::string role = Attribute(n, "role");
  const size_t begin = role.find_first_not_of(" \t\n\r\f");
  if (begin == std::string::npos) return std::string();
  const size_t end = role.find_first_of(" \t\n\r\f", begin);
  return role.substr(begin, end == std::string::npos ? end : end - begin);
}

// Which of <nav>, <aside> and <footer> a page opens more often than it
// closes: libxml2, like a browser, makes everything after an element never
// closed its content, so an unclosed menu or pull quote holds the rest of
// the story (review 52b-02: the story vanished, and a page of nothing else
// was skipped as empty). Such a page's elements of that name are read.
struct Unclosed {
  bool nav = false, aside = false, footer = false;
};

// Which of <nav>, <aside> and <footer> `html` has more start tags than end
// tags of (any case; a tag name ends at white space, '>' or '/'), in one
// pass. Comments, scripts (JSON-LD too) and styles hold no tags: a "<nav>"
// commented out or in a script string opens nothing (review 52c-02: one
// such comment brought back every menu of the page).
Unclosed UnclosedChrome(std::string_view html) {
  // Whether `what` (lower case) starts at html[i], in any case.
  auto starts = [&](size_t i, std::string_view what) {
    if (i + what.size() > html.size()) return false;
    for (size_t k = 0; k < what.size(); ++k) {
      if (std::tolower(static_cast<unsigned char>(html[i + k])) != what[k]) {
        return false;
      }
    }
    return true;
  };
  // Whether the tag name `tag` starts at html[i] (and ends there).
  auto tag_at = [&](size_t i, std::string_view tag) {
    if (!starts(i, tag)) return false;
    const size_t e = i + tag.size();
    return e == html.size() || std::string_view(" \t\n\r\f>/").find(html[e]) !=
                                   std::string_view::npos;
  };
  // Just past the first `end` from i on (the end of the text if none).
  auto skip_to = [&](size_t i, std::string_view end) {
    for (size_t j = html.find(end[0], i); j != std::string_view::npos;
         j = html.find(end[0], j + 1)) {
      if (starts(j, end)) return j + end.size();
    }
    return html.size();
  };
  int64_t nav = 0, aside = 0, footer = 0;
  size_t i = html.find('<');
  while (i != std::string_view::npos && i < html.size()) {
    if (starts(i, "<!--")) {
      i = skip_to(i + 4, "-->");
    } else if (tag_at(i + 1, "script")) {
      i = skip_to(i + 7, "</script");
    } else if (tag_at(i + 1, "style")) {
      i = skip_to(i + 6, "</style");
    } else {
      const bool end_tag = i + 1 < html.size() && html[i + 1] == '/';
      const size_t name = i + (end_tag ? 2 : 1);
      const int64_t step = end_tag ? -1 : 1;
      if (tag_at(name, "nav")) {
        nav += step;
      } else if (tag_at(name, "aside")) {
        aside += step;
      } else if (tag_at(name, "footer")) {
        footer += step;
      }
      ++i;
    }
    i = html.find('<', i);
  }
  return Unclosed{.nav = nav > 0, .aside = aside > 0, .footer = footer > 0};
}

// Page chrome: the site's menus, sidebars and page footer, which every page
// of the site repeats around its article. Left out of the text, or twenty
// short stories under one site's 300 words of menus, most-read lists and
// cookie notice were near-duplicates of each other, and --write-kept
// dropped seven of them (review 52a-01). By HTML's own meaning: <nav> and
// <aside> (and their ARIA roles), AMP's <amp-sidebar>, and a <footer> (or
// role contentinfo) that belongs to the page, not to an article or section
// (HTML's footer is that of its nearest sectioning element or role;
// HTML-AAM). A page-level <header> stays: it often holds the headline.
// A candidate holding the page's <main> (or role main) is no chrome: that
// is decided when its end is reached (TextOf). Not a headline, an
// <article> or paragraphs: sites put their name in an <h1> inside the menu,
// and sidebars list teasers as <article>s of a headline and a lede (review
// 52c-03); an element never closed is found by its tags (UnclosedChrome).
// (`role`: Role(n).)
bool Chrome(const xmlNode* n, std::string_view role, const Unclosed& unclosed) {
  if (NameIs(n, "html") || NameIs(n, "body")) return false;
  if (NameIs(n, "nav")) return !unclosed.nav;
  if (NameIs(n, "amp-sidebar")) return true;  // AMP's menu.
  if (NameIs(n, "aside")) return !unclosed.aside;
  if (NameIs(n, "footer") && unclosed.footer) return false;
  if (role == "navigation" || role == "complementary" || role == "search") {
    return true;
  }
  if (!NameIs(n, "footer") && role != "contentinfo") return false;
  for (const xmlNode* a = n->parent; a != nullptr; a = a->parent) {
    if (a->type != XML_ELEMENT_NODE) continue;
    if (NameIs(a, "article") || NameIs(a, "section") || NameIs(a, "main")) {
      return false;
    }
    const std::string r = Role(a);
    if (r == "main" || r == "article" || r == "region") return false;
  }
  return true;
}

// Elements that start and end a line of text.
bool Block(const xmlNode* n) {
  static constexpr std::array kBlock = {
      "p",   "div",   "br",      "li",         "ul",         "ol",     "h1",
      "h2",  "h3",    "h4",      "h5",         "h6",         "tr",     "td",
      "th",  "table", "section", "article",    "header",     "footer", "aside",
      "nav", "main",  "figure",  "figcaption", "blockquote", "pre",    "hr",
      "dd",  "dt",    "dl",      "address",    "caption",    "form",   "body"};
  for (const char* b : kBlock) {
    if (NameIs(n, b)) return true;
  }
  return false;
}

bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// The UTF-8 of the windows-1252 character of byte 0x80-0x9F, as HTML maps
// a numeric character reference to a C1 control ("" for the five bytes
// windows-1252 leaves undefined, which stay as they are).
std::string_view Windows1252C1(unsigned char b) {
  static constexpr std::string_view kC1[32] = {
      "\u20AC", "",       "\u201A", "\u0192", "\u201E", "\u2026", "\u2020",
      "\u2021", "\u02C6", "\u2030", "\u0160", "\u2039", "\u0152", "",
      "\u017D", "",       "",       "\u2018", "\u2019", "\u201C", "\u201D",
      "\u2022", "\u2013", "\u2014", "\u02DC", "\u2122", "\u0161", "\u203A",
      "\u0153", "",       "\u017E", "\u0178"};
  return kC1[b - 0x80];
}

// Builds the text: HTML white space collapsed, lines ended at blocks.
class TextBuilder {
 public:
  void Text(const char* s) {
    for (; *s != '\0'; ++s) {
      const auto c = static_cast<unsigned char>(*s);
      if (IsSpace(c)) {
        space_ = true;
        continue;
      }
      // U+00A0 (&nbsp;) is white space to a reader too.
      if (c == 0xC2 && static_cast<unsigned char>(s[1]) == 0xA0) {
        space_ = true;
        ++s;
        continue;
      }
      // A C1 control (U+0080-U+009F): what libxml2 gives for &#146;, a
      // reference legacy pages use for curly quotes. Browsers show the
      // windows-1252 character instead ("&#146;" is ’, "&#128;" €; HTML's
      // numeric character reference table), and so does the text: as
      // controls, "minister’s" read "ministers" and “...” was no quote
      // (review 48b-01).
      if (c == 0xC2 && static_cast<unsigned char>(s[1]) >= 0x80 &&
          static_cast<unsigned char>(s[1]) <= 0x9F) {
        if (const std::string_view w =
                Windows1252C1(static_cast<unsigned char>(s[1]));
            !w.empty()) {
          Put(w);
          ++s;
          continue;
        }
      }
      Put(std::string_view(s, 1));
    }
  }
  void EndLine() {
    line_ = true;
    space_ = false;
    line_start_ = true;
  }
  size_t size() const { return out_.size(); }
  // Drops what was written from `size` on; a line break is due before
  // whatever comes next.
  void Truncate(size_t size) {
    out_.resize(size);
    EndLine();
  }
  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  // Writes `bytes` (one character, or one byte of one), after the space
  // or line break due before it.
  void Put(std::string_view bytes) {
    if (line_ && !out_.empty()) {
      out_.push_back('\n');
    } else if (space_ && !out_.empty() && !line_start_) {
      out_.push_back(' ');
    }
    line_ = space_ = line_start_ = false;
    out_.append(bytes);
  }

  std::string out_;
  bool space_ = false;      // White space seen since the last character.
  bool line_ = false;       // A line break is due before the next one.
  bool line_start_ = true;  // Nothing written on the current line yet.
};

// The text inside `n`, white space collapsed.
std::string InnerText(const xmlNode* n) {
  xmlChar* content = xmlNodeGetContent(n);
  if (content == nullptr) return std::string();
  TextBuilder b;
  b.Text(reinterpret_cast<const char*>(content));
  xmlFree(content);
  return b.Take();
}

}  // namespace

std::string DeclaredCharset(std::string_view html) {
  std::string head(html.substr(0, 4096));
  std::transform(head.begin(), head.end(), head.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (size_t at = head.find("charset"); at != std::string::npos;
       at = head.find("charset", at + 1)) {
    // Only inside a meta tag: the nearest '<' before it opens "<meta".
    const size_t open = head.rfind('<', at);
    if (open == std::string::npos || head.compare(open, 5, "<meta") != 0 ||
        head.find('>', open) < at) {
      continue;
    }
    size_t i = at + 7;
    while (i < head.size() && IsSpace(head[i])) ++i;
    if (i == head.size() || head[i] != '=') continue;
    ++i;
    while (i < head.size() &&
           (IsSpace(head[i]) || head[i] == '"' || head[i] == '\'')) {
      ++i;
    }
    size_t end = i;
    while (end < head.size() &&
           (std::isalnum(static_cast<unsigned char>(head[end])) ||
            std::strchr("-_.:", head[end]) != nullptr)) {
      ++end;
    }
    if (end == i) continue;
    std::string name = head.substr(i, end - i);
    if (name == "iso-8859-1" || name == "latin1" || name == "us-ascii" ||
        name == "ascii") {
      name = "windows-1252";
    }
    // A page whose bytes are read to find this declaration is no UTF-16
    // (nor UTF-32) text: the HTML standard's prescan reads such a
    // declaration as UTF-8 (review, thirty-eighth session: one Latin-1 byte
    // made a page declaring utf-16 decode to garbage).
    if (name.starts_with("utf-16") || name.starts_with("utf16") ||
        name.starts_with("utf-32") || name.starts_with("utf32") ||
        name.starts_with("ucs-2") || name.starts_with("ucs2") ||
        name == "unicode") {
      name = "utf-8";
    }
    return name;
  }
  return "";
}

namespace {

// The text of `doc` (HtmlToText), page chrome left out unless `with_chrome`.
std::string TextOf(htmlDocPtr doc, bool with_chrome, const Unclosed& unclosed,
                   std::string* title) {
  TextBuilder text;
  // Depth-first, without recursion: the tree's depth is the input's.
  std::string title_element;
  size_t h1_begin = std::string::npos, h1_end = std::string::npos;
  // The chrome candidates open around the current node: each with the
  // text's size where it began and how many <main>s the walk had met then.
  struct Open {
    const xmlNode* node;
    size_t text_size;
    uint32_t mains;
  };
  std::vector<Open> chrome;
  uint32_t mains = 0;  // <main> elements (or role main) met so far.
  auto finish = [&](const xmlNode* x) {
    if (x->type != XML_ELEMENT_NODE) return;
    if (Block(x)) text.EndLine();
    if (h1_begin != std::string::npos && h1_end == std::string::npos &&
        NameIs(x, "h1")) {
      h1_end = text.size();
    }
    if (!chrome.empty() && chrome.back().node == x) {
      const Open o = chrome.back();
      chrome.pop_back();
      if (mains == o.mains) {  // It held no main content: chrome.
        text.Truncate(o.text_size);
        // A headline of the chrome's (the site's name) is no title; nor
        // does an <h1> inside the chrome end one around it (the fuzzer:
        // its end then pointed into later text, mid-character).
        if (h1_begin != std::string::npos && h1_begin >= o.text_size) {
          h1_begin = h1_end = std::string::npos;
        } else if (h1_end != std::string::npos && h1_end > o.text_size) {
          h1_end = std::string::npos;
        }
      }
    }
  };
  const xmlNode* n = doc->children;
  while (n != nullptr) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content != nullptr) {
        text.Text(reinterpret_cast<const char*>(n->content));
      }
    } else if (n->type == XML_ELEMENT_NODE && Hidden(n)) {
      // Hidden elements are not walked: the title element is read here.
      if (title != nullptr && title_element.empty()) {
        if (NameIs(n, "title")) {
          title_element = InnerText(n);
        } else if (NameIs(n, "head")) {
          for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
            if (c->type == XML_ELEMENT_NODE && NameIs(c, "title")) {
              title_element = InnerText(c);
              break;
            }
          }
        }
      }
    } else if (n->type == XML_ELEMENT_NODE) {
      if (Block(n)) text.EndLine();
      const std::string role = Role(n);
      if (!with_chrome && Chrome(n, role, unclosed)) {
        chrome.push_back(Open{n, text.size(), mains});
      }
      if (NameIs(n, "main") || role == "main") ++mains;
      if (h1_begin == std::string::npos && NameIs(n, "h1")) {
        h1_begin = text.size();
      }
      if (n->children != nullptr) {
        n = n->children;
        continue;
      }
    }
    finish(n);
    // The next sibling, else up to the first ancestor with one, finishing
    // each ancestor passed.
    while (n->next == nullptr) {
      n = n->parent;
      if (n == nullptr || n->type != XML_ELEMENT_NODE) {
        n = nullptr;
        break;
      }
      finish(n);
    }
    if (n != nullptr) n = n->next;
  }
  if (title != nullptr) {
    title->clear();
    if (h1_begin != std::string::npos) {
      // From where the h1 began (a line break before it is written with its
      // first character) to where it ended.
      std::string_view t = text.text();
      t = t.substr(h1_begin, std::min(h1_end, t.size()) - h1_begin);
      while (!t.empty() && t.front() == '\n') t.remove_prefix(1);
      title->assign(t);
      std::replace(title->begin(), title->end(), '\n', ' ');
    }
    if (title->empty()) *title = std::move(title_element);
  }
  return text.Take();
}

}  // namespace

std::string HtmlToText(std::string_view html, std::string* title) {
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });
  if (html.size() > static_cast<size_t>(INT_MAX)) return std::string();
  htmlDocPtr doc = htmlReadMemory(
      html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
          HTML_PARSE_NONET | HTML_PARSE_COMPACT | XML_PARSE_HUGE |
          // The bytes are UTF-8 by now (converted from a declared charset,
          // or repaired): a stale <meta charset> must not re-decode them.
          HTML_PARSE_IGNORE_ENC);
  if (doc == nullptr) return std::string();
  const Unclosed unclosed = UnclosedChrome(html);
  std::string text = TextOf(doc, /*with_chrome=*/false, unclosed, title);
  // A page that is all chrome by its tags (a <body role="navigation">, a
  // menu never closed around a short story) keeps its text: what it is, a
  // page of links or an article, is for the reader to judge, not for a
  // skip as "empty".
  if (text.empty()) text = TextOf(doc, /*with_chrome=*/true, unclosed, title);
  xmlFreeDoc(doc);
  return text;
}

}  // namespace refrain::internal
