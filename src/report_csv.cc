// CSV outputs of a report: documents.csv (one row per article: its
// near-duplicate cluster and whether a deduplicated dataset keeps it),
// pairs.csv (near-duplicate pairs) and claims.csv (claim matches). Dialect: RFC
// 4180 with a header row, UTF-8 without BOM, CRLF line ends; a field is quoted
// when it contains a comma, a double quote, CR or LF, and quotes inside it are
// doubled. Texts are written verbatim (no spreadsheet-formula escaping: that
// would change the data; see docs/report-format.md).
#include "report_csv.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "refrain/report.h"

namespace refrain {
namespace {

constexpr std::string_view kEol = "\r\n";

// Whether RFC 4180 requires quoting `s`: it holds a comma, a double quote,
// CR or LF. One table look-up a byte: find_first_of tests each byte against
// the set through a call, a third of the time of a million-row file.
bool NeedsQuotes(std::string_view s) {
  static constexpr auto kSpecial = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : {',', '"', '\r', '\n'}) t[c] = true;
    return t;
  }();
  for (char c : s) {
    if (kSpecial[static_cast<unsigned char>(c)]) return true;
  }
  return false;
}

// Appends one field, quoted only when RFC 4180 requires it.
void Field(std::string_view s, std::string* out) {
  if (!NeedsQuotes(s)) {
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

// `header`, then rows [0, n) rendered by row(i, &out) in parallel blocks of
// 4096, a wave of blocks at a time, each handed to `emit` in order: the same
// bytes as one serial loop.
template <typename RowFn>
void RowsInBlocks(std::string header, int64_t n, RowFn row,
                  const internal::ChunkSink& emit) {
  constexpr int64_t kBlock = 4096;
  emit(std::move(header));
  internal::RenderInWaves((n + kBlock - 1) / kBlock, internal::kWaveBlocks,
                          [&](int64_t k, std::string* text) {
                            for (int64_t i = k * kBlock;
                                 i < std::min(n, (k + 1) * kBlock); ++i) {
                              row(i, text);
                            }
                          },
                          [&](std::span<std::string> texts) {
                            for (std::string& t : texts) emit(std::move(t));
                          });
}

internal::ChunkSink ToStream(std::ostream& out) {
  return [&out](std::string&& chunk) { out << chunk; };
}

// Per document: the index of its near-duplicate cluster in r.clusters, or
// -1.
std::vector<int64_t> ClusterOf(const Report& r) {
  std::vector<int64_t> cluster_of(r.documents.size(), -1);
  for (size_t c = 0; c < r.clusters.size(); ++c) {
    for (uint32_t m : r.clusters[c].cluster.members) {
      cluster_of[m] = static_cast<int64_t>(c);
    }
  }
  return cluster_of;
}

const char* MatchKind(const ClaimUnit& a, const ClaimUnit& b) {
  if (a.kind == UnitKind::kQuote || b.kind == UnitKind::kQuote) return "quote";
  if (a.kind == UnitKind::kHeadline || b.kind == UnitKind::kHeadline) {
    return "headline";
  }
  return "sentence";
}

// report.json's `scope` of a pair of documents: empty unless the scan
// used an index.
std::string_view ScopeOf(const IndexSummary& index, uint32_t a, uint32_t b) {
  return index.used ? index.Scope(a, b) : "";
}

}  // namespace

namespace internal {

void PairsCsvChunks(const Report& r, const ChunkSink& emit) {
  const std::vector<int64_t> cluster_of = ClusterOf(r);
  std::string header;
  Row({"a", "b", "jaccard", "containment", "estimate", "cluster", "scope"},
      &header);
  RowsInBlocks(
      std::move(header), static_cast<int64_t>(r.pairs.size()),
      [&](int64_t i, std::string* line) {
        const NearDuplicatePair& p = r.pairs[i];
        const std::string jaccard = Score(p.jaccard);
        const std::string containment = Score(p.containment);
        const std::string estimate = Score(p.estimate);
        const std::string cluster = cluster_of[p.a] < 0
                                        ? std::string()
                                        : std::to_string(cluster_of[p.a]);
        Row({r.documents[p.a].id, r.documents[p.b].id, jaccard, containment,
             estimate, cluster, ScopeOf(r.index, p.a, p.b)},
            line);
      },
      emit);
}

void ClaimsCsvChunks(const Report& r, const ChunkSink& emit) {
  std::string header;
  Row({"doc_a",
       "start_a",
       "end_a",
       "text_a",
       "doc_b",
       "start_b",
       "end_b",
       "text_b",
       "score",
       "cosine",
       "kind",
       "cluster",
       "group",
       "scope",
       "numbers_differ",
       "negation_differs",
       "antonyms",
       "roles_swapped",
       "story_similarity",
       "hedged"},
      &header);
  // Every match quotes both texts: with syndicated copies, hundreds of
  // megabytes.
  const ClaimsResult& c = r.claims;
  // Per unit: its claim cluster and its group there, or -1.
  std::vector<int64_t> cluster_of(c.units.size(), -1),
      group_of(c.units.size(), -1);
  for (size_t k = 0; k < c.clusters.size(); ++k) {
    for (uint32_t u : c.clusters[k].units) {
      cluster_of[u] = static_cast<int64_t>(k);
    }
    for (size_t g = 0; g < c.clusters[k].groups.size(); ++g) {
      for (uint32_t u : c.clusters[k].groups[g].members) {
        group_of[u] = static_cast<int64_t>(g);
      }
    }
  }
  RowsInBlocks(
      std::move(header), static_cast<int64_t>(c.matches.size()),
      [&](int64_t i, std::string* line) {
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
        const ClaimScorer::Contrast& o = c.ContrastOf(m);
        auto pair = [](const std::string& x, const std::string& y) {
          return x.empty() ? std::string() : absl::StrCat(x, "/", y);
        };
        const std::string antonyms = pair(o.antonym_a, o.antonym_b);
        const std::string swapped = pair(o.swapped_first, o.swapped_second);
        // "a: tipped to": the side that hedges, and its cue.
        const std::string hedged =
            !o.hedge_a.empty()   ? absl::StrCat("a: ", o.hedge_a)
            : !o.hedge_b.empty() ? absl::StrCat("b: ", o.hedge_b)
                                 : std::string();
        // A match joining two groups (a link of a chain) has no group.
        const std::string cluster = cluster_of[m.a] < 0
                                        ? std::string()
                                        : std::to_string(cluster_of[m.a]);
        const std::string group =
            group_of[m.a] < 0 || group_of[m.a] != group_of[m.b]
                ? std::string()
                : std::to_string(group_of[m.a]);
        Row({da.id,
             start_a,
             end_a,
             std::string_view(da.text).substr(a.span.begin, a.span.size()),
             db.id,
             start_b,
             end_b,
             std::string_view(db.text).substr(b.span.begin, b.span.size()),
             score,
             cosine,
             MatchKind(a, b),
             cluster,
             group,
             ScopeOf(r.index, a.doc, b.doc),
             m.numbers_differ ? "1" : "0",
             o.negation ? "1" : "0",
             antonyms,
             swapped,
             Score(m.story_similarity),
             hedged},
            line);
      },
      emit);
}

void DocumentsCsvChunks(const Report& r, const ChunkSink& emit) {
  const auto n = static_cast<uint32_t>(r.documents.size());
  const std::vector<int64_t> cluster_of = ClusterOf(r);
  std::vector<uint64_t> matches(n, 0);
  for (const ClaimMatch& m : r.claims.matches) {
    const uint32_t da = r.claims.units[m.a].doc, db = r.claims.units[m.b].doc;
    ++matches[da];
    if (db != da) ++matches[db];
  }
  std::string header;
  Row({"id", "location", "cluster", "cluster_size", "representative", "keep",
       "claim_matches", "input_id"},
      &header);
  const std::vector<char> keep = KeptDocuments(r);
  // This run's documents only: those loaded from an index (which come
  // first) were listed when their own dump was added.
  const uint32_t first = std::min(r.index.loaded, n);
  RowsInBlocks(
      std::move(header), int64_t{n} - first,
      [&](int64_t i, std::string* line) {
        const auto d = static_cast<uint32_t>(first + i);
        const int64_t c = cluster_of[d];
        std::string cluster, size;
        std::string_view representative;
        if (c >= 0) {
          const Cluster& cl = r.clusters[c].cluster;
          cluster = std::to_string(c);
          size = std::to_string(cl.members.size());
          representative = r.documents[cl.representative].id;
        }
        Row({r.documents[d].id, r.documents[d].location, cluster, size,
             representative, keep[d] ? "1" : "0", std::to_string(matches[d]),
             r.InputIdOf(d)},
            line);
      },
      emit);
}

}  // namespace internal

void WriteDocumentsCsv(const Report& r, std::ostream& out) {
  internal::DocumentsCsvChunks(r, ToStream(out));
}

void WritePairsCsv(const Report& r, std::ostream& out) {
  internal::PairsCsvChunks(r, ToStream(out));
}

void WriteClaimsCsv(const Report& r, std::ostream& out) {
  internal::ClaimsCsvChunks(r, ToStream(out));
}

}  // namespace refrain
