// CSV outputs of a report: pairs.csv (near-duplicate pairs) and claims.csv
// (claim matches). Dialect: RFC 4180 with a header row, UTF-8 without BOM,
// CRLF line ends; a field is quoted when it contains a comma, a double quote,
// CR or LF, and quotes inside it are doubled. Texts are written verbatim (no
// spreadsheet-formula escaping: that would change the data; see
// docs/report-format.md).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "refrain/report.h"

namespace refrain {
namespace {

constexpr std::string_view kEol = "\r\n";

// Appends one field, quoted only when RFC 4180 requires it.
void Field(std::string_view s, std::string* out) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(s);
    return;
  }
  out->push_back('"');
  for (size_t q; (q = s.find('"')) != std::string_view::npos;) {
    out->append(s.substr(0, q + 1));
    out->push_back('"');
    s.remove_prefix(q + 1);
  }
  out->append(s);
  out->push_back('"');
}

// Scores as in report.json: rounded to 6 decimals.
std::string Score(double x) {
  return absl::StrFormat("%.6f", std::round(x * 1e6) / 1e6);
}

void Row(std::initializer_list<std::string_view> fields, std::string* out) {
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) out->push_back(',');
    first = false;
    Field(f, out);
  }
  out->append(kEol);
}

void Row(std::ostream& out, std::initializer_list<std::string_view> fields) {
  std::string line;
  Row(fields, &line);
  out << line;
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
  // Every match quotes both texts: with syndicated copies, hundreds of
  // megabytes, rendered in parallel blocks and written in order.
  const ClaimsResult& c = r.claims;
  constexpr int64_t kBlock = 4096;
  const auto n = static_cast<int64_t>(c.matches.size());
  std::vector<std::string> blocks((n + kBlock - 1) / kBlock);
#pragma omp parallel for schedule(dynamic, 1)
  for (int64_t k = 0; k < static_cast<int64_t>(blocks.size()); ++k) {
    for (int64_t i = k * kBlock; i < std::min(n, (k + 1) * kBlock); ++i) {
      const ClaimMatch& m = c.matches[i];
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
      Row({da.id, start_a, end_a,
           std::string_view(da.text).substr(a.span.begin, a.span.size()), db.id,
           start_b, end_b,
           std::string_view(db.text).substr(b.span.begin, b.span.size()), score,
           cosine, MatchKind(a, b)},
          &blocks[k]);
    }
  }
  for (std::string& block : blocks) {
    out << block;
    std::string().swap(block);
  }
}

}  // namespace refrain
