#include "scan_index.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "claims_internal.h"
#include "date.h"
#include "hash.h"
#include "refrain/claim_score.h"
#include "refrain/lsh.h"
#include "refrain/minhash.h"
#include "refrain/similarity.h"

namespace refrain::internal {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// The rows whose `pass` flag is set.
std::vector<int64_t> PassedRows(const std::vector<int64_t>& rows,
                                const std::vector<char>& pass) {
  std::vector<int64_t> out;
  for (size_t d = 0; d < rows.size(); ++d) {
    if (pass[d]) out.push_back(rows[d]);
  }
  return out;
}

// A metadata field a record lacks: empty or only whitespace (review
// 44c-07: "   " replaced the indexed date).
bool Lacking(std::string_view field) {
  return std::all_of(field.begin(), field.end(),
                     [](char c) { return absl::ascii_isspace(c); });
}

// Gives `d` the indexed value of each field it lacks, or whose value is
// stale (bit MetadataField of `stale`: a value an earlier correction or
// edit replaced); whether any changed.
bool FillLacking(const IndexedVersion& was, uint8_t stale, Document* d) {
  bool changed = false;
  const auto mine = MetadataOf(*d);
  const auto theirs = MetadataOf(was);
  for (size_t f = 0; f < mine.size(); ++f) {
    if ((Lacking(*mine[f]) || (stale >> f & 1) != 0) &&
        *mine[f] != *theirs[f]) {
      *mine[f] = *theirs[f];
      changed = true;
    }
  }
  return changed;
}

// How a record's metadata stands against its indexed article's: which
// fields hold a stale value (a value an earlier correction or edit
// replaced: bit MetadataField), and whether any other field holds a new
// one (a correction). An empty field is one the record lacks (a feed that
// leaves the date out of re-posts, a mistyped --date-field), not a
// correction to empty; nor is one that differs only in whitespace (review
// 47b-10).
struct MetadataChange {
  uint8_t stale = 0;
  bool differs = false;
};
MetadataChange ChangeOf(const IndexedVersion& v, const Document& d) {
  MetadataChange c;
  const auto held = MetadataOf(v);
  const auto given = MetadataOf(d);
  for (size_t f = 0; f < given.size(); ++f) {
    const auto field = static_cast<MetadataField>(f);
    if (Lacking(*given[f]) || SameMetadataValue(field, *held[f], *given[f])) {
      continue;
    }
    if (std::find(v.superseded_metadata.begin(), v.superseded_metadata.end(),
                  HashMetadataValue(field, *given[f])) !=
        v.superseded_metadata.end()) {
      c.stale |= uint8_t{1} << f;
    } else {
      c.differs = true;
    }
  }
  return c;
}

}  // namespace

bool SameUpToWhitespace(std::string_view a, std::string_view b) {
  auto space = [](char c) { return absl::ascii_isspace(c); };
  size_t i = 0, j = 0;
  auto skip = [&](std::string_view s, size_t* k) {
    while (*k < s.size() && space(s[*k])) ++*k;
  };
  skip(a, &i);
  skip(b, &j);
  while (i < a.size() && j < b.size()) {
    const bool gap_a = space(a[i]), gap_b = space(b[j]);
    if (gap_a != gap_b) return false;  // A word split or joined.
    if (gap_a) {
      skip(a, &i);
      skip(b, &j);
      continue;
    }
    if (a[i] != b[j]) return false;
    ++i;
    ++j;
  }
  skip(a, &i);
  skip(b, &j);
  return i == a.size() && j == b.size();
}

std::optional<LshParams> IndexBanding(const ScanOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(options.index_path, ec)) {
    return std::nullopt;
  }
  IndexOptions io;
  io.read_only = true;
  io.quick_check_max_bytes = 0;  // Only its parameters are read.
  io.busy_timeout_ms = options.index_wait_ms;
  absl::StatusOr<Index> index = Index::Open(options.index_path, io);
  if (!index.ok()) return std::nullopt;
  // An index no dump was added to takes this scan's banding (Index::Open).
  absl::StatusOr<bool> never = index->NeverWritten();
  if (!never.ok() || *never) return std::nullopt;
  return index->params().lsh;
}

absl::StatusOr<IndexedScan> IndexedScan::Open(const ScanOptions& options,
                                              LshParams lsh) {
  const auto t0 = Clock::now();
  // What the claims stage loads is checked before the index is opened, or
  // created: a missing --wordnet-dir or --background-idf failed the scan
  // after an empty index was made (review 44b-05). WordNet stays loaded
  // for the claims stage (the scorer shares it while one is alive).
  if (options.claims.enabled) {
    if (absl::StatusOr<ClaimScorer> scorer =
            ClaimScorer::Create(ClaimScorerOptions{options.claims.wordnet_dir});
        !scorer.ok()) {
      return scorer.status();
    }
    if (const std::string& bg = options.claims.background_idf; !bg.empty()) {
      std::error_code ec;
      if (std::filesystem::is_directory(bg, ec)) {
        return absl::InvalidArgumentError(
            absl::StrCat("--background-idf ", bg, ": a directory, not a file"));
      }
      if (std::ifstream in(bg); !in) {
        return absl::NotFoundError(
            absl::StrCat(bg, ": cannot open: ", std::strerror(errno)));
      }
    }
  }
  IndexOptions io;
  io.create = !options.index_read_only;
  io.read_only = options.index_read_only;
  // The whole-file check guards writes; a read-only scan writes nothing,
  // and a corrupt page it reads still fails it with SQLite's error.
  if (options.index_read_only) io.quick_check_max_bytes = 0;
  io.busy_timeout_ms = options.index_wait_ms;
  io.merge_min_documents = options.index_merge_min_documents;
  const IndexParams params = IndexParams::ForScan(options, lsh);
  absl::StatusOr<Index> index = Index::Open(options.index_path, io, &params);
  if (!index.ok()) return index.status();
  IndexedScan scan(*std::move(index), options);
  scan.seconds_ = Seconds(t0);
  return scan;
}

absl::StatusOr<std::vector<IndexedDocument>> IndexedScan::FindRelated(
    std::span<Document> docs,
    const std::function<std::span<const uint32_t>(size_t)>& signature) {
  const auto t0 = Clock::now();
  // From here on the index is ours until Finish() commits: two scans of the
  // same index run one after the other, each seeing the other's dump. A
  // read-only scan reads one snapshot instead, beside any writer.
  if (auto s =
          options_->index_read_only ? index_.BeginRead() : index_.BeginWrite();
      !s.ok()) {
    return s;
  }
  absl::StatusOr<uint64_t> before = index_.CountDocuments();
  if (!before.ok()) return before.status();
  documents_before_ = *before;

  const size_t n = docs.size();
  absl::StatusOr<IdsInIndex> ids = MatchIdsInIndex(index_, docs, signature);
  if (!ids.ok()) return ids.status();
  already_ = std::move(ids->row);
  id_taken_ = std::move(ids->taken);
  id_renamed_ = std::move(ids->renamed);
  by_other_name_ = std::move(ids->by_other_name);
  if (absl::Status s = FindUnchanged(docs); !s.ok()) return s;
  for (size_t i = 0; i < n; ++i) older_[i] |= ids->older[i];

  // Document level: the buckets of the new signatures.
  const LshParams lsh = index_.params().lsh;
  std::vector<uint64_t> keys(n * lsh.bands);
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < static_cast<int64_t>(n); ++i) {
    std::span<const uint32_t> sig = signature(static_cast<size_t>(i));
    for (uint32_t b = 0; b < lsh.bands; ++b) {
      keys[static_cast<size_t>(i) * lsh.bands + b] = BandKey(sig, lsh, b);
    }
  }
  absl::StatusOr<std::vector<int64_t>> rows =
      index_.FindDocuments(keys, options_->max_bucket);
  if (!rows.ok()) return rows.status();
  std::vector<int64_t> related = *std::move(rows);

  // Claim level: the buckets of the new units. Boilerplate is not detected
  // here (one story for all), so these units are a superset of those the
  // scan keeps. The documents found are loaded whole and their units
  // derived again, as a scan over every dump would: their stored sketches
  // were made with the IDF counts of their time, in which other stems may
  // have been frequent.
  if (options_->claims.enabled) {
    ClaimsIncremental sketch;
    sketch.is_new.assign(n, 1);
    sketch.counts_in_idf.resize(n);
    for (size_t i = 0; i < n; ++i) sketch.counts_in_idf[i] = already_[i] == 0;
    SetIndexCounts(&sketch);
    sketch.sketch_only = true;
    const std::vector<uint32_t> one_story(n, 0);
    absl::StatusOr<ClaimsResult> units = FindClaims(
        docs, one_story, options_->segment, options_->claims, &sketch);
    // Past a resource limit (--claim-max-memory), the claims stage meets it
    // again and the scan keeps its document level (KeepDocumentLevelIfClaims
    // Fail): the documents related at that level are all it needs (review
    // 47b-01: the scan failed here, writing nothing).
    if (!units.ok() && !absl::IsResourceExhausted(units.status())) {
      return units.status();
    }
    if (units.ok()) {
      absl::StatusOr<std::vector<IndexedUnit>> units_found =
          index_.FindUnits(sketch.unit_band_keys, options_->claims.max_bucket);
      if (!units_found.ok()) return units_found.status();
      absl::StatusOr<std::vector<int64_t>> gated =
          GatedDocuments(*units, sketch, *units_found);
      if (!gated.ok()) return gated.status();
      related.insert(related.end(), gated->begin(), gated->end());
    }
  }
  // A new document already indexed under its id is the same article: it is
  // not compared with itself.
  std::vector<int64_t> self;
  for (int64_t r : already_) {
    if (r != 0) self.push_back(r);
  }
  std::sort(self.begin(), self.end());
  std::sort(related.begin(), related.end());
  related.erase(std::unique(related.begin(), related.end()), related.end());
  std::vector<int64_t> load;
  std::set_difference(related.begin(), related.end(), self.begin(), self.end(),
                      std::back_inserter(load));
  absl::StatusOr<std::vector<IndexedDocument>> loaded =
      index_.LoadDocuments(load);
  if (!loaded.ok()) return loaded.status();
  origins_.clear();
  for (const IndexedDocument& d : *loaded) {
    origins_.push_back({d.dump_seq, d.dump_name, d.dump_time, d.kept});
  }
  seconds_ += Seconds(t0);
  return loaded;
}

bool SameArticleByContainment(std::string_view now, std::string_view indexed,
                              const ShingleOptions& shingle) {
  const ShingleSet x = ShingleText(now, shingle);
  const ShingleSet y = ShingleText(indexed, shingle);
  if (x.size() < kSameArticleMinShingles || x.size() > y.size()) return false;
  return static_cast<double>(IntersectionSize(x, y)) >=
         kSameArticleContainment * static_cast<double>(x.size());
}

absl::StatusOr<IdsInIndex> MatchIdsInIndex(
    const Index& index, std::span<Document> docs,
    const std::function<std::span<const uint32_t>(size_t)>& signature) {
  const size_t n = docs.size();
  IdsInIndex m;
  m.row.assign(n, 0);
  m.by_other_name.assign(n, 0);
  m.renamed.assign(n, 0);
  m.taken.assign(n, 0);
  m.older.assign(n, 0);
  if (n == 0) return m;

  // The indexed articles that came with each document's input id: ID, and
  // ID#... (scan's names for an id several articles had).
  constexpr size_t kMaxNames = 64;
  std::vector<std::string> input_ids(n);
  for (size_t i = 0; i < n; ++i) input_ids[i] = std::string(InputId(docs[i]));
  absl::StatusOr<std::vector<std::vector<IndexedName>>> families =
      index.FindIdFamilies(input_ids, kMaxNames);
  if (!families.ok()) return families.status();
  // The name each record gives (ID#HASH) is looked up on its own, so that
  // the same record and the names a document may take are known exactly
  // however many names its id has.
  std::vector<std::string> content_names(n);
  for (size_t i = 0; i < n; ++i) {
    content_names[i] = SharedIdName(input_ids[i], docs[i].record_hash);
  }
  {
    absl::StatusOr<std::vector<int64_t>> found = index.FindIds(content_names);
    if (!found.ok()) return found.status();
    for (size_t i = 0; i < n; ++i) {
      if ((*found)[i] == 0) continue;
      std::vector<IndexedName>& f = (*families)[i];
      if (std::none_of(f.begin(), f.end(), [&](const IndexedName& c) {
            return c.id == content_names[i];
          })) {
        f.push_back(IndexedName{content_names[i], (*found)[i]});
      }
    }
  }
  std::vector<int64_t> rows;
  for (const auto& f : *families) {
    for (const IndexedName& c : f) rows.push_back(c.row);
  }
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  absl::StatusOr<std::vector<uint32_t>> sigs = index.LoadSignatures(rows);
  if (!sigs.ok()) return sigs.status();
  const size_t k = index.params().num_perm;
  auto indexed_signature = [&](int64_t row) {
    const size_t at = static_cast<size_t>(
        std::lower_bound(rows.begin(), rows.end(), row) - rows.begin());
    return std::span<const uint32_t>(sigs->data() + at * k, k);
  };

  // Each document's candidates: the articles of its family that are the
  // same article (kSameArticle: an edit keeps most of its shingles), each
  // with its estimate and whether it is the same record (text and
  // metadata, by the record hash) under the document's own name or the
  // name its record gives (ID#HASH).
  struct Candidate {
    size_t doc = 0;
    const IndexedName* name = nullptr;
    double estimate = 0;
    bool exact = false;
    // Its text is the indexed one up to whitespace; or one an edit of the
    // indexed article replaced (an older version: it loses the article to
    // any other claimant).
    bool same_text = false;
    bool superseded = false;
    // The indexed text with new metadata: a correction, which beats the
    // same record in the same dump (a roll-up of the day before's dump and
    // today's: review 47b-05).
    bool corrects = false;
  };
  std::vector<Candidate> candidates;
  std::vector<uint32_t> per_doc(n, 0);
  absl::flat_hash_map<int64_t, uint32_t> per_row;
  // Under kSameArticle, but a page read from HTML under its own id: the
  // same article if its text lies in the indexed one
  // (SameArticleByContainment).
  std::vector<std::pair<size_t, const IndexedName*>> contained;
  for (size_t i = 0; i < n; ++i) {
    if ((*families)[i].empty()) continue;
    const std::span<const uint32_t> mine = signature(i);
    for (const IndexedName& c : (*families)[i]) {
      const double e = EstimateJaccard(mine, indexed_signature(c.row));
      if (e < kSameArticle) {
        if (c.id == docs[i].id && docs[i].from_html) {
          contained.emplace_back(i, &c);
        }
        continue;
      }
      candidates.push_back(Candidate{i, &c, e, false});
      ++per_doc[i];
      ++per_row[c.row];
    }
  }
  if (!contained.empty()) {
    std::vector<int64_t> contained_rows;
    for (const auto& [i, c] : contained) contained_rows.push_back(c->row);
    absl::StatusOr<std::vector<IndexedVersion>> versions =
        index.LoadVersions(contained_rows);
    if (!versions.ok()) return versions.status();
    const ShingleOptions shingle{.size = index.params().shingle};
    for (size_t j = 0; j < contained.size(); ++j) {
      const auto [i, c] = contained[j];
      if (!SameArticleByContainment(docs[i].text, (*versions)[j].text,
                                    shingle)) {
        continue;
      }
      candidates.push_back(Candidate{
          i, c, EstimateJaccard(signature(i), indexed_signature(c->row)),
          false});
      ++per_doc[i];
      ++per_row[c->row];
    }
  }
  // Whether a candidate is the same record matters only where a document
  // has several candidates or an indexed article several claimants (an
  // old version and its edit in one dump): only those texts are loaded (a
  // dump delivered again has one candidate per document).
  std::vector<size_t> check;  // Of candidates: may be the same record.
  for (size_t c = 0; c < candidates.size(); ++c) {
    const Candidate& x = candidates[c];
    if (per_doc[x.doc] < 2 && per_row[x.name->row] < 2) continue;
    if (x.name->id == docs[x.doc].id || x.name->id == content_names[x.doc] ||
        x.name->id == InputId(docs[x.doc])) {
      check.push_back(c);
    }
  }
  {
    std::vector<int64_t> check_rows;
    for (size_t c : check) check_rows.push_back(candidates[c].name->row);
    absl::StatusOr<std::vector<IndexedVersion>> versions =
        index.LoadVersions(check_rows);
    if (!versions.ok()) return versions.status();
    for (size_t j = 0; j < check.size(); ++j) {
      const IndexedVersion& v = (*versions)[j];
      Candidate& c = candidates[check[j]];
      c.exact = HashRecord(v.text, v.title, v.url, v.date, v.source) ==
                docs[c.doc].record_hash;
      c.same_text = SameUpToWhitespace(v.text, docs[c.doc].text);
      c.corrects = c.same_text && !c.exact && ChangeOf(v, docs[c.doc]).differs;
      const uint64_t mine = HashUpToWhitespace(docs[c.doc].text);
      c.superseded = std::find(v.superseded.begin(), v.superseded.end(),
                               mine) != v.superseded.end();
    }
  }
  // The better of two claims: a correction of the indexed text's metadata,
  // the same record, then the more similar, then the document's own name,
  // then by name and document (deterministic). A dump that holds the
  // indexed record and a correction of it (a weekly roll-up of daily
  // dumps) corrects the article when the correction is the newer: dated
  // later, or, dated alike, after the record in the dump (review 47b-05).
  auto better = [&](const Candidate& a, const Candidate& b) {
    // Of the indexed record and a correction of it, or of two corrections,
    // in one dump: the later dated, else the later in the dump (a feed
    // appends its corrections). Review 48c-11: the first correction won
    // whatever the dates; and a correction that beat the indexed record
    // whatever its place undid the winner of two corrections on the next
    // run of the same dump, back and forth.
    if (a.doc != b.doc && (a.corrects || b.corrects) &&
        (a.corrects || a.exact) && (b.corrects || b.exact)) {
      const std::optional<absl::Time> da = ParseDate(docs[a.doc].date);
      const std::optional<absl::Time> db = ParseDate(docs[b.doc].date);
      if (da && db && *da != *db) return *da > *db;
      return a.doc > b.doc;
    }
    if (a.corrects != b.corrects) return a.corrects;
    if (a.exact != b.exact) return a.exact;
    if (a.same_text != b.same_text) return a.same_text;
    if (a.superseded != b.superseded) return !a.superseded;
    if (a.estimate != b.estimate) return a.estimate > b.estimate;
    const bool own_a = a.name->id == docs[a.doc].id;
    const bool own_b = b.name->id == docs[b.doc].id;
    if (own_a != own_b) return own_a;
    if (a.name->id != b.name->id) return a.name->id < b.name->id;
    return a.doc < b.doc;
  };
  // Each document claims its best candidate; each indexed article goes to
  // its best claim (an old version and its edit in one dump: the old one).
  std::vector<int64_t> best(n, -1);
  for (size_t c = 0; c < candidates.size(); ++c) {
    int64_t& b = best[candidates[c].doc];
    if (b < 0 || better(candidates[c], candidates[b])) {
      b = static_cast<int64_t>(c);
    }
  }
  absl::flat_hash_map<int64_t, size_t> winner;  // Row -> candidate.
  for (size_t i = 0; i < n; ++i) {
    if (best[i] < 0) continue;
    const auto c = static_cast<size_t>(best[i]);
    auto [it, inserted] = winner.try_emplace(candidates[c].name->row, c);
    if (!inserted && better(candidates[c], candidates[it->second])) {
      it->second = c;
    }
  }
  // A winner takes its indexed article's name unless another document of
  // this run ends up with that name (its own id, or the name it takes): a
  // literal id "1#4173737d" beside a "1" whose record hashes to it. Names
  // freed by other renames count as free (review 43a-01: a reordered
  // dump), so this settles in a few rounds.
  std::vector<const Candidate*> won(n, nullptr);
  for (const auto& [row, c] : winner) won[candidates[c].doc] = &candidates[c];
  auto final_name = [&](size_t i) -> const std::string& {
    return won[i] != nullptr ? won[i]->name->id : docs[i].id;
  };
  for (int round = 0; round < 4; ++round) {
    absl::flat_hash_map<std::string_view, uint32_t, ViewHash> uses;
    for (size_t i = 0; i < n; ++i) ++uses[final_name(i)];
    bool changed = false;
    for (size_t i = 0; i < n; ++i) {
      if (won[i] != nullptr && won[i]->name->id != docs[i].id &&
          uses[won[i]->name->id] > 1) {
        won[i] = nullptr;
        changed = true;
      }
    }
    if (!changed) break;
  }
  // A document that lost its article to another, whose text is one an
  // edit of that article replaced, or the article's text itself with other
  // metadata (the record a correction in the same dump replaces, or an
  // earlier delivery with a value a correction replaced): an older
  // version. Added, it was a second copy of the article under ID#HASH
  // (review 47b-05).
  for (size_t c = 0; c < candidates.size(); ++c) {
    const Candidate& x = candidates[c];
    if (won[x.doc] == nullptr && (x.superseded || x.same_text)) {
      m.older[x.doc] = 1;
    }
  }
  std::vector<std::string> new_name(n);
  absl::flat_hash_map<std::string, uint32_t> ids_here;  // Names of this run.
  for (size_t i = 0; i < n; ++i) {
    ++ids_here[final_name(i)];
    if (won[i] == nullptr) continue;
    m.row[i] = won[i]->name->row;
    if (won[i]->name->id != docs[i].id) {
      m.by_other_name[i] = 1;
      new_name[i] = won[i]->name->id;
    }
  }

  // The others are new to the index. One whose name the index holds for
  // another article takes the other name of its record if it is free:
  // ID#HASH for an id alone here (dumps numbering ids from 1 each day,
  // review 42b-05), ID for one shared here; else it cannot be added.
  auto held = [&](size_t i, const std::string& name) {
    for (const IndexedName& c : (*families)[i]) {
      if (c.id == name) return true;
    }
    return ids_here.contains(name);
  };
  for (size_t i = 0; i < n; ++i) {
    if (m.row[i] != 0) continue;
    const Document& d = docs[i];
    bool own_held = false;
    for (const IndexedName& c : (*families)[i]) own_held |= c.id == d.id;
    if (!own_held) continue;
    std::string other = d.input_id_bytes > 0 ? input_ids[i] : content_names[i];
    if (held(i, other)) {
      m.taken[i] = 1;
      continue;
    }
    m.renamed[i] = d.input_id_bytes == 0;
    ++ids_here[other];
    new_name[i] = std::move(other);
  }
  // An older version keeps a name of its own for the report, but is not
  // added: neither renamed nor taken for the summary.
  for (size_t i = 0; i < n; ++i) {
    if (m.older[i]) m.renamed[i] = m.taken[i] = 0;
  }
  for (size_t i = 0; i < n; ++i) {
    if (new_name[i].empty()) continue;
    Document& d = docs[i];
    d.input_id_bytes = new_name[i] == input_ids[i]
                           ? 0
                           : static_cast<uint32_t>(input_ids[i].size());
    d.id = std::move(new_name[i]);
  }
  return m;
}

void IndexedScan::SetReindexed(uint32_t loaded, IndexSummary* ix) const {
  ix->reindexed.clear();
  ix->edited_left_out.clear();
  ix->rerun_kept.clear();
  for (size_t i = 0; i < already_.size(); ++i) {
    if (already_[i] == 0) continue;
    const auto d = static_cast<uint32_t>(loaded + i);
    ix->reindexed.push_back(d);
    if (!same_text_[i] && left_out_[i] && !older_[i]) {
      ix->edited_left_out.push_back(d);
    }
    // An older version too: day 1 scanned again after day 2's edit gives
    // day 1's dataset again (review 44c-09), as far as the index knows
    // (its kept flag is the article's, as the latest version left it).
    if ((same_text_[i] || older_[i]) && !left_out_[i] &&
        options_->index_report_unchanged) {
      ix->rerun_kept.push_back(d);
    }
  }
}

void IndexedScan::AlreadyIndexed(std::vector<size_t>* which,
                                 std::vector<int64_t>* rows) const {
  for (size_t i = 0; i < already_.size(); ++i) {
    if (already_[i] != 0) {
      which->push_back(i);
      rows->push_back(already_[i]);
    }
  }
}

absl::Status IndexedScan::FindUnchanged(std::span<const Document> docs) {
  unchanged_.assign(already_.size(), 0);
  same_text_.assign(already_.size(), 0);
  left_out_.assign(already_.size(), 0);
  corrected_.assign(already_.size(), 0);
  stale_.assign(already_.size(), 0);
  replaced_meta_.assign(already_.size(), IndexedVersion{});
  older_.assign(already_.size(), 0);
  std::vector<size_t> which;
  std::vector<int64_t> rows;
  AlreadyIndexed(&which, &rows);
  if (rows.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<IndexedVersion>> indexed =
      index_.LoadVersions(rows);
  if (!indexed.ok()) return indexed.status();
  for (size_t j = 0; j < which.size(); ++j) {
    const IndexedVersion& v = (*indexed)[j];
    const Document& d = docs[which[j]];
    same_text_[which[j]] = SameUpToWhitespace(v.text, d.text);
    left_out_[which[j]] = !v.kept;
    // A value a correction or an edit replaced (an earlier day's dump
    // scanned again) is stale: no correction, and the indexed value stays
    // (review 47a-01, 47b-02, 03).
    const auto [stale, differs] = ChangeOf(v, d);
    stale_[which[j]] = stale;
    corrected_[which[j]] = same_text_[which[j]] && differs;
    // The indexed text of an article that was edited and then reverted to
    // it, delivered with a date before the revert's: its first delivery
    // (an earlier day's dump scanned again), no correction. Taken as one,
    // it moved the date back, and the edits in between then read as
    // reverts (review 44c-03). A stale date tells an older version (review
    // 47c-01: a backfilled dump under the first version's date), never a
    // revert (47b-02: a wrong date a correction moved back).
    const bool stale_date =
        (stale >> static_cast<int>(MetadataField::kDate) & 1) != 0;
    const std::optional<absl::Time> now = ParseDate(d.date);
    const std::optional<absl::Time> was = ParseDate(v.date);
    const bool dated_before = now && was && *now < *was;
    const bool dated_after = now && was && *now > *was && !stale_date;
    if (corrected_[which[j]] && !v.superseded.empty() && dated_before) {
      corrected_[which[j]] = 0;
    }
    if (!same_text_[which[j]]) {
      // A text the article had before the indexed one (an earlier day's
      // dump scanned again), or one dated before it: an older version,
      // which must not undo the edit the index holds. A text it had
      // before but dated after the indexed one is a revert: an edit.
      const bool earlier_text =
          std::find(v.superseded.begin(), v.superseded.end(),
                    HashUpToWhitespace(d.text)) != v.superseded.end();
      if (dated_before || (earlier_text && !dated_after)) {
        older_[which[j]] = 1;
        continue;
      }
      IndexedVersion& meta = replaced_meta_[which[j]];
      meta.source = v.source;
      meta.title = v.title;
      meta.url = v.url;
      meta.date = v.date;
    }
  }
  if (!options_->index_report_unchanged) unchanged_ = same_text_;
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int64_t>> IndexedScan::GatedDocuments(
    const ClaimsResult& units, const ClaimsIncremental& sketch,
    std::span<const IndexedUnit> found) const {
  // The claim LSH is tuned for recall (Jaccard 0.2 over 28 bands), so
  // nearly every indexed article has some unit in a bucket with some unit
  // of a dump (BBC's tech section against the other four: 1,803 of 1,824),
  // and loading them all made every run's cost grow with the index. Only a
  // pair that passes the cosine gate can become a match, so an article is
  // loaded when one of its units found here passes it with a new unit it
  // shares a bucket with. The IDF here counts the dump's boilerplate units
  // too, which the claims stage leaves out: hence the slack.
  constexpr double kSlack = 0.9;
  const double gate = kSlack * options_->claims.min_cosine;
  std::vector<int64_t> doc_rows;
  for (const IndexedUnit& u : found) doc_rows.push_back(u.doc);
  std::sort(doc_rows.begin(), doc_rows.end());
  doc_rows.erase(std::unique(doc_rows.begin(), doc_rows.end()), doc_rows.end());
  if (gate <= 0) return doc_rows;
  absl::StatusOr<TermAnalyzer> analyzer =
      TermAnalyzer::Create(TermAnalyzerOptions{options_->claims.language});
  if (!analyzer.ok()) return analyzer.status();
  absl::StatusOr<std::vector<std::string>> texts = index_.LoadTexts(doc_rows);
  if (!texts.ok()) return texts.status();

  const auto num_found = static_cast<int64_t>(found.size());
  const auto num_new = static_cast<int64_t>(units.units.size());
  std::vector<size_t> doc_of(found.size());
  for (int64_t k = 0; k < num_found; ++k) {
    doc_of[k] = static_cast<size_t>(
        std::lower_bound(doc_rows.begin(), doc_rows.end(), found[k].doc) -
        doc_rows.begin());
  }
  std::vector<char> pass(doc_rows.size(), 0);
  // Whether found unit k passes the gate with a new unit it shares a bucket
  // with, its stems weighed with `idf`.
  auto passes = [&](int64_t k, const TermList& stems, const IdfTable& idf,
                    const std::vector<UnitVector>& mine) {
    const UnitVector theirs = WeighUnit(stems, idf);
    for (uint32_t r : found[k].found_by) {
      if (r < mine.size() && Dot(mine[r], theirs) >= gate) return true;
    }
    return false;
  };
  auto passed = [&](size_t d) {
    char done;
#pragma omp atomic read
    done = pass[d];
    return done != 0;
  };
  auto mark = [&](size_t d) {
#pragma omp atomic write
    pass[d] = 1;
  };

  // Pass 1, with the sketch's IDF: it lacks the index's counts of stems
  // only indexed units have, which then take the largest IDF. Those stems
  // are on the indexed side alone, so they only lengthen its vector: a
  // unit that passes here passes with the full counts, and once one unit
  // of an article passes, its other units need no look at all (in a dump
  // that restates much of the index, most articles pass on an early unit).
  std::vector<UnitVector> mine(units.units.size());
#pragma omp parallel for schedule(dynamic, 256)
  for (int64_t i = 0; i < num_new; ++i) {
    mine[i] = WeighUnit(sketch.unit_terms[i], sketch.idf);
  }
  std::vector<TermList> their_stems(found.size());  // Kept for pass 2.
#pragma omp parallel for schedule(dynamic, 256)
  for (int64_t k = 0; k < num_found; ++k) {
    const size_t d = doc_of[k];
    if (passed(d)) continue;  // Another unit of the article passed.
    const IndexedUnit& u = found[k];
    const std::string& text = (*texts)[d];
    // Too many new units to list (kManyNewUnits sorts last), or unreadable
    // here: loaded unchecked, as before this filter.
    if ((!u.found_by.empty() &&
         u.found_by.back() == IndexedUnit::kManyNewUnits) ||
        u.unit.span.end > text.size()) {
      mark(d);
      continue;
    }
    their_stems[k] = analyzer
                         ->Analyze(std::string_view(text).substr(
                             u.unit.span.begin, u.unit.span.size()))
                         .stems;
    if (passes(k, their_stems[k], sketch.idf, mine)) mark(d);
  }

  // Pass 2, for the articles none of whose units passed: the full counts.
  absl::flat_hash_set<std::string_view, internal::ViewHash> known;
  for (const TermList& t : sketch.unit_terms) known.insert(t.begin(), t.end());
  absl::flat_hash_set<std::string_view, internal::ViewHash> more;
  for (int64_t k = 0; k < num_found; ++k) {
    if (pass[doc_of[k]]) continue;
    for (std::string_view stem : their_stems[k]) {
      if (!known.contains(stem)) more.insert(stem);
    }
  }
  if (more.empty()) return PassedRows(doc_rows, pass);
  std::vector<std::string> stems(more.begin(), more.end());
  std::sort(stems.begin(), stems.end());
  absl::StatusOr<IdfTable> indexed = index_.LoadIdf(stems);
  if (!indexed.ok()) return indexed.status();
  IdfTable idf = sketch.idf;
  // Their document frequencies alone: the units are counted already, and
  // the new units' weights (`mine`) do not change.
  idf.Merge(IdfTable::FromCounts(0, indexed->Counts()));
#pragma omp parallel for schedule(dynamic, 256)
  for (int64_t k = 0; k < num_found; ++k) {
    const size_t d = doc_of[k];
    if (passed(d)) continue;  // In pass 1, or by another unit here.
    if (passes(k, their_stems[k], idf, mine)) mark(d);
  }
  return PassedRows(doc_rows, pass);
}

void IndexedScan::SetIndexCounts(ClaimsIncremental* inc) const {
  inc->base_idf = [this](std::span<const std::string> stems) {
    return index_.LoadIdf(stems);
  };
  inc->counted_texts = [this](std::span<const UnitTermsKey> keys) {
    return index_.CountedTexts(keys);
  };
}

ClaimsIncremental* IndexedScan::claims(uint32_t loaded) {
  const size_t n = already_.size();
  claims_ = ClaimsIncremental();
  claims_.is_new.assign(loaded + n, 0);
  claims_.counts_in_idf.assign(loaded + n, 0);
  for (size_t i = 0; i < n; ++i) {
    // An article delivered again unchanged is what the index holds: its
    // matches with indexed articles and with other such copies were
    // reported when the later of the two was added (as for two indexed
    // articles), so only those with articles new to the index are.
    claims_.is_new[loaded + i] = unchanged_[i] == 0;
    claims_.counts_in_idf[loaded + i] = already_[i] == 0;
  }
  SetIndexCounts(&claims_);
  return &claims_;
}

absl::Status IndexedScan::Finish(
    std::span<const std::string> paths,
    const std::function<std::span<const uint32_t>(size_t)>& fingerprints,
    const std::function<std::span<const uint32_t>(size_t)>& signature,
    const std::function<absl::Status(Report*)>& before_commit, Report* report) {
  const auto t0 = Clock::now();
  const uint32_t loaded = static_cast<uint32_t>(origins_.size());
  const size_t total = report->documents.size();

  // ---- The report: only what involves a document new to the index. ----
  // An article delivered again unchanged counts as the indexed one: what
  // it shares with indexed articles, or with another such, was reported
  // when the later of them was added.
  auto seen = [&](uint32_t d) {
    return d < loaded || unchanged_[d - loaded] != 0;
  };
  std::erase_if(report->pairs, [&](const NearDuplicatePair& p) {
    return seen(p.a) && seen(p.b);
  });
  std::erase_if(report->clusters, [&](const DocumentCluster& c) {
    return std::all_of(c.cluster.members.begin(), c.cluster.members.end(),
                       seen);
  });

  IndexSummary& ix = report->index;
  ix.used = true;
  ix.read_only = options_->index_read_only;
  ix.path = index_.path();
  ix.loaded = loaded;
  ix.origins = std::move(origins_);
  ix.documents_before = documents_before_;
  SetReindexed(loaded, &ix);
  ix.unchanged.clear();
  for (size_t d = loaded; d < total; ++d) {
    // By its text: with --index-report-unchanged it is reported as new
    // (unchanged_ 0), but still unchanged (review 42a-06: "edited").
    if (same_text_[d - loaded]) {
      ix.unchanged.push_back(static_cast<uint32_t>(d));
    }
  }
  ix.id_taken.clear();
  ix.id_renamed.clear();
  ix.named_as_indexed.clear();
  ix.corrected.clear();
  ix.older.clear();
  for (size_t d = loaded; d < total; ++d) {
    if (older_[d - loaded]) ix.older.push_back(static_cast<uint32_t>(d));
    if (id_taken_[d - loaded]) ix.id_taken.push_back(static_cast<uint32_t>(d));
    if (id_renamed_[d - loaded]) {
      ix.id_renamed.push_back(static_cast<uint32_t>(d));
    }
    if (by_other_name_[d - loaded]) {
      ix.named_as_indexed.push_back(static_cast<uint32_t>(d));
    }
    if (corrected_[d - loaded] &&
        !report->IsDamaged(static_cast<uint32_t>(d))) {
      ix.corrected.push_back(static_cast<uint32_t>(d));
    }
  }
  if (options_->index_read_only) {
    seconds_ += Seconds(t0);
    report->timings.index_s = seconds_;
    return index_.EndRead();
  }

  // A claims stage stopped at a limit (Report::claims_error): the index
  // takes a dump with its claims or not at all.
  if (!report->claims_error.empty() ||
      (options_->index_nothing_if_skipped &&
       std::any_of(report->skipped.begin(), report->skipped.end(),
                   [](const SkippedRecord& s) { return !s.passed_over; }))) {
    ix.withheld = true;
    seconds_ += Seconds(t0);
    report->timings.index_s = seconds_;
    return absl::OkStatus();  // index_ rolls the write back when it goes.
  }

  // ---- The index: the new documents not indexed yet, in one go. ----
  DumpToAdd dump;
  dump.name = absl::StrJoin(paths, " ");
  std::vector<int64_t> position(total, -1);  // Report doc -> dump doc.
  std::deque<Document> patched;  // Edits given indexed fields they lack.
  const std::vector<char> keep = KeptDocuments(*report);
  const uint32_t k = index_.params().num_perm;
  dump.signatures.reserve((total - loaded) * k);
  for (size_t d = loaded; d < total; ++d) {
    // An edited re-delivery replaces the version the index has, so that
    // later dumps are compared with the article as it reads now, and its
    // next unchanged delivery is known as such.
    if (same_text_[d - loaded] || id_taken_[d - loaded] || older_[d - loaded]) {
      continue;
    }
    // A record that may be damaged would outlive the run in the index.
    if (report->IsDamaged(static_cast<uint32_t>(d))) continue;
    position[d] = static_cast<int64_t>(dump.docs.size());
    // An edit lacking a field the indexed version has keeps that value,
    // as an unchanged re-delivery does (FindUnchanged).
    const Document* doc = &report->documents[d];
    if (already_[d - loaded] != 0) {
      Document copy = *doc;
      if (FillLacking(replaced_meta_[d - loaded], stale_[d - loaded], &copy)) {
        doc = &patched.emplace_back(std::move(copy));
      }
    }
    dump.docs.push_back(doc);
    dump.replaces.push_back(already_[d - loaded]);
    std::span<const uint32_t> sig = signature(d);
    dump.signatures.insert(dump.signatures.end(), sig.begin(), sig.end());
    std::span<const uint32_t> fp = fingerprints(d);
    dump.fingerprints.emplace_back(fp.begin(), fp.end());
    dump.kept.push_back(keep[d]);
  }
  if (options_->claims.enabled) {
    const uint32_t bands = index_.params().claim_lsh.bands;
    const std::vector<ClaimUnit>& units = report->claims.units;
    for (size_t u = 0; u < units.size(); ++u) {
      const int64_t at = position[units[u].doc];
      if (at < 0) continue;
      ClaimUnit unit = units[u];
      unit.doc = static_cast<uint32_t>(at);
      dump.units.push_back(unit);
      dump.unit_band_keys.insert(
          dump.unit_band_keys.end(),
          claims_.unit_band_keys.begin() + static_cast<int64_t>(u * bands),
          claims_.unit_band_keys.begin() +
              static_cast<int64_t>((u + 1) * bands));
      dump.unit_stems.push_back(std::move(claims_.unit_stems[u]));
      dump.unit_keys.push_back(claims_.unit_keys[u]);
    }
  }
  absl::StatusOr<AddDumpResult> added = index_.AddDump(dump);
  if (!added.ok()) return added.status();
  {
    std::vector<int64_t> rows;
    std::vector<const Document*> docs;
    // A stale field goes as lacking, which keeps the indexed value.
    std::deque<Document> fresh;
    for (uint32_t d : ix.corrected) {
      rows.push_back(already_[d - loaded]);
      const Document& doc = report->documents[d];
      if (stale_[d - loaded] == 0) {
        docs.push_back(&doc);
        continue;
      }
      Document& copy = fresh.emplace_back();
      copy.id = doc.id;
      const auto mine = MetadataOf(copy);
      const auto given = MetadataOf(doc);
      for (size_t f = 0; f < mine.size(); ++f) {
        if ((stale_[d - loaded] >> f & 1) == 0) *mine[f] = *given[f];
      }
      docs.push_back(&copy);
    }
    if (auto s = index_.CorrectMetadata(rows, docs); !s.ok()) return s;
  }
  ix.added = added->documents;
  ix.replaced = added->replaced;
  ix.units_added = added->units;
  ix.dump_seq = added->dump_seq;
  ix.dump_name = added->dump_seq != 0 ? dump.name : std::string();
  if (before_commit) {
    report->timings.index_s = seconds_ + Seconds(t0);
    // Its error drops the transaction with the Index.
    if (auto s = before_commit(report); !s.ok()) return s;
  }
  if (auto s = index_.Commit(); !s.ok()) return s;
  seconds_ += Seconds(t0);
  report->timings.index_s = seconds_;
  return absl::OkStatus();
}

}  // namespace refrain::internal
