// CSV outputs of a report: pairs.csv (near-duplicate pairs) and claims.csv
// (claim matches). Dialect: RFC 4180 with a header row, UTF-8 without BOM,
// CRLF line ends; a field is quoted when it contains a comma, a double quote,
// CR or LF, and quotes inside it are doubled. Texts are written verbatim (no
// spreadsheet-formula escaping: that would change the data; see
// docs/report-format.md).
#include <cmath>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "refrain/report.h"

namespace refrain {
namespace {

constexpr std::string_view kEol = "\r\n";

// Writes one field, quoted only when RFC 4180 requires it.
void Field(std::ostream& out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out << s;
    return;
  }
  out << '"';
  for (char c : s) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

// Scores as in report.json: rounded to 6 decimals.
std::string Score(double x) {
  return absl::StrFormat("%.6f", std::round(x * 1e6) / 1e6);
}

void Row(std::ostream& out, const std::vector<std::string_view>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out << ',';
    Field(out, fields[i]);
  }
  out << kEol;
}

const char* MatchKind(const ClaimUnit& a, const ClaimUnit& b) {
  if (a.kind == UnitKind::kQuote || b.kind == UnitKind::kQuote) return "quote";
  if (a.kind == UnitKind::kHeadline || b.kind == UnitKind::kHeadline) {
    return "headline";
  }
  return "sentence";
}

}  // namespace

void WritePairsCsv(const Report& r, std::ostream& out) {
  std::vector<int64_t> cluster_of(r.documents.size(), -1);
  for (size_t c = 0; c < r.clusters.size(); ++c) {
    for (uint32_t m : r.clusters[c].cluster.members) {
      cluster_of[m] = static_cast<int64_t>(c);
    }
  }
  Row(out, {"a", "b", "jaccard", "containment", "estimate", "cluster"});
  for (const NearDuplicatePair& p : r.pairs) {
    const std::string jaccard = Score(p.jaccard);
    const std::string containment = Score(p.containment);
    const std::string estimate = Score(p.estimate);
    const std::string cluster =
        cluster_of[p.a] < 0 ? std::string() : std::to_string(cluster_of[p.a]);
    Row(out, {r.documents[p.a].id, r.documents[p.b].id, jaccard, containment,
              estimate, cluster});
  }
}

void WriteClaimsCsv(const Report& r, std::ostream& out) {
  Row(out, {"doc_a", "start_a", "end_a", "text_a", "doc_b", "start_b", "end_b",
            "text_b", "score", "cosine", "kind"});
  const ClaimsResult& c = r.claims;
  for (const ClaimMatch& m : c.matches) {
    const ClaimUnit& a = c.units[m.a];
    const ClaimUnit& b = c.units[m.b];
    const Document& da = r.documents[a.doc];
    const Document& db = r.documents[b.doc];
    const std::string start_a = std::to_string(a.span.begin);
    const std::string end_a = std::to_string(a.span.end);
    const std::string start_b = std::to_string(b.span.begin);
    const std::string end_b = std::to_string(b.span.end);
    const std::string score = Score(m.score);
    const std::string cosine = Score(m.cosine);
    Row(out, {da.id, start_a, end_a,
              std::string_view(da.text).substr(a.span.begin, a.span.size()),
              db.id, start_b, end_b,
              std::string_view(db.text).substr(b.span.begin, b.span.size()),
              score, cosine, MatchKind(a, b)});
  }
}

}  // namespace refrain
