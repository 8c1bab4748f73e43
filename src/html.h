// Text of an HTML document or fragment (internal): .html inputs and
// --strip-html, for dumps whose article bodies are markup (scraped pages,
// RSS content:encoded).
#ifndef REFRAIN_SRC_HTML_H_
#define REFRAIN_SRC_HTML_H_

#include <string>
#include <string_view>

namespace refrain::internal {

// The readable text of `html`, parsed by libxml2's HTML parser (which
// recovers from any markup, as browsers do): character references decoded,
// runs of white space one space as HTML renders them, block elements (p,
// div, br, li, h1-h6, tr, ...) on lines of their own so paragraphs and
// headlines stay apart for sentence breaking and boilerplate detection, and
// the contents of script, style, noscript, template and head left out.
// Lines are trimmed; no empty lines. With `title`, also the headline: the
// text of the first h1, else of the title element, else "". Thread-safe.
std::string HtmlToText(std::string_view html, std::string* title = nullptr);

// The character encoding a page declares in its first 4 KiB (<meta
// charset=...> or <meta http-equiv="Content-Type" content="...;
// charset=...">), lower-cased, or "" if none. As browsers do, a page that
// declares ISO-8859-1 or US-ASCII is read as windows-1252, its superset,
// and one declaring UTF-16 or UTF-32 (in bytes that are neither) as UTF-8.
std::string DeclaredCharset(std::string_view html);

}  // namespace refrain::internal

#endif  // REFRAIN_SRC_HTML_H_
