#include "refrain/report.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <span>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "chunks.h"
#include "report_csv.h"
#include "sink.h"
#include "utf8.h"

namespace refrain {
namespace {

using Json = nlohmann::ordered_json;

// Scores are rounded to 6 decimals so the JSON is short and stable.
double Round6(double x) { return std::round(x * 1e6) / 1e6; }

Json Params(const Report& r) {
  const ScanOptions& o = r.options;
  Json p;
  p["threshold"] = o.threshold;
  p["containment_threshold"] = o.containment_threshold;
  p["min_length_ratio"] = o.min_length_ratio;
  p["lsh_threshold"] = Round6(r.lsh_threshold);
  p["num_perm"] = o.minhash.num_perm;
  p["minhash"] = AlgorithmName(o.minhash.algorithm);
  p["seed"] = o.minhash.seed;
  p["shingle"] = o.shingle.size;
  p["bands"] = r.lsh.bands;
  p["rows"] = r.lsh.rows;
  p["fp_weight"] = o.fp_weight;
  p["fn_weight"] = o.fn_weight;
  p["max_bucket"] = o.max_bucket;
  p["max_cluster_pairs"] = o.max_cluster_pairs;
  p["keep"] = KeepPolicyName(o.keep);
  p["repeated_ids"] = RepeatedIdsName(o.ingest.repeated_ids);
  p["max_record_bytes"] = o.ingest.max_record_bytes;
  p["input_encoding"] = o.ingest.input_encoding;
  p["ranks"] = r.ranks;
  p["sentence_locale"] = o.segment.locale;
  p["min_quote_words"] = o.segment.min_quote_words;
  p["fields"] = {
      {"id", o.ingest.id_field},     {"title", o.ingest.title_field},
      {"text", o.ingest.text_field}, {"url", o.ingest.url_field},
      {"date", o.ingest.date_field}, {"source", o.ingest.source_field}};
  // The claims stage's options (the memory limit aside: it depends on the
  // machine, and the report must not).
  const ClaimOptions& c = o.claims;
  p["claims"] = {
      {"enabled", c.enabled},
      {"language", CanonicalLanguage(c.language)},
      {"min_content_words", c.min_content_words},
      {"boilerplate_min_stories", c.boilerplate_min_stories},
      {"bigrams", c.bigrams},
      {"frequent_stem_min_units", c.frequent_stem_min_units},
      {"frequent_stem_fraction", c.frequent_stem_fraction},
      {"num_perm", c.num_perm},
      {"seed", c.seed},
      {"lsh_threshold", c.lsh_threshold},
      {"min_containment", c.min_containment},
      {"max_bucket", c.max_bucket},
      {"max_candidate_pairs", c.max_candidate_pairs},
      {"min_cosine", c.min_cosine},
      {"threshold", EffectiveClaimThreshold(c)},
      {"headline_threshold", c.headline_threshold},
      {"min_story_similarity", c.min_story_similarity},
      {"unrelated_threshold", c.unrelated_threshold},
      {"min_shared_outside_attribution", c.min_shared_outside_attribution},
      {"same_document", c.same_document},
      {"within_duplicates", c.within_duplicates},
      {"collapse_copies", c.collapse_copies},
      {"keep_nested", c.keep_nested},
      {"background_idf", c.background_idf},
      {"wordnet_dir", c.wordnet_dir}};
  return p;
}

Json Side(const Document& doc, const ClaimUnit& u) {
  return {{"doc", doc.id},
          {"start", u.span.begin},
          {"end", u.span.end},
          {"text", doc.text.substr(u.span.begin, u.span.size())},
          {"kind", UnitKindName(u.kind)}};
}

const char* MatchKind(const ClaimUnit& a, const ClaimUnit& b) {
  if (a.kind == UnitKind::kQuote || b.kind == UnitKind::kQuote) return "quote";
  if (a.kind == UnitKind::kHeadline || b.kind == UnitKind::kHeadline)
    return "headline";
  return "sentence";
}

// What may set a match's two sides apart, for the text outputs: "" or
// "; the numbers differ; one side negates it; antonyms rose / fell; roles
// swapped: russia, ukraine; B hedges it: tipped to".
std::string ContrastNote(const ClaimsResult& c, const ClaimMatch& m) {
  std::string note;
  if (m.numbers_differ) note += "; the numbers differ";
  const ClaimScorer::Contrast& o = c.ContrastOf(m);
  if (o.negation) note += "; one side negates it";
  if (!o.antonym_a.empty()) {
    absl::StrAppend(&note, "; antonyms ", o.antonym_a, " / ", o.antonym_b);
  }
  if (!o.swapped_first.empty()) {
    absl::StrAppend(&note, "; roles swapped: ", o.swapped_first, ", ",
                    o.swapped_second);
  }
  // The side as the lines below the note label it (A: the match's a).
  if (!o.hedge_a.empty()) absl::StrAppend(&note, "; A hedges it: ", o.hedge_a);
  if (!o.hedge_b.empty()) absl::StrAppend(&note, "; B hedges it: ", o.hedge_b);
  return note;
}

// The side that hedges a match's claim ("a" or "b") and its cue, or null
// for report.json (ClaimScorer::Contrast::hedge_a, hedge_b).
std::pair<const char*, const std::string*> HedgeOf(
    const ClaimScorer::Contrast& c) {
  if (!c.hedge_a.empty()) return {"a", &c.hedge_a};
  if (!c.hedge_b.empty()) return {"b", &c.hedge_b};
  return {nullptr, nullptr};
}

// The words of a contrast as report.json lists them: both or none.
std::vector<std::string> WordPair(const std::string& x, const std::string& y) {
  return x.empty() ? std::vector<std::string>()
                   : std::vector<std::string>{x, y};
}

// `index`: set by scan --index, which adds each match's scope.
Json MatchJson(std::span<const Document> docs, const ClaimsResult& c,
               const ClaimMatch& m, const IndexSummary* index = nullptr) {
  const ClaimUnit& a = c.units[m.a];
  const ClaimUnit& b = c.units[m.b];
  Json j = {{"a", Side(docs[a.doc], a)},
            {"b", Side(docs[b.doc], b)},
            {"score", Round6(m.score)},
            {"cosine", Round6(m.cosine)},
            {"story_similarity", Round6(m.story_similarity)},
            {"kind", MatchKind(a, b)},
            {"numbers_differ", m.numbers_differ}};
  const ClaimScorer::Contrast& contrast = c.ContrastOf(m);
  j["negation_differs"] = contrast.negation;
  j["antonyms"] = WordPair(contrast.antonym_a, contrast.antonym_b);
  j["roles_swapped"] =
      WordPair(contrast.swapped_first, contrast.swapped_second);
  if (const auto [side, cue] = HedgeOf(contrast); side != nullptr) {
    j["hedged"] = {{"side", side}, {"cue", *cue}};
  } else {
    j["hedged"] = nullptr;
  }
  if (index != nullptr && index->used) j["scope"] = index->Scope(a.doc, b.doc);
  return j;
}

// Appends `s` as a JSON string exactly as nlohmann's dump (no ASCII
// escaping, invalid UTF-8 replaced) writes it. Most strings need no escape
// and are copied; the rest go through nlohmann itself.
void AppendJsonString(std::string_view s, std::string* out) {
  bool plain = true;
  bool ascii = true;
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == '"' || c == '\\') {
      plain = false;
      break;
    }
    if (c >= 0x80) ascii = false;
  }
  if (plain && (ascii || internal::IsValidUtf8(s))) {
    out->push_back('"');
    out->append(s);
    out->push_back('"');
    return;
  }
  out->append(Json(std::string(s))
                  .dump(-1, ' ', false, Json::error_handler_t::replace));
}

// One entry of report.json's documents array, at its depth (4 spaces), as
// j.dump(2) writes it: byte-identical to rendering a Json object (tested
// by reparsing and re-dumping), without building one, since the array is
// most of the file (29 MB for 100k articles).
void AppendDocumentJson(const Document& d, bool damaged, const char* in_index,
                        std::string_view input_id, std::string* out) {
  auto key = [&](std::string_view name) {
    out->append("      \"");
    out->append(name);
    out->append("\": ");
  };
  out->append("    {\n");
  key("id");
  AppendJsonString(d.id, out);
  out->append(",\n");
  key("source");
  AppendJsonString(d.source.empty() ? d.location : d.source, out);
  out->append(",\n");
  key("location");
  AppendJsonString(d.location, out);
  out->append(",\n");
  key("title");
  AppendJsonString(d.title, out);
  out->append(",\n");
  key("bytes");
  absl::StrAppend(out, d.input_bytes);
  out->append(",\n");
  key("text_bytes");
  absl::StrAppend(out, d.text_bytes);
  if (!d.url.empty()) {
    out->append(",\n");
    key("url");
    AppendJsonString(d.url, out);
  }
  if (!d.date.empty()) {
    out->append(",\n");
    key("date");
    AppendJsonString(d.date, out);
  }
  if (d.invalid_utf8 > 0) {
    out->append(",\n");
    key("invalid_utf8_repaired");
    absl::StrAppend(out, d.invalid_utf8);
  }
  if (damaged) {
    out->append(",\n");
    key("damaged");
    out->append("true");
  }
  if (in_index != nullptr) {
    out->append(",\n");
    key("in_index");
    AppendJsonString(in_index, out);
  }
  if (!input_id.empty()) {
    out->append(",\n");
    key("input_id");
    AppendJsonString(input_id, out);
  }
  out->append("\n    }");
}

using internal::ChunkSink;
using internal::kWaveBlocks;
using internal::RenderInWaves;

// Writes JSON as nlohmann's dump(2) lays it out (2-space indent, ", "-less
// separators, "[]" and "{}" when empty), straight into a string: for the
// parts of report.json too large to build as Json values first.
class PrettyJsonWriter {
 public:
  // `depth`: the nesting level at which the first value is written, 1 for
  // the value of a top-level key. With a `sink`, large arrays are handed to
  // it as they are written (ParallelElements), with everything before them:
  // `out` then holds only what follows.
  PrettyJsonWriter(std::string* out, int depth, const ChunkSink* sink = nullptr)
      : out_(out), depth_(depth), sink_(sink) {}

  void BeginObject() { Begin('{', '}'); }
  void BeginArray() { Begin('[', ']'); }
  void End() {
    const Level level = levels_.back();
    levels_.pop_back();
    --depth_;
    if (!level.empty) {
      out_->push_back('\n');
      Indent();
    }
    out_->push_back(level.close);
  }
  // `name` needs no escaping.
  void Key(std::string_view name) {
    NextMember();
    out_->push_back('"');
    out_->append(name);
    out_->append("\": ");
    after_key_ = true;
  }
  void String(std::string_view s) {
    BeforeValue();
    AppendJsonString(s, out_);
  }
  void Uint(uint64_t x) {
    BeforeValue();
    absl::StrAppend(out_, x);
  }
  void Bool(bool b) {
    BeforeValue();
    out_->append(b ? "true" : "false");
  }
  void Null() {
    BeforeValue();
    out_->append("null");
  }
  // Through nlohmann itself: its shortest round-trip form is not
  // std::to_chars' in every case.
  void Double(double x) {
    BeforeValue();
    out_->append(Json(x).dump());
  }
  // Writes elements 0..n-1 of the array just begun, element(i, &writer)
  // writing the i-th: in parallel, in blocks of `block` elements, each into
  // a string of its own, appended in order. The bytes are those of the
  // serial loop. With a sink, the blocks are rendered a wave at a time and
  // each wave is handed on before the next: the claim matches of a large
  // dump are gigabytes of text (gen-100000: report.json 1.08 GB), which
  // were held whole at the scan's end.
  template <typename Fn>
  void ParallelElements(int64_t n, int64_t block, Fn element) {
    const int64_t num_blocks = (n + block - 1) / block;
    const Level level = levels_.back();
    RenderInWaves(
        num_blocks,
        sink_ == nullptr ? std::max<int64_t>(num_blocks, 1) : kWaveBlocks,
        [&](int64_t k, std::string* text) {
          PrettyJsonWriter w(text, depth_);
          w.levels_.push_back(Level{level.close, level.empty && k == 0});
          for (int64_t i = k * block; i < std::min(n, (k + 1) * block); ++i) {
            element(i, &w);
          }
        },
        [&](std::span<std::string> texts) {
          for (std::string& t : texts) {
            out_->append(t);
            std::string().swap(t);  // Without a sink, one wave holds it all.
          }
          if (sink_ != nullptr) {
            (*sink_)(std::move(*out_));
            out_->clear();
          }
        });
    if (n > 0) levels_.back().empty = false;
  }

 private:
  struct Level {
    char close;
    bool empty;
  };
  void Begin(char open, char close) {
    BeforeValue();
    out_->push_back(open);
    levels_.push_back(Level{close, true});
    ++depth_;
  }
  // Starts a member of the innermost object or array on its own line.
  void NextMember() {
    Level& level = levels_.back();
    out_->append(level.empty ? "\n" : ",\n");
    level.empty = false;
    Indent();
  }
  void BeforeValue() {
    if (after_key_) {
      after_key_ = false;
    } else if (!levels_.empty()) {
      NextMember();
    }
  }
  void Indent() { out_->append(2 * static_cast<size_t>(depth_), ' '); }

  std::string* out_;
  int depth_;
  const ChunkSink* sink_;
  bool after_key_ = false;
  std::vector<Level> levels_;
};

// One side of a claim match or a cluster member, as Side() would be dumped.
void WriteClaimSide(const Document& doc, const ClaimUnit& u,
                    PrettyJsonWriter* w) {
  w->BeginObject();
  w->Key("doc");
  w->String(doc.id);
  w->Key("start");
  w->Uint(u.span.begin);
  w->Key("end");
  w->Uint(u.span.end);
  w->Key("text");
  w->String(std::string_view(doc.text).substr(u.span.begin, u.span.size()));
  w->Key("kind");
  w->String(UnitKindName(u.kind));
  w->End();
}

// The value of report.json's "claims" key, exactly as dumping the Json
// object it stands for inside j.dump(2) would write it (tested by reparsing
// and re-dumping): the matches and clusters quote their texts, which makes
// this most of the file, and building Json values for them cost more than
// the whole claims stage's scoring.
void AppendClaimsJson(std::span<const Document> docs, const ClaimsResult& c,
                      const ClaimOptions& o, const IndexSummary& index,
                      std::string_view error, std::string* out,
                      const ChunkSink* sink = nullptr) {
  PrettyJsonWriter w(out, 1, sink);
  w.BeginObject();
  w.Key("enabled");
  w.Bool(o.enabled);
  if (!error.empty()) {
    w.Key("error");
    w.String(error);
  }
  w.Key("threshold");
  w.Double(Round6(c.threshold));
  w.Key("headline_threshold");
  w.Double(Round6(c.headline_threshold));
  w.Key("min_story_similarity");
  w.Double(Round6(c.min_story_similarity));
  w.Key("unrelated_threshold");
  w.Double(Round6(c.unrelated_threshold));
  w.Key("min_shared_outside_attribution");
  w.Uint(c.min_shared_outside_attribution);
  w.Key("units");
  w.Uint(c.units.size());
  w.Key("excluded_short");
  w.Uint(c.excluded.too_short);
  w.Key("excluded_boilerplate");
  w.Uint(c.excluded.boilerplate);
  w.Key("excluded_lead_ins");
  w.Uint(c.excluded.lead_ins);
  w.Key("excluded_lists");
  w.Uint(c.excluded.lists);
  w.Key("copy_units");
  w.Uint(c.copy_units);
  w.Key("candidate_pairs");
  w.Uint(c.candidate_pairs);
  w.Key("scored_pairs");
  w.Uint(c.scored_pairs);
  w.Key("headline_matches_dropped");
  w.Uint(c.headline_matches_dropped);
  w.Key("unrelated_matches_dropped");
  w.Uint(c.unrelated_matches_dropped);
  w.Key("attribution_matches_dropped");
  w.Uint(c.attribution_matches_dropped);
  w.Key("nested_matches_dropped");
  w.Uint(c.nested_matches_dropped);
  w.Key("matches");
  w.BeginArray();
  // The matches quote both texts: most of the file, in parallel.
  auto write_match = [&](int64_t i, PrettyJsonWriter* e) {
    const ClaimMatch& m = c.matches[i];
    const ClaimUnit& a = c.units[m.a];
    const ClaimUnit& b = c.units[m.b];
    e->BeginObject();
    e->Key("a");
    WriteClaimSide(docs[a.doc], a, e);
    e->Key("b");
    WriteClaimSide(docs[b.doc], b, e);
    e->Key("score");
    e->Double(Round6(m.score));
    e->Key("cosine");
    e->Double(Round6(m.cosine));
    e->Key("story_similarity");
    e->Double(Round6(m.story_similarity));
    e->Key("kind");
    e->String(MatchKind(a, b));
    e->Key("numbers_differ");
    e->Bool(m.numbers_differ);
    const ClaimScorer::Contrast& contrast = c.ContrastOf(m);
    e->Key("negation_differs");
    e->Bool(contrast.negation);
    auto word_pair = [e](const char* key, const std::string& x,
                         const std::string& y) {
      e->Key(key);
      e->BeginArray();
      for (const std::string& word : WordPair(x, y)) e->String(word);
      e->End();
    };
    word_pair("antonyms", contrast.antonym_a, contrast.antonym_b);
    word_pair("roles_swapped", contrast.swapped_first, contrast.swapped_second);
    e->Key("hedged");
    if (const auto [side, cue] = HedgeOf(contrast); side != nullptr) {
      e->BeginObject();
      e->Key("side");
      e->String(side);
      e->Key("cue");
      e->String(*cue);
      e->End();
    } else {
      e->Null();
    }
    if (index.used) {
      e->Key("scope");
      e->String(index.Scope(a.doc, b.doc));
    }
    e->End();
  };
  w.ParallelElements(static_cast<int64_t>(c.matches.size()), 4096, write_match);
  w.End();
  w.Key("clusters");
  w.BeginArray();
  for (const ClaimCluster& cl : c.clusters) {
    w.BeginObject();
    w.Key("size");
    w.Uint(cl.units.size());
    w.Key("documents");
    w.BeginArray();
    for (uint32_t d : cl.docs) w.String(docs[d].id);
    w.End();
    w.Key("min_score");
    w.Double(Round6(cl.min_score));
    w.Key("mean_score");
    w.Double(Round6(cl.mean_score));
    w.Key("members");
    w.BeginArray();
    for (uint32_t u : cl.units)
      WriteClaimSide(docs[c.units[u].doc], c.units[u], &w);
    w.End();
    // Positions in `members`, which is ascending by unit.
    auto position = [&](uint32_t u) {
      return static_cast<uint64_t>(
          std::lower_bound(cl.units.begin(), cl.units.end(), u) -
          cl.units.begin());
    };
    w.Key("groups");
    w.BeginArray();
    for (const StarGroup& g : cl.groups) {
      w.BeginObject();
      w.Key("center");
      w.Uint(position(g.center));
      w.Key("members");
      w.BeginArray();
      for (uint32_t u : g.members) w.Uint(position(u));
      w.End();
      w.Key("min_score");
      w.Double(Round6(g.min_similarity));
      w.End();
    }
    w.End();
    w.End();
  }
  w.End();
  w.End();
}

// The value of report.json's "near_duplicates" key, as j.dump(2) would write
// the Json object it stands for (tested by reparsing and re-dumping). A
// dump of near-duplicate copies lists a pair per copy: built as Json
// values, a million of them cost 2.5 s and 0.4 GB more (bench/robustness.sh,
// one million tiny documents: 8.07 s and 2.1 GB, now 5.53 s and 1.7 GB).
void AppendNearDuplicatesJson(const Report& r, std::string* out,
                              const ChunkSink* sink = nullptr) {
  PrettyJsonWriter w(out, 1, sink);
  w.BeginObject();
  w.Key("candidate_pairs");
  w.Uint(r.candidate_pairs);
  w.Key("capped_buckets");
  w.Uint(r.capped_buckets);
  w.Key("pairs");
  w.BeginArray();
  auto write_pair = [&](int64_t i, PrettyJsonWriter* e) {
    const NearDuplicatePair& p = r.pairs[i];
    e->BeginObject();
    e->Key("a");
    e->String(r.documents[p.a].id);
    e->Key("b");
    e->String(r.documents[p.b].id);
    e->Key("jaccard");
    e->Double(Round6(p.jaccard));
    e->Key("containment");
    e->Double(Round6(p.containment));
    e->Key("estimate");
    e->Double(Round6(p.estimate));
    if (r.index.used) {
      e->Key("scope");
      e->String(r.index.Scope(p.a, p.b));
    }
    e->End();
  };
  w.ParallelElements(static_cast<int64_t>(r.pairs.size()), 4096, write_pair);
  w.End();
  w.Key("clusters");
  w.BeginArray();
  for (const DocumentCluster& dc : r.clusters) {
    const Cluster& c = dc.cluster;
    w.BeginObject();
    w.Key("size");
    w.Uint(c.members.size());
    w.Key("members");
    w.BeginArray();
    for (uint32_t m : c.members) w.String(r.documents[m].id);
    w.End();
    w.Key("representative");
    w.String(r.documents[c.representative].id);
    w.Key("kept");
    w.BeginArray();
    for (uint32_t m : dc.kept) w.String(r.documents[m].id);
    w.End();
    w.Key("min_similarity");
    w.Double(Round6(c.min_similarity));
    w.Key("mean_similarity");
    w.Double(Round6(c.mean_similarity));
    w.Key("verified_edges");
    w.Uint(c.edges);
    w.Key("pairs");
    w.String(dc.pairs_as_tree ? "tree" : "all");
    w.End();
  }
  w.End();
  w.End();
}

std::string Abbrev(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "...";
}

using internal::Printable;
// A field printed on a line of its own (an id, a title, a location).
std::string Line(std::string_view s) { return Printable(s, /*one_line=*/true); }

// "1 match", "2 matches": counts in the summary, which often reads 1.
std::string N(uint64_t n, const char* one, const char* many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

}  // namespace

namespace {

// The verified pairs of r.similarity with a new document: {those of a
// document new to the index, those of two articles already indexed, one
// delivered again unchanged}.
std::pair<uint64_t, uint64_t> PairsWithNewDocuments(const Report& r) {
  const int64_t first_new = r.index.loaded;
  const std::vector<uint32_t>& unchanged = r.index.unchanged;
  // --index-report-unchanged reports an unchanged article as new.
  const bool again = r.options.index_report_unchanged;
  auto seen = [&](int64_t d) {
    return d < first_new ||
           (!again && std::binary_search(unchanged.begin(), unchanged.end(),
                                         static_cast<uint32_t>(d)));
  };
  uint64_t listed = 0, unlisted = 0;
  for (int64_t row = 0; row < r.similarity.outerSize(); ++row) {
    for (SimilarityMatrix::InnerIterator it(r.similarity, row); it; ++it) {
      if (it.col() < first_new) continue;  // Upper triangle: col > row.
      ++(seen(row) && seen(it.col()) ? unlisted : listed);
    }
  }
  return {listed, unlisted};
}

}  // namespace

uint64_t VerifiedPairsOfThisRun(const Report& r) {
  return PairsWithNewDocuments(r).first;
}

uint64_t VerifiedPairsOfUnchangedArticles(const Report& r) {
  return PairsWithNewDocuments(r).second;
}

void WriteCompareJson(const Comparison& c, std::ostream& out) {
  Json matches = Json::array();
  for (const ClaimMatch& m : c.claims.matches) {
    matches.push_back(MatchJson(c.documents, c.claims, m));
  }
  Json j = {
      {"a", c.documents[0].id},         {"b", c.documents[1].id},
      {"jaccard", Round6(c.jaccard)},   {"containment", Round6(c.containment)},
      {"estimate", Round6(c.estimate)}, {"near_duplicate", c.near_duplicate},
      {"claims", std::move(matches)}};
  Json lsh = {{"bands", c.lsh.bands},
              {"rows", c.lsh.rows},
              {"of_index", c.lsh_of_index},
              {"bands_matched", c.bands_matched},
              {"candidate_probability", Round6(c.candidate_probability)}};
  if (c.suggested_lsh_threshold > 0) {
    lsh["suggested_lsh_threshold"] = c.suggested_lsh_threshold;
    lsh["suggested_bands"] = c.suggested_lsh.bands;
    lsh["suggested_rows"] = c.suggested_lsh.rows;
    lsh["suggested_bands_matched"] = c.suggested_bands_matched;
  }
  j["lsh"] = std::move(lsh);
  if (!c.idf.empty()) {
    j["idf"] = c.idf;
    j["headline_matches_dropped"] = c.claims.headline_matches_dropped;
    j["unrelated_matches_dropped"] = c.claims.unrelated_matches_dropped;
    j["attribution_matches_dropped"] = c.claims.attribution_matches_dropped;
    j["nested_matches_dropped"] = c.claims.nested_matches_dropped;
  }
  out << j.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

void WriteCompareText(const Comparison& c, std::ostream& out) {
  for (int side = 0; side < 2; ++side) {
    const Document& d = c.documents[side];
    out << (side == 0 ? "A: " : "B: ") << Line(d.id) << "\n";
    if (!d.title.empty()) out << "   " << Line(d.title) << "\n";
  }
  out << absl::StrFormat(
      "jaccard %.3f, containment %.3f (word %d-shingles), MinHash estimate "
      "%.3f: %s\n",
      c.jaccard, c.containment, c.shingle, c.estimate,
      c.near_duplicate ? "near-duplicates" : "not near-duplicates");
  // Whether a scan verifies the pair at all (review 52a-02).
  const char* scan = c.lsh_of_index ? "a scan with this index (its banding)"
                                    : "a scan with these options";
  if (c.bands_matched > 0) {
    out << absl::StrFormat(
        "%s makes them a candidate pair (%d of its %d LSH bands of %d rows "
        "match)\n",
        scan, c.bands_matched, c.lsh.bands, c.lsh.rows);
  } else {
    out << absl::StrFormat(
        "%s does not compare them: none of its %d LSH bands of %d rows match "
        "(a pair of this Jaccard shares one with probability %.2f)%s\n",
        scan, c.lsh.bands, c.lsh.rows, c.candidate_probability,
        c.near_duplicate ? ", so it does not report this pair (it may still "
                           "cluster the two through a third document)"
                         : "");
    if (c.suggested_lsh_threshold > 0) {
      out << absl::StrFormat(
          "  %s--lsh-threshold %.2f (%d bands of %d rows) makes them a "
          "candidate (%d bands match), at the cost of more candidates to "
          "verify\n",
          c.lsh_of_index ? "an index built with " : "",
          c.suggested_lsh_threshold, c.suggested_lsh.bands,
          c.suggested_lsh.rows, c.suggested_bands_matched);
    }
  }
  if (c.idf.empty()) {
    out << "claims not compared (--no-claims)\n";
    return;
  }
  out << absl::StrFormat(
      "%s at score >= %.3f (IDF of %s)\n",
      N(c.claims.matches.size(), "claim match", "claim matches"),
      c.claims.threshold, c.idf);
  // compare scores every pair of the two, as two stories; a scan makes
  // near-duplicates one story and lists nothing between them (review 40a-04:
  // 12 matches here, none in the scan's claims.csv).
  if (c.near_duplicate && !c.claims.matches.empty()) {
    out << "(near-duplicates: a scan lists no claim match between them, "
           "their shared sentences being copies of one story; listed here to "
           "show what they share)\n";
  }
  if (c.claims.headline_matches_dropped > 0) {
    out << absl::StrFormat(
        "%d more with a headline, left out for scoring under %.3f "
        "(--claim-headline-threshold)\n",
        c.claims.headline_matches_dropped, c.claims.headline_threshold);
  }
  if (c.claims.unrelated_matches_dropped > 0) {
    out << absl::StrFormat(
        "%d more left out for scoring under %.3f, the two stories being "
        "unrelated (story similarity under %.3f; "
        "--claim-unrelated-threshold)\n",
        c.claims.unrelated_matches_dropped, c.claims.unrelated_threshold,
        c.claims.min_story_similarity);
  }
  if (c.claims.attribution_matches_dropped > 0) {
    out << absl::StrFormat(
        "%d more left out for scoring under %.3f with fewer than %d words in "
        "common outside who said them "
        "(--claim-min-shared-outside-attribution)\n",
        c.claims.attribution_matches_dropped, c.claims.unrelated_threshold,
        c.claims.min_shared_outside_attribution);
  }
  if (c.claims.nested_matches_dropped > 0) {
    out << absl::StrFormat(
        "%d more left out for lying inside (or holding) a higher-scoring "
        "match above, as a quote lies in its sentence (--claim-keep-nested)\n",
        c.claims.nested_matches_dropped);
  }
  for (const ClaimMatch& m : c.claims.matches) {
    const ClaimUnit& a = c.claims.units[m.a];
    const ClaimUnit& b = c.claims.units[m.b];
    out << absl::StrFormat("\n  score %.3f (cosine %.3f, %s%s)\n", m.score,
                           m.cosine, MatchKind(a, b),
                           ContrastNote(c.claims, m));
    out << absl::StrFormat("  A [%d, %d): %s\n", a.span.begin, a.span.end,
                           Printable(std::string_view(c.documents[a.doc].text)
                                         .substr(a.span.begin, a.span.size())));
    out << absl::StrFormat("  B [%d, %d): %s\n", b.span.begin, b.span.end,
                           Printable(std::string_view(c.documents[b.doc].text)
                                         .substr(b.span.begin, b.span.size())));
  }
}

namespace {

// report.json, handed to `emit` in consecutive pieces as it is rendered:
// the documents array in waves of the blocks it is rendered in (29 MB for
// 100k articles), the claim matches in waves too (ParallelElements), so
// writing the file never holds it whole.
void RenderJson(const Report& r, const ChunkSink& emit) {
  Json j;
  j["schema_version"] = kReportSchemaVersion;
  j["tool"] = "refrain";
  j["params"] = Params(r);

  Json skipped = Json::array();
  for (const SkippedRecord& s : r.skipped) {
    skipped.push_back({{"source", s.location}, {"reason", s.reason}});
    if (s.passed_over) skipped.back()["passed_over"] = true;
    if (s.damaged) skipped.back()["damaged"] = true;
  }
  j["inputs"] = {{"records", r.records},
                 {"documents", r.documents.size() - r.index.loaded},
                 {"skipped_count", r.skipped.size()},
                 {"bytes", r.input_bytes},
                 {"invalid_utf8_repaired", r.invalid_utf8},
                 {"looks_like_html", r.looks_like_html},
                 {"damaged_documents", r.damaged.size()},
                 {"skipped", std::move(skipped)}};
  if (const uint64_t renamed = r.RenamedIds(); renamed > 0) {
    j["inputs"]["renamed_ids"] = renamed;
  }
  if (r.options.keep == KeepPolicy::kEarliest) {
    j["inputs"]["dates_not_read"] = r.dates_not_read;
    j["inputs"]["undated"] = r.undated;
  }

  auto doc_json = [](const Document& d, bool damaged = false,
                     const char* in_index = nullptr,
                     std::string_view input_id = {}) {
    Json doc = {{"id", d.id},
                {"source", d.source.empty() ? d.location : d.source},
                {"location", d.location},
                {"title", d.title},
                {"bytes", d.input_bytes},
                {"text_bytes", d.text_bytes}};
    if (!d.url.empty()) doc["url"] = d.url;
    if (!d.date.empty()) doc["date"] = d.date;
    if (d.invalid_utf8 > 0) doc["invalid_utf8_repaired"] = d.invalid_utf8;
    if (damaged) doc["damaged"] = true;
    if (in_index != nullptr) doc["in_index"] = in_index;
    if (!input_id.empty()) doc["input_id"] = input_id;
    return doc;
  };
  // The documents array is most of the file without claims, and most of
  // the time: it is rendered in parallel, in contiguous blocks of entries,
  // and spliced in where a placeholder stands (below), so the bytes are
  // exactly those of one j.dump(2).
  const int64_t first_doc = r.index.loaded;
  const int64_t num_docs = static_cast<int64_t>(r.documents.size()) - first_doc;
  constexpr const char* kDocsPlaceholder = "@@refrain-documents@@";
  j["documents"] = kDocsPlaceholder;
  if (r.index.used) {
    const IndexSummary& ix = r.index;
    Json indexed = Json::array();
    for (uint32_t i = 0; i < ix.loaded; ++i) {
      Json doc = doc_json(r.documents[i]);
      doc["dump"] = {{"seq", ix.origins[i].dump_seq},
                     {"name", ix.origins[i].dump_name},
                     {"added_at", ix.origins[i].dump_time}};
      doc["kept"] = ix.origins[i].kept;
      indexed.push_back(std::move(doc));
    }
    Json dump = nullptr;
    if (ix.dump_seq != 0) dump = {{"seq", ix.dump_seq}, {"name", ix.dump_name}};
    j["index"] = {
        {"path", ix.path},
        {"documents_before", ix.documents_before},
        {"already_indexed", ix.reindexed.size()},
        {"already_indexed_unchanged", ix.unchanged.size()},
        {"unchanged_pairs", VerifiedPairsOfUnchangedArticles(r)},
        {"added", ix.added},
        {"replaced", ix.replaced},
        {"claim_units_added", ix.units_added},
        {"documents_after", ix.documents_before + ix.added - ix.replaced},
        {"dump", std::move(dump)},
        {"compared", ix.loaded},
        {"documents", std::move(indexed)}};
    if (ix.read_only) j["index"]["read_only"] = true;
    if (ix.withheld) j["index"]["withheld"] = true;
    if (ix.banding_for_threshold.bands != 0) {
      j["index"]["banding_for_threshold"] = {
          {"bands", ix.banding_for_threshold.bands},
          {"rows", ix.banding_for_threshold.rows}};
    }
    if (!ix.id_renamed.empty()) {
      Json renamed = Json::array();
      for (uint32_t d : ix.id_renamed) renamed.push_back(r.documents[d].id);
      j["index"]["id_renamed"] = std::move(renamed);
    }
    if (!ix.id_taken.empty()) {
      Json taken = Json::array();
      for (uint32_t d : ix.id_taken) taken.push_back(r.documents[d].id);
      j["index"]["id_taken"] = std::move(taken);
    }
    if (!ix.corrected.empty()) {
      Json corrected = Json::array();
      for (uint32_t d : ix.corrected) corrected.push_back(r.documents[d].id);
      j["index"]["metadata_corrected"] = std::move(corrected);
    }
  }

  // The near-duplicates and claims objects are rendered directly too, and
  // spliced in the same way.
  constexpr const char* kNearPlaceholder = "@@refrain-near-duplicates@@";
  j["near_duplicates"] = kNearPlaceholder;
  constexpr const char* kClaimsPlaceholder = "@@refrain-claims@@";
  j["claims"] = kClaimsPlaceholder;
  // Invalid UTF-8 was repaired at ingest, so strict dumping cannot throw;
  // `replace` keeps it so should that invariant ever break.
  const std::string text =
      j.dump(2, ' ', false, Json::error_handler_t::replace);
  // The spliced values, each rendered into `emit`, in the order their keys
  // were added. Only a top-level key can be preceded by a raw newline and 2
  // spaces.
  auto documents = [&] {
    if (num_docs == 0) {
      emit("[]");
      return;
    }
    emit("[\n");
    constexpr int64_t kBlock = 1024;
    RenderInWaves((num_docs + kBlock - 1) / kBlock, kWaveBlocks,
                  [&](int64_t b, std::string* t) {
                    for (int64_t i = b * kBlock;
                         i < std::min(num_docs, (b + 1) * kBlock); ++i) {
                      const auto doc = static_cast<uint32_t>(first_doc + i);
                      AppendDocumentJson(r.documents[doc], r.IsDamaged(doc),
                                         r.index.StatusOf(doc),
                                         r.InputIdOf(doc), t);
                      t->append(i + 1 < num_docs ? ",\n" : "\n");
                    }
                  },
                  [&](std::span<std::string> texts) {
                    for (std::string& t : texts) emit(std::move(t));
                  });
    emit("  ]");
  };
  auto near_duplicates = [&] {
    std::string rest;
    AppendNearDuplicatesJson(r, &rest, &emit);
    emit(std::move(rest));
  };
  auto claims = [&] {
    std::string rest;
    AppendClaimsJson(r.documents, r.claims, r.options.claims, r.index,
                     r.claims_error, &rest, &emit);
    emit(std::move(rest));
  };
  struct Splice {
    const char* key;
    const char* placeholder;
    std::function<void()> render;
    std::string marker{};  // Set below, from key and placeholder.
    size_t at = std::string::npos;
  };
  Splice splices[] = {{"documents", kDocsPlaceholder, documents},
                      {"near_duplicates", kNearPlaceholder, near_duplicates},
                      {"claims", kClaimsPlaceholder, claims}};
  bool found = true;
  size_t from = 0;
  for (Splice& sp : splices) {
    sp.marker = absl::StrCat("\n  \"", sp.key, "\": \"", sp.placeholder, "\"");
    sp.at = text.find(sp.marker, from);
    if (sp.at == std::string::npos) {
      found = false;
      break;
    }
    from = sp.at + sp.marker.size();
  }
  // Cannot happen; never write a placeholder.
  if (!found) {
    Json docs = Json::array();
    for (int64_t i = 0; i < num_docs; ++i) {
      const auto doc = static_cast<uint32_t>(first_doc + i);
      docs.push_back(doc_json(r.documents[doc], r.IsDamaged(doc),
                              r.index.StatusOf(doc), r.InputIdOf(doc)));
    }
    j["documents"] = std::move(docs);
    std::string near, claims_json;
    AppendNearDuplicatesJson(r, &near);
    AppendClaimsJson(r.documents, r.claims, r.options.claims, r.index,
                     r.claims_error, &claims_json);
    j["near_duplicates"] = Json::parse(near);
    j["claims"] = Json::parse(claims_json);
    emit(j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n");
    return;
  }
  size_t rest = 0;  // Where the text after the last splice resumes.
  for (Splice& sp : splices) {
    // The text up to the quoted placeholder, then the value.
    const size_t value_at =
        sp.at + sp.marker.size() - std::strlen(sp.placeholder) - 2;
    emit(text.substr(rest, value_at - rest));
    sp.render();
    rest = sp.at + sp.marker.size();
  }
  emit(text.substr(rest) + "\n");
}

}  // namespace

void WriteJson(const Report& r, std::ostream& out) {
  RenderJson(r, [&](std::string&& chunk) {
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  });
}

void WriteSkipped(std::span<const SkippedRecord> skipped, std::ostream& out) {
  for (const SkippedRecord& s : skipped) {
    out << Line(s.location) << ": " << Line(s.reason) << "\n";
  }
}

namespace {

// "41 verified pairs", and the pairs verified but not listed in report.json
// for being reported before: the two numbers must add up for a reader who
// compares the summary with the report.
std::string VerifiedPairsLine(const Report& r) {
  const auto [listed, unlisted] = PairsWithNewDocuments(r);
  std::string line = N(listed, "verified pair", "verified pairs");
  if (unlisted > 0) {
    absl::StrAppend(&line, " (", unlisted,
                    " more between articles already indexed, delivered again "
                    "unchanged: reported before, not listed)");
  }
  return line;
}

}  // namespace

namespace {

// The ids of the first three of report documents `docs`, then ", ..." if
// there are more: the summary's examples.
std::string FirstIds(const Report& r, std::span<const uint32_t> docs) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < docs.size() && i < 3; ++i) {
    ids.push_back(Line(r.documents[docs[i]].id));
  }
  return absl::StrCat(absl::StrJoin(ids, ", "), docs.size() > 3 ? ", ..." : "");
}

// The highest-scoring matches that may state opposites (at most three),
// both sides with their articles: a fact-checker reads these first, and
// the clusters below may not show them.
void PrintOpposites(const Report& r, std::ostream& out) {
  const ClaimsResult& c = r.claims;
  std::vector<size_t> flagged;
  for (size_t i = 0; i < c.matches.size(); ++i) {
    if (c.ContrastOf(c.matches[i]).opposite()) flagged.push_back(i);
  }
  constexpr size_t kShown = 3;
  const size_t shown = std::min(flagged.size(), kShown);
  std::partial_sort(flagged.begin(), flagged.begin() + shown, flagged.end(),
                    [&](size_t x, size_t y) {
                      return c.matches[x].score != c.matches[y].score
                                 ? c.matches[x].score > c.matches[y].score
                                 : x < y;
                    });
  for (size_t k = 0; k < shown; ++k) {
    const ClaimMatch& m = c.matches[flagged[k]];
    const ClaimScorer::Contrast& o = c.ContrastOf(m);
    std::vector<std::string> why;
    if (o.negation) why.push_back("negation differs");
    if (!o.antonym_a.empty()) {
      why.push_back(absl::StrCat("antonyms ", o.antonym_a, " / ", o.antonym_b));
    }
    if (!o.swapped_first.empty()) {
      why.push_back(absl::StrCat("roles swapped: ", o.swapped_first, " <-> ",
                                 o.swapped_second));
    }
    out << absl::StrFormat("    %.3f, %s:\n", m.score,
                           Printable(absl::StrJoin(why, "; ")));
    for (uint32_t u : {m.a, m.b}) {
      const ClaimUnit& unit = c.units[u];
      const Document& d = r.documents[unit.doc];
      out << absl::StrFormat(
          "      [%s] %s\n", Line(d.id),
          Printable(Abbrev(std::string_view(d.text).substr(unit.span.begin,
                                                           unit.span.size()),
                           160)));
    }
  }
  if (flagged.size() > shown) {
    out << absl::StrFormat(
        "    (%d more: negation_differs, antonyms and roles_swapped in "
        "report.json and claims.csv)\n",
        flagged.size() - shown);
  }
}

}  // namespace

void WriteSummary(const Report& r, std::ostream& out, int top_pairs,
                  int top_claim_clusters) {
  out << absl::StrFormat(
      "refrain: %s: %s read, %d skipped (%.1f MB, %.2f s)\n",
      N(r.records, "record", "records"),
      N(r.documents.size() - r.index.loaded, "document", "documents"),
      r.skipped.size(), r.input_bytes / 1e6, r.timings.total_s);
  if (r.index.used) {
    const IndexSummary& ix = r.index;
    if (ix.read_only) {
      out << absl::StrFormat(
          "index %s (read-only): %d documents; compared with %d of them; "
          "nothing added (%d already indexed) (%.2f s)\n",
          ix.path, ix.documents_before, ix.loaded, ix.reindexed.size(),
          r.timings.index_s);
    } else if (ix.withheld && !r.claims_error.empty()) {
      out << absl::StrFormat(
          "index %s: %d documents; compared with %d of them; nothing added: "
          "the claims stage stopped (claims.error), and the index takes a "
          "dump with its claims or not at all (%d already indexed) (%.2f s)\n",
          ix.path, ix.documents_before, ix.loaded, ix.reindexed.size(),
          r.timings.index_s);
    } else if (ix.withheld) {
      const auto failed =
          std::count_if(r.skipped.begin(), r.skipped.end(),
                        [](const SkippedRecord& s) { return !s.passed_over; });
      out << absl::StrFormat(
          "index %s: %d documents; compared with %d of them; nothing added: "
          "%s skipped under --strict, and the dump goes in whole or not at "
          "all (%d already indexed) (%.2f s)\n",
          ix.path, ix.documents_before, ix.loaded,
          N(failed, "record", "records"), ix.reindexed.size(),
          r.timings.index_s);
    } else {
      // "added" is report.json's: edits replacing their indexed version
      // are among the added (review, thirty-sixth session: "added 0,
      // replaced 20" against "added": 20, "replaced": 20).
      const uint64_t fresh = ix.added - ix.replaced;
      out << absl::StrFormat(
          "index %s: %d documents before; compared with %d "
          "of them; added %d",
          ix.path, ix.documents_before, ix.loaded, ix.added);
      if (ix.replaced > 0) {
        out << absl::StrFormat(
            " (%d of them %s replacing %s indexed version%s)", ix.replaced,
            ix.replaced == 1 ? "an edit" : "edits",
            ix.replaced == 1 ? "its" : "their", ix.replaced == 1 ? "" : "s");
      }
      if (ix.dump_seq != 0) out << absl::StrFormat(" as dump %d", ix.dump_seq);
      out << absl::StrFormat(" (%d already indexed); now %d (%.2f s)\n",
                             ix.reindexed.size(), ix.documents_before + fresh,
                             r.timings.index_s);
    }
    if (ix.banding_for_threshold.bands != 0) {
      // Named by the flag that chose it (review 52b-03: "--threshold 0.80
      // alone would choose 29 x 3" where --lsh-threshold 0.45 had).
      out << absl::StrFormat(
          "  LSH banding %d bands x %d rows: the index's (%s alone would "
          "choose %d x %d); pairs well below the Jaccard it was built for "
          "(about %.2f) are found less often\n",
          r.lsh.bands, r.lsh.rows,
          r.options.lsh_threshold > 0
              ? absl::StrFormat("--lsh-threshold %.2f", r.options.lsh_threshold)
              : absl::StrFormat("--threshold %.2f", r.options.threshold),
          ix.banding_for_threshold.bands, ix.banding_for_threshold.rows,
          std::pow(1.0 / r.lsh.bands, 1.0 / r.lsh.rows));
    }
    if (!ix.unchanged.empty()) {
      out << (r.options.index_report_unchanged
                  ? absl::StrFormat(
                        "  %s unchanged, and reported as a first scan "
                        "of the dump did (--index-report-unchanged)\n",
                        N(ix.unchanged.size(),
                          "of the already indexed articles is",
                          "of the already indexed articles are"))
                  : absl::StrFormat(
                        "  %s unchanged: what they share with indexed "
                        "articles and with each other was reported before, "
                        "and only their pairs and matches with new articles "
                        "are listed\n",
                        N(ix.unchanged.size(),
                          "of the already indexed articles is",
                          "of the already indexed articles are")));
    }
    std::vector<uint32_t> edited;
    std::set_difference(ix.reindexed.begin(), ix.reindexed.end(),
                        ix.unchanged.begin(), ix.unchanged.end(),
                        std::back_inserter(edited));
    std::erase_if(edited, [&](uint32_t d) {
      return std::binary_search(ix.older.begin(), ix.older.end(), d);
    });
    if (!edited.empty()) {
      out << absl::StrFormat(
          "  %s edited (%s): compared "
          "with their new text, which %s the indexed one "
          "(documents[].in_index \"edited\" in report.json)\n",
          N(edited.size(), "of the already indexed articles is",
            "of the already indexed articles are"),
          FirstIds(r, edited),
          ix.read_only  ? "would replace (not with --index-read-only)"
          : ix.withheld ? "would replace (nothing was added)"
                        : "replaces");
    }
    if (!ix.edited_left_out.empty()) {
      const std::vector<char> keep = KeptDocuments(r);
      std::vector<uint32_t> now_kept;
      std::copy_if(ix.edited_left_out.begin(), ix.edited_left_out.end(),
                   std::back_inserter(now_kept),
                   [&](uint32_t d) { return keep[d] != 0; });
      if (!now_kept.empty()) {
        out << absl::StrFormat(
            "  %d of the edited articles had been left out as near-duplicates "
            "and are kept now (%s): no kept article is a near-duplicate of "
            "their new text (documents[].keep)\n",
            now_kept.size(), FirstIds(r, now_kept));
      }
    }
    if (!ix.older.empty()) {
      out << absl::StrFormat(
          "  %d of the already indexed articles came in an older version "
          "than the index holds (a text an edit replaced, or one dated before "
          "the indexed version) (%s): compared with that text, but the index "
          "keeps the newer one (documents[].in_index \"older\" in "
          "report.json)\n",
          ix.older.size(), FirstIds(r, ix.older));
    }
    if (!ix.corrected.empty()) {
      out << absl::StrFormat(
          "  %d of the already indexed articles came with their text "
          "unchanged but a corrected title, date, URL or source (%s): the "
          "index %s (index.metadata_corrected in report.json)\n",
          ix.corrected.size(), FirstIds(r, ix.corrected),
          ix.read_only  ? "keeps the old ones (--index-read-only)"
          : ix.withheld ? "keeps the old ones (nothing was added)"
                        : "takes the new ones");
    }
    if (!ix.id_renamed.empty()) {
      out << absl::StrFormat(
          "  %s an id the index holds for another article: %s as ID#HASH, 8 "
          "hex digits of a hash of the record (%s; index.id_renamed and "
          "input_id in report.json); if the feed reuses ids, check "
          "--id-field\n",
          N(ix.id_renamed.size(), "new article has", "new articles have"),
          ix.read_only ? "named" : "added", FirstIds(r, ix.id_renamed));
    }
    if (!ix.id_taken.empty()) {
      out << absl::StrFormat(
          "  %s an id the index holds for another article, and its other "
          "name (ID#HASH, or ID for an id shared in this dump) is held too "
          "(%s): compared as new articles but not added; give each article "
          "an id of its own (index.id_taken in report.json)\n",
          N(ix.id_taken.size(), "new article has", "new articles have"),
          FirstIds(r, ix.id_taken));
    }
  }
  const Timings& t = r.timings;
  out << absl::StrFormat(
      "  stages: ingest+sketch %.3f s, lsh %.3f s, verify %.3f s, cluster %.3f "
      "s, "
      "claims %.3f s\n",
      t.ingest_s, t.lsh_s, t.verify_s, t.cluster_s, t.claims_s);
  if (t.claims_s > 0) {
    const ClaimsResult::Timings& c = r.claims.timings;
    out << absl::StrFormat(
        "  claims: load %.3f s, segment %.3f s, units %.3f s, matrix %.3f s, "
        "candidates %.3f s, gate %.3f s, score %.3f s, filter %.3f s, "
        "cluster %.3f s\n",
        c.load_s, c.segment_s, c.units_s, c.matrix_s, c.candidates_s, c.gate_s,
        c.score_s, c.filter_s, c.cluster_s);
  }
  if (r.invalid_utf8 > 0) {
    // Not only UTF-8: every repair is counted here, whatever the input's
    // encoding, so the line must not name one. It names the document with
    // the most, and says when that one reads as another encoding: a file
    // in windows-1251 or Shift-JIS becomes mostly U+FFFD, and the total
    // alone named nothing to fix (review 51b-06).
    size_t repaired_docs = 0;
    const Document* most = nullptr;
    for (const Document& d : r.documents) {
      if (d.invalid_utf8 == 0) continue;
      ++repaired_docs;
      if (most == nullptr || d.invalid_utf8 > most->invalid_utf8) most = &d;
    }
    out << absl::StrFormat(
        "  %d invalid byte sequences replaced by U+FFFD (bad UTF-8, unpaired "
        "UTF-16 surrogates; invalid_utf8_repaired in documents)",
        r.invalid_utf8);
    if (most != nullptr) {
      out << absl::StrFormat(" in %s (the most: %s, %d)",
                             N(repaired_docs, "document", "documents"),
                             Line(most->location), most->invalid_utf8);
      // Each replacement is 3 bytes of the repaired text: a fifth of it
      // replaced is no stray byte but another encoding.
      if (uint64_t{most->invalid_utf8} * 3 * 5 >= most->text_bytes) {
        out << absl::StrFormat(
            "\n  %s is mostly not UTF-8: if its inputs are in another "
            "encoding, name it with --input-encoding (windows-1252, "
            "windows-1251, iso-8859-2, shift_jis, gb18030, ...; `iconv -l` "
            "lists them)",
            Line(most->location));
      }
    }
    out << "\n";
  }
  if (!r.damaged.empty()) {
    out << absl::StrFormat(
        "  %s read from an input whose compressed data failed "
        "its check, so any of them may be damaged (the first: %s): reported, "
        "marked \"damaged\" in report.json, but not kept in the deduplicated "
        "dataset%s; deliver the file again\n",
        N(r.damaged.size(), "document was", "documents were"),
        Line(r.documents[r.damaged[0]].id),
        r.index.used && !r.index.read_only ? " nor added to the index" : "");
  }
  if (r.duplicate_ids > 0) {
    // Many ids taken twice usually mean --id-field names a field that is
    // not an article's id (a category, a feed name), and every record
    // after the first of each value is lost to the dataset.
    out << (r.options.ingest.repeated_ids == RepeatedIds::kSkip
                ? absl::StrFormat(
                      "  %s skipped because an earlier record has their id "
                      "(the first: %s), whatever their text "
                      "(--repeated-ids skip): if ids are not unique per "
                      "article, check --id-field or give each its own\n",
                      N(r.duplicate_ids, "record", "records"),
                      Line(r.first_duplicate_id))
                : absl::StrFormat(
                      "  %s skipped: an earlier record has the same id, "
                      "text and metadata, a record delivered twice (the "
                      "first: %s)\n",
                      N(r.duplicate_ids, "record", "records"),
                      Line(r.first_duplicate_id)));
  }
  // Renamed for an id shared in the dump; those renamed for an id the
  // index holds (index.id_renamed) have their own line, and those named as
  // their indexed version none.
  uint64_t renamed = 0;
  const Document* first_renamed = nullptr;
  auto in = [](const std::vector<uint32_t>& v, uint32_t d) {
    return std::binary_search(v.begin(), v.end(), d);
  };
  for (uint32_t d = r.index.loaded; d < r.documents.size(); ++d) {
    if (r.documents[d].input_id_bytes == 0 || in(r.index.id_renamed, d) ||
        in(r.index.named_as_indexed, d)) {
      continue;
    }
    if (renamed++ == 0) first_renamed = &r.documents[d];
  }
  if (renamed > 0) {
    out << absl::StrFormat(
        "  %s an id that records with another text or metadata have too, so "
        "each is kept under the id ID#HASH, 8 hex digits of a hash of the "
        "record (the first: %s; input_id in report.json): if ids are not "
        "unique per article, check --id-field; --repeated-ids skip keeps "
        "only the first record of each id\n",
        N(renamed, "record has", "records have"), Line(first_renamed->id));
  }
  if (r.looks_like_html > 0) {
    out << absl::StrFormat(
        "  %s like HTML (tags such as <p>, <br>, </div> read "
        "as words): --strip-html reads their text\n",
        N(r.looks_like_html, "document looks", "documents look"));
  }
  if (r.dates_not_read > 0) {
    const Document& d = r.documents[r.first_date_not_read];
    out << absl::StrFormat(
        "  %d dates not read as dates: --keep earliest orders them as text, "
        "after every date it reads (the first: %s, \"%s\")\n",
        r.dates_not_read, Line(d.id), Line(d.date));
  }
  // A --date-field or --id-field that names no field of the records (a
  // typo, another feed's schema) changed what the run did without failing
  // it (review 41b-05).
  const uint64_t dump_docs = r.documents.size() - r.index.loaded;
  if (r.undated > 0) {
    out << (r.undated == dump_docs
                ? absl::StrFormat(
                      "  no document has a date (--date-field %s): --keep "
                      "earliest keeps the first member of each cluster\n",
                      Line(r.options.ingest.date_field))
                : absl::StrFormat(
                      "  %s no date (--date-field %s): --keep earliest "
                      "ranks the undated after every dated one\n",
                      N(r.undated, "document has", "documents have"),
                      Line(r.options.ingest.date_field)));
  }
  if (r.ids_from_location > 0 && r.options.ingest.id_field != "id") {
    out << absl::StrFormat(
        "  %s no field '%s' (--id-field): named by %s location FILE:LINE "
        "(the first: %s)\n",
        N(r.ids_from_location, "JSONL record has", "JSONL records have"),
        Line(r.options.ingest.id_field),
        r.ids_from_location == 1 ? "its" : "their",
        Line(r.first_id_from_location));
  }
  out << absl::StrFormat(
      "near-duplicates: threshold %.2f, LSH %d bands x %d rows: %s, %s, %s\n",
      r.options.threshold, r.lsh.bands, r.lsh.rows,
      N(r.candidate_pairs, "candidate pair", "candidate pairs"),
      VerifiedPairsLine(r), N(r.clusters.size(), "cluster", "clusters"));
  if (r.capped_buckets > 0) {
    // Review 41b-01: only report.json counted them.
    out << absl::StrFormat(
        "  %s had more than --max-bucket %d members (one story in thousands "
        "of copies, or texts alike in a band): each member was compared only "
        "with the one --keep prefers, not with the others; raise "
        "--max-bucket above the largest story's copies to compare them "
        "all\n",
        N(r.capped_buckets, "LSH bucket", "LSH buckets"), r.options.max_bucket);
  }
  {
    const std::vector<char> keep = KeptDocuments(r);
    const auto first = static_cast<std::ptrdiff_t>(r.index.loaded);
    out << absl::StrFormat(
        "  a deduplicated dataset keeps %d of %d documents (documents.csv, "
        "--write-kept)\n",
        std::count(keep.begin() + first, keep.end(), 1),
        keep.size() - r.index.loaded);
  }
  // The largest clusters, each with its kept members first and its title.
  // The pairs of highest Jaccard were listed before: mostly copies of one
  // text (a record in a .gz and a .zst), saying neither how many copies a
  // story has nor what it is (review 52a-06).
  const size_t copies = std::count_if(r.clusters.begin(), r.clusters.end(),
                                      [](const DocumentCluster& dc) {
                                        return dc.cluster.min_similarity >= 1.0;
                                      });
  if (copies > 0) {
    out << absl::StrFormat(
        "  %d of the %d clusters %s copies of one text (Jaccard 1 after "
        "normalization)\n",
        copies, r.clusters.size(), copies == 1 ? "is" : "are");
  }
  const size_t clusters_shown =
      std::min(r.clusters.size(), static_cast<size_t>(std::max(top_pairs, 0)));
  if (clusters_shown > 0) {
    out << (clusters_shown == r.clusters.size()
                ? std::string("  clusters (kept members first):\n")
                : absl::StrFormat("  the %d largest clusters (the least "
                                  "alike first among equals; kept members "
                                  "first; all in report.json and "
                                  "documents.csv):\n",
                                  clusters_shown));
  }
  // Largest first; of one size, the least alike first (those are the ones
  // to look at: BBC's 162 clusters are all pairs, 102 of them copies).
  std::vector<size_t> by_size(r.clusters.size());
  std::iota(by_size.begin(), by_size.end(), 0);
  std::stable_sort(by_size.begin(), by_size.end(), [&](size_t x, size_t y) {
    const Cluster& a = r.clusters[x].cluster;
    const Cluster& b = r.clusters[y].cluster;
    if (a.members.size() != b.members.size()) {
      return a.members.size() > b.members.size();
    }
    return a.min_similarity < b.min_similarity;
  });
  constexpr size_t kMembersShown = 4;
  for (size_t shown = 0; shown < clusters_shown; ++shown) {
    const DocumentCluster& dc = r.clusters[by_size[shown]];
    const Cluster& cl = dc.cluster;
    // The first kMembersShown members to name: the kept ones first (the
    // representative leads them), then the others (review 52c-06: a second
    // kept member after a dropped one).
    std::vector<uint32_t> order{cl.representative};
    for (const std::vector<uint32_t>* from : {&dc.kept, &cl.members}) {
      for (size_t k = 0; k < from->size() && order.size() < kMembersShown;
           ++k) {
        const uint32_t m = (*from)[k];
        if (std::find(order.begin(), order.end(), m) == order.end()) {
          order.push_back(m);
        }
      }
    }
    // The weakest verified pair: members of a chain may be less alike.
    std::string line = absl::StrFormat(
        "    %d documents%s, %s: ", cl.members.size(),
        dc.kept.size() > 1 ? absl::StrFormat(" (%d kept)", dc.kept.size())
                           : std::string(),
        cl.min_similarity >= 1.0
            ? std::string("copies")
            : absl::StrFormat("weakest link Jaccard %.3f%s", cl.min_similarity,
                              cl.min_similarity < r.options.threshold
                                  ? " (a near-duplicate by containment)"
                                  : ""));
    for (size_t k = 0; k < order.size(); ++k) {
      absl::StrAppend(&line, k > 0 ? "  ~  " : "",
                      Line(r.documents[order[k]].id),
                      r.index.IsIndexed(order[k]) ? " (indexed)" : "");
    }
    if (cl.members.size() > order.size()) {
      absl::StrAppend(&line, "  ~  ", cl.members.size() - order.size(),
                      " more");
    }
    const std::string& title = r.documents[cl.representative].title;
    if (!title.empty()) {
      absl::StrAppend(&line, "  \"", Line(Abbrev(title, 60)), "\"");
    }
    out << line << "\n";
  }
  if (!r.options.claims.enabled) return;
  if (!r.claims_error.empty()) {
    out << "claims: the stage stopped without a result (see the error); "
           "the near-duplicate results are complete\n";
    return;
  }
  const ClaimsResult& c = r.claims;
  out << absl::StrFormat(
      "claims: %s (%d too short, %d boilerplate, %s, %s excluded, %s in "
      "near-duplicates), %s, %d scored, %s in %s\n",
      N(c.units.size(), "unit", "units"), c.excluded.too_short,
      c.excluded.boilerplate,
      N(c.excluded.lead_ins, "quote lead-in", "quote lead-ins"),
      N(c.excluded.lists, "list of names", "lists of names"),
      N(c.copy_units, "copy", "copies"),
      N(c.candidate_pairs, "candidate pair", "candidate pairs"), c.scored_pairs,
      N(c.matches.size(), "match", "matches"),
      N(c.clusters.size(), "cluster", "clusters"));
  if (c.headline_matches_dropped > 0) {
    out << absl::StrFormat(
        "  %s with a headline left out for scoring under %.2f "
        "(--claim-headline-threshold)\n",
        N(c.headline_matches_dropped, "match", "matches"),
        c.headline_threshold);
  }
  if (c.unrelated_matches_dropped > 0) {
    out << absl::StrFormat(
        "  %s between unrelated stories (story similarity under "
        "%.2f) left out for scoring under %.2f "
        "(--claim-unrelated-threshold)\n",
        N(c.unrelated_matches_dropped, "match", "matches"),
        c.min_story_similarity, c.unrelated_threshold);
  }
  if (c.attribution_matches_dropped > 0) {
    out << absl::StrFormat(
        "  %s sharing fewer than %d words outside who said them left "
        "out for scoring under %.2f (--claim-min-shared-outside-attribution)\n",
        N(c.attribution_matches_dropped, "match", "matches"),
        c.min_shared_outside_attribution, c.unrelated_threshold);
  }
  if (c.nested_matches_dropped > 0) {
    out << absl::StrFormat(
        "  %s inside (or holding) a higher-scoring match of the same "
        "two articles left out, as a quote lies in its sentence "
        "(--claim-keep-nested)\n",
        N(c.nested_matches_dropped, "match", "matches"));
  }
  if (const auto differ =
          std::count_if(c.matches.begin(), c.matches.end(),
                        [](const ClaimMatch& m) { return m.numbers_differ; });
      differ > 0) {
    out << absl::StrFormat(
        "  %s different numbers (numbers_differ: each side a "
        "number the other does not)\n",
        N(differ, "match states", "matches state"));
  }
  // Matches that may state opposite things, by what says so.
  uint64_t contrasted = 0, negated = 0, antonyms = 0, swapped = 0, hedged = 0;
  std::map<std::string, uint64_t> cues;  // Of the hedged matches.
  for (const ClaimMatch& m : c.matches) {
    const ClaimScorer::Contrast& o = c.ContrastOf(m);
    if (const std::string& cue = o.hedge_a.empty() ? o.hedge_b : o.hedge_a;
        !cue.empty()) {
      ++hedged;
      ++cues[cue];
    }
    if (!o.opposite()) continue;
    ++contrasted;
    negated += o.negation;
    antonyms += !o.antonym_a.empty();
    swapped += !o.swapped_first.empty();
  }
  if (contrasted > 0) {
    out << absl::StrFormat(
        "  %s opposites: %d where one side negates what "
        "the other states (negation_differs), %d with antonyms (antonyms), "
        "%d with roles swapped (roles_swapped)\n",
        N(contrasted, "match may state", "matches may state"), negated,
        antonyms, swapped);
    PrintOpposites(r, out);
  }
  if (hedged > 0) {
    // The most frequent cues first, then in alphabetical order.
    std::vector<std::pair<std::string, uint64_t>> by_count(cues.begin(),
                                                           cues.end());
    std::stable_sort(
        by_count.begin(), by_count.end(),
        [](const auto& x, const auto& y) { return x.second > y.second; });
    std::string listed;
    for (size_t i = 0; i < by_count.size() && i < 4; ++i) {
      absl::StrAppend(&listed, i == 0 ? "" : ", ", "\"",
                      Line(by_count[i].first), "\" ", by_count[i].second);
    }
    if (by_count.size() > 4) listed += ", ...";
    out << absl::StrFormat(
        "  %s on one side what the other states as fact (hedged: %s)\n",
        N(hedged, "match hedges", "matches hedge"), listed);
  }
  int shown = 0;
  for (const ClaimCluster& cl : c.clusters) {
    if (shown++ == top_claim_clusters) break;
    auto print = [&](uint32_t u, const char* indent) {
      const ClaimUnit& unit = c.units[u];
      const Document& d = r.documents[unit.doc];
      out << absl::StrFormat(
          "%s[%s] %s\n", indent, Line(d.id),
          Printable(Abbrev(std::string_view(d.text).substr(unit.span.begin,
                                                           unit.span.size()),
                           160)));
    };
    if (cl.groups.size() <= 1) {
      out << absl::StrFormat(
          "  cluster of %d units in %d documents (min score %.3f):\n",
          cl.units.size(), cl.docs.size(), cl.min_score);
      for (uint32_t u : cl.units) print(u, "    ");
      continue;
    }
    // A chain: each group is the units matching one center.
    out << absl::StrFormat(
        "  cluster of %d units in %d documents (min score %.3f), %d groups "
        "chained by their matches:\n",
        cl.units.size(), cl.docs.size(), cl.min_score, cl.groups.size());
    for (size_t g = 0; g < cl.groups.size(); ++g) {
      const StarGroup& group = cl.groups[g];
      if (group.members.size() > 1) {
        out << absl::StrFormat("    group %d: %d units (min score %.3f)\n",
                               g + 1, group.members.size(),
                               group.min_similarity);
      } else {
        out << absl::StrFormat("    group %d: 1 unit\n", g + 1);
      }
      for (uint32_t u : group.members) print(u, "      ");
    }
  }
}

namespace {

// A file written to a temporary beside its final name, whose write-back
// to disk has been started but not waited for. Until it is renamed over its
// final name, destroying it closes and removes the temporary, whatever ends
// the writing early: an error, or an exception (a rendering out of memory).
class PendingFile {
 public:
  // A new temporary file beside `path` (internal::CreateTemporaryBeside).
  static absl::StatusOr<PendingFile> Create(const std::string& path) {
    absl::StatusOr<internal::TemporaryFile> tmp =
        internal::CreateTemporaryBeside(path);
    if (!tmp.ok()) return tmp.status();
    PendingFile f(tmp->fd, std::move(tmp->name), path, std::move(tmp->target));
    // Written straight into a device or FIFO: nothing to rename or remove.
    f.pending_ = !tmp->direct;
    f.direct_ = tmp->direct;
    return f;
  }

  // Appends `bytes`. After a failed write nothing more is written, and
  // Finish() reports the failure.
  void Append(std::string_view bytes) {
    while (error_ == 0 && !bytes.empty()) {
      ssize_t n = write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno != EINTR) error_ = errno;
        continue;
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }

  // The first write's failure, if any (the file discarded); else starts
  // the file's write-back.
  absl::Status Finish() {
    if (error_ != 0) {
      errno = error_;
      return Error("write");
    }
    // Only a hint (errors are fsync's to report): the disk writes this file
    // while the next one is rendered, so that Sync() has less to wait for.
    // Each file's fsync in turn, right after writing it, made the report
    // files' write-back a serial tail of every scan.
    (void)sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
    return absl::OkStatus();
  }

  PendingFile(PendingFile&& o) noexcept
      : fd_(std::exchange(o.fd_, -1)),
        tmp_(std::move(o.tmp_)),
        path_(std::move(o.path_)),
        target_(std::move(o.target_)),
        pending_(std::exchange(o.pending_, false)),
        direct_(o.direct_),
        error_(o.error_) {}
  PendingFile& operator=(PendingFile&&) = delete;
  ~PendingFile() { Discard(); }

  // Waits until the file is on disk and closes it.
  absl::Status Sync() {
    // A device or FIFO has no disk to wait for (fsync: EINVAL).
    if (!direct_ && fsync(fd_) != 0) return Error("fsync");
    if (close(std::exchange(fd_, -1)) != 0) return Error("close");
    return absl::OkStatus();
  }

  // Replaces the final name with the file (RenameOver; on failure it
  // removes the temporary).
  absl::Status Rename() {
    if (direct_) return absl::OkStatus();
    pending_ = false;
    return internal::RenameOver(tmp_, target_);
  }

 private:
  PendingFile(int fd, std::string tmp, std::string path, std::string target)
      : fd_(fd),
        tmp_(std::move(tmp)),
        path_(std::move(path)),
        target_(std::move(target)) {}

  // The error of system call `call` (errno), after discarding the file.
  absl::Status Error(const char* call) {
    const int err = errno;
    Discard();
    return absl::UnavailableError(absl::StrCat("cannot write ", path_, ": ",
                                               call, ": ", std::strerror(err)));
  }

  void Discard() {
    if (fd_ >= 0) close(std::exchange(fd_, -1));
    if (std::exchange(pending_, false)) internal::RemoveTemporary(tmp_);
  }

  int fd_ = -1;
  std::string tmp_;      // The temporary's name.
  std::string path_;     // The final name.
  std::string target_;   // What it replaces: path_, or its link's file.
  bool pending_ = true;  // The temporary exists and is not renamed.
  bool direct_ = false;  // Written straight into path_ (a device or FIFO).
  int error_ = 0;        // errno of the first failed write.
};

// Renames each file of `files` (synced) over its final name. On failure,
// the temporaries not yet renamed are removed (by their destructors).
absl::Status RenameAll(std::vector<PendingFile>& files) {
  for (PendingFile& f : files) {
    if (absl::Status s = f.Rename(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// An exclusive flock(2) on a directory, held for the object's lifetime.
// Two scans writing one --out at once each rename their five files; without
// the lock their renames interleaved and left files of both (3 rounds of 100
// in a review). Locking the directory itself leaves no lock file behind. A
// file system that cannot lock a directory (some network ones) is written
// unlocked, as before: the lock guards a rare race, not the write itself.
class DirectoryLock {
 public:
  explicit DirectoryLock(const std::string& dir)
      : fd_(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ < 0) return;
    while (flock(fd_, LOCK_EX) != 0) {
      if (errno != EINTR) break;
    }
  }
  ~DirectoryLock() {
    if (fd_ >= 0) close(fd_);  // Releases the lock.
  }
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_;
};

}  // namespace

absl::Status WriteReports(const Report& report, const std::string& out_dir,
                          const HtmlOptions& html, PendingKeptRecords* kept) {
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat(
        "cannot create output directory ", out_dir, ": ", ec.message()));
  }
  // Each file is written to a temporary file beside its final name as it
  // is rendered: report.json in pieces, so at most a wave of it is in
  // memory; the others each rendered whole first. A small report's files
  // are rendered and synced side by side, one a thread, largest first: one
  // after the other they were a serial tail of every scan (BBC with
  // claims: 4.4 MB of JSON 17-31 ms, 2 MB of HTML 20-31 ms, their fsync
  // 10-15 ms). A large one's arrays are rendered by all threads (blocks of
  // rows in parallel), one file after the other: a thread a file would
  // leave report.json's hundreds of megabytes to one thread. Only
  // when all of them are on disk do they replace their predecessors, each
  // in one rename: a reader never sees a half-written file, and a run that
  // fails while writing (full disk, read-only directory) leaves every
  // previous file as it was, not a new report.json beside an old
  // report.html.
  using Render = void (*)(const Report&, const HtmlOptions&, const ChunkSink&);
  static constexpr std::pair<const char*, Render> kFiles[] = {
      {kReportFiles[0], [](const Report& r, const HtmlOptions&,
                           const ChunkSink& emit) { RenderJson(r, emit); }},
      {kReportFiles[1],
       [](const Report& r, const HtmlOptions& h, const ChunkSink& emit) {
         std::ostringstream out;
         WriteHtml(r, out, h);
         emit(std::move(out).str());
       }},
      {kReportFiles[2],
       [](const Report& r, const HtmlOptions&, const ChunkSink& emit) {
         internal::DocumentsCsvChunks(r, emit);
       }},
      {kReportFiles[3],
       [](const Report& r, const HtmlOptions&, const ChunkSink& emit) {
         internal::PairsCsvChunks(r, emit);
       }},
      {kReportFiles[4],
       [](const Report& r, const HtmlOptions&, const ChunkSink& emit) {
         internal::ClaimsCsvChunks(r, emit);
       }},
  };
  static_assert(std::size(kFiles) == std::size(kReportFiles));
  constexpr auto kNumFiles = static_cast<int>(std::size(kFiles));
  std::vector<std::optional<absl::StatusOr<PendingFile>>> written(kNumFiles);
  // An exception thrown on a thread of this loop (report.html rendered out
  // of memory, a file not created) must not leave it: it is rethrown after
  // the loop. (One thrown inside RenderInWaves' own parallel region, which
  // renders report.json and the CSVs, ends the process there, as it did
  // before the files were rendered side by side.)
  std::vector<std::exception_ptr> thrown(kNumFiles);
  constexpr size_t kSmallReportRows = 16384;
  const bool side_by_side = report.documents.size() + report.pairs.size() +
                                report.claims.matches.size() <=
                            kSmallReportRows;
#pragma omp parallel for schedule(dynamic, 1) if (side_by_side)
  for (int i = 0; i < kNumFiles; ++i) {
    try {
      const auto& [name, render] = kFiles[i];
      absl::StatusOr<PendingFile> f =
          PendingFile::Create(absl::StrCat(out_dir, "/", name));
      if (f.ok()) {
        render(report, html, [&](std::string&& piece) { f->Append(piece); });
        absl::Status s = f->Finish();
        // Side by side, a thread waits for its own file while the others
        // render; one after the other, the waits come after the last file
        // (Finish() started every write-back).
        if (s.ok() && side_by_side) s = f->Sync();
        if (!s.ok()) f = s;
      }
      written[i].emplace(std::move(f));
    } catch (...) {
      thrown[i] = std::current_exception();
    }
  }
  std::vector<PendingFile> files;
  files.reserve(kNumFiles);
  for (int i = 0; i < kNumFiles; ++i) {
    if (thrown[i]) std::rethrow_exception(thrown[i]);
    if (!written[i]->ok()) return written[i]->status();
    files.push_back(**std::move(written[i]));
  }
  if (!side_by_side) {
    for (PendingFile& f : files) {
      if (absl::Status s = f.Sync(); !s.ok()) return s;
    }
  }
  // Only the renames are serialized: two writers render side by side, and
  // the files in the directory are then all of the one that renamed last.
  DirectoryLock lock(out_dir);
  if (absl::Status s = RenameAll(files); !s.ok()) return s;
  return kept == nullptr ? absl::OkStatus() : kept->Commit();
}

absl::Status WriteFileAtomically(const std::string& path,
                                 const std::string& contents) {
  absl::StatusOr<PendingFile> f = PendingFile::Create(path);
  if (!f.ok()) return f.status();
  f->Append(contents);
  if (absl::Status s = f->Finish(); !s.ok()) return s;
  if (absl::Status s = f->Sync(); !s.ok()) return s;
  std::vector<PendingFile> written;
  written.push_back(*std::move(f));
  return RenameAll(written);
}

}  // namespace refrain
