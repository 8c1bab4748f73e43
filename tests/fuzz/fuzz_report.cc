// Fuzz target: the report writers (report.json, report.html, the CSV files)
// over a report built by the whole scan from fuzzed documents.
//
// Input layout: byte 0 picks scan options (shingle size, claim settings,
// cluster pair cap), byte 1 the HTML caps; the rest is split into up to 8
// documents at 0x1E bytes, and each document into fields at 0x1F bytes:
// text | id, title, text | id, title, text, url, source, date. A copy of the
// first document is added under another id so that near-duplicate clusters
// and claim matches occur. The documents go through a JSONL file and
// RunScan, as the CLI's do.
//
// Taint marking for the HTML check: 0x01 and 0x02 bytes are removed from the
// input, then every & < > " ' of it is wrapped as 0x01 c 0x02. Escaped, "<"
// becomes "\x01&lt;\x02"; a quoted substring may start or end inside a
// wrapper, but only an unescaped input character gives 0x01 c 0x02 with c
// one of the five. Properties:
//   - report.json parses back (strict nlohmann::json::parse: valid UTF-8 and
//     JSON) and quotes every document id and every claim side exactly;
//   - report.html is valid UTF-8, contains no unescaped input character and
//     exactly one <script (its own);
//   - pairs.csv and claims.csv are valid UTF-8 RFC 4180 with one row per
//     pair / claim match plus the header, each row with the header's columns.
#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "refrain/claim_score.h"
#include "refrain/report.h"
#include "refrain/scan.h"
#include "utf8.h"

namespace refrain {
namespace {

std::vector<std::string> Split(std::string_view s, char sep, size_t max) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (out.size() + 1 < max) {
    size_t at = s.find(sep, pos);
    if (at == std::string_view::npos) break;
    out.emplace_back(s.substr(pos, at - pos));
    pos = at + 1;
  }
  out.emplace_back(s.substr(pos));
  return out;
}

// A JSON string literal holding `s`'s bytes: quotes, backslashes and control
// characters escaped, every other byte (invalid UTF-8 included) as is, so
// ingest sees and repairs it as it would in a real dump.
std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Taint(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\x01' || c == '\x02') continue;
    if (c == '&' || c == '<' || c == '>' || c == '"' || c == '\'') {
      out += '\x01';
      out += c;
      out += '\x02';
    } else {
      out += c;
    }
  }
  return out;
}

// RFC 4180 rows; aborts on a malformed quote.
std::vector<std::vector<std::string>> ParseCsv(std::string_view csv) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  size_t i = 0;
  while (i < csv.size()) {
    if (csv[i] == '"') {
      ++i;
      for (;;) {
        FUZZ_CHECK(i < csv.size());  // Unterminated quoted field.
        if (csv[i] == '"') {
          if (i + 1 < csv.size() && csv[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += csv[i++];
      }
      FUZZ_CHECK(i == csv.size() || csv[i] == ',' || csv[i] == '\r');
    }
    while (i < csv.size() && csv[i] != ',' && csv[i] != '\r') {
      FUZZ_CHECK(csv[i] != '"' && csv[i] != '\n');
      field += csv[i++];
    }
    row.push_back(std::move(field));
    field.clear();
    if (i == csv.size()) break;
    if (csv[i] == ',') {
      ++i;
      continue;
    }
    FUZZ_CHECK(csv.substr(i, 2) == "\r\n");
    i += 2;
    rows.push_back(std::move(row));
    row.clear();
  }
  FUZZ_CHECK(row.empty());  // Every row ends with CRLF.
  return rows;
}

void CheckCsv(const std::string& csv, size_t data_rows, size_t columns) {
  FUZZ_CHECK(internal::IsValidUtf8(csv));
  auto rows = ParseCsv(csv);
  FUZZ_CHECK(rows.size() == data_rows + 1);
  for (const auto& r : rows) FUZZ_CHECK(r.size() == columns);
}

size_t Count(std::string_view hay, std::string_view needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string_view::npos;
       at = hay.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace
}  // namespace refrain

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace refrain;
  if (size < 2 || size > (1 << 14)) return 0;
  // WordNet is loaded once per process only while a scorer holds it: keep
  // one alive, or every input would reload it (0.1 s, 1 s under ASan).
  static const absl::StatusOr<ClaimScorer> kKeepWordNet =
      ClaimScorer::Create(ClaimScorerOptions{});
  const uint8_t opt = data[0], html_opt = data[1];
  const std::string input = Taint(
      std::string_view(reinterpret_cast<const char*>(data) + 2, size - 2));

  // ---- Documents -> JSONL. ----
  static constexpr const char* kFields[] = {"id",  "title",  "text",
                                            "url", "source", "date"};
  std::string jsonl;
  std::string first_text;
  int n = 0;
  for (const std::string& doc : Split(input, '\x1e', 8)) {
    std::vector<std::string> f = Split(doc, '\x1f', 6);
    if (f.size() == 1) f = {"", "", f[0]};
    f.resize(std::max<size_t>(f.size(), 3));
    std::string line = "{";
    for (size_t i = 0; i < f.size(); ++i) {
      if (i != 2 && f[i].empty()) continue;
      if (line.size() > 1) line += ',';
      line += JsonString(kFields[i]) + ":" + JsonString(f[i]);
    }
    jsonl += line + "}\n";
    if (n++ == 0) first_text = f[2];
  }
  jsonl += "{\"id\":" + JsonString(Taint("copy of <first>")) +
           ",\"text\":" + JsonString(first_text) + "}\n";
  const std::string path = fuzz::TempPath("docs.jsonl");
  fuzz::WriteFileOrDie(path, jsonl);

  ScanOptions o;
  o.threads = 1;
  // Fewer MinHash slots: choosing the LSH banding costs time quadratic in
  // them, per scan, and the writers do not care.
  o.minhash.num_perm = 32;
  o.claims.num_perm = 32;
  o.shingle.size = 1 + (opt & 3);
  o.claims.enabled = (opt & 4) == 0;
  o.claims.min_content_words = 1 + ((opt >> 3) & 3);
  o.claims.within_duplicates = (opt & 32) != 0;
  o.claims.same_document = (opt & 64) != 0;
  o.claims.boilerplate_min_stories = 2;
  o.max_cluster_pairs = (opt & 128) != 0 ? 2 : 50;
  const std::string paths[] = {path};
  absl::StatusOr<Report> r = RunScan(paths, o);
  FUZZ_CHECK(r.ok());
  const Report& report = *r;
  FUZZ_CHECK(report.records == report.documents.size() + report.skipped.size());

  // ---- report.json ----
  std::ostringstream js;
  WriteJson(report, js);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(js.str());
  } catch (const nlohmann::json::exception& e) {
    std::fprintf(stderr, "report.json does not parse: %s\n", e.what());
    FUZZ_CHECK(false);
  }
  FUZZ_CHECK(j["documents"].size() == report.documents.size());
  for (size_t i = 0; i < report.documents.size(); ++i) {
    FUZZ_CHECK(j["documents"][i]["id"] == report.documents[i].id);
    FUZZ_CHECK(j["documents"][i]["title"] == report.documents[i].title);
  }
  FUZZ_CHECK(j["near_duplicates"]["pairs"].size() == report.pairs.size());
  const auto& matches = j["claims"]["matches"];
  FUZZ_CHECK(matches.size() == report.claims.matches.size());
  for (size_t i = 0; i < matches.size(); ++i) {
    const ClaimMatch& m = report.claims.matches[i];
    for (auto [side, unit] : {std::pair{"a", m.a}, std::pair{"b", m.b}}) {
      const ClaimUnit& u = report.claims.units[unit];
      const std::string& text = report.documents[u.doc].text;
      FUZZ_CHECK(u.span.begin < u.span.end && u.span.end <= text.size());
      FUZZ_CHECK(matches[i][side]["text"] ==
                 text.substr(u.span.begin, u.span.size()));
    }
    const ClaimScorer::Contrast& contrast = report.claims.ContrastOf(m);
    auto pair = [](const std::string& x, const std::string& y) {
      return x.empty() ? nlohmann::json::array()
                       : nlohmann::json::array({x, y});
    };
    FUZZ_CHECK(matches[i]["negation_differs"] == contrast.negation);
    FUZZ_CHECK(matches[i]["antonyms"] ==
               pair(contrast.antonym_a, contrast.antonym_b));
    FUZZ_CHECK(matches[i]["roles_swapped"] ==
               pair(contrast.swapped_first, contrast.swapped_second));
    const std::string& cue =
        contrast.hedge_a.empty() ? contrast.hedge_b : contrast.hedge_a;
    FUZZ_CHECK(cue.empty() ? matches[i]["hedged"].is_null()
                           : (matches[i]["hedged"]["cue"] == cue &&
                              matches[i]["hedged"]["side"] ==
                                  (contrast.hedge_a.empty() ? "b" : "a")));
  }

  // ---- report.html ----
  HtmlOptions h;
  h.max_article_bytes = (html_opt & 1) != 0 ? 1 + (html_opt >> 1) : 100000;
  h.max_cluster_members = 1 + (html_opt & 3);
  h.max_claim_members = 2 + ((html_opt >> 2) & 3);
  h.heatmap_docs = 2 + (html_opt >> 4);
  // The title is an option, not input: callers pass valid UTF-8.
  h.title = "report of <" + input.substr(0, 40) + ">";
  internal::RepairUtf8(&h.title);
  std::ostringstream hs;
  WriteHtml(report, hs, h);
  const std::string html = hs.str();
  FUZZ_CHECK(internal::IsValidUtf8(html));
  for (const char* raw :
       {"\x01&\x02", "\x01<\x02", "\x01>\x02", "\x01\"\x02", "\x01'\x02"}) {
    if (html.find(raw) != std::string::npos) {
      const size_t at = html.find(raw);
      const size_t from = at < 200 ? 0 : at - 200;
      std::fprintf(stderr,
                   "unescaped input %c at byte %zu of report.html: %s\n",
                   raw[1], at, html.substr(from, at + 40 - from).c_str());
      FUZZ_CHECK(false);
    }
  }
  FUZZ_CHECK(Count(Lower(html), "<script") == 1);

  // ---- CSV ----
  std::ostringstream pairs, claims;
  WritePairsCsv(report, pairs);
  WriteClaimsCsv(report, claims);
  CheckCsv(pairs.str(), report.pairs.size(), 7);
  CheckCsv(claims.str(), report.claims.matches.size(), 20);

  std::ostringstream summary;
  WriteSummary(report, summary);
  return 0;
}
