// report.html: one self-contained page over a Report (see WriteHtml in
// report.h and docs/report-format.md).
//
// Safety model: every string that comes from the input (ids, titles,
// sources, texts, skip reasons, URLs) goes through Esc() before it is
// written, in text and in attribute values alike; element ids are built from
// numbers only; the inline script contains no data at all (the filter reads
// the DOM). As a second line of defence the page carries a
// Content-Security-Policy that allows no network access and runs only the
// one inline script whose SHA-256 it names, so even a missed escape could
// not execute injected script or load anything.
#include <openssl/evp.h>

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "claims_internal.h"
#include "hash.h"
#include "refrain/claim_score.h"
#include "refrain/normalize.h"
#include "refrain/report.h"
#include "stopwords.h"
#include "utf8.h"

namespace refrain {
namespace {

// ---------------------------------------------------------------------------
// Escaping and formatting.

// Appends `s` with the five HTML-significant characters escaped: safe in
// text content and in quoted attribute values. Control characters other
// than white space become U+FFFD, C1 controls (U+0080-U+009F: a feed's
// windows-1252 quotes decoded as Latin-1) too (review 48b-05).
void Esc(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < s.size() &&
        static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      out += "&#xFFFD;";
      ++i;
      continue;
    }
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
      default:
        // NUL is not allowed in HTML text, and the other controls (ESC,
        // BEL, ...: HTML's "control characters" but white space) are
        // parse errors that browsers show as nothing at all.
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' &&
             c != '\r' && c != '\f') ||
            c == 0x7F) {
          out += "&#xFFFD;";
        } else {
          out += c;
        }
    }
  }
}

std::string Esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  Esc(out, s);
  return out;
}

std::string F2(double x) { return absl::StrFormat("%.2f", x); }
std::string F3(double x) { return absl::StrFormat("%.3f", x); }

// Longest prefix of `s` of at most `max_bytes` that ends on a UTF-8
// character boundary.
std::string_view Utf8Prefix(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut);
}

// Debian's absl::string_view is not std::string_view: convert for StrCat.
absl::string_view Av(std::string_view s) { return {s.data(), s.size()}; }

std::string Abbrev(std::string_view s, size_t max_bytes) {
  std::string_view p = Utf8Prefix(s, max_bytes);
  return p.size() == s.size() ? std::string(s) : absl::StrCat(Av(p), "…");
}

std::string Plural(uint64_t n, const char* one, const char* many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

// The note under a capped list: "Not shown here: 3 more clusters (see
// report.json and pairs.csv)."
void MoreNote(std::string& h, uint64_t n, const char* one, const char* many,
              const char* where) {
  absl::StrAppend(&h, "<p class=\"note\">Not shown here: ", n, " more ",
                  n == 1 ? one : many, " (see ", where, ").</p>\n");
}

// Only absolute http(s) URLs become links: anything else (javascript:,
// data:, relative paths, leading blanks that browsers strip) is shown as
// text, if at all.
bool IsWebUrl(std::string_view url) {
  auto starts = [&](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      char c = url[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  return starts("http://") || starts("https://");
}

// The Content-Security-Policy source of a script: 'sha256-' and the base64
// of its SHA-256 (OpenSSL's libcrypto).
std::string ScriptHashSource(std::string_view script) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  if (EVP_Digest(script.data(), script.size(), digest, &size, EVP_sha256(),
                 nullptr) != 1) {
    return "'none'";  // No script runs; the page still reads without it.
  }
  EVP_EncodeBlock(b64, digest, static_cast<int>(size));
  return absl::StrCat("'sha256-", reinterpret_cast<const char*>(b64), "'");
}

// ---------------------------------------------------------------------------
// Static parts of the page.

// Inline elements isolate their text's direction (unicode-bidi: isolate):
// a right-to-left override (U+202E) in an article's title otherwise ran on
// into the badges after it. <mark> is left out: a marked word inside
// right-to-left text takes part in its order.
constexpr std::string_view kStyle = R"css(
:root{--ink:#1f2933;--muted:#616e7c;--line:#e4e7eb;--bg:#f5f7fa;--card:#fff;
--accent:#1c4e80;--mark:#ffe066;--span:#fff3bf;--claim:#e8590c}
*{box-sizing:border-box}
[hidden]{display:none!important}
html{scroll-padding-top:120px}
html:not([data-js]) .search{display:none}
@media (max-width:900px){.sticky{position:static}html{scroll-padding-top:8px}}
svg.heatmap{max-width:100%;height:auto}
body{margin:0;background:var(--bg);color:var(--ink);
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
a{color:var(--accent);text-decoration:none}
a:hover{text-decoration:underline}
span,a,td,th,li,summary{unicode-bidi:isolate}
.sticky{position:sticky;top:0;z-index:5}
header.top{background:#102a43;color:#fff;
display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center;justify-content:space-between;
padding:10px 28px}
header.top h1{font-size:20px;margin:0;font-weight:650;letter-spacing:.2px;overflow-wrap:anywhere}
header.top .sub{margin:0;color:#bcccdc;font-size:13px}
.search{display:flex;align-items:center;gap:10px}
.search input{width:380px;max-width:60vw;padding:7px 12px;border-radius:6px;border:0;
font:inherit;font-size:14px}
#filter-status{color:#bcccdc;font-size:13px;min-width:90px}
nav.toc{background:#fff;border-bottom:1px solid var(--line);
padding:6px 28px;display:flex;gap:22px;flex-wrap:wrap;font-size:14px}
main{max-width:1320px;margin:0 auto;padding:18px 28px 40px}
h2{font-size:19px;margin:28px 0 4px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:16px;margin:0}
p.help{color:var(--muted);margin:4px 0 14px;font-size:14px}
.note{color:var(--muted);font-size:13px;font-style:italic;margin:8px 0}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px}
.tile{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.tile b{display:block;font-size:24px;font-weight:650;color:var(--accent)}
.tile span{color:var(--muted);font-size:13px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;
padding:14px 16px;margin:0 0 14px;box-shadow:0 1px 2px rgba(16,42,67,.05)}
.card>header{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 14px;margin-bottom:10px}
.meta{color:var(--muted);font-size:13px}
.badge{display:inline-block;font-size:11px;text-transform:uppercase;letter-spacing:.5px;
padding:1px 7px;border-radius:10px;background:#e4e7eb;color:#3e4c59;vertical-align:1px}
.badge.quote{background:#fde2cf;color:#8a3b06}
.badge.headline{background:#d9e8fb;color:#1c4e80}
.badge.numbers{background:#fbe1e1;color:#8a1c1c}
.badge.opposite{background:#efe0fb;color:#5b1c8a}
.badge.hedged{background:#fdf1c7;color:#6b4e00}
.num{display:inline-block;min-width:20px;height:20px;line-height:20px;border-radius:10px;
background:var(--accent);color:#fff;font-size:12px;text-align:center;font-weight:600}
h4.group{font-size:13px;font-weight:600;color:var(--muted);margin:12px 0 6px}
.sbs{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:12px}
.member{margin:0;border:1px solid var(--line);border-radius:6px;padding:10px 12px;
display:flex;flex-direction:column;gap:6px;background:#fcfcfd}
.member figcaption{font-size:13px;color:var(--muted);display:flex;flex-wrap:wrap;gap:4px 8px;
align-items:center}
.member figcaption .title{color:var(--ink);font-weight:600}
.member blockquote{margin:0;font:16px/1.55 Georgia,"Times New Roman",serif;
border-left:3px solid var(--claim);padding:2px 0 2px 12px}
.member .ctx{font-size:13px;align-self:flex-start}
mark{background:var(--mark);color:inherit;border-radius:2px;padding:0 1px;
box-shadow:inset 0 -2px #d4a300}
mark.opp{background:#efe0fb;outline:1px dashed #5b1c8a}
mark.hedge{background:#fdf1c7;outline:1px dashed #6b4e00}
.src{font-weight:600;color:#3e4c59}
.idx{font-size:12px;color:#7c5e10;background:#fff3c4;border-radius:3px;padding:0 4px;margin-left:4px}
.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;
color:var(--muted);word-break:break-all}
td.id{min-width:160px;width:42%;word-break:normal;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.4px;color:var(--muted);font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.nw{white-space:nowrap}
table.diff th{text-transform:none;letter-spacing:0}
table.diff td{width:50%;font:15px/1.5 Georgia,"Times New Roman",serif;overflow-wrap:anywhere}
table.diff del{background:#ffe3e3;color:#8a1c1c}
table.diff ins{background:#d3f9d8;color:#1b5e20;text-decoration:underline}
table.diff .moved{color:var(--muted)}
table.diff .moved b{font:600 12px system-ui,sans-serif}
table.diff td.gap{color:var(--muted);font:13px system-ui,sans-serif;text-align:center}
h4.diff{font-size:13px;font-weight:600;color:var(--muted);margin:10px 0 4px}
.bar{display:inline-block;height:8px;border-radius:4px;background:var(--accent);
vertical-align:middle;margin-left:6px;opacity:.75}
details>summary{cursor:pointer;color:var(--accent);font-size:14px;margin-top:8px}
details.article{background:var(--card);border:1px solid var(--line);border-radius:8px;
padding:10px 16px;margin:0 0 10px}
details.article>summary{color:var(--ink);font-size:15px;margin:0}
details.article .meta{margin:6px 0}
.text{white-space:pre-wrap;font:16px/1.6 Georgia,"Times New Roman",serif;max-width:860px;
margin:8px 0 4px;overflow-wrap:anywhere}
mark.span{background:var(--span);border-bottom:2px solid #fab005;padding:0}
mark.span:has(a:target){background:#ffd43b;outline:2px solid #f08c00}
.figs{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}
.hists{display:flex;flex-wrap:wrap;gap:18px}
figure.chart{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;
padding:12px 14px}
figure.chart figcaption{font-size:13px;color:var(--muted);max-width:640px;margin-top:6px}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.kv{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:14px}
.kv table td:first-child{color:var(--muted);width:55%}
.skips li{font-size:14px}
details.check{background:var(--card);border:1px solid #f3c4c4;border-radius:8px;
padding:8px 16px;margin:0 0 14px}
details.check>summary{color:#8a1c1c;font-weight:600;margin:0}
details.check q{font:15px/1.5 Georgia,"Times New Roman",serif;quotes:none}
details.check td{width:40%}
details.check td.n,details.check td:last-child{width:auto}
footer{max-width:1320px;margin:0 auto;padding:0 28px 30px;color:var(--muted);font-size:13px}
)css";

// The only script: the filter box and opening <details> around link
// targets. It reads the DOM and embeds no report data.
constexpr std::string_view kScript = R"js(
(function () {
  'use strict';
  var box = document.getElementById('filter');
  var status = document.getElementById('filter-status');
  var items = Array.prototype.slice.call(document.querySelectorAll('.filterable'));
  var texts = null;
  function apply() {
    if (texts === null) {
      texts = items.map(function (el) { return el.textContent.toLowerCase(); });
    }
    var q = box.value.trim().toLowerCase();
    // Every word typed, in any order ("Lavrov Russia" as "Russia Lavrov").
    var words = q === '' ? [] : q.split(/\s+/);
    var shown = 0;
    for (var i = 0; i < items.length; i++) {
      var hit = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      items[i].hidden = !hit;
      if (hit) shown++;
    }
    status.textContent = q === '' ? '' :
        shown + ' of ' + items.length + ' on this page shown';
  }
  box.addEventListener('input', apply);
  // report.html?filter=words opens the page filtered (links, tests).
  var preset = /[?&]filter=([^&]*)/.exec(location.search);
  if (preset) {
    try {
      box.value = decodeURIComponent(preset[1].replace(/\+/g, ' '));
    } catch (e) {
      box.value = preset[1];
    }
    apply();
  }
  function reveal(id) {
    var target = id && document.getElementById(id);
    for (var el = target; el; el = el.parentElement) {
      if (el.tagName === 'DETAILS') el.open = true;
      if (el.hidden) el.hidden = false;
    }
  }
  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[href^="#"]');
    if (a) reveal(decodeURIComponent(a.getAttribute('href').slice(1)));
  });
  window.addEventListener('hashchange', function () {
    reveal(decodeURIComponent(location.hash.slice(1)));
  });
  if (location.hash) reveal(decodeURIComponent(location.hash.slice(1)));
  document.documentElement.setAttribute('data-js', 'ready');
})();
)js";

// ---------------------------------------------------------------------------
// Differences between two texts, for the near-duplicate cards.

enum class Op : uint8_t { kSame, kOnlyA, kOnlyB };

// A longest-common-subsequence alignment of two sequences of hashes, as
// the edit that turns `a` into `b`. The common head and tail are matched
// first (near-duplicates share most of their text), the rest by dynamic
// programming; a rest over `max_cells` is taken as all removed and added.
std::vector<Op> Align(std::span<const uint64_t> a, std::span<const uint64_t> b,
                      size_t max_cells) {
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  const size_t n = a.size() - head - tail, m = b.size() - head - tail;
  std::vector<Op> ops(head, Op::kSame);
  if ((n + 1) * (m + 1) > max_cells) {
    ops.insert(ops.end(), n, Op::kOnlyA);
    ops.insert(ops.end(), m, Op::kOnlyB);
  } else {
    // lcs[i][j]: of a[head + i ..] and b[head + j ..].
    std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
    auto at = [&](size_t i, size_t j) -> uint32_t& {
      return lcs[i * (m + 1) + j];
    };
    for (size_t i = n; i-- > 0;) {
      for (size_t j = m; j-- > 0;) {
        at(i, j) = a[head + i] == b[head + j]
                       ? at(i + 1, j + 1) + 1
                       : std::max(at(i + 1, j), at(i, j + 1));
      }
    }
    size_t i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[head + i] == b[head + j]) {
        ops.push_back(Op::kSame);
        ++i;
        ++j;
      } else if (j == m || (i < n && at(i + 1, j) >= at(i, j + 1))) {
        ops.push_back(Op::kOnlyA);
        ++i;
      } else {
        ops.push_back(Op::kOnlyB);
        ++j;
      }
    }
  }
  ops.insert(ops.end(), tail, Op::kSame);
  return ops;
}

// The non-blank lines of `text` (paragraphs), trimmed, or its words.
std::vector<std::string_view> Pieces(std::string_view text, bool words) {
  std::vector<std::string_view> out;
  size_t i = 0;
  auto cut = [&](char c) { return words ? absl::ascii_isspace(c) : c == '\n'; };
  while (i < text.size()) {
    size_t j = i;
    while (j < text.size() && !cut(text[j])) ++j;
    const absl::string_view piece =
        absl::StripAsciiWhitespace(absl::string_view(text.data() + i, j - i));
    if (!piece.empty()) out.emplace_back(piece.data(), piece.size());
    i = j + 1;
  }
  return out;
}

std::vector<uint64_t> Hashes(std::span<const std::string_view> pieces) {
  std::vector<uint64_t> out;
  out.reserve(pieces.size());
  for (std::string_view p : pieces) {
    out.push_back(absl::Hash<std::string_view>{}(p));
  }
  return out;
}

// One passage that differs: its HTML on each side (escaped; <del> and
// <ins> around the words one side lacks when both sides have the passage
// in other words).
struct DiffHunk {
  std::string a, b;
  bool after_same = false;  // Text both share comes before it.
  bool moved = false;       // Paragraphs both have, each elsewhere.
};

// A paragraph's words, and its identity: its words, whatever the spacing
// between them.
struct Paragraph {
  std::string_view text;
  std::vector<std::string_view> words;
  uint64_t key = 0;
};
std::vector<Paragraph> Paragraphs(std::string_view text) {
  std::vector<Paragraph> out;
  for (std::string_view p : Pieces(text, false)) {
    Paragraph para{p, Pieces(p, true)};
    for (std::string_view w : para.words) {
      para.key = absl::HashOf(para.key, absl::Hash<std::string_view>{}(w));
    }
    out.push_back(std::move(para));
  }
  return out;
}

// The paragraphs of `a` and `b` aligned by their words; each run of
// paragraphs not in both is a hunk, compared word by word when the two
// sides share half the words of the shorter or more (an edit, a new
// sentence), else shown as whole paragraphs removed and added. Spacing and
// paragraph breaks are layout, not text: a run whose words are the same
// (a paragraph split or joined, a double space) is no hunk. A paragraph
// left out of the alignment on one side that the other side also has left
// out (the same words) has moved: a hunk of its own, said to be a move
// (review 40c: a reordered paragraph read as removed, then added).
std::vector<DiffHunk> DiffTexts(std::string_view a, std::string_view b) {
  constexpr size_t kMaxCells = 4'000'000;
  constexpr size_t kMaxHunkBytes = 1200;  // Per side, of a whole paragraph.
  constexpr size_t kMaxMovedBytes = 300;  // A moved one: no change to read.
  const std::vector<Paragraph> pa = Paragraphs(a), pb = Paragraphs(b);
  std::vector<uint64_t> ka, kb;
  for (const Paragraph& p : pa) ka.push_back(p.key);
  for (const Paragraph& p : pb) kb.push_back(p.key);
  const std::vector<Op> ops = Align(ka, kb, kMaxCells);
  // Moves: unaligned paragraphs of one side paired, in order, with the
  // other side's unaligned paragraphs of the same words.
  std::vector<char> moved_a(pa.size(), 0), moved_b(pb.size(), 0);
  {
    absl::flat_hash_map<uint64_t, std::vector<size_t>> only_b;
    std::vector<size_t> only_a;
    for (size_t x = 0, y = 0, q = 0; q < ops.size(); ++q) {
      if (ops[q] == Op::kOnlyA) only_a.push_back(x);
      if (ops[q] == Op::kOnlyB) only_b[kb[y]].push_back(y);
      if (ops[q] != Op::kOnlyB) ++x;
      if (ops[q] != Op::kOnlyA) ++y;
    }
    absl::flat_hash_map<uint64_t, size_t> used;
    for (size_t x : only_a) {
      auto it = only_b.find(ka[x]);
      if (it == only_b.end() || pa[x].words.empty()) continue;
      size_t& next = used[ka[x]];
      if (next == it->second.size()) continue;
      moved_a[x] = 1;
      moved_b[it->second[next++]] = 1;
    }
  }
  std::vector<DiffHunk> hunks;
  size_t i = 0, j = 0, k = 0;
  while (k < ops.size()) {
    if (ops[k] == Op::kSame) {
      ++i, ++j, ++k;
      continue;
    }
    const bool after_same = i > 0 || j > 0;
    std::vector<const Paragraph*> ra, rb, ma, mb;
    for (; k < ops.size() && ops[k] != Op::kSame; ++k) {
      if (ops[k] == Op::kOnlyA) {
        (moved_a[i] ? ma : ra).push_back(&pa[i]);
        ++i;
      } else {
        (moved_b[j] ? mb : rb).push_back(&pb[j]);
        ++j;
      }
    }
    if (!ma.empty() || !mb.empty()) {
      DiffHunk hunk;
      hunk.after_same = after_same;
      hunk.moved = true;
      auto moved = [&](const std::vector<const Paragraph*>& run,
                       const char* label, std::string* out) {
        for (const Paragraph* p : run) {
          absl::StrAppend(out, out->empty() ? "" : "<br>",
                          "<span class=\"moved\"><b>", label, "</b> ",
                          Esc(Abbrev(p->text, kMaxMovedBytes)), "</span>");
        }
      };
      moved(ma, "moved from here:", &hunk.a);
      moved(mb, "moved here:", &hunk.b);
      hunks.push_back(std::move(hunk));
    }
    if (ra.empty() && rb.empty()) continue;
    // A run's words, and where each of its paragraphs after the first
    // starts among them.
    struct Words {
      std::vector<std::string_view> w;
      std::vector<size_t> breaks;
    };
    auto run_words = [](const std::vector<const Paragraph*>& run) {
      Words out;
      for (size_t r = 0; r < run.size(); ++r) {
        if (r > 0) out.breaks.push_back(out.w.size());
        out.w.insert(out.w.end(), run[r]->words.begin(), run[r]->words.end());
      }
      return out;
    };
    const Words wa = run_words(ra), wb = run_words(rb);
    const std::vector<Op> edit = Align(Hashes(wa.w), Hashes(wb.w), kMaxCells);
    const auto same =
        static_cast<size_t>(std::count(edit.begin(), edit.end(), Op::kSame));
    if (same == edit.size()) continue;  // The same words, laid out otherwise.
    DiffHunk hunk;
    hunk.after_same = after_same;
    if (!ra.empty() && !rb.empty() &&
        2 * same >= std::min(wa.w.size(), wb.w.size())) {
      // One side's words, runs of words the other lacks in one tag, its
      // own paragraph breaks as plain breaks, and the middle of a long run
      // both share left out.
      auto words = [&](const Words& side, Op mine, const char* tag,
                       std::string* out) {
        constexpr size_t kKeep = 12;  // Shared words shown at each end.
        struct Item {
          bool lacks;
          size_t word;  // Index into side.w; npos for the elision mark.
        };
        std::vector<Item> seq;
        size_t x = 0;
        for (Op op : edit) {
          if (op == Op::kSame || op == mine) seq.push_back({op == mine, x++});
        }
        std::vector<Item> shown;
        for (size_t at = 0; at < seq.size();) {
          size_t end = at;
          while (end < seq.size() && seq[end].lacks == seq[at].lacks) ++end;
          const bool elide = !seq[at].lacks && end - at > 2 * kKeep + 4;
          for (size_t q = at; q < end; ++q) {
            if (elide && q == at + kKeep) {
              shown.push_back({false, std::string_view::npos});
              q = end - kKeep - 1;
              continue;
            }
            shown.push_back(seq[q]);
          }
          at = end;
        }
        // Spaces and breaks between words stay outside the tags.
        bool open = false;
        for (size_t q = 0; q < shown.size(); ++q) {
          const Item& it = shown[q];
          const bool breaks = it.word != std::string_view::npos &&
                              std::binary_search(side.breaks.begin(),
                                                 side.breaks.end(), it.word);
          if (open && (!it.lacks || breaks)) {
            absl::StrAppend(out, "</", tag, ">");
            open = false;
          }
          if (q > 0) *out += breaks ? "<br>" : " ";
          if (it.lacks && !open) {
            absl::StrAppend(out, "<", tag, ">");
            open = true;
          }
          *out += it.word == std::string_view::npos ? std::string("\u2026")
                                                    : Esc(side.w[it.word]);
        }
        if (open) absl::StrAppend(out, "</", tag, ">");
      };
      words(wa, Op::kOnlyA, "del", &hunk.a);
      words(wb, Op::kOnlyB, "ins", &hunk.b);
    } else {
      auto whole = [&](const std::vector<const Paragraph*>& run,
                       const char* tag, std::string* out) {
        for (const Paragraph* p : run) {
          absl::StrAppend(out, out->empty() ? "" : "<br>", "<", tag, ">",
                          Esc(Abbrev(p->text, kMaxHunkBytes)), "</", tag, ">");
        }
      };
      whole(ra, "del", &hunk.a);
      whole(rb, "ins", &hunk.b);
    }
    hunks.push_back(std::move(hunk));
  }
  return hunks;
}

// ---------------------------------------------------------------------------
// Colours.

struct Rgb {
  double r, g, b;
};

// Sequential blue scale for similarities in [0, 1].
std::string ScaleColour(double v) {
  static constexpr Rgb kStops[] = {{222, 235, 247}, {158, 202, 225},
                                   {66, 146, 198},  {33, 113, 181},
                                   {8, 69, 148},    {8, 48, 107}};
  constexpr int kLast = static_cast<int>(std::size(kStops)) - 1;
  v = std::clamp(v, 0.0, 1.0) * kLast;
  const int i = std::min(static_cast<int>(v), kLast - 1);
  const double t = v - i;
  auto mix = [&](double a, double b) {
    return static_cast<int>(std::lround(a + (b - a) * t));
  };
  return absl::StrFormat("#%02x%02x%02x", mix(kStops[i].r, kStops[i + 1].r),
                         mix(kStops[i].g, kStops[i + 1].g),
                         mix(kStops[i].b, kStops[i + 1].b));
}

// ---------------------------------------------------------------------------
// Shared-word marking of claim units.

// A word of a unit: its byte range in the unit's original text and the key
// under which it is compared (the stem; empty for stop words).
struct Word {
  Span span;
  std::string key;
  bool negation = false;  // A negation word of the language (keyless).
  std::string token;      // As normalized: a hedge's cue is found by it.
};

// "say" and "tell" in their English forms: the attribution of nearly every
// news sentence.
bool IsSayOrTell(std::string_view w) {
  static constexpr std::string_view kForms[] = {"say",  "says",  "said",
                                                "tell", "tells", "told"};
  return std::find(std::begin(kForms), std::end(kForms), w) != std::end(kForms);
}

class WordKeys {
 public:
  explicit WordKeys(const std::string& language)
      : english_(IsEnglishLanguage(language)) {
    absl::StatusOr<TermAnalyzer> a =
        TermAnalyzer::Create(TermAnalyzerOptions{language});
    if (a.ok()) analyzer_.push_back(*std::move(a));
  }

  // Words of `text` (original bytes), keyed as TermAnalyzer::Analyze keys
  // its content words (TermAnalyzer::Word: possessive "'s" and elided
  // articles dropped, Russian ё as е), stop words and single ASCII
  // letters keyless, a figure by its value ("1.4 million" and "1,400,000"
  // one word with one key; "2,5" is not "25"). In English, "say" and
  // "tell" in lower case are keyless too: nearly every news sentence has
  // one, a match needs words shared outside its attribution
  // (--claim-min-shared-outside-attribution), and a reader took a marked
  // "said" for part of the claim (review 40a). Other speech verbs carry
  // news ("announced 5,000 job cuts", "admitted taking bribes", "value
  // added tax"), and "Port Said" is a name (review 41a-02). One word a
  // token, a figure of several tokens one: word k of a unit's text is
  // position k of UnitTerms::tokens, as Contrast places its cues.
  std::vector<Word> Words(std::string_view text) const {
    std::vector<Word> out;
    NormalizedText n = Normalize(text);
    std::vector<Token> tokens;
    Tokenize(n.text(), &tokens);
    const std::string_view t = n.text();
    for (size_t i = 0; i < tokens.size(); ++i) {
      Word word;
      // As the analyzer reads figures (ReadNumber's comma_decimal), so
      // that word k is the analyzer's position k.
      if (const size_t k = ReadNumber(t, tokens, i, &word.key, !english_);
          k != 0) {
        word.span = n.ToOriginal(tokens[i].begin, tokens[i + k - 1].end);
        i += k - 1;
      } else {
        // As TermAnalyzer::Analyze tells a negation: by the token as it is
        // ("n'a"), not "no" of "No 10".
        word.negation =
            !analyzer_.empty() &&
            IsNegationAt(t, tokens, i, analyzer_[0].options().language);
        std::string_view w =
            t.substr(tokens[i].begin, tokens[i].end - tokens[i].begin);
        word.token = std::string(w);
        word.span = n.ToOriginal(tokens[i].begin, tokens[i].end);
        std::string storage;
        if (!analyzer_.empty()) {
          w = analyzer_[0].Word(w, &storage);
        } else if (w.size() > 2 && w.ends_with("'s")) {
          w.remove_suffix(2);
        }
        const bool single =
            w.size() == 1 && static_cast<unsigned char>(w[0]) < 0x80;
        const bool say = english_ && IsSayOrTell(w) &&
                         !absl::ascii_isupper(
                             static_cast<unsigned char>(text[word.span.begin]));
        if (!single && !IsStop(w) && !say) {
          word.key = Key(w);
        }
      }
      out.push_back(std::move(word));
    }
    return out;
  }

  // The key of a word as the analyzer normalized it (UnitTerms::words, a
  // contrast's words): its stem.
  std::string KeyOfWord(std::string_view normalized_word) const {
    return Key(normalized_word);
  }

 private:
  bool IsStop(std::string_view w) const {
    return !analyzer_.empty() && analyzer_[0].IsStopWord(w);
  }
  std::string Key(std::string_view w) const {
    return analyzer_.empty() ? std::string(w) : analyzer_[0].Stem(w);
  }
  std::vector<TermAnalyzer> analyzer_;  // Empty if the language is unknown.
  bool english_;
};

// A word to highlight: shared with another statement, opposed to one (a
// contrast's antonym or swapped role: ClaimScorer::Contrasts), or the cue
// of a hedge of what another states as fact (Contrast::hedge_a, hedge_b).
struct Mark {
  enum Kind { kShared, kOpposed, kHedge };
  Span span;
  Kind kind = kShared;
};

// Appends `text` escaped, with the words in `marked` (spans of `text`, in
// ascending order) wrapped in <mark>, opposed ones in <mark class="opp">;
// marks of shared words, or of a hedge's cue ("tipped to"), separated only
// by spaces or hyphens are merged so a phrase reads as one highlight.
void AppendMarked(std::string& out, std::string_view text,
                  const std::vector<Mark>& given) {
  // Disjoint first: words that one character of the original became ("½"
  // is "1/2" once normalized, "㈱" three words) share its span, and a
  // second mark of it wrote the rest of the statement again (review 39b-01).
  std::vector<Mark> marked;
  marked.reserve(given.size());
  for (Mark m : given) {
    m.span.end = std::min<uint32_t>(m.span.end, text.size());
    if (!marked.empty()) {
      m.span.begin = std::max(m.span.begin, marked.back().span.end);
    }
    if (m.span.begin < m.span.end) marked.push_back(m);
  }
  size_t pos = 0;
  size_t i = 0;
  while (i < marked.size()) {
    size_t j = i;
    while (marked[i].kind != Mark::kOpposed && j + 1 < marked.size() &&
           marked[j + 1].kind == marked[i].kind) {
      std::string_view gap = text.substr(
          marked[j].span.end, marked[j + 1].span.begin - marked[j].span.end);
      if (gap.find_first_not_of(" -") != std::string_view::npos) break;
      ++j;
    }
    Esc(out, text.substr(pos, marked[i].span.begin - pos));
    out += marked[i].kind == Mark::kOpposed
               ? "<mark class=\"opp\" title=\"opposes a word of another "
                 "statement\">"
           : marked[i].kind == Mark::kHedge
               ? "<mark class=\"hedge\" title=\"hedges what another "
                 "statement states as fact\">"
               : "<mark>";
    Esc(out, text.substr(marked[i].span.begin,
                         marked[j].span.end - marked[i].span.begin));
    out += "</mark>";
    pos = marked[j].span.end;
    i = j + 1;
  }
  Esc(out, text.substr(pos));
}

// ---------------------------------------------------------------------------
// The page.

class Page {
 public:
  Page(const Report& r, const HtmlOptions& o) : r_(r), o_(o) {}

  // Where a capped list is whole: `file` beside the page, or compare's
  // JSON for a page alone.
  const char* Where(const char* file) const {
    return o_.beside_report_files ? file : "refrain compare --json";
  }

  std::string Render() {
    Plan();
    std::string body;
    Header(body);
    body += "<main>\n";
    Pair(body);
    Tiles(body);
    Claims(body);
    Duplicates(body);
    Charts(body);
    Articles(body);
    RunDetails(body);
    body += o_.beside_report_files
                ? "</main>\n<footer>Made by refrain. Everything, without the "
                  "caps of this page: <code>report.json</code>, "
                  "<code>documents.csv</code>, <code>pairs.csv</code> and "
                  "<code>claims.csv</code> in the same directory.</footer>\n"
                : "</main>\n<footer>Made by refrain. Everything, without the "
                  "caps of this page: the same <code>refrain compare</code> "
                  "command with <code>--json</code>.</footer>\n";

    std::string html;
    html.reserve(body.size() + kStyle.size() + kScript.size() + 1024);
    html +=
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
        "charset=\"utf-8\">\n";
    absl::StrAppend(
        &html,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
        "'none'; style-src 'unsafe-inline'; img-src data:; script-src ",
        ScriptHashSource(kScript),
        "; base-uri 'none'; form-action 'none'\">\n");
    html +=
        "<meta name=\"viewport\" content=\"width=device-width, "
        "initial-scale=1\">\n";
    html += "<meta name=\"generator\" content=\"refrain\">\n<title>";
    Esc(html, Title());
    html += "</title>\n<style>";
    html += kStyle;
    html += "</style>\n</head>\n<body>\n";
    html += body;
    html += "<script>";
    html += kScript;
    html += "</script>\n</body>\n</html>\n";
    return html;
  }

 private:
  // The page's title as shown: it may name inputs, whose names may hold
  // invalid UTF-8 (which would make the page invalid) or bidirectional
  // controls (which reordered the heading: review 41a-05, 06).
  std::string Title() const {
    std::string t = o_.title;
    internal::RepairUtf8(&t);
    return internal::Printable(t, /*one_line=*/true);
  }
  const Document& Doc(uint32_t d) const { return r_.documents[d]; }
  std::string_view UnitText(uint32_t u) const {
    const ClaimUnit& unit = r_.claims.units[u];
    return std::string_view(Doc(unit.doc).text)
        .substr(unit.span.begin, unit.span.size());
  }
  size_t ShownClaimClusters() const {
    return std::min<size_t>(r_.claims.clusters.size(), o_.max_claim_clusters);
  }
  size_t ShownDupClusters() const {
    return std::min<size_t>(r_.clusters.size(), o_.max_clusters);
  }
  size_t ShownClaimMembers(const ClaimCluster& c) const {
    return std::min<size_t>(c.units.size(),
                            std::max<uint32_t>(o_.max_claim_members, 2));
  }
  // A claim cluster's units in the order its card shows them: group after
  // group when its matches chain several claims, else ascending.
  static std::vector<uint32_t> ClaimCardOrder(const ClaimCluster& c) {
    if (c.groups.size() <= 1) return c.units;
    std::vector<uint32_t> order;
    for (const StarGroup& g : c.groups) {
      order.insert(order.end(), g.members.begin(), g.members.end());
    }
    return order;
  }
  size_t ShownDupMembers(const Cluster& c) const {
    return std::min<size_t>(c.members.size(),
                            std::max<uint32_t>(o_.max_cluster_members, 1));
  }

  // Decides what the page embeds: the article view's documents, and the
  // matches and pairs grouped by the cluster that shows them.
  void Plan() {
    const size_t num_docs = r_.documents.size();
    dup_cluster_of_.assign(num_docs, -1);
    for (size_t c = 0; c < r_.clusters.size(); ++c) {
      for (uint32_t m : r_.clusters[c].cluster.members)
        dup_cluster_of_[m] = static_cast<int>(c);
    }
    claim_cluster_of_unit_.assign(r_.claims.units.size(), -1);
    matched_unit_.assign(r_.claims.units.size(), false);
    for (size_t c = 0; c < r_.claims.clusters.size(); ++c) {
      for (uint32_t u : r_.claims.clusters[c].units) {
        claim_cluster_of_unit_[u] = static_cast<int>(c);
        // With --collapse-copies a copy's unit is a member without a match
        // of its own, and its card links to it in its article.
        matched_unit_[u] = true;
      }
    }
    matches_of_cluster_.assign(ShownClaimClusters(), {});
    for (size_t i = 0; i < r_.claims.matches.size(); ++i) {
      const ClaimMatch& m = r_.claims.matches[i];
      matched_unit_[m.a] = matched_unit_[m.b] = true;
      const int c = claim_cluster_of_unit_[m.a];
      if (c >= 0 && static_cast<size_t>(c) < matches_of_cluster_.size()) {
        matches_of_cluster_[c].push_back(i);
      }
    }
    pairs_of_cluster_.assign(ShownDupClusters(), {});
    for (size_t i = 0; i < r_.pairs.size(); ++i) {
      const int c = dup_cluster_of_[r_.pairs[i].a];
      if (c >= 0 && static_cast<size_t>(c) < pairs_of_cluster_.size()) {
        pairs_of_cluster_[c].push_back(i);
      }
    }
    // Article view: documents of the shown claim and near-duplicate
    // clusters, taken rank by rank from both lists (claim 1, cluster 1,
    // claim 2, ...) so the top of both sections links into it.
    in_articles_.assign(num_docs, false);
    size_t taken = 0;
    auto take = [&](uint32_t d) {
      // Scans without claims do not keep texts: nothing to show then.
      if (in_articles_[d] || taken >= o_.max_articles || Doc(d).text.empty())
        return;
      in_articles_[d] = true;
      ++taken;
    };
    for (size_t rank = 0;
         taken < o_.max_articles &&
         (rank < ShownClaimClusters() || rank < ShownDupClusters());
         ++rank) {
      if (rank < ShownClaimClusters()) {
        const ClaimCluster& cl = r_.claims.clusters[rank];
        const std::vector<uint32_t> order = ClaimCardOrder(cl);
        for (size_t k = 0; k < ShownClaimMembers(cl); ++k) {
          take(r_.claims.units[order[k]].doc);
        }
      }
      if (rank < ShownDupClusters()) {
        const Cluster& cl = r_.clusters[rank].cluster;
        for (size_t k = 0; k < ShownDupMembers(cl); ++k) take(cl.members[k]);
      }
    }
    article_count_ = taken;
    article_docs_total_ = 0;
    std::vector<bool> involved(num_docs, false);
    for (const DocumentCluster& dc : r_.clusters) {
      for (uint32_t m : dc.cluster.members) involved[m] = true;
    }
    for (const ClaimCluster& cl : r_.claims.clusters) {
      for (uint32_t d : cl.docs) involved[d] = true;
    }
    for (size_t d = 0; d < num_docs; ++d) {
      article_docs_total_ += involved[d] && !Doc(d).text.empty();
    }
  }

  // The last part of a document's id (its file name for a path), which
  // tells apart two articles of one title.
  std::string_view IdTail(uint32_t d) const {
    const std::string_view id = Doc(d).id;
    return id.substr(id.find_last_of('/') + 1);
  }

  // A document's display name: its title, else its id.
  std::string Name(uint32_t d, size_t max_bytes = 140) const {
    const Document& doc = Doc(d);
    return Esc(Abbrev(doc.title.empty() ? doc.id : doc.title, max_bytes));
  }
  // The outlet, if the input named one, and for an article loaded from the
  // index (scan --index) the earlier dump that added it.
  std::string Source(uint32_t d) const {
    const Document& doc = Doc(d);
    return absl::StrCat(
        doc.source.empty()
            ? std::string()
            : absl::StrCat("<span class=\"src\">", Esc(doc.source), "</span>"),
        IndexBadge(d));
  }
  // For an article loaded from the index (scan --index): the earlier dump
  // that added it. For a new one: what the index knew of its id, and
  // whether it was read from a damaged stream. Else empty.
  std::string IndexBadge(uint32_t d) const {
    auto badge = [](const char* title, const char* text) {
      return absl::StrCat("<span class=\"idx\" title=\"", title, "\">", text,
                          "</span>");
    };
    std::string out;
    if (r_.IsDamaged(d)) {
      out = badge(
          "read from a compressed stream that failed its check: it may be "
          "damaged, so it is neither kept nor indexed; deliver the file "
          "again",
          "damaged input");
    }
    if (r_.index.IsIndexed(d) && d < r_.index.origins.size()) {
      const IndexedOrigin& o = r_.index.origins[d];
      absl::StrAppend(&out, "<span class=\"idx\" title=\"",
                      Esc(absl::StrCat("added by dump ", o.dump_seq, " (",
                                       o.dump_name, ") at ", o.dump_time)),
                      "\">indexed · dump ", o.dump_seq, " · ",
                      Esc(o.dump_time.substr(0, 10)), "</span>");
    } else if (const char* s = r_.index.StatusOf(d); s != nullptr) {
      const std::string_view status = s;
      if (status == "unchanged") {
        out += badge(
            "its id is indexed with this text (up to white space): its pairs "
            "and matches with indexed articles were reported before",
            "already indexed · unchanged");
      } else if (status == "older") {
        out += badge(
            "an older version of the indexed article (a text an edit "
            "replaced, or one dated before the indexed text): compared with "
            "this one, but the index keeps the newer",
            "already indexed · older version");
      } else if (status == "edited") {
        out += badge(r_.index.read_only
                         ? "its id is indexed with another text: compared with "
                           "this one (read-only: the index keeps its own)"
                         : "its id is indexed with another text: compared "
                           "with this one, which replaces the indexed text",
                     "already indexed · edited");
      } else {
        out += badge(
            "the index holds another article under this id: compared as a "
            "new article, not added",
            "id taken in the index");
      }
    }
    return out;
  }
  // A link to the article view, or plain text when the article is not
  // embedded.
  std::string DocLink(uint32_t d, const std::string& inner_html) const {
    if (!in_articles_[d]) return inner_html;
    return absl::StrCat("<a href=\"#doc-", d, "\">", inner_html, "</a>");
  }

  void Header(std::string& h) const {
    const ClaimsResult& c = r_.claims;
    // Header and menu stick as one block: the header wraps to two lines on
    // a narrow window, and a menu stuck at a fixed offset went under it.
    h += "<div class=\"sticky\">\n<header class=\"top\">\n<div><h1>";
    Esc(h, Title());
    h += "</h1><p class=\"sub\">";
    absl::StrAppend(
        &h,
        Plural(r_.documents.size() - r_.index.loaded, "article", "articles"),
        " · ");
    if (r_.index.used) {
      absl::StrAppend(
          &h, "compared with ",
          Plural(r_.index.loaded, "indexed article", "indexed articles"),
          " · ");
    }
    absl::StrAppend(&h, Plural(r_.clusters.size(), "near-duplicate cluster",
                               "near-duplicate clusters"));
    if (r_.options.claims.enabled) {
      absl::StrAppend(
          &h, " · ",
          Plural(c.clusters.size(), "recurring claim", "recurring claims"));
    }
    h += "</p></div>\n<div class=\"search\"><input id=\"filter\" "
         "type=\"search\" "
         "placeholder=\"Filter by text or source…\" "
         "aria-label=\"Filter by text or source\" autocomplete=\"off\">"
         "<span id=\"filter-status\" "
         "aria-live=\"polite\"></span></div>\n</header>\n";
    h += "<nav class=\"toc\">";
    if (o_.comparison != nullptr) h += "<a href=\"#pair\">The two articles</a>";
    absl::StrAppend(&h, "<a href=\"#claims\">Recurring claims (",
                    c.clusters.size(), ")</a>");
    if (const size_t flagged = FlaggedMatches().size(); flagged > 0) {
      absl::StrAppend(&h, "<a href=\"#check\">Matches to check (", flagged,
                      ")</a>");
    }
    absl::StrAppend(
        &h, "<a href=\"#duplicates\">Near-duplicates (", r_.clusters.size(),
        ")</a><a href=\"#map\">Similarity map</a>",
        "<a href=\"#articles\">Articles (", article_count_, ")</a>",
        "<a href=\"#run\">Inputs &amp; parameters</a></nav>\n</div>\n");
  }

  // compare --html: what the terminal says of the pair first (review
  // 40a-03: the page gave no similarity at all).
  void Pair(std::string& h) const {
    const Comparison* c = o_.comparison;
    if (c == nullptr || c->documents.size() != 2) return;
    h += "<section id=\"pair\" class=\"card\">\n<h2>The two articles</h2>\n"
         "<table><tbody>\n";
    for (int side = 0; side < 2; ++side) {
      const Document& d = c->documents[side];
      absl::StrAppend(&h, "<tr><td>", side == 0 ? "A" : "B", "</td><td>",
                      Source(side), "<b>", Name(side),
                      "</b> <span class=\"id\">", Esc(d.id),
                      "</span></td></tr>\n");
    }
    absl::StrAppend(
        &h, "</tbody></table>\n<p>Jaccard <b>", F3(c->jaccard),
        "</b>, containment <b>", F3(c->containment), "</b> (word ", c->shingle,
        "-shingles; containment: the smaller's shingles found in the larger), "
        "MinHash estimate ",
        F3(c->estimate), ": <b>",
        c->near_duplicate ? "near-duplicates" : "not near-duplicates",
        "</b>.</p>\n");
    if (c->idf.empty()) {
      h += "<p class=\"help\">Claims were not compared (--no-claims).</p>\n";
    } else {
      absl::StrAppend(
          &h, "<p class=\"help\">Claim scores use the IDF of ", Esc(c->idf),
          c->idf == "the two documents"
              ? ": a scan of a whole dump learns its IDF from every article, "
                "so its scores differ a little (give the dump with --in to "
                "get the scan's scores)."
              : ", as the scan of those inputs learns it.",
          " Every pair of statements is scored, so a match the scan's "
          "candidate search missed is listed too.");
      if (c->near_duplicate && !r_.options.claims.within_duplicates) {
        h += " The two are near-duplicates: a scan lists no claim match "
             "between them (their shared sentences are copies of one story, "
             "not a claim made again); they are listed here to show what the "
             "two share.";
      }
      h += "</p>\n";
    }
    h += "</section>\n";
  }

  void Tiles(std::string& h) const {
    uint64_t dup_docs = 0;
    for (const DocumentCluster& dc : r_.clusters)
      dup_docs += dc.cluster.members.size();
    auto tile = [&](auto value, const char* label) {
      absl::StrAppend(&h, "<div class=\"tile\"><b>", value, "</b><span>", label,
                      "</span></div>");
    };
    h += "<section class=\"tiles\" aria-label=\"Summary\">";
    tile(r_.documents.size() - r_.index.loaded, "articles read");
    if (r_.index.used) {
      tile(r_.index.loaded, "indexed articles compared");
    }
    tile(r_.skipped.size(), "input records skipped");
    tile(r_.clusters.size(), "near-duplicate clusters");
    tile(dup_docs, "articles in those clusters");
    {
      const std::vector<char> keep = KeptDocuments(r_);
      tile(std::count(keep.begin() + r_.index.loaded, keep.end(), 1),
           "articles a deduplicated dataset keeps");
    }
    if (r_.options.claims.enabled) {
      tile(r_.claims.clusters.size(), "recurring claims");
      tile(r_.claims.matches.size(), "claim matches");
    }
    h += "</section>\n";
  }

  // ---- Recurring claims ----

  void Claims(std::string& h) const {
    const ClaimsResult& c = r_.claims;
    h += "<section id=\"claims\">\n<h2>Recurring claims</h2>\n";
    if (!r_.options.claims.enabled) {
      h += "<p class=\"help\">The claims stage was disabled for this "
           "scan.</p>\n</section>\n";
      return;
    }
    if (!r_.claims_error.empty()) {
      absl::StrAppend(&h,
                      "<p class=\"note\">The claims stage stopped without a "
                      "result (the near-duplicate results are complete): ",
                      Esc(r_.claims_error), "</p>\n</section>\n");
      return;
    }
    absl::StrAppend(
        &h,
        "<p class=\"help\">The same claim made in different articles, in the "
        "same "
        "or in other words (claim score ≥ ",
        F2(c.threshold),
        "). Statements are shown side by side as the articles wrote them; "
        "<mark>marked</mark> words (same stem, stop words",
        IsEnglishLanguage(r_.options.claims.language)
            ? " and the verbs “say” and “tell”"
            : "",
        " aside) appear in more than one statement of the claim.</p>\n");
    if (c.clusters.empty()) {
      h += "<p class=\"note\">No recurring claims found.</p>\n";
    }
    Flagged(h);
    WordKeys keys(r_.options.claims.language);
    for (size_t k = 0; k < ShownClaimClusters(); ++k) ClaimCard(h, k, keys);
    if (c.clusters.size() > ShownClaimClusters()) {
      MoreNote(h, c.clusters.size() - ShownClaimClusters(), "recurring claim",
               "recurring claims", Where("report.json and claims.csv"));
    }
    h += "</section>\n";
  }

  // The matches a reader should check before taking them as one claim:
  // numbers that differ, opposites (negation, antonyms, swapped roles) and
  // hedges, in report order (the clusters' order, then score).
  std::vector<size_t> FlaggedMatches() const {
    std::vector<size_t> out;
    const ClaimsResult& c = r_.claims;
    for (size_t i = 0; i < c.matches.size(); ++i) {
      if (c.matches[i].numbers_differ || c.ContrastOf(c.matches[i]).any()) {
        out.push_back(i);
      }
    }
    return out;
  }

  // Every flagged match, both statements side by side: the claim cards
  // stop at a cap (200 by default), and on BBC most flagged matches were
  // in claims past it, where the page showed no sign of them (review
  // 40a-01). The counts are the terminal summary's.
  void Flagged(std::string& h) const {
    const ClaimsResult& c = r_.claims;
    const std::vector<size_t> flagged = FlaggedMatches();
    if (flagged.empty()) return;
    uint64_t numbers = 0, opposites = 0, hedged = 0;
    for (size_t i : flagged) {
      const ClaimScorer::Contrast& o = c.ContrastOf(c.matches[i]);
      numbers += c.matches[i].numbers_differ;
      opposites += o.opposite();
      hedged += !o.hedge_a.empty() || !o.hedge_b.empty();
    }
    std::vector<std::string> parts;
    if (numbers > 0) {
      parts.push_back(
          absl::StrCat(Plural(numbers, "match states", "matches state"),
                       " different numbers"));
    }
    if (opposites > 0) {
      parts.push_back(absl::StrCat(
          Plural(opposites, "match may state", "matches may state"),
          " opposites"));
    }
    if (hedged > 0) {
      parts.push_back(
          absl::StrCat(Plural(hedged, "match hedges", "matches hedge"),
                       " what the other side states as fact"));
    }
    absl::StrAppend(
        &h,
        "<details class=\"check\" id=\"check\" open><summary>Matches to "
        "check: ",
        absl::StrJoin(parts, "; "),
        "</summary>\n<p class=\"help\">These score as one claim, but the two "
        "sides may not say the same thing: read both before relying on "
        "the match. Its claim card is linked when this page shows it.</p>\n"
        "<table><thead><tr><th>Statement</th><th>Statement</th>"
        "<th class=\"n\">Score</th><th>Why</th></tr></thead><tbody>\n");
    const size_t limit =
        std::min<size_t>(flagged.size(), o_.max_flagged_matches);
    for (size_t k = 0; k < limit; ++k) {
      const ClaimMatch& m = c.matches[flagged[k]];
      h += "<tr class=\"filterable\">";
      for (uint32_t u : {m.a, m.b}) {
        const uint32_t d = c.units[u].doc;
        absl::StrAppend(&h, "<td><div class=\"meta\">", Source(d),
                        DocLink(d, Name(d, 80)), "</div><q dir=\"auto\">",
                        Esc(UnitText(u)), "</q></td>");
      }
      absl::StrAppend(&h, "<td class=\"n\">", F3(m.score), "</td><td>");
      MatchBadges(h, m, "left", "right");
      const int cluster = claim_cluster_of_unit_[m.a];
      if (cluster >= 0 && static_cast<size_t>(cluster) < ShownClaimClusters()) {
        absl::StrAppend(&h, "<br><a href=\"#claim-", cluster + 1, "\">Claim ",
                        cluster + 1, "</a>");
      } else if (cluster >= 0) {
        absl::StrAppend(&h, "<br><span class=\"meta\">claim ", cluster + 1,
                        " (not on this page)</span>");
      }
      h += "</td></tr>\n";
    }
    h += "</tbody></table>\n";
    if (flagged.size() > limit) {
      MoreNote(h, flagged.size() - limit, "flagged match", "flagged matches",
               Where("claims.csv"));
    }
    h += "</details>\n";
  }

  void ClaimCard(std::string& h, size_t k, const WordKeys& keys) const {
    const ClaimsResult& c = r_.claims;
    const ClaimCluster& cl = c.clusters[k];
    const size_t shown = ShownClaimMembers(cl);
    const std::vector<uint32_t> order = ClaimCardOrder(cl);
    // Words of every shown member; a key is shared when at least two
    // members have it.
    std::vector<std::vector<Word>> words(shown);
    std::map<std::string, int> members_with;
    for (size_t i = 0; i < shown; ++i) {
      words[i] = keys.Words(UnitText(order[i]));
      std::set<std::string_view> distinct;
      for (const Word& w : words[i]) {
        if (!w.key.empty()) distinct.insert(w.key);
      }
      for (std::string_view key : distinct) ++members_with[std::string(key)];
    }
    std::set<std::string> sources;
    for (uint32_t d : cl.docs) {
      if (!Doc(d).source.empty()) sources.insert(Doc(d).source);
    }
    absl::StrAppend(&h, "<article class=\"card claim filterable\" id=\"claim-",
                    k + 1, "\">\n<header><h3>Claim ", k + 1,
                    "</h3><span class=\"meta\">",
                    Plural(cl.units.size(), "statement", "statements"), " in ",
                    Plural(cl.docs.size(), "article", "articles"));
    if (!sources.empty()) {
      h += " from ";
      size_t n = 0;
      for (const std::string& s : sources) {
        if (n == 5) {
          absl::StrAppend(&h, " and ", sources.size() - 5, " more");
          break;
        }
        if (n++ > 0) h += ", ";
        Esc(h, s);
      }
    }
    absl::StrAppend(&h, " · score min ", F3(cl.min_score), ", mean ",
                    F3(cl.mean_score));
    const bool grouped = cl.groups.size() > 1;
    if (grouped) {
      absl::StrAppend(&h, " · ", cl.groups.size(),
                      " groups chained by their matches");
    }
    h += "</span>";
    const std::vector<size_t>& ms = matches_of_cluster_[k];
    if (std::any_of(ms.begin(), ms.end(),
                    [&](size_t i) { return c.matches[i].numbers_differ; })) {
      h += kNumbersDifferBadge;
    }
    if (std::any_of(ms.begin(), ms.end(), [&](size_t i) {
          return c.ContrastOf(c.matches[i]).opposite();
        })) {
      h += kOppositesBadge;
    }
    if (std::any_of(ms.begin(), ms.end(), [&](size_t i) {
          const ClaimScorer::Contrast& o = c.ContrastOf(c.matches[i]);
          return !o.hedge_a.empty() || !o.hedge_b.empty();
        })) {
      h += kHedgedBadge;
    }
    h += "</header>\n";
    if (grouped) {
      h += "<p class=\"help\">Its matches chain statements that may say "
           "different things: each group is a statement and those that "
           "restate it directly.</p>\n";
    }
    // Where each group starts in `order`.
    std::map<size_t, size_t> group_at;
    if (grouped) {
      size_t at = 0;
      for (size_t g = 0; g < cl.groups.size(); ++g) {
        group_at[at] = g;
        at += cl.groups[g].members.size();
      }
    } else {
      h += "<div class=\"sbs\">\n";
    }
    for (size_t i = 0; i < shown; ++i) {
      if (auto it = group_at.find(i); it != group_at.end()) {
        const StarGroup& g = cl.groups[it->second];
        if (i > 0) h += "</div>\n";
        absl::StrAppend(&h, "<h4 class=\"group\">Group ", it->second + 1, " · ",
                        Plural(g.members.size(), "statement", "statements"));
        if (g.members.size() > 1) {
          absl::StrAppend(&h, " · score min ", F3(g.min_similarity));
        }
        h += "</h4>\n<div class=\"sbs\">\n";
      }
      const uint32_t u = order[i];
      const ClaimUnit& unit = c.units[u];
      // Its words that oppose another statement's: antonyms, swapped roles,
      // and its negations if it negates what another states (that one has
      // none: ClaimScorer::Contrast::negation).
      std::set<std::string> opposed;
      // The words of each cue by which it hedges ({"tipped", "to"}), by
      // the position of its first word (Contrast::hedge_cues_a/_b: not the
      // same words elsewhere, review 49a-05); kAnywhere for a contrast that
      // places none (built by hand).
      constexpr uint32_t kAnywhere = UINT32_MAX;
      std::set<std::pair<uint32_t, std::vector<std::string>>> hedges;
      // The negation words that negate what another statement states, by
      // their places (Contrast::negation_cues_a/_b, which count words as
      // Words() does): only those are marked, not every negation word of
      // the statement (reviews 47c-07, 48c-03); every one for a contrast
      // that places no cue on either side (built by hand).
      std::set<uint32_t> negating_at;
      bool negating_unplaced = false;
      for (size_t mi : ms) {
        const ClaimMatch& m = c.matches[mi];
        if (m.a != u && m.b != u) continue;
        const ClaimScorer::Contrast& o = c.ContrastOf(m);
        if (o.negation) {
          const std::vector<uint32_t>& here =
              m.a == u ? o.negation_cues_a : o.negation_cues_b;
          negating_at.insert(here.begin(), here.end());
          negating_unplaced |=
              o.negation_cues_a.empty() && o.negation_cues_b.empty();
        }
        // Swapped roles may be names of several words ("united states").
        for (const std::string* opposed_words :
             {m.a == u ? &o.antonym_a : &o.antonym_b, &o.swapped_first,
              &o.swapped_second}) {
          for (absl::string_view w :
               absl::StrSplit(*opposed_words, ' ', absl::SkipEmpty())) {
            opposed.insert(
                keys.KeyOfWord(std::string_view(w.data(), w.size())));
          }
        }
        if (const std::string& cue = m.a == u ? o.hedge_a : o.hedge_b;
            !cue.empty()) {
          const std::vector<uint32_t>& at =
              m.a == u ? o.hedge_cues_a : o.hedge_cues_b;
          hedges.emplace(at.empty() ? kAnywhere : at.front(),
                         absl::StrSplit(cue, ' ', absl::SkipEmpty()));
        }
      }
      std::vector<Mark> marked;
      const std::vector<Word>& ws = words[i];
      // Words of a cue met so far, all marked (review, thirty-sixth
      // session: only "tipped" of "tipped to" was).
      size_t in_cue = 0;
      for (size_t j = 0; j < ws.size(); ++j) {
        const Word& w = ws[j];
        // One mark a word: a negation word with a key ("never", "without")
        // may be shared too, and two marks of one span repeat the text.
        if (w.negation && (negating_unplaced ||
                           negating_at.contains(static_cast<uint32_t>(j)))) {
          marked.push_back(Mark{w.span, Mark::kOpposed});
          continue;
        }
        for (auto it = hedges.begin(); in_cue == 0 && it != hedges.end();
             ++it) {
          const auto& [at, cue] = *it;
          if ((at == kAnywhere || at == j) && !cue.empty() &&
              j + cue.size() <= ws.size() &&
              std::equal(cue.begin(), cue.end(), ws.begin() + j,
                         [](const std::string& part, const Word& x) {
                           return x.token == part;
                         })) {
            in_cue = cue.size();
          }
        }
        if (in_cue > 0) {
          --in_cue;
          marked.push_back(Mark{w.span, Mark::kHedge});
          continue;
        }
        if (w.key.empty()) continue;
        if (opposed.count(w.key) != 0) {
          marked.push_back(Mark{w.span, Mark::kOpposed});
        } else if (members_with[w.key] >= 2) {
          marked.push_back(Mark{w.span});
        }
      }
      absl::StrAppend(
          &h, "<figure class=\"member\">\n<figcaption><span class=\"num\">",
          i + 1, "</span>", Source(unit.doc), "<span class=\"title\">",
          DocLink(unit.doc, Name(unit.doc)), "</span><span class=\"badge ",
          UnitKindName(unit.kind), "\">", UnitKindName(unit.kind),
          "</span></figcaption>\n<blockquote dir=\"auto\">");
      AppendMarked(h, UnitText(u), marked);
      absl::StrAppend(&h,
                      "</blockquote>\n<div class=\"meta\"><span class=\"id\">",
                      Esc(Doc(unit.doc).id), "</span>");
      if (!Doc(unit.doc).date.empty())
        absl::StrAppend(&h, " · ", Esc(Doc(unit.doc).date));
      h += "</div>\n";
      if (in_articles_[unit.doc]) {
        absl::StrAppend(&h, "<a class=\"ctx\" href=\"#u", u,
                        "\">Read in context ↓</a>\n");
      }
      h += "</figure>\n";
    }
    h += "</div>\n";
    if (cl.units.size() > shown) {
      MoreNote(h, cl.units.size() - shown, "statement", "statements",
               Where("report.json"));
    }
    if (ms.size() > 1 || shown < cl.units.size()) {
      std::map<uint32_t, size_t> number;  // Unit -> its number on the card.
      for (size_t i = 0; i < shown; ++i) number[order[i]] = i + 1;
      absl::StrAppend(
          &h, "<details><summary>", Plural(ms.size(), "match", "matches"),
          " between these statements</summary>\n<table><thead><tr><th>"
          "Statements</th><th class=\"n\">Score</th><th class=\"n\">Cosine</th>"
          "<th class=\"n\" title=\"how alike the two articles are beyond "
          "this claim (cosine of their content words)\">Stories</th>"
          "<th>Kind</th></tr></thead><tbody>\n");
      const size_t limit = std::min<size_t>(ms.size(), o_.max_claim_matches);
      for (size_t i = 0; i < limit; ++i) {
        const ClaimMatch& m = c.matches[ms[i]];
        // A statement past the card's cap by its article and its first
        // words: an article may hold two statements of one claim (review
        // 40a-08: the bare id named neither).
        auto label = [&](uint32_t u) {
          auto it = number.find(u);
          return it == number.end()
                     ? absl::StrCat(Esc(Doc(c.units[u].doc).id), " “",
                                    Esc(Abbrev(UnitText(u), 60)), "”")
                     : absl::StrCat("<span class=\"num\">", it->second,
                                    "</span>");
        };
        absl::StrAppend(&h, "<tr><td>", label(m.a), " ↔ ", label(m.b),
                        "</td><td class=\"n\">", F3(m.score),
                        "</td><td class=\"n\">", F3(m.cosine),
                        "</td><td class=\"n\">", F3(m.story_similarity),
                        "</td><td>", MatchKindName(c.units[m.a], c.units[m.b]));
        MatchBadges(h, m, label(m.a), label(m.b));
        h += "</td></tr>\n";
      }
      h += "</tbody></table>\n";
      if (ms.size() > limit) {
        MoreNote(h, ms.size() - limit, "match", "matches", Where("claims.csv"));
      }
      h += "</details>\n";
    }
    h += "</article>\n";
  }

  // The badges of one match: numbers that differ, a negation, antonyms,
  // swapped roles, and each side's hedge, that side named by `side_a` or
  // `side_b` (HTML). In a card's table of matches and among the matches to
  // check.
  void MatchBadges(std::string& h, const ClaimMatch& m,
                   const std::string& side_a, const std::string& side_b) const {
    const ClaimScorer::Contrast& o = r_.claims.ContrastOf(m);
    if (m.numbers_differ) h += kNumbersDifferBadge;
    if (o.negation) h += kNegationBadge;
    auto word_pair = [&](const std::string& x, const std::string& y,
                         const char* title, const char* joint) {
      if (x.empty()) return;
      absl::StrAppend(&h, " <span class=\"badge opposite\" title=\"", title,
                      "\">");
      Esc(h, x);
      h += joint;
      Esc(h, y);
      h += "</span>";
    };
    word_pair(o.antonym_a, o.antonym_b, "antonyms in WordNet, one on each side",
              " / ");
    word_pair(o.swapped_first, o.swapped_second,
              "roles swapped: the two trade places around a shared word",
              " ⇄ ");
    for (const auto& [cue, side] :
         {std::pair(&o.hedge_a, &side_a), std::pair(&o.hedge_b, &side_b)}) {
      if (cue->empty()) continue;
      absl::StrAppend(&h,
                      " <span class=\"badge hedged\" title=\"this side "
                      "hedges what the other states as fact: a forecast, a "
                      "possibility, a plan or an allegation\">",
                      *side, " hedged: ");
      Esc(h, *cue);
      h += "</span>";
    }
  }

  // On a match, or a claim with such a match: each side states a number
  // the other does not (NumbersDiffer).
  static constexpr const char* kNumbersDifferBadge =
      " <span class=\"badge numbers\" title=\"each side states a number the "
      "other does not\">numbers differ</span>";

  // On a match: one side negates words the other states plainly.
  static constexpr const char* kNegationBadge =
      " <span class=\"badge opposite\" title=\"one side negates words the "
      "other states without a negation\">negation differs</span>";
  // On a claim with a match that one side hedges (Contrast::hedge_a, b).
  static constexpr const char* kHedgedBadge =
      " <span class=\"badge hedged\" title=\"a match where one side hedges "
      "what the other states as fact (a forecast, a possibility, a plan or an "
      "allegation: &quot;tipped to win&quot; / &quot;won&quot;)\">one side "
      "hedges</span>";
  // On a claim with a match that has a negation or antonyms on one side.
  static constexpr const char* kOppositesBadge =
      " <span class=\"badge opposite\" title=\"a match where one side "
      "negates what the other states, has an antonym of its word, or swaps "
      "its roles: may state opposite things\">may state opposites</span>";

  static const char* MatchKindName(const ClaimUnit& a, const ClaimUnit& b) {
    if (a.kind == UnitKind::kQuote || b.kind == UnitKind::kQuote)
      return "quote";
    if (a.kind == UnitKind::kHeadline || b.kind == UnitKind::kHeadline)
      return "headline";
    return "sentence";
  }

  // ---- Near-duplicates ----

  void Duplicates(std::string& h) const {
    const ScanOptions& o = r_.options;
    absl::StrAppend(
        &h,
        "<section id=\"duplicates\">\n<h2>Near-duplicate articles</h2>\n"
        "<p class=\"help\">Articles that are copies of one another: Jaccard "
        "similarity of their ",
        o.shingle.size, "-word shingles ≥ ", F2(o.threshold));
    if (o.containment_threshold < 1.0) {
      absl::StrAppend(&h, ", or one contains ≥ ", F2(o.containment_threshold),
                      " of the other (re-posts with new headers or footers)");
    }
    h += ". Clusters are connected groups; their weakest link is shown.";
    // Texts are kept for the claims stage only (review 41a-04: the cards'
    // diff vanished with --no-claims, unexplained).
    if (!o.claims.enabled && !r_.clusters.empty()) {
      h += " This scan kept no texts (<code>--no-claims</code>), so the cards "
           "do not show what differs between members: scan with claims, or "
           "run <code>refrain compare A B --in DUMP --html FILE</code> for "
           "one pair.";
    }
    h += "</p>\n";
    if (r_.clusters.empty())
      h += "<p class=\"note\">No near-duplicate articles found.</p>\n";
    for (size_t k = 0; k < ShownDupClusters(); ++k) DupCard(h, k);
    if (r_.clusters.size() > ShownDupClusters()) {
      MoreNote(h, r_.clusters.size() - ShownDupClusters(), "cluster",
               "clusters", Where("report.json and pairs.csv"));
    }
    h += "</section>\n";
  }

  void DupCard(std::string& h, size_t k) const {
    const DocumentCluster& dc = r_.clusters[k];
    const Cluster& c = dc.cluster;
    const std::vector<size_t>& ps = pairs_of_cluster_[k];
    absl::StrAppend(
        &h, "<article class=\"card dup filterable\" id=\"dup-", k + 1,
        "\">\n<header><h3>Cluster ", k + 1, "</h3><span class=\"meta\">",
        Plural(c.members.size(), "article", "articles"), " · Jaccard ");
    // A pair is fully described in the header; larger clusters list pairs.
    const bool one_pair = c.members.size() == 2 && ps.size() == 1;
    if (one_pair) {
      const NearDuplicatePair& p = r_.pairs[ps[0]];
      absl::StrAppend(&h, F3(p.jaccard), " · containment ", F3(p.containment),
                      " · MinHash estimate ", F3(p.estimate));
    } else {
      absl::StrAppend(&h, "min ", F3(c.min_similarity), ", mean ",
                      F3(c.mean_similarity), " · ",
                      Plural(c.edges, "verified pair", "verified pairs"));
    }
    const size_t shown = ShownDupMembers(c);
    bool sources = false, dates = false;
    for (size_t i = 0; i < shown; ++i) {
      sources |= !Doc(c.members[i]).source.empty();
      dates |= !Doc(c.members[i]).date.empty();
    }
    absl::StrAppend(&h, "</span></header>\n<table><thead><tr><th>Article</th>",
                    sources ? "<th>Source</th>" : "",
                    dates ? "<th>Date</th>" : "",
                    "<th>Id</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < shown; ++i) {
      const uint32_t d = c.members[i];
      absl::StrAppend(&h, "<tr><td>", DocLink(d, Name(d)), IndexBadge(d));
      if (d == c.representative) {
        absl::StrAppend(&h,
                        " <span class=\"badge\" title=\"the article a "
                        "deduplicated dataset keeps (--keep ",
                        KeepPolicyName(r_.options.keep), ")\">kept</span>");
      } else if (!r_.index.IsIndexed(d) &&
                 std::binary_search(dc.kept.begin(), dc.kept.end(), d) &&
                 !std::binary_search(r_.index.reindexed.begin(),
                                     r_.index.reindexed.end(), d)) {
        h += " <span class=\"badge\" title=\"kept too: no article it is a "
             "near-duplicate of is kept (a chain of edits)\">kept</span>";
      }
      h += "</td>";
      if (sources) {
        absl::StrAppend(&h, "<td class=\"nw\">", Esc(Doc(d).source), "</td>");
      }
      if (dates)
        absl::StrAppend(&h, "<td class=\"nw\">", Esc(Doc(d).date), "</td>");
      absl::StrAppend(&h, "<td class=\"id\">", Esc(Doc(d).id), "</td></tr>\n");
    }
    h += "</tbody></table>\n";
    if (c.members.size() > shown) {
      MoreNote(h, c.members.size() - shown, "member", "members",
               Where("report.json"));
    }
    const size_t limit =
        one_pair ? 0 : std::min<size_t>(ps.size(), o_.max_cluster_pairs);
    if (limit > 0) {
      absl::StrAppend(
          &h, "<details><summary>", Plural(ps.size(), "pair", "pairs"),
          dc.pairs_as_tree ? " (a tree of them, from the kept one out)" : "",
          "</summary>\n<table><thead><tr><th>A</th><th>B</th><th class=\"n\">"
          "Jaccard</th><th class=\"n\">Containment</th><th class=\"n\">MinHash "
          "estimate</th></tr></thead><tbody>\n");
      for (size_t i = 0; i < limit; ++i) {
        const NearDuplicatePair& p = r_.pairs[ps[i]];
        absl::StrAppend(
            &h, "<tr><td>", DocLink(p.a, Name(p.a, 80)), "</td><td>",
            DocLink(p.b, Name(p.b, 80)), "</td><td class=\"n\">", F3(p.jaccard),
            "<span class=\"bar\" style=\"width:",
            std::lround(std::clamp(p.jaccard, 0.0, 1.0) * 60),
            "px\"></span></td><td class=\"n\">", F3(p.containment),
            "</td><td class=\"n\">", F3(p.estimate), "</td></tr>\n");
      }
      h += "</tbody></table>\n";
      if (ps.size() > limit)
        MoreNote(h, ps.size() - limit, "pair", "pairs", Where("pairs.csv"));
      h += "</details>\n";
    }
    Differences(h, c);
    h += "</article>\n";
  }

  // What sets each member apart from the kept article, side by side: the
  // paragraphs only one of them has, and within a paragraph both have in
  // another wording, the words removed and added (review 40a-07: a card
  // gave titles and scores, and a new header, footer or edit could not be
  // seen without opening both files).
  void Differences(std::string& h, const Cluster& c) const {
    constexpr size_t kMembers = 5, kHunks = 8;
    const uint32_t kept = c.representative;
    if (Doc(kept).text.empty()) return;  // No texts kept (--no-claims).
    std::vector<uint32_t> others;
    size_t left_out = 0;
    for (uint32_t m : c.members) {
      if (m == kept || Doc(m).text.empty()) continue;
      if (others.size() < kMembers) {
        others.push_back(m);
      } else {
        ++left_out;
      }
    }
    if (others.empty()) return;
    // Members are told apart by their ids when their titles are the same.
    auto name = [&](uint32_t d) {
      if (Doc(d).title.empty() || Doc(d).title != Doc(kept).title) {
        return Name(d, 80);
      }
      return absl::StrCat(Name(d, 60), " · ", Esc(Abbrev(IdTail(d), 40)));
    };
    // Open on compare's page, which is about the pair.
    absl::StrAppend(&h, "<details class=\"diff\"",
                    o_.comparison != nullptr ? " open" : "",
                    "><summary>What differs from the kept article</summary>\n");
    for (uint32_t d : others) {
      absl::StrAppend(&h, "<h4 class=\"diff\">", name(kept), " ⇄ ", name(d),
                      "</h4>\n");
      const std::vector<DiffHunk> hunks =
          DiffTexts(Doc(kept).text, Doc(d).text);
      if (hunks.empty()) {
        h += "<p class=\"note\">The same words in the same order: the two "
             "differ only in spacing or paragraph breaks, or outside their "
             "text (id, title, metadata).</p>\n";
        continue;
      }
      if (std::all_of(hunks.begin(), hunks.end(),
                      [](const DiffHunk& x) { return x.moved; })) {
        h += "<p class=\"note\">The same paragraphs in another order.</p>\n";
      }
      absl::StrAppend(&h, "<table class=\"diff\"><thead><tr><th>",
                      Esc(Doc(kept).id), " (kept)</th><th>", Esc(Doc(d).id),
                      "</th></tr></thead><tbody>\n");
      for (size_t i = 0; i < hunks.size() && i < kHunks; ++i) {
        if (i > 0 || hunks[i].after_same) {
          h += "<tr><td class=\"gap\" colspan=\"2\">…</td></tr>\n";
        }
        absl::StrAppend(&h, "<tr><td dir=\"auto\">", hunks[i].a,
                        "</td><td dir=\"auto\">", hunks[i].b, "</td></tr>\n");
      }
      h += "</tbody></table>\n";
      if (hunks.size() > kHunks) {
        MoreNote(h, hunks.size() - kHunks, "passage that differs",
                 "passages that differ", "the articles");
      }
    }
    if (left_out > 0) {
      MoreNote(h, left_out, "member compared with the kept one",
               "members compared with the kept one", "the articles");
    }
    h += "</details>\n";
  }

  // ---- Heatmap and histograms ----

  void Charts(std::string& h) const {
    h += "<section id=\"map\">\n<h2>Similarity map</h2>\n<p "
         "class=\"help\">Which articles "
         "copy which, and how closely. Blocks on the diagonal are "
         "near-duplicate "
         "clusters; dots mark articles that share a recurring claim.</p>\n<div "
         "class=\"figs\">\n";
    Heatmap(h);
    h += "<div class=\"hists\">\n";
    std::vector<double> jaccards;
    for (const NearDuplicatePair& p : r_.pairs) jaccards.push_back(p.jaccard);
    Histogram(h, "Near-duplicate pairs by Jaccard similarity", jaccards,
              r_.options.threshold, "#1c4e80");
    if (r_.options.claims.enabled) {
      std::vector<double> scores;
      for (const ClaimMatch& m : r_.claims.matches) scores.push_back(m.score);
      Histogram(h, "Claim matches by score", scores, r_.claims.threshold,
                "#e8590c");
    }
    h += "</div>\n</div>\n</section>\n";
  }

  void Heatmap(std::string& h) const {
    // Documents: members of the top clusters in cluster order (blocks), then
    // documents sharing claim matches, up to the cap.
    const size_t cap = std::clamp<uint32_t>(o_.heatmap_docs, 2, 400);
    std::vector<uint32_t> docs;
    std::vector<int> pos(r_.documents.size(), -1);
    std::vector<std::pair<int, int>>
        blocks;  // [first, last) rows of a cluster.
    auto add = [&](uint32_t d) {
      if (pos[d] >= 0 || docs.size() >= cap) return;
      pos[d] = static_cast<int>(docs.size());
      docs.push_back(d);
    };
    size_t clusters_drawn = 0;
    for (size_t k = 0; k < r_.clusters.size() && docs.size() + 2 <= cap; ++k) {
      const int first = static_cast<int>(docs.size());
      for (uint32_t m : r_.clusters[k].cluster.members) add(m);
      blocks.emplace_back(first, static_cast<int>(docs.size()));
      ++clusters_drawn;
    }
    const size_t from_clusters = docs.size();
    for (const ClaimCluster& cl : r_.claims.clusters) {
      if (docs.size() >= cap) break;
      for (uint32_t d : cl.docs) add(d);
    }
    h += "<figure class=\"chart\">\n";
    const int n = static_cast<int>(docs.size());
    if (n == 0) {
      h += "<p class=\"note\">Nothing to draw: no near-duplicates and no "
           "recurring "
           "claims.</p>\n</figure>\n";
      return;
    }
    // Dense n x n similarity (diagonal 1) from the sparse upper triangle.
    Eigen::MatrixXd sim = Eigen::MatrixXd::Identity(n, n);
    Eigen::MatrixXi claims = Eigen::MatrixXi::Zero(n, n);
    for (int i = 0; i < n; ++i) {
      if (docs[i] >= r_.similarity.rows()) continue;
      for (SimilarityMatrix::InnerIterator it(r_.similarity, docs[i]); it;
           ++it) {
        if (it.col() >= static_cast<int64_t>(pos.size())) continue;
        const int j = pos[it.col()];
        if (j >= 0) sim(i, j) = sim(j, i) = it.value();
      }
    }
    for (const ClaimMatch& m : r_.claims.matches) {
      const int i = pos[r_.claims.units[m.a].doc];
      const int j = pos[r_.claims.units[m.b].doc];
      if (i >= 0 && j >= 0 && i != j) {
        ++claims(i, j);
        ++claims(j, i);
      }
    }
    const int cell = std::clamp(800 / n, 4, 48);
    const bool labels = cell >= 9;
    const int label_w = 240, top = 8, grid = n * cell;
    const int width = label_w + std::max(grid, 330) + 16,
              height = top + grid + 52;
    absl::StrAppend(
        &h,
        "<svg id=\"heatmap\" class=\"heatmap\" "
        "xmlns=\"http://www.w3.org/2000/svg\" "
        "width=\"",
        width, "\" height=\"", height, "\" viewBox=\"0 0 ", width, " ", height,
        "\" role=\"img\" aria-label=\"Document similarity heatmap\">\n");
    absl::StrAppend(&h, "<rect x=\"", label_w, "\" y=\"", top, "\" width=\"",
                    grid, "\" height=\"", grid,
                    "\" fill=\"#f8f9fb\" stroke=\"#d9dee5\"/>\n");
    // Row labels (or, when rows are too thin to label, hover titles). The
    // two rows of a re-post share a title: such rows end with the last part
    // of their id ("... · 447.txt") to tell them apart.
    const int font = std::min(12, cell - 1);
    auto title_of = [&](uint32_t d) -> const std::string& {
      return Doc(d).title.empty() ? Doc(d).id : Doc(d).title;
    };
    std::map<std::string, int> rows_titled;
    for (uint32_t d : docs) ++rows_titled[Abbrev(title_of(d), 32)];
    std::vector<std::string> names(n);  // Escaped, for the cells' titles.
    for (int i = 0; i < n; ++i) {
      const Document& d = Doc(docs[i]);
      const bool shared = rows_titled[Abbrev(title_of(docs[i]), 32)] > 1;
      names[i] = Esc(shared ? absl::StrCat(Abbrev(title_of(docs[i]), 60), " · ",
                                           Abbrev(IdTail(docs[i]), 40))
                            : Abbrev(title_of(docs[i]), 60));
      const std::string full =
          Esc(absl::StrCat(title_of(docs[i]), " — ", d.id));
      if (labels) {
        std::string label = Abbrev(title_of(docs[i]), 32);
        if (shared) {
          label = absl::StrCat(Abbrev(title_of(docs[i]), 18), " · ",
                               Abbrev(IdTail(docs[i]), 12));
        }
        absl::StrAppend(
            &h, "<text x=\"", label_w - 6, "\" y=\"", top + i * cell + cell / 2,
            "\" text-anchor=\"end\" dominant-baseline=\"central\" font-size=\"",
            font, "\" fill=\"#3e4c59\">", Esc(label), "<title>", full,
            "</title></text>\n");
      } else {
        absl::StrAppend(&h, "<rect x=\"0\" y=\"", top + i * cell, "\" width=\"",
                        label_w, "\" height=\"", cell,
                        "\" fill=\"transparent\"><title>", full,
                        "</title></rect>\n");
      }
    }
    // Cells: with few documents one rect (and tooltip) per non-zero cell;
    // with many, runs of equal colour along a row share one rect so the SVG
    // stays small even for one big cluster.
    const bool per_cell = n <= 40;  // Else runs share a rect and a title.
    for (int i = 0; i < n; ++i) {
      int j = 0;
      while (j < n) {
        if (sim(i, j) <= 0) {
          ++j;
          continue;
        }
        const std::string colour = ScaleColour(sim(i, j));
        int end = j + 1;
        // The diagonal cell stands alone: a run holding it would count
        // the article as its own neighbour.
        if (!per_cell && j != i) {
          while (end < n && end != i && sim(i, end) > 0 &&
                 ScaleColour(sim(i, end)) == colour)
            ++end;
        }
        absl::StrAppend(&h, "<rect x=\"", label_w + j * cell, "\" y=\"",
                        top + i * cell, "\" width=\"", (end - j) * cell,
                        "\" height=\"", cell, "\" fill=\"", colour,
                        "\"><title>");
        // Every rect says what it shows, a run of cells its range.
        if (end - j == 1) {
          absl::StrAppend(
              &h, names[i], i == j ? ": the same article" : " ~ ",
              i == j ? "" : names[j],
              i == j ? "" : absl::StrCat(": Jaccard ", F3(sim(i, j))));
        } else {
          absl::StrAppend(&h, names[i], ": Jaccard ", F2(sim(i, j)), " with ",
                          Plural(end - j, "article", "articles"), " (",
                          names[j], " … ", names[end - 1], ")");
        }
        h += "</title></rect>\n";
        j = end;
      }
    }
    for (const auto& [first, last] : blocks) {
      if (last - first < 2) continue;
      absl::StrAppend(
          &h, "<rect x=\"", label_w + first * cell, "\" y=\"",
          top + first * cell, "\" width=\"", (last - first) * cell,
          "\" height=\"", (last - first) * cell,
          "\" fill=\"none\" stroke=\"#102a43\" stroke-width=\"1.5\"/>\n");
    }
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        if (claims(i, j) == 0) continue;
        absl::StrAppend(
            &h, "<circle cx=\"", label_w + j * cell + cell / 2.0, "\" cy=\"",
            top + i * cell + cell / 2.0, "\" r=\"", std::max(1.5, cell * 0.22),
            "\" fill=\"#e8590c\" stroke=\"#fff\" stroke-width=\"0.75\"><title>",
            Plural(claims(i, j), "claim match", "claim matches"),
            "</title></circle>\n");
      }
    }
    // Legend: the colour scale and the dot.
    const int ly = top + grid + 18, lx = label_w, lw = 200;
    h += "<defs><linearGradient id=\"scale\" x1=\"0\" x2=\"1\" y1=\"0\" "
         "y2=\"0\">";
    for (int s = 0; s <= 10; ++s) {
      absl::StrAppend(&h, "<stop offset=\"", s * 10, "%\" stop-color=\"",
                      ScaleColour(s / 10.0), "\"/>");
    }
    h += "</linearGradient></defs>\n";
    absl::StrAppend(
        &h, "<rect x=\"", lx, "\" y=\"", ly, "\" width=\"", lw,
        "\" height=\"10\" fill=\"url(#scale)\" stroke=\"#d9dee5\"/>\n");
    for (int s = 0; s <= 4; ++s) {
      absl::StrAppend(
          &h, "<text x=\"", lx + s * lw / 4, "\" y=\"", ly + 24,
          "\" text-anchor=\"middle\" font-size=\"11\" fill=\"#616e7c\">",
          F2(s / 4.0), "</text>\n");
    }
    absl::StrAppend(
        &h, "<text x=\"", lx, "\" y=\"", ly - 5,
        "\" font-size=\"11\" fill=\"#616e7c\">Jaccard similarity</text>\n");
    absl::StrAppend(
        &h, "<circle cx=\"", lx + lw + 24, "\" cy=\"", ly + 5,
        "\" r=\"5\" fill=\"#e8590c\"/><text x=\"", lx + lw + 34, "\" y=\"",
        ly + 9, "\" font-size=\"11\" fill=\"#616e7c\">shares a claim</text>\n");
    h += "</svg>\n<figcaption>";
    absl::StrAppend(&h, Plural(n, "article", "articles"));
    if (clusters_drawn > 0) {
      absl::StrAppend(
          &h, ": the members of the ",
          clusters_drawn == 1 ? std::string("first near-duplicate cluster")
                              : absl::StrCat("first ", clusters_drawn,
                                             " near-duplicate clusters"),
          " in the report's order (the largest first, then by input order; "
          "outlined)");
      if (static_cast<size_t>(n) > from_clusters)
        h += ", then articles sharing claims";
    } else {
      h += " sharing recurring claims";
    }
    h += ". Blank cells: below the near-duplicate threshold. Hover for names "
         "and "
         "scores.";
    // Counted, not only said: the articles of clusters and claim clusters
    // left out at the cap.
    std::vector<bool> left(r_.documents.size(), false);
    size_t left_out = 0;
    auto leave = [&](uint32_t d) {
      if (pos[d] < 0 && !left[d]) {
        left[d] = true;
        ++left_out;
      }
    };
    for (const DocumentCluster& c : r_.clusters) {
      for (uint32_t m : c.cluster.members) leave(m);
    }
    for (const ClaimCluster& cl : r_.claims.clusters) {
      for (uint32_t d : cl.docs) leave(d);
    }
    if (left_out > 0) {
      absl::StrAppend(
          &h, " Not drawn: ", Plural(left_out, "more article", "more articles"),
          " in clusters or sharing claims (the map shows at most ", cap, ").");
    }
    h += "</figcaption>\n</figure>\n";
  }

  static void Histogram(std::string& h, const char* title,
                        const std::vector<double>& values, double threshold,
                        const char* colour) {
    constexpr int kBins = 20, kW = 420, kH = 180, kLeft = 40, kTop = 36,
                  kPlotH = 110;
    constexpr int kBinW = (kW - kLeft - 10) / kBins;
    std::array<uint64_t, kBins> bins{};
    for (double v : values) {
      const int b =
          std::clamp(static_cast<int>(std::floor(v * kBins)), 0, kBins - 1);
      ++bins[b];
    }
    const uint64_t peak =
        std::max<uint64_t>(1, *std::max_element(bins.begin(), bins.end()));
    absl::StrAppend(&h,
                    "<figure class=\"chart\"><svg class=\"histogram\" "
                    "xmlns=\"http://www.w3.org/2000/svg\" width=\"",
                    kW, "\" height=\"", kH, "\" viewBox=\"0 0 ", kW, " ", kH,
                    "\" role=\"img\" aria-label=\"", Esc(title),
                    "\">\n<text x=\"", kLeft,
                    "\" y=\"14\" font-size=\"13\" "
                    "font-weight=\"600\" fill=\"#1f2933\">",
                    Esc(title), " (", values.size(), ")</text>\n");
    const int base = kTop + kPlotH;
    absl::StrAppend(&h, "<line x1=\"", kLeft, "\" y1=\"", base, "\" x2=\"",
                    kLeft + kBins * kBinW, "\" y2=\"", base,
                    "\" stroke=\"#9aa5b1\"/>\n");
    absl::StrAppend(
        &h, "<text x=\"", kLeft - 6, "\" y=\"", kTop + 4,
        "\" text-anchor=\"end\" font-size=\"11\" fill=\"#616e7c\">", peak,
        "</text><text x=\"", kLeft - 6, "\" y=\"", base,
        "\" text-anchor=\"end\" font-size=\"11\" fill=\"#616e7c\">0</text>\n");
    for (int b = 0; b < kBins; ++b) {
      if (bins[b] == 0) continue;
      const double bh =
          std::max(1.0, static_cast<double>(bins[b]) * kPlotH / peak);
      absl::StrAppend(&h, "<rect x=\"", kLeft + b * kBinW + 1, "\" y=\"",
                      absl::StrFormat("%.1f", base - bh), "\" width=\"",
                      kBinW - 2, "\" height=\"", absl::StrFormat("%.1f", bh),
                      "\" fill=\"", colour, "\"><title>",
                      F2(b / static_cast<double>(kBins)), "–",
                      F2((b + 1) / static_cast<double>(kBins)), ": ", bins[b],
                      "</title></rect>\n");
    }
    for (int t = 0; t <= 5; ++t) {
      absl::StrAppend(
          &h, "<text x=\"", kLeft + t * kBins * kBinW / 5, "\" y=\"", base + 16,
          "\" text-anchor=\"middle\" font-size=\"11\" fill=\"#616e7c\">",
          F2(t / 5.0), "</text>\n");
    }
    if (threshold > 0 && threshold <= 1) {
      const double x = kLeft + threshold * kBins * kBinW;
      absl::StrAppend(
          &h, "<line x1=\"", absl::StrFormat("%.1f", x), "\" y1=\"", kTop - 4,
          "\" x2=\"", absl::StrFormat("%.1f", x), "\" y2=\"", base,
          "\" stroke=\"#c92a2a\" stroke-dasharray=\"4 3\"/><text x=\"",
          absl::StrFormat("%.1f", x), "\" y=\"", kTop - 10, "\" text-anchor=\"",
          threshold > 0.5 ? "end" : "start",
          "\" font-size=\"11\" fill=\"#c92a2a\">threshold ", F2(threshold),
          "</text>\n");
    }
    if (values.empty()) {
      // A quarter along, where the threshold's line (usually past the
      // middle) does not cross it.
      absl::StrAppend(&h, "<text x=\"", kLeft + kBins * kBinW / 4, "\" y=\"",
                      kTop + kPlotH / 2,
                      "\" text-anchor=\"middle\" font-size=\"12\" "
                      "fill=\"#9aa5b1\">none</text>\n");
    }
    h += "</svg></figure>\n";
  }

  // ---- Article view ----

  void Articles(std::string& h) const {
    absl::StrAppend(
        &h,
        "<section id=\"articles\">\n<h2>Articles</h2>\n<p class=\"help\">"
        "The articles involved in the matches above, as written. "
        "<mark class=\"span\">Highlighted</mark> passages recur in another "
        "article; the statement a link points to is outlined.</p>\n");
    if (article_docs_total_ == 0) {
      h += "<p class=\"note\">No article text to show: no article is involved "
           "in a match, or "
           "the scan did not keep texts (claims disabled).</p>\n";
    }
    // Matched units of the embedded articles.
    std::vector<std::vector<uint32_t>> units_of(r_.documents.size());
    for (uint32_t u = 0; u < r_.claims.units.size(); ++u) {
      const uint32_t d = r_.claims.units[u].doc;
      if (matched_unit_[u] && in_articles_[d]) units_of[d].push_back(u);
    }
    for (uint32_t d = 0; d < r_.documents.size(); ++d) {
      if (in_articles_[d]) Article(h, d, units_of[d]);
    }
    if (article_docs_total_ > article_count_) {
      MoreNote(h, article_docs_total_ - article_count_, "article", "articles",
               Where("the inputs; their matched passages are in report.json"));
    }
    h += "</section>\n";
  }

  void Article(std::string& h, uint32_t d,
               const std::vector<uint32_t>& units) const {
    const Document& doc = Doc(d);
    absl::StrAppend(&h, "<details class=\"article filterable\" id=\"doc-", d,
                    "\">\n<summary>", Source(d), doc.source.empty() ? "" : " ",
                    "<b>", Name(d, 200), "</b>");
    if (!units.empty()) {
      absl::StrAppend(
          &h, " <span class=\"meta\">· ",
          Plural(units.size(), "recurring passage", "recurring passages"),
          "</span>");
    }
    h += "</summary>\n<div class=\"meta\"><span class=\"id\">";
    Esc(h, doc.id);
    h += "</span>";
    if (doc.input_id_bytes > 0) {
      // Renamed ID#HASH: the id the feed gave it, to look it up there.
      h += " · came with the id <span class=\"id\">";
      Esc(h, InputId(doc));
      h += "</span>";
    }
    if (!doc.date.empty()) absl::StrAppend(&h, " · ", Esc(doc.date));
    if (IsWebUrl(doc.url)) {
      absl::StrAppend(&h, " · <a href=\"", Esc(doc.url),
                      "\" rel=\"noopener noreferrer nofollow\" "
                      "target=\"_blank\">original ↗</a>");
    }
    if (dup_cluster_of_[d] >= 0 &&
        static_cast<size_t>(dup_cluster_of_[d]) < ShownDupClusters()) {
      absl::StrAppend(&h, " · in <a href=\"#dup-", dup_cluster_of_[d] + 1,
                      "\">near-duplicate cluster ", dup_cluster_of_[d] + 1,
                      "</a>");
    }
    std::set<int> claim_clusters;
    for (uint32_t unit : units) {
      const int c = claim_cluster_of_unit_[unit];
      if (c >= 0 && static_cast<size_t>(c) < ShownClaimClusters())
        claim_clusters.insert(c);
    }
    if (!claim_clusters.empty()) {
      h += " · claims";
      for (int c : claim_clusters)
        absl::StrAppend(&h, " <a href=\"#claim-", c + 1, "\">", c + 1, "</a>");
    }
    // dir="auto": an Arabic or Hebrew article is laid out right to left.
    h += "</div>\n<div class=\"text\" dir=\"auto\">";
    const std::string_view text = Utf8Prefix(doc.text, o_.max_article_bytes);
    const uint32_t len = static_cast<uint32_t>(text.size());
    // Sweep over span boundaries: mark where at least one matched unit
    // covers the text (units may overlap: a quote inside its sentence), and
    // drop an anchor where each unit begins.
    struct Event {
      uint32_t at;
      int delta;  // +1 begin, -1 end, 0 anchor.
      uint32_t unit;
    };
    std::vector<Event> events;
    for (uint32_t unit : units) {
      const Span s = r_.claims.units[unit].span;
      const uint32_t b = std::min(s.begin, len), e = std::min(s.end, len);
      events.push_back({b, 0, unit});
      if (b < e) {
        events.push_back({b, +1, unit});
        events.push_back({e, -1, unit});
      }
    }
    std::sort(events.begin(), events.end(), [](const Event& x, const Event& y) {
      if (x.at != y.at) return x.at < y.at;
      // Close, then open, then anchors, so an anchor sits inside the mark
      // of its own passage (the :target style outlines that mark).
      auto rank = [](int delta) { return delta < 0 ? 0 : delta > 0 ? 1 : 2; };
      if (x.delta != y.delta) return rank(x.delta) < rank(y.delta);
      return x.unit < y.unit;
    });
    uint32_t pos = 0;
    int depth = 0;
    for (const Event& e : events) {
      Esc(h, text.substr(pos, e.at - pos));
      pos = e.at;
      if (e.delta == 0) {
        absl::StrAppend(&h, "<a id=\"u", e.unit, "\"></a>");
      } else if (e.delta > 0) {
        if (depth++ == 0) h += "<mark class=\"span\">";
      } else if (--depth == 0) {
        h += "</mark>";
      }
    }
    Esc(h, text.substr(pos));
    h += "</div>\n";
    if (text.size() < doc.text.size()) {
      // A matched passage past the cut has no highlight here, and one
      // across it half of one (review 48b-06: both were "not
      // highlighted"): it is said.
      size_t past = 0, across = 0;
      for (uint32_t unit : units) {
        const Span sp = r_.claims.units[unit].span;
        past += sp.begin >= text.size() ? 1 : 0;
        across += sp.begin < text.size() && sp.end > text.size() ? 1 : 0;
      }
      absl::StrAppend(&h, "<p class=\"note\">Cut after ", text.size(), " of ",
                      doc.text.size(), " bytes");
      if (past > 0) {
        absl::StrAppend(&h, "; ",
                        Plural(past, "matched passage", "matched passages"),
                        " past the cut, not highlighted here");
      }
      if (across > 0) {
        absl::StrAppend(&h, "; ",
                        Plural(across, "matched passage", "matched passages"),
                        " across the cut, highlighted up to it");
      }
      if (past + across > 0) h += " (whole in report.json and claims.csv)";
      h += ".</p>\n";
    }
    h += "</details>\n";
  }

  // ---- Inputs, parameters, timings ----

  // Which articles had invalid bytes replaced (review 40a-11: the count
  // alone named none): " in a (2), b (1)", at most five, else " in N
  // articles, e.g. ...".
  std::string InvalidUtf8Where() const {
    std::vector<uint32_t> where;
    for (uint32_t d = r_.index.loaded; d < r_.documents.size(); ++d) {
      if (Doc(d).invalid_utf8 > 0) where.push_back(d);
    }
    if (where.empty()) return "";
    std::string out = where.size() <= 5 ? " in "
                                        : absl::StrCat(" in ", where.size(),
                                                       " articles, e.g. ");
    for (size_t i = 0; i < where.size() && i < 5; ++i) {
      absl::StrAppend(&out, i == 0 ? "" : ", ", "<span class=\"id\">",
                      Esc(Doc(where[i]).id), "</span> (",
                      Doc(where[i]).invalid_utf8, ")");
    }
    return out;
  }

  void RunDetails(std::string& h) const {
    const ScanOptions& o = r_.options;
    const ClaimOptions& co = o.claims;
    const ClaimsResult& c = r_.claims;
    h += "<section id=\"run\">\n<h2>Inputs, parameters and timings</h2>\n<div "
         "class=\"kv\">\n";
    auto table =
        [&](const char* caption,
            const std::vector<std::pair<std::string, std::string>>& rows) {
          absl::StrAppend(&h, "<div><h3>", caption, "</h3><table><tbody>\n");
          for (const auto& [k, v] : rows) {
            absl::StrAppend(&h, "<tr><td>", k, "</td><td>", v, "</td></tr>\n");
          }
          h += "</tbody></table></div>\n";
        };
    using Rows = std::vector<std::pair<std::string, std::string>>;
    auto n = [](auto v) { return absl::StrCat(v); };
    table("Inputs",
          Rows{{"records", n(r_.records)},
               {"documents", n(r_.documents.size() - r_.index.loaded)},
               {"skipped records", n(r_.skipped.size())},
               {"text", r_.input_bytes < 1000000
                            ? absl::StrFormat("%.1f kB", r_.input_bytes / 1e3)
                            : absl::StrFormat("%.2f MB", r_.input_bytes / 1e6)},
               {"invalid byte sequences replaced (U+FFFD)",
                absl::StrCat(n(r_.invalid_utf8), InvalidUtf8Where())},
               {"LSH candidate pairs", n(r_.candidate_pairs)},
               {"verified near-duplicate pairs", n(VerifiedPairsOfThisRun(r_))},
               {"capped LSH buckets", n(r_.capped_buckets)}});
    table("Near-duplicate parameters",
          Rows{{"Jaccard threshold", F3(o.threshold)},
               {"containment threshold", F3(o.containment_threshold)},
               {"min length ratio", F3(o.min_length_ratio)},
               {"LSH tuned for Jaccard", F3(r_.lsh_threshold)},
               {"LSH bands × rows",
                absl::StrCat(r_.lsh.bands, " × ", r_.lsh.rows)},
               {"MinHash", absl::StrCat(Esc(AlgorithmName(o.minhash.algorithm)),
                                        ", ", o.minhash.num_perm,
                                        " slots, seed ", o.minhash.seed)},
               {"shingle", absl::StrCat(o.shingle.size, " words")},
               {"LSH weights (FP / FN)",
                absl::StrCat(F2(o.fp_weight), " / ", F2(o.fn_weight))},
               {"max bucket", n(o.max_bucket)},
               {"max cluster pairs", n(o.max_cluster_pairs)},
               {"max record bytes", n(o.ingest.max_record_bytes)},
               {"input encoding", o.ingest.input_encoding.empty()
                                      ? std::string("UTF-8")
                                      : Esc(o.ingest.input_encoding)},
               {"sentence locale", Esc(o.segment.locale)},
               {"min quote words", n(o.segment.min_quote_words)}});
    if (r_.index.used) {
      const IndexSummary& ix = r_.index;
      Rows rows{{"index", Esc(ix.path)},
                {"articles before this run", n(ix.documents_before)},
                {"indexed articles compared", n(ix.loaded)},
                {"already indexed (same id)", n(ix.reindexed.size())},
                {"id held by another indexed article (added as ID#HASH)",
                 n(ix.id_renamed.size())},
                {"id and ID#HASH held by other indexed articles (not added)",
                 n(ix.id_taken.size())}};
      if (ix.read_only) {
        rows.emplace_back("added", "nothing (read-only)");
      } else {
        rows.emplace_back(
            "added",
            ix.dump_seq == 0
                ? std::string("nothing")
                : absl::StrCat(
                      ix.added - ix.replaced, " articles",
                      ix.replaced > 0
                          ? absl::StrCat(", ", ix.replaced,
                                         " edited ones replacing their "
                                         "indexed version")
                          : std::string(),
                      " as dump ", ix.dump_seq));
      }
      table("Persistent index", rows);
    }
    if (co.enabled) {
      table("Claim parameters",
            Rows{{"score threshold", F3(c.threshold)},
                 {"score threshold with a headline",
                  F3(std::max(c.threshold, c.headline_threshold))},
                 {"language", Esc(CanonicalLanguage(co.language))},
                 {"min content words", n(co.min_content_words)},
                 {"boilerplate after",
                  absl::StrCat(co.boilerplate_min_stories, " stories")},
                 {"LSH shingles",
                  co.bigrams ? "stems and stem bigrams" : "stems"},
                 {"LSH tuned for Jaccard", F3(co.lsh_threshold)},
                 {"min cosine", F3(co.min_cosine)},
                 {"units", n(c.units.size())},
                 {"excluded: too short", n(c.excluded.too_short)},
                 {"excluded: boilerplate", n(c.excluded.boilerplate)},
                 {"excluded: quote lead-ins", n(c.excluded.lead_ins)},
                 {"excluded: lists of names", n(c.excluded.lists)},
                 {"copies in near-duplicates", n(c.copy_units)},
                 {"candidate / scored pairs",
                  absl::StrCat(c.candidate_pairs, " / ", c.scored_pairs)},
                 {"headline matches under their threshold",
                  n(c.headline_matches_dropped)},
                 {"min story similarity (else the unrelated threshold)",
                  absl::StrCat(F3(c.min_story_similarity), " (",
                               F3(c.unrelated_threshold), ")")},
                 {"matches between unrelated stories under their threshold",
                  n(c.unrelated_matches_dropped)},
                 {"min words shared outside the attribution (0: off)",
                  n(c.min_shared_outside_attribution)},
                 {"matches sharing fewer under the unrelated threshold",
                  n(c.attribution_matches_dropped)},
                 {"matches inside a higher-scoring one of the same articles",
                  n(c.nested_matches_dropped)}});
    } else {
      table("Claim parameters", Rows{{"claims stage", "disabled"}});
    }
    if (o_.show_timings) {
      const Timings& t = r_.timings;
      auto s = [](double v) { return absl::StrFormat("%.2f s", v); };
      table("Timings", Rows{{"ingest", s(t.ingest_s)},
                            {"LSH", s(t.lsh_s)},
                            {"verify", s(t.verify_s)},
                            {"cluster", s(t.cluster_s)},
                            {"claims", s(t.claims_s)},
                            {"total", s(t.total_s)}});
    }
    h += "</div>\n";
    absl::StrAppend(&h, "<h3 style=\"margin-top:18px\">Skipped records (",
                    r_.skipped.size(), ")</h3>\n");
    if (r_.skipped.empty()) {
      h +=
          "<p class=\"note\">None: every input record became an article.</p>\n";
    } else {
      h += "<ul class=\"skips\">\n";
      const size_t limit = std::min<size_t>(r_.skipped.size(), o_.max_skipped);
      for (size_t i = 0; i < limit; ++i) {
        absl::StrAppend(&h, "<li><span class=\"id\">",
                        Esc(r_.skipped[i].location),
                        "</span>: ", Esc(r_.skipped[i].reason), "</li>\n");
      }
      h += "</ul>\n";
      if (r_.skipped.size() > limit) {
        MoreNote(h, r_.skipped.size() - limit, "skipped record",
                 "skipped records", Where("report.json"));
      }
    }
    h += "</section>\n";
  }

  const Report& r_;
  const HtmlOptions& o_;
  std::vector<int> dup_cluster_of_;         // Document -> cluster, or -1.
  std::vector<int> claim_cluster_of_unit_;  // Unit -> claim cluster, or -1.
  std::vector<bool> matched_unit_;  // Unit is in some match or claim cluster.
  std::vector<std::vector<size_t>>
      matches_of_cluster_;                             // Shown claim clusters.
  std::vector<std::vector<size_t>> pairs_of_cluster_;  // Shown dup clusters.
  std::vector<bool> in_articles_;  // Document is in the article view.
  size_t article_count_ = 0;
  size_t article_docs_total_ = 0;
};

}  // namespace

void WriteHtml(const Report& report, std::ostream& out,
               const HtmlOptions& options) {
  out << Page(report, options).Render();
}

}  // namespace refrain
