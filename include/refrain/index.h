// The persistent index behind `refrain scan --index PATH`: every article of
// earlier dumps, with its sketches, in one SQLite file, so each new dump is
// checked against all articles seen before without rescanning them.
//
// What one file holds (schema version kIndexSchemaVersion, documented in
// docs/report-format.md, "Persistent index"): document metadata and text
// (to quote old matches), MinHash signatures, shingle fingerprints (exact
// verification), LSH band keys (table (band, key, doc), looked up by
// (band, key); recent dumps' rows in a small delta table merged into the
// main one every few dumps), claim units (offsets and kind) with their
// candidate band keys, per-stem document frequencies of the distinct texts of
// the claim units (IDF) with how many units hold each text,
// the dumps added, and the scan parameters that make sketches comparable.
//
// Stages of a write, in this order (RE2 Set style: add, then query):
//   Open()        checks the file read-only first: SQLite header, application
//                 id, schema version, tables, PRAGMA quick_check (up to
//                 IndexOptions::quick_check_max_bytes) and, with `params`,
//                 the stored parameters. A file failing a check is never
//                 written to. A missing file is created only with
//                 options.create.
//   BeginWrite()  takes the write lock (BEGIN IMMEDIATE; waits up to
//                 busy_timeout_ms for another writer, then fails with "index
//                 is locked by another process"). Everything read after it is
//                 one consistent snapshot, so two concurrent scans behave as
//                 if run one after the other.
//   Find*/Load*   look-ups; const.
//   AddDump()     inserts one dump.
//   Commit()      makes the dump visible at once. Destroying the Index, a
//                 failure or a killed process before Commit() leaves the file
//                 exactly as it was (SQLite's WAL journal).
// A read (scan --index-read-only) is BeginRead(), the look-ups, EndRead():
// one snapshot of the last commit, taken without the write lock, so it
// neither waits for a writer nor sees its dump half-added.
// Stats() and Remove() are separate entry points for `refrain index`.
//
// Not thread-safe: use one Index from one thread. Other processes may read
// while one writes; they see the state before or after the write.
#ifndef REFRAIN_INDEX_H_
#define REFRAIN_INDEX_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "refrain/claim_score.h"
#include "refrain/claims.h"
#include "refrain/document.h"
#include "refrain/lsh.h"

namespace refrain {

struct ScanOptions;

// PRAGMA user_version of the index files this build reads and writes. Bump on
// any change of the tables or of what their values mean. 3: shingle hashes
// are a polynomial of the token hashes (were XXH3 of them), so fingerprints
// and signatures of version 2 do not compare with new ones. 4: the IDF counts
// each distinct unit text once (table unit_text; version 3 counted every
// unit, so a story indexed 100 times had only frequent stems). 5: claim
// terms read a number as its value ("1.4m" and "1.4 million" are one), so
// version 4's unit keys, counts and band keys hold other stems. 6: each
// document records whether its run kept it (doc.kept), so that a later run
// does not count a left-out article as kept. 7: a line break inside a
// sentence of hard-wrapped text ends no shingle run, so a wrapped
// document's signature, fingerprints and band keys of version 6 do not
// compare with new ones (the upgrade makes them again from its text). 8:
// digits of every script are read as ASCII digits and Arabic letters with
// or without hamza or madda as one (normalize.h), and claim terms read
// figures as other languages write them ("1.250.000", "1 250 000", "1,5
// Mrd."), so the sketches and claim terms of such text differ (the upgrade
// derives both again).
inline constexpr int kIndexSchemaVersion = 8;
// The oldest version `refrain index upgrade` brings to kIndexSchemaVersion.
inline constexpr int kOldestUpgradableVersion = 3;

// The scan parameters that make the sketches of two runs comparable. Stored
// when the index is created; a scan with other values is refused, naming
// every difference.
struct IndexParams {
  uint32_t num_perm = 0;  // Document MinHash slots.
  uint64_t seed = 0;      // Document MinHash seed.
  std::string minhash;    // Document MinHash algorithm: "oph" or "classic".
  uint32_t shingle = 0;   // Words per shingle.
  LshParams lsh;          // Document banding (bands x rows).
  bool claims = false;    // Claim units are indexed (scan without --no-claims).
  // Claim-unit candidate sketches (see ClaimOptions); meaningful only with
  // `claims`.
  uint32_t claim_num_perm = 0;
  uint64_t claim_seed = 0;
  LshParams claim_lsh;
  bool claim_bigrams = false;
  uint32_t claim_frequent_stem_min_units = 0;
  double claim_frequent_stem_fraction = 0;
  // ClaimOptions::min_content_words: which sentences the index holds as
  // units, and so the unit counts its IDF divides by. 0 in an index made
  // before it was recorded: scans with the default are accepted.
  uint32_t claim_min_words = 0;
  std::string language;  // Snowball language of the claim stems.
  // Fingerprint of the stop list the claim stems were made with (16 hex
  // digits; "" without claims): a list that changed, or an index made
  // before refrain had one for `language`, gives other stems.
  std::string stop_words;

  // The parameters of a scan with `options` whose document banding is `lsh`.
  static IndexParams ForScan(const ScanOptions& options, LshParams lsh);
  // (name, value) pairs in a fixed order, as stored in the meta table.
  std::vector<std::pair<std::string, std::string>> Entries() const;
};

struct IndexOptions {
  // Create a new, empty index when `path` does not exist or is an empty
  // file (scan --index). When false (index stats / remove), a missing file
  // is an error. Default false.
  bool create = false;
  // Open without write access (index stats). Default false.
  bool read_only = false;
  // How long BeginWrite() and Remove() wait for another process's write lock,
  // in milliseconds. Default 30000; range >= 0.
  int busy_timeout_ms = 30000;
  // Opening an existing index always checks the SQLite header, application
  // id, schema version and meta table. A file of at most this many bytes is
  // also fully checked by PRAGMA quick_check before anything can write to
  // it; that reads the whole file (about 0.8 s per GB from the page cache,
  // far more from disk), so larger indexes are not, and a scan's cost stays
  // driven by its new articles. Corruption met later, in a write, still
  // fails it and leaves the file as it was (the write is one transaction in
  // the WAL). `refrain index check` checks any size. Default 1 GiB (about
  // 50k articles with claims, 160k without); 0: never; UINT64_MAX: always.
  uint64_t quick_check_max_bytes = uint64_t{1} << 30;
  // A dump's LSH band rows go to small delta tables, merged into the main
  // band tables by the dump that brings the delta to at least this many
  // documents and to more than 1/8 of all indexed documents (and by Remove).
  // Band keys are hashes, so rows inserted straight into a big table land
  // on most of its pages; the delta keeps a dump's writes to a few pages,
  // and the merge rewrites the big table once per several dumps. Lower it
  // to merge more often (tests use 1). Default 50000; range >= 1.
  uint64_t merge_min_documents = 50000;
};

// An indexed document as loaded for a scan.
struct IndexedDocument {
  int64_t row = 0;  // Row id in the index: the order documents were added.
  Document doc;     // Metadata and text, as they were scanned.
  uint64_t dump_seq = 0;               // The dump that added it (1, 2, ...).
  std::string dump_name;               // That dump's name (its input paths).
  std::string dump_time;               // When it was added (UTC, ISO 8601).
  // Whether the run that added it kept it (documents.csv keep; schema
  // version 6; upgraded files: true).
  bool kept = true;
  std::vector<uint32_t> signature;     // num_perm MinHash slots.
  std::vector<uint32_t> fingerprints;  // Sorted, distinct (see scan.cc).
};

// What the index holds of one document beside its bands and units
// (Index::LoadVersions): how a re-delivery under its id compares with it.
struct IndexedVersion {
  std::string text;
  std::string source, title, url, date;  // As Document's.
  // Whether the run that added it kept it (IndexedDocument::kept).
  bool kept = true;
  // The texts this article had before edits replaced them, each hashed up
  // to whitespace (internal::HashUpToWhitespace): a re-delivery of one is
  // an older version, not an edit (review 44b-04). Kept in the table
  // `superseded`, which an index gets with its first replaced article.
  std::vector<uint64_t> superseded;
  // The metadata (source, title, URL, date) corrections replaced, each
  // hashed (internal::HashMetadata): a re-delivery of the text with one of
  // them is an earlier delivery, no correction (review 47a-01). Kept in
  // the table `superseded_meta`, made by the first correction.
  std::vector<uint64_t> superseded_metadata;
};

// An indexed document's id and row id (Index::FindIdFamilies).
struct IndexedName {
  std::string id;
  int64_t row = 0;
};

// An indexed claim unit: its document's row id, kind and span (unit.doc is
// not used).
struct IndexedUnit {
  int64_t doc = 0;
  ClaimUnit unit;
  // Index::FindUnits: the new units (rows of its band keys) sharing a
  // bucket with this one, ascending; kManyNewUnits last when a bucket it is
  // in holds too many new units to list.
  std::vector<uint32_t> found_by;
  static constexpr uint32_t kManyNewUnits = 0xFFFFFFFF;
};

// One dump to add, as arrays over its documents (a batch, so a dump is one
// call).
struct DumpToAdd {
  // Shown by `refrain index stats` and in reports, e.g. the input paths.
  std::string name;
  // The documents, in scan order. Ids must not be in the index yet, but
  // for those of `replaces`.
  std::vector<const Document*> docs;
  // Per document (empty: none): the row id of the indexed version of the
  // same article that it replaces (an edited re-delivery under the same
  // id), or 0. That version is removed first, with its claim units and
  // their IDF counts; the new one gets a row of this dump, kept if the
  // version it replaces was (the dataset holds that id already) or if
  // `kept` says so (an edit of one left out, now an article of its own).
  std::vector<int64_t> replaces;
  // docs.size() x num_perm slots.
  std::vector<uint32_t> signatures;
  // Per document: sorted, distinct shingle fingerprints.
  std::vector<std::vector<uint32_t>> fingerprints;
  // Per document: nonzero if this run's deduplicated dataset keeps it
  // (KeptDocuments); empty: every one is kept.
  std::vector<char> kept;
  // Claim units; unit.doc indexes into `docs`; ordered by (doc, position).
  std::vector<ClaimUnit> units;
  // units.size() x claim_lsh.bands candidate band keys.
  std::vector<uint64_t> unit_band_keys;
  // Per unit: its distinct stems (they add to the IDF counts if its text is
  // new to the index), and KeyOfTerms of its terms.
  std::vector<TermList> unit_stems;
  std::vector<UnitTermsKey> unit_keys;
};

struct AddDumpResult {
  uint64_t dump_seq = 0;  // 0 when the dump added no document.
  uint64_t documents = 0;  // Including those that replaced a version.
  uint64_t units = 0;
  uint64_t replaced = 0;  // Indexed versions removed for DumpToAdd::replaces.
  // The delta tier (recent dumps' band rows) was merged into the main band
  // tables in this transaction: this dump paid for several (see index.cc).
  bool merged_delta = false;
};

struct IndexStats {
  int schema_version = 0;
  uint64_t documents = 0;
  uint64_t units = 0;  // Claim units.
  uint64_t texts = 0;  // Distinct texts of the claim units (the IDF's units).
  uint64_t stems = 0;  // Distinct stems with a document frequency.
  struct Dump {
    uint64_t seq = 0;
    std::string name;
    std::string added_at;
    uint64_t documents = 0;  // Still in the index.
  };
  std::vector<Dump> dumps;
  uint64_t file_bytes = 0;  // The database file.
  uint64_t wal_bytes = 0;   // Its -wal file, if any.
  // Documents whose LSH band rows are still in the delta tier (merged into
  // the main band tables later; see IndexOptions::merge_min_documents).
  uint64_t delta_documents = 0;
  // Claim units of replaced versions (an edited article re-delivered)
  // whose LSH band rows are still in the band tables: their keys cannot
  // be made again, so they go in one pass over the tables, by the dump
  // that brings them to 1/8 of all units ever numbered, by `index remove`
  // or by `index upgrade`. Look-ups pass over them.
  uint64_t stale_units = 0;
  uint64_t page_size = 0;
  uint64_t pages = 0;
  uint64_t free_pages = 0;
  IndexParams params;
};

// Exactly one of before, id, source and dump is set.
struct RemoveFilter {
  // Documents dated before this instant ("2026-01-01" removes every date
  // in 2025 and before). Both this and the documents' `date` are read as
  // `scan --keep earliest` reads dates: RFC 3339 / ISO 8601, RFC 1123 (RSS)
  // and written ("January 1, 2026"); no zone means UTC. A `before` that
  // does not parse fails; documents without a date, or with one that does
  // not parse, are kept (the latter counted in RemoveResult).
  std::string before;
  // The documents with these ids (a retraction list); ids no indexed
  // document has are listed in RemoveResult::missing_ids.
  std::vector<std::string> ids;
  // Every document of this source (outlet), or without one (a text file)
  // at this location: `source` as report.json shows it.
  std::string source;
  // Every document the dump with this number added (`index stats` lists
  // them; a dump whose documents were all removed is gone). 0: not set.
  uint64_t dump = 0;
  // Count what would be removed, and change nothing (the removal runs in
  // its transaction, which is then rolled back). Default false.
  bool dry_run = false;
};

struct RemoveResult {
  uint64_t documents = 0;  // Removed.
  uint64_t units = 0;      // Claim units removed.
  // --before: documents kept because their date does not parse.
  uint64_t unparsed_dates_kept = 0;
  // Of RemoveFilter::ids, those no indexed document has, in their order.
  std::vector<std::string> missing_ids;
  // For each of missing_ids, the indexed ids ID#... (at most 11, in byte
  // order): the names scan gives articles that came with that id when
  // several had it (Document::input_id_bytes).
  std::vector<std::vector<std::string>> missing_id_names;
  // Of RemoveFilter::ids removed, those with indexed names ID#... too
  // (other articles that came with the id; at most 11 each), which stay.
  std::vector<std::pair<std::string, std::vector<std::string>>> other_names;
  // The database's pages once the removal holds the lock (some may be in
  // the WAL), then the file after VACUUM and its checkpoint (before, when
  // nothing was removed).
  uint64_t file_bytes_before = 0;
  uint64_t file_bytes_after = 0;
  // Why VACUUM failed after the removal was committed (ResourceExhausted
  // for a full disk: it needs free space about the file's size;
  // Unavailable when another process held the write lock); OK when it
  // ran. The documents are removed either way.
  absl::Status compaction;
};

struct UpgradeResult {
  int from_version = 0;  // kIndexSchemaVersion: already current, unchanged.
  uint64_t documents = 0;
  uint64_t units = 0;  // Claim units whose terms were derived again.
  uint64_t texts = 0;  // Distinct texts among them: the IDF's units now.
  // Units removed: fewer content words than claim_min_words with today's
  // terms (a number and its scale word became one term in version 5).
  uint64_t units_dropped = 0;
  // Documents whose shingles this version makes otherwise (hard-wrapped
  // text, version 7; Thai, Lao, Khmer, Burmese words and marks folded since
  // 2026-12-06; digits of every script and Arabic letter forms, version 8):
  // their signature, fingerprints and band keys made again from their text.
  uint64_t signed_again = 0;
  // The claim stems were made with another stop list than this refrain's
  // for the index's language (Arabic and Greek had none before 2026-12-08):
  // made again with today's, which the index now records. Also for an
  // index of the current version (from_version == kIndexSchemaVersion).
  bool stop_list_changed = false;
};

class Index {
 public:
  // Opens the index at `path` (see the stages above). With `params`, an
  // existing index must have been created with the same values, and a new
  // one is created with them; without, the index must exist. Errors:
  // NotFound (missing), FailedPrecondition (not a SQLite file, not a refrain
  // index, another schema version, corrupt, other parameters: the file is
  // left unchanged), Unavailable (I/O).
  static absl::StatusOr<Index> Open(const std::string& path,
                                    const IndexOptions& options,
                                    const IndexParams* params = nullptr);

  Index(Index&&) noexcept;
  Index& operator=(Index&&) noexcept;
  ~Index();  // Rolls back an uncommitted write.

  const std::string& path() const;
  const IndexParams& params() const;
  // FailedPrecondition naming every difference (as Open with params) unless
  // the index was created with `want`.
  absl::Status CheckParams(const IndexParams& want) const;

  // Takes the write lock; see the stages above.
  absl::Status BeginWrite();
  absl::Status Commit();
  // A read transaction: every look-up until EndRead() sees the state of one
  // commit (a deferred BEGIN; in WAL mode no writer blocks it).
  absl::Status BeginRead();
  absl::Status EndRead();

  // Documents in the index.
  absl::StatusOr<uint64_t> CountDocuments() const;

  // Whether no dump was ever added: a new index, or one whose first scan
  // failed. Its parameters commit it to nothing yet, and Open() with other
  // parameters (and `create`) gives it those instead of refusing them.
  absl::StatusOr<bool> NeverWritten() const;

  // Row ids of the documents with these ids: result[i] is 0 when ids[i] is
  // not indexed. One B-tree look-up per id.
  absl::StatusOr<std::vector<int64_t>> FindIds(
      std::span<const std::string> ids) const;

  // For each of `ids`: the indexed document with that id, if any, then
  // those named "ID#..." in byte order (at most `limit` of them): every
  // indexed article that came with the id (scan names an article ID#HASH
  // when another had its id). One look-up and one range scan per id.
  absl::StatusOr<std::vector<std::vector<IndexedName>>> FindIdFamilies(
      std::span<const std::string> ids, size_t limit) const;

  // The indexed ids "ID#..." in byte order, at most `limit`: the names of
  // articles that came with `id` when another had it too (scan names them
  // ID#HASH), for a look-up by the id they came with.
  absl::StatusOr<std::vector<std::string>> NamesOf(std::string_view id,
                                                   size_t limit) const;

  // Indexed documents sharing an LSH bucket with new documents whose band
  // keys are `band_keys` (n x lsh.bands, BandKey of each signature, repeats
  // allowed). As in LshIndex::CandidatePairs, a bucket with more than
  // `max_bucket` members (indexed and new together) contributes only its
  // first indexed document. Row ids, ascending. Cost: one B-tree look-up per
  // distinct key.
  absl::StatusOr<std::vector<int64_t>> FindDocuments(
      std::span<const uint64_t> band_keys, uint32_t max_bucket) const;

  // The same over claim units (keys: n x claim_lsh.bands): the indexed
  // units sharing a bucket with a new unit, in index order (by document,
  // then position), each with the new units it shares one with. Cost: one
  // look-up per distinct key and per unit found.
  absl::StatusOr<std::vector<IndexedUnit>> FindUnits(
      std::span<const uint64_t> unit_band_keys, uint32_t max_bucket) const;

  // The texts of the documents with these row ids, in the given order
  // ("" for a row id not in the index).
  absl::StatusOr<std::vector<std::string>> LoadTexts(
      std::span<const int64_t> rows) const;

  // The text, metadata and kept flag of the documents with these row ids,
  // in the given order (DataLoss for a row id not in the index).
  absl::StatusOr<std::vector<IndexedVersion>> LoadVersions(
      std::span<const int64_t> rows) const;

  // The MinHash signatures (num_perm slots each) of the documents with
  // these row ids, in the given order, one after the other.
  absl::StatusOr<std::vector<uint32_t>> LoadSignatures(
      std::span<const int64_t> rows) const;

  // The documents with these row ids, in the given order.
  absl::StatusOr<std::vector<IndexedDocument>> LoadDocuments(
      std::span<const int64_t> rows) const;

  // IDF counts of the indexed claim units, each distinct text once
  // (FirstOfEachText, claims.h): units() is the number of distinct texts,
  // and each of `stems` has its document frequency among them.
  absl::StatusOr<IdfTable> LoadIdf(std::span<const std::string> stems) const;
  // Per key: 1 if an indexed unit has that text (so LoadIdf counts it).
  absl::StatusOr<std::vector<char>> CountedTexts(
      std::span<const UnitTermsKey> keys) const;

  // Adds one dump; requires BeginWrite(). Its documents are numbered after
  // every indexed one.
  absl::StatusOr<AddDumpResult> AddDump(const DumpToAdd& dump);

  // Gives the document at rows[i] the source, title, URL and date of
  // docs[i]: a re-delivery whose text is unchanged but whose metadata was
  // corrected (a title fixed, a date moved). A field empty in docs[i] (the
  // record lacks it) keeps its indexed value. Its text, bands, units, dump
  // and kept flag stay; the metadata replaced is kept as superseded
  // (IndexedVersion::superseded_metadata). Requires BeginWrite(); DataLoss
  // for a row id not indexed under docs[i]'s id.
  absl::Status CorrectMetadata(std::span<const int64_t> rows,
                               std::span<const Document* const> docs);

  // Counts of one commit, beside any writer.
  absl::StatusOr<IndexStats> Stats() const;

  // PRAGMA integrity_check over the whole file (every B-tree, index and
  // constraint): "ok", or the first problems found. Cost: reads the file.
  absl::StatusOr<std::string> IntegrityCheck() const;

  // Brings an index file of an earlier schema version to this one, in place
  // and in one transaction (a failure leaves the file as it was), where the
  // new tables follow from the stored ones: every unit's terms are derived
  // again from the stored text and the IDF counted over distinct texts
  // (about as long as index remove of every document, without the VACUUM);
  // every document's sketches are made again from its text where they come
  // out otherwise; to 6, doc.kept is added, 1 for every document (as
  // earlier runs counted them). An index of this version whose claim stems
  // were made with another stop list has its terms derived again so.
  // Other versions: FailedPrecondition (rebuild the index).
  static absl::StatusOr<UpgradeResult> Upgrade(const std::string& path,
                                               const IndexOptions& options);

  // Deletes the matching documents from every table, in one transaction,
  // then reclaims the space (VACUUM: rewrites the file; needs free disk space
  // about its size; its failure is RemoveResult::compaction, not an
  // error, as the removal is committed by then). Must not be inside
  // BeginWrite().
  absl::StatusOr<RemoveResult> Remove(const RemoveFilter& filter);

 private:
  struct Impl;
  explicit Index(std::unique_ptr<Impl> impl);
  // Stats() inside a transaction.
  absl::StatusOr<IndexStats> StatsOfSnapshot() const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace refrain

#endif  // REFRAIN_INDEX_H_
