#include "refrain/index.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "date.h"
#include "hash.h"
#include "refrain/minhash.h"
#include "refrain/scan.h"
#include "refrain/shingle.h"
#include "sink.h"
#include "stopwords.h"

namespace refrain {
namespace {

// Signatures and fingerprints are stored as arrays of 32-bit words in host
// order, which the schema defines as little-endian.
static_assert(std::endian::native == std::endian::little,
              "index blobs are little-endian");

// PRAGMA application_id of a refrain index: "RFIX".
constexpr int32_t kApplicationId = 0x52464958;

// Each distinct claim-unit text (KeyOfTerms) and how many units hold it:
// stem_df counts a text once. Added by schema version 4.
constexpr const char* kUnitTextTable = R"sql(
CREATE TABLE unit_text(
  low INTEGER NOT NULL, high INTEGER NOT NULL, units INTEGER NOT NULL,
  PRIMARY KEY(low, high)) WITHOUT ROWID;
)sql";
// The texts an article had before edits replaced them (hashed up to
// whitespace), by its id; made by the first replacement, so an index of
// an earlier build, which lacks it, is read as holding none. Not part of
// the schema version: a build that does not know it leaves it alone.
constexpr const char* kSupersededTable =
    "CREATE TABLE IF NOT EXISTS superseded(id TEXT NOT NULL, hash INTEGER "
    "NOT NULL, PRIMARY KEY(id, hash)) WITHOUT ROWID";
constexpr const char* kHasSuperseded =
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
    "'superseded'";
// The metadata corrections replaced (internal::HashMetadata), by the
// article's id; made by the first correction, as `superseded` is.
constexpr const char* kSupersededMetaTable =
    "CREATE TABLE IF NOT EXISTS superseded_meta(id TEXT NOT NULL, hash "
    "INTEGER NOT NULL, PRIMARY KEY(id, hash)) WITHOUT ROWID";
constexpr const char* kHasSupersededMeta =
    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
    "'superseded_meta'";

// One more unit holding a text; returns how many now do (1: a new text).
constexpr const char* kAddUnitText =
    "INSERT INTO unit_text(low, high, units) VALUES(?1, ?2, 1) "
    "ON CONFLICT(low, high) DO UPDATE SET units = units + 1 RETURNING units";

// The schema, created in one transaction with the meta rows. Row numbers
// (`num`) are assigned in scan order, so ordering by them gives the order a
// single scan over all dumps would have seen.
constexpr const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE dump(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  added_at TEXT NOT NULL,
  documents INTEGER NOT NULL);
CREATE TABLE doc(
  num INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  dump INTEGER NOT NULL,
  location TEXT NOT NULL,
  source TEXT NOT NULL,
  title TEXT NOT NULL,
  url TEXT NOT NULL,
  date TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  invalid_utf8 INTEGER NOT NULL,
  text TEXT NOT NULL,
  signature BLOB NOT NULL,
  fingerprints BLOB NOT NULL,
  first_unit INTEGER NOT NULL,
  units INTEGER NOT NULL,
  kept INTEGER NOT NULL DEFAULT 1);
CREATE INDEX doc_by_dump ON doc(dump);
CREATE INDEX doc_by_source ON doc(source);
CREATE INDEX doc_by_date ON doc(date);
CREATE TABLE doc_band(
  band INTEGER NOT NULL, key INTEGER NOT NULL, doc INTEGER NOT NULL,
  PRIMARY KEY(band, key, doc)) WITHOUT ROWID;
CREATE TABLE unit(
  num INTEGER PRIMARY KEY,
  doc INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  begin INTEGER NOT NULL,
  end INTEGER NOT NULL);
CREATE TABLE unit_band(
  band INTEGER NOT NULL, key INTEGER NOT NULL, unit INTEGER NOT NULL,
  PRIMARY KEY(band, key, unit)) WITHOUT ROWID;
CREATE TABLE stem_df(stem TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE doc_band_delta(
  band INTEGER NOT NULL, key INTEGER NOT NULL, doc INTEGER NOT NULL,
  PRIMARY KEY(band, key, doc)) WITHOUT ROWID;
CREATE TABLE unit_band_delta(
  band INTEGER NOT NULL, key INTEGER NOT NULL, unit INTEGER NOT NULL,
  PRIMARY KEY(band, key, unit)) WITHOUT ROWID;
)sql";

// The band rows of recent dumps go to the *_delta tables and are merged
// into the main ones once they hold more than this fraction of all indexed
// documents (and at least IndexOptions::merge_min_documents), or by `index
// remove`. Band keys are hashes: a dump's rows inserted straight into a big
// table land on most of its leaf pages (at 1M articles, 210,000 rows touched
// 90,000 of 105,000 pages and wrote 447 MB of WAL per 10k-article dump); in
// a small table they touch few pages, and the merge rewrites the big one
// once per several dumps instead of once per dump (an LSM-style tier).
// Look-ups probe both tables.
constexpr int64_t kMergeFraction = 8;  // delta > documents / 8

// A claim bucket shared with more new units than this lists none of them
// (IndexedUnit::kManyNewUnits), and its indexed units' articles are loaded
// unchecked: a dump whose sentences recur everywhere would otherwise list
// every indexed unit of its buckets with each new one (generated articles,
// 10,000 against 50,000: 15.5 million pairs, 3 s more than loading all).
// At 16, BBC tech against the other sections loaded 620 articles; at 64,
// 439, as with no cap (docs/performance.md, "Persistent index").
constexpr size_t kMaxListedNewUnits = 64;

std::string NowUtc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

uint64_t FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

std::string Unchanged(const std::string& path) {
  return absl::StrCat("; ", path, " was left unchanged");
}

// An SQLite error as a status. Lock contention is Unavailable with the
// message users look for; corruption is FailedPrecondition.
absl::Status SqlError(sqlite3* db, int rc, const std::string& path,
                      const std::string& what) {
  const int primary = rc & 0xff;
  const char* msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return absl::UnavailableError(absl::StrCat(
        path, ": index is locked by another process (", what, ")"));
  }
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": corrupt index (", what, ": ", msg, ")"));
  }
  // A full disk met growing the -shm file or the WAL index is an I/O error
  // to SQLite (SQLITE_IOERR_SHMSIZE, "disk I/O error"): errno tells.
  const int sys =
      primary == SQLITE_IOERR && db != nullptr ? sqlite3_system_errno(db) : 0;
  if (primary == SQLITE_FULL || sys == ENOSPC || sys == EDQUOT) {
    return absl::ResourceExhaustedError(
        absl::StrCat(path, ": disk full (", what, ")"));
  }
  // Not READONLY_DBMOVED, _RECOVERY, _ROLLBACK: no permission fixes those.
  if (rc == SQLITE_READONLY || rc == SQLITE_READONLY_DIRECTORY) {
    return absl::PermissionDeniedError(absl::StrCat(
        path, ": cannot write the index (", what, ": ", msg,
        "): this user must be able to write the file, its directory and the ",
        path, "-wal and ", path, "-shm files beside it if any"));
  }
  return absl::UnavailableError(
      absl::StrCat(path, ": ", what, ": ", msg, " (SQLite code ", rc, ")"));
}

// A prepared statement. Bind indexes are 1-based, column indexes 0-based.
class Stmt {
 public:
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt(Stmt&& o) noexcept : db_(o.db_), s_(o.s_), path_(o.path_) {
    o.s_ = nullptr;
  }
  ~Stmt() { sqlite3_finalize(s_); }

  static absl::StatusOr<Stmt> Prepare(sqlite3* db, const std::string& path,
                                      std::string_view sql) {
    Stmt st;
    st.db_ = db;
    st.path_ = &path;
    int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()),
                                &st.s_, nullptr);
    if (rc != SQLITE_OK) return SqlError(db, rc, path, "prepare");
    return st;
  }

  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& BindText(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()),
                      SQLITE_STATIC);
    return *this;
  }
  Stmt& BindWords(int i, std::span<const uint32_t> v) {
    // An empty span's data() may be null, which SQLite binds as NULL, not
    // as an empty blob: a document without a word has no fingerprints.
    if (v.empty()) {
      sqlite3_bind_zeroblob(s_, i, 0);
    } else {
      sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size_bytes()),
                        SQLITE_STATIC);
    }
    return *this;
  }

  // Steps once: true with a row, false when done.
  absl::StatusOr<bool> Step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqlError(db_, rc, *path_, sqlite3_sql(s_));
  }
  // Binds `key` to ?1 and steps once: true with a row (read its columns,
  // then Reset()), false without. On an error the statement is reset.
  absl::StatusOr<bool> StepKey(int64_t key) {
    Bind(1, key);
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) Reset();
    return row;
  }
  // Steps to the end and resets for the next use.
  absl::Status Run() {
    for (;;) {
      absl::StatusOr<bool> r = Step();
      if (!r.ok()) {
        Reset();
        return r.status();
      }
      if (!*r) break;
    }
    Reset();
    return absl::OkStatus();
  }
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  std::string Text(int col) const {
    const unsigned char* p = sqlite3_column_text(s_, col);
    return p == nullptr ? std::string()
                        : std::string(reinterpret_cast<const char*>(p),
                                      sqlite3_column_bytes(s_, col));
  }
  // The column's blob as 32-bit words; false (and `out` empty) if it is
  // not a whole number of them (a damaged row).
  bool Words(int col, std::vector<uint32_t>* out) const {
    const void* p = sqlite3_column_blob(s_, col);
    const size_t n = static_cast<size_t>(sqlite3_column_bytes(s_, col));
    out->clear();
    if (n % sizeof(uint32_t) != 0) return false;
    out->resize(n / sizeof(uint32_t));
    if (p != nullptr && n != 0) std::memcpy(out->data(), p, n);
    return true;
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* s_ = nullptr;
  const std::string* path_ = nullptr;
};

absl::Status Exec(sqlite3* db, const std::string& path, const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) return SqlError(db, rc, path, sql);
  return absl::OkStatus();
}

// The single value of a one-row query.
absl::StatusOr<std::string> QueryText(sqlite3* db, const std::string& path,
                                      const char* sql) {
  absl::StatusOr<Stmt> st = Stmt::Prepare(db, path, sql);
  if (!st.ok()) return st.status();
  absl::StatusOr<bool> row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::string();
  return st->Text(0);
}

// The first column of every row of a query.
absl::StatusOr<std::vector<int64_t>> QueryInts(sqlite3* db,
                                               const std::string& path,
                                               const char* sql) {
  absl::StatusOr<Stmt> st = Stmt::Prepare(db, path, sql);
  if (!st.ok()) return st.status();
  std::vector<int64_t> out;
  for (;;) {
    absl::StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(st->Int(0));
  }
  return out;
}

absl::StatusOr<int64_t> QueryInt(sqlite3* db, const std::string& path,
                                 const char* sql) {
  absl::StatusOr<std::string> v = QueryText(db, path, sql);
  if (!v.ok()) return v.status();
  int64_t n = 0;
  if (!absl::SimpleAtoi(absl::string_view(v->data(), v->size()), &n)) return 0;
  return n;
}

// What tells whether a file was written: a file read without locks is
// compared with its stamp when the read ends.
struct FileStamp {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;
  bool operator==(const FileStamp&) const = default;
};

std::optional<FileStamp> StampOf(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  auto ns = [](const timespec& t) {
    return int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
  };
  return FileStamp{st.st_dev, st.st_ino, st.st_size, ns(st.st_mtim),
                   ns(st.st_ctim)};
}

struct Connection {
  sqlite3* db = nullptr;
  // Set when the file is read as immutable (no locks): its stamp at open.
  std::optional<FileStamp> immutable_at;
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    if (db != nullptr) sqlite3_close_v2(db);
  }
  sqlite3* release() {
    sqlite3* d = db;
    db = nullptr;
    return d;
  }
};

// `path` as an SQLite URI filename with `query` (absolute; %, ? and #
// escaped).
std::string UriOf(const std::string& path, const char* query) {
  std::string uri = "file://";
  for (char ch : std::filesystem::absolute(path).string()) {
    if (ch == '%' || ch == '?' || ch == '#') {
      uri += absl::StrFormat("%%%02X", static_cast<unsigned char>(ch));
    } else {
      uri += ch;
    }
  }
  return absl::StrCat(uri, "?", query);
}

absl::Status OpenConnection(const std::string& path, int flags, int busy_ms,
                            Connection* c) {
  auto open = [&](const std::string& name, int more) {
    int rc = sqlite3_open_v2(name.c_str(), &c->db,
                             flags | more | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      return absl::UnavailableError(absl::StrCat(
          path, ": cannot open index: ",
          c->db != nullptr ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc)));
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, busy_ms);
    return absl::OkStatus();
  };
  // Stamped before the -wal is looked for: a writer starting in between
  // changes the stamp by the time it checkpoints.
  const std::optional<FileStamp> stamp = StampOf(path);
  auto open_immutable = [&] {
    c->immutable_at = stamp;
    return open(UriOf(path, "immutable=1"), SQLITE_OPEN_URI);
  };
  struct stat st;
  const bool read_only = (flags & SQLITE_OPEN_READONLY) != 0;
  // A reader of a WAL database maps its -shm file, which SQLite creates
  // beside it with a -wal, owned by the reader and with the index's mode.
  // A reader who cannot write the index (an archive shared read-only, in a
  // directory others may write) would leave files its owner cannot write,
  // and the owner's next scan would fail. With no -wal there, no write is
  // in progress (a -shm alone is stale: a writer killed between SQLite's
  // two deletions at close), and the file is read as immutable (no -shm,
  // no locks), checked at the end of the read (CheckNotWrittenSince).
  if (read_only && access(path.c_str(), W_OK) != 0 &&
      stat((path + "-wal").c_str(), &st) != 0) {
    return open_immutable();
  }
  if (auto s = open(path, 0); !s.ok()) return s;
  if (!read_only) return absl::OkStatus();
  // In a directory the reader cannot write (a read-only mount), the first
  // read fails for want of a -shm. Any other fault shows in the caller's
  // first query.
  if (sqlite3_exec(c->db, "PRAGMA schema_version", nullptr, nullptr, nullptr) ==
      SQLITE_OK) {
    return absl::OkStatus();
  }
  const int code = sqlite3_extended_errcode(c->db);
  const bool wal = stat((path + "-wal").c_str(), &st) == 0;
  const bool shm = stat((path + "-shm").c_str(), &st) == 0;
  if (code != SQLITE_READONLY_DIRECTORY && code != SQLITE_READONLY_CANTINIT &&
      !(code == SQLITE_CANTOPEN && wal && !shm)) {
    return absl::OkStatus();
  }
  sqlite3_close_v2(c->release());
  if (wal) {
    return absl::UnavailableError(absl::StrCat(
        path, ": cannot read the index: its write-ahead log ", path,
        "-wal needs a ", path,
        "-shm file that cannot be created in this directory (a write in "
        "progress, or an interrupted one that the next writer folds in)"));
  }
  return open_immutable();
}

// A writer needs the file and its directory (where SQLite makes the -wal
// and -shm files): said before a scan's work, not by its last statement.
// `hint`: what to do instead.
absl::Status CheckWritable(const std::string& path, const char* hint) {
  const std::string dir =
      std::filesystem::absolute(path).parent_path().string();
  // One call: a file gone between an existence test and a write test (a
  // -wal or -shm that another scan's last connection deletes as it closes)
  // read as unwritable, and a scan beside another creating one index failed
  // with "Permission denied" (seen once in ctest's
  // Index.TwoScansCreatingOneIndexBothAddTheirDump).
  auto unwritable = [](const std::string& file) {
    return access(file.c_str(), W_OK) != 0 && errno != ENOENT;
  };
  std::string what;
  int err = EACCES;
  if (access(path.c_str(), W_OK) != 0) {
    err = errno;
    what = "the file";
  } else if (access(dir.c_str(), W_OK | X_OK) != 0) {
    err = errno;
    what = "its directory";
  } else {
    // Left by another user's refrain (or an older one's reader).
    for (const std::string& f : {path + "-wal", path + "-shm"}) {
      if (what.empty() && unwritable(f)) {
        what = absl::StrCat(f,
                            ", another user's: once no refrain uses the "
                            "index, its owner or root may delete it");
      }
    }
  }
  if (what.empty()) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      path, ": cannot write the index: this user cannot write ", what, " (",
      std::strerror(err), "); ", hint, Unchanged(path)));
}

// For a file read as immutable since `at`: fails if a writer has changed
// it since. Until a writer checkpoints, its changes stay in its -wal and the
// file is the snapshot the read began with; a checkpoint during the read
// may have handed it a torn page.
absl::Status CheckNotWrittenSince(const std::string& path,
                                  const std::optional<FileStamp>& at) {
  if (!at || StampOf(path) == at) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(
      path,
      ": the index was written while this process read it without locks "
      "(it cannot write the index, so it cannot take them); run again"));
}

// The fingerprint of `language`'s stop list, "" if it cannot be read (the
// scan's TermAnalyzer then fails with the reason).
std::string StopWordFingerprint(const std::string& language) {
  absl::StatusOr<std::shared_ptr<const StopWordList>> list =
      StopWordsOf(language);
  return list.ok() ? (*list)->fingerprint() : std::string();
}

IndexParams ParamsFromMeta(const std::map<std::string, std::string>& m) {
  auto get = [&](const char* k) -> std::string {
    auto it = m.find(k);
    return it == m.end() ? std::string() : it->second;
  };
  auto u64 = [&](const char* k) -> uint64_t {
    std::string v = get(k);
    uint64_t n = 0;
    return absl::SimpleAtoi(absl::string_view(v.data(), v.size()), &n) ? n : 0;
  };
  IndexParams p;
  p.num_perm = static_cast<uint32_t>(u64("num_perm"));
  p.seed = u64("seed");
  p.minhash = get("minhash");
  p.shingle = static_cast<uint32_t>(u64("shingle"));
  p.lsh = {static_cast<uint32_t>(u64("bands")),
           static_cast<uint32_t>(u64("rows"))};
  p.claims = get("claims") == "1";
  p.claim_num_perm = static_cast<uint32_t>(u64("claim_num_perm"));
  p.claim_seed = u64("claim_seed");
  p.claim_lsh = {static_cast<uint32_t>(u64("claim_bands")),
                 static_cast<uint32_t>(u64("claim_rows"))};
  p.claim_bigrams = get("claim_bigrams") == "1";
  p.claim_frequent_stem_min_units =
      static_cast<uint32_t>(u64("claim_frequent_stem_min_units"));
  std::string f = get("claim_frequent_stem_fraction");
  if (!absl::SimpleAtod(absl::string_view(f.data(), f.size()),
                        &p.claim_frequent_stem_fraction)) {
    p.claim_frequent_stem_fraction = 0;
  }
  p.claim_min_words = static_cast<uint32_t>(u64("claim_min_words"));
  // Recorded as given before scans canonicalized it ("de"): as a scan
  // names it now.
  p.language = CanonicalLanguage(get("language"));
  p.stop_words = get("stop_words");
  // Indexes of schema 3 made before the fingerprint was recorded: English's
  // built-in list has not changed since the index existed, so theirs is
  // today's; any other language's is unknown (its stems were made without
  // stop words) and stays "", which no scan matches.
  if (p.claims && p.stop_words.empty() && IsEnglishLanguage(p.language)) {
    p.stop_words = StopWordFingerprint(p.language);
  }
  return p;
}

// The meta table, key -> value.
absl::StatusOr<std::map<std::string, std::string>> ReadMeta(
    sqlite3* db, const std::string& path) {
  absl::StatusOr<Stmt> st =
      Stmt::Prepare(db, path, "SELECT key, value FROM meta");
  if (!st.ok()) return st.status();
  std::map<std::string, std::string> meta;
  for (;;) {
    absl::StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    meta[st->Text(0)] = st->Text(1);
  }
  return meta;
}

// Checks an existing file before anything may write to it: SQLite header,
// application id, schema version, quick_check; returns its parameters.
absl::StatusOr<IndexParams> Verify(const std::string& path,
                                   const IndexOptions& options,
                                   int version_wanted = kIndexSchemaVersion) {
  {
    char header[16] = {};
    FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
      return absl::UnavailableError(
          absl::StrCat(path, ": cannot read: ", std::strerror(errno)));
    }
    size_t n = std::fread(header, 1, sizeof header, f);
    std::fclose(f);
    if (n != sizeof header ||
        std::memcmp(header, "SQLite format 3", sizeof header) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": not a refrain index (not an SQLite database)",
                       Unchanged(path)));
    }
  }
  Connection c;
  if (auto s = OpenConnection(path, SQLITE_OPEN_READONLY,
                              options.busy_timeout_ms, &c);
      !s.ok()) {
    return s;
  }
  auto bad = [&](const absl::Status& s) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": not a usable refrain index: ", s.message(), Unchanged(path)));
  };
  absl::StatusOr<int64_t> app = QueryInt(c.db, path, "PRAGMA application_id");
  if (!app.ok()) return bad(app.status());
  if (*app != kApplicationId) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": not a refrain index (an SQLite database of another kind)",
        Unchanged(path)));
  }
  absl::StatusOr<int64_t> version = QueryInt(c.db, path, "PRAGMA user_version");
  if (!version.ok()) return bad(version.status());
  if (*version != version_wanted) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": index schema version ", *version, ", but this refrain reads ",
        "version ", kIndexSchemaVersion,
        *version > kIndexSchemaVersion
            ? std::string(" (the file is newer than this refrain)")
        : *version >= kOldestUpgradableVersion
            ? absl::StrCat("; upgrade it in place with `refrain index upgrade ",
                           path, "`")
            : std::string("; rebuild the index"),
        Unchanged(path)));
  }
  if (FileSize(path) <= options.quick_check_max_bytes) {
    absl::StatusOr<Stmt> st = Stmt::Prepare(c.db, path, "PRAGMA quick_check");
    if (!st.ok()) return bad(st.status());
    std::vector<std::string> problems;
    for (;;) {
      absl::StatusOr<bool> row = st->Step();
      if (!row.ok()) return bad(row.status());
      if (!*row) break;
      std::string msg = st->Text(0);
      if (msg != "ok" && problems.size() < 3) problems.push_back(msg);
    }
    if (!problems.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, ": corrupt index (quick_check: ", absl::StrJoin(problems, "; "),
          ")", Unchanged(path)));
    }
  }
  absl::StatusOr<std::map<std::string, std::string>> read =
      ReadMeta(c.db, path);
  if (!read.ok()) return bad(read.status());
  std::map<std::string, std::string>& meta = *read;
  if (meta["format"] != "refrain-index") {
    return bad(absl::DataLossError("meta table without format"));
  }
  // Every table of the schema, so a damaged catalogue fails here (version
  // 3 had no unit_text).
  absl::StatusOr<int64_t> tables = QueryInt(
      c.db, path,
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
      "('meta', 'dump', 'doc', 'doc_band', 'unit', 'unit_band', 'stem_df', "
      "'unit_text', 'doc_band_delta', 'unit_band_delta')");
  if (!tables.ok()) return bad(tables.status());
  if (*tables != (version_wanted >= 4 ? 10 : 9)) {
    return bad(absl::DataLossError("tables missing"));
  }
  if (auto s = CheckNotWrittenSince(path, c.immutable_at); !s.ok()) return s;
  return ParamsFromMeta(meta);
}

absl::Status CheckSameParams(const std::string& path, const IndexParams& have,
                             const IndexParams& want) {
  std::vector<std::string> diffs;
  auto a = have.Entries(), b = want.Entries();
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i].first == "claims" && have.claims != want.claims) {
      // Every claim parameter after this one differs as a consequence
      // (review, thirty-second session: eleven "differences" for one
      // --no-claims): the one that matters is said alone.
      diffs.push_back(
          have.claims
              ? "claims on (the index holds the claim units of its articles; "
                "this scan has --no-claims, and every scan of this index, "
                "--index-read-only too, needs claims on: drop --no-claims)"
              : "claims off (the index was built by scans with --no-claims; "
                "this scan has claims on: add --no-claims)");
      break;
    }
    if (a[i].second != b[i].second && a[i].first == "stop_words" &&
        have.claims && want.claims) {
      diffs.push_back(absl::StrCat(
          "the claim stop list: ",
          a[i].second.empty()
              ? absl::StrCat("none recorded (the index predates recorded "
                             "stop lists, and a ",
                             have.language,
                             " index of that time may hold claim stems made "
                             "without stop words)")
              : a[i].second,
          " (this scan: ", b[i].second, "; `refrain index upgrade ", path,
          "` derives its claim terms again with this refrain's list)"));
    } else if (a[i].first == "claim_min_words" && a[i].second.empty() &&
               have.claims && want.claims) {
      // Not recorded (an index made before it was): taken to be the
      // default, the value of nearly every scan.
      if (want.claim_min_words != ClaimOptions{}.min_content_words) {
        diffs.push_back(absl::StrCat(
            "claim_min_words not recorded (the index predates it; taken as "
            "the default ",
            ClaimOptions{}.min_content_words, ") (this scan: ", b[i].second,
            ")"));
      }
    } else if (a[i].second != b[i].second) {
      auto shown = [](const std::string& v) {
        return v.empty() ? std::string("none") : v;
      };
      diffs.push_back(absl::StrCat(a[i].first, " ", shown(a[i].second),
                                   " (this scan: ", shown(b[i].second), ")"));
    }
  }
  if (diffs.empty()) return absl::OkStatus();
  // The bandings are chosen from thresholds unless given: say which flag
  // sets them.
  std::string hint;
  if (have.lsh.bands != want.lsh.bands || have.lsh.rows != want.lsh.rows) {
    absl::StrAppend(&hint, " (--bands ", have.lsh.bands, " --rows ",
                    have.lsh.rows, " give the index's banding)");
  }
  if (have.claims && want.claims &&
      (have.claim_lsh.bands != want.claim_lsh.bands ||
       have.claim_lsh.rows != want.claim_lsh.rows)) {
    // The index records the banding, not the threshold it came from: name
    // a threshold that gives it (review 44b-07: the hint named a flag scan
    // does not have).
    std::string given;
    ClaimOptions claims;
    claims.num_perm = have.claim_num_perm;
    for (int t = 1; t < 100 && given.empty(); ++t) {
      claims.lsh_threshold = t / 100.0;
      const LshParams p = ClaimLshParams(claims);
      if (p.bands == have.claim_lsh.bands && p.rows == have.claim_lsh.rows) {
        given =
            absl::StrCat(": --claim-lsh-threshold ", t / 100.0, " gives it");
      }
    }
    absl::StrAppend(&hint, " (the index's claim banding is ",
                    have.claim_lsh.bands, " bands x ", have.claim_lsh.rows,
                    " rows", given, ")");
  }
  // A stop list is no parameter a scan can give: only the upgrade helps
  // (review 52b-07: "Scan with the index's parameters" named nothing).
  const bool only_stop_list =
      diffs.size() == 1 && diffs[0].starts_with("the claim stop list");
  return absl::FailedPreconditionError(absl::StrCat(
      path,
      ": the index was built with other parameters, so its sketches cannot "
      "be compared with this scan's: ",
      absl::StrJoin(diffs, ", "),
      only_stop_list ? std::string()
                     : absl::StrCat(". Scan with the index's parameters", hint,
                                    " or use another index"),
      Unchanged(path)));
}

// Steps `st`, a statement on unit_text whose ?1, ?2 are a key's halves and
// whose one column is `units` (kAddUnitText, Remove's decrement,
// CountedTexts' look-up), for `key`, and resets it: how many units hold the
// text now, or -1 without a row.
absl::StatusOr<int64_t> StepUnitText(Stmt& st, const UnitTermsKey& key) {
  st.Bind(2, static_cast<int64_t>(key.high));
  absl::StatusOr<bool> row = st.StepKey(static_cast<int64_t>(key.low));
  if (!row.ok()) return row.status();
  if (!*row) {
    st.Reset();
    return -1;
  }
  const int64_t units = st.Int(0);
  if (auto s = st.Run(); !s.ok()) return s;
  return units;
}

// Calls unit(num, terms) for each stored claim unit of the documents `docs`
// steps through (columns: text, first_unit, units, num), in order: the
// units of its range that are its own (an index that `index upgrade` left
// with a hole at the end of a range, then gave the next dump's first unit
// that number, holds another document's unit there). The terms are
// derived again from the stored text exactly as the scan derived them;
// null without an analyzer (an index without claims) or for a span outside
// the text. Returns the number of documents, or unit()'s first error.
template <typename UnitFn>
absl::StatusOr<uint64_t> ForEachStoredUnit(sqlite3* db, const std::string& path,
                                           Stmt& docs,
                                           const TermAnalyzer* analyzer,
                                           UnitFn unit) {
  absl::StatusOr<Stmt> units = Stmt::Prepare(
      db, path,
      "SELECT num, begin, end FROM unit WHERE num BETWEEN ?1 AND ?2 AND doc = "
      "?3 ORDER BY num");
  if (!units.ok()) return units.status();
  uint64_t visited = 0;
  for (;;) {
    absl::StatusOr<bool> row = docs.Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    ++visited;
    const std::string text = docs.Text(0);
    const int64_t first = docs.Int(1), count = docs.Int(2);
    if (count == 0) continue;
    units->Bind(1, first).Bind(2, first + count - 1).Bind(3, docs.Int(3));
    for (;;) {
      absl::StatusOr<bool> urow = units->Step();
      if (!urow.ok()) {
        units->Reset();
        return urow.status();
      }
      if (!*urow) break;
      const int64_t b = units->Int(1), e = units->Int(2);
      std::optional<UnitTerms> t;
      if (analyzer != nullptr && b >= 0 && e >= b &&
          static_cast<size_t>(e) <= text.size()) {
        t = analyzer->Analyze(std::string_view(text).substr(
            static_cast<size_t>(b), static_cast<size_t>(e - b)));
      }
      if (auto s = unit(units->Int(0), t ? &*t : nullptr); !s.ok()) {
        units->Reset();
        return s;
      }
    }
    units->Reset();
  }
  return visited;
}

std::string BoolStr(bool b) { return b ? "1" : "0"; }

// One row of doc_band or unit_band.
struct BandRow {
  uint32_t band;
  uint64_t key;
  int64_t member;
  bool operator<(const BandRow& o) const {
    return band != o.band ? band < o.band
           : key != o.key ? key < o.key
                          : member < o.member;
  }
};

// Inserts `rows` into `table` ("name(band, key, member)"), many per
// statement: with millions of small rows, the per-statement overhead, not
// the B-tree, is most of the cost.
absl::Status InsertBandRows(sqlite3* db, const std::string& path,
                            const char* table, std::span<const BandRow> rows) {
  constexpr size_t kBatch = 128;
  auto prepare = [&](size_t n) {
    std::string q = absl::StrCat("INSERT INTO ", table, " VALUES ");
    for (size_t j = 0; j < n; ++j) absl::StrAppend(&q, j ? "," : "", "(?,?,?)");
    return Stmt::Prepare(db, path, q);
  };
  auto run = [](Stmt& st, std::span<const BandRow> batch) {
    for (size_t j = 0; j < batch.size(); ++j) {
      const int at = static_cast<int>(3 * j);
      st.Bind(at + 1, batch[j].band)
          .Bind(at + 2, static_cast<int64_t>(batch[j].key))
          .Bind(at + 3, batch[j].member);
    }
    return st.Run();
  };
  size_t i = 0;
  if (rows.size() >= kBatch) {
    absl::StatusOr<Stmt> full = prepare(kBatch);
    if (!full.ok()) return full.status();
    for (; i + kBatch <= rows.size(); i += kBatch) {
      if (auto s = run(*full, rows.subspan(i, kBatch)); !s.ok()) return s;
    }
  }
  if (i < rows.size()) {
    absl::StatusOr<Stmt> tail = prepare(rows.size() - i);
    if (!tail.ok()) return tail.status();
    return run(*tail, rows.subspan(i));
  }
  return absl::OkStatus();
}

absl::Status SetMetaOn(sqlite3* db, const std::string& path,
                       std::string_view key, std::string_view value) {
  absl::StatusOr<Stmt> st = Stmt::Prepare(
      db, path, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
  if (!st.ok()) return st.status();
  return st->BindText(1, key).BindText(2, value).Run();
}

}  // namespace

IndexParams IndexParams::ForScan(const ScanOptions& o, LshParams lsh) {
  IndexParams p;
  p.num_perm = o.minhash.num_perm;
  p.seed = o.minhash.seed;
  p.minhash = AlgorithmName(o.minhash.algorithm);
  p.shingle = o.shingle.size;
  p.lsh = lsh;
  p.claims = o.claims.enabled;
  if (p.claims) {
    p.claim_num_perm = o.claims.num_perm;
    p.claim_seed = o.claims.seed;
    p.claim_lsh = ClaimLshParams(o.claims);
    p.claim_bigrams = o.claims.bigrams;
    p.claim_frequent_stem_min_units = o.claims.frequent_stem_min_units;
    p.claim_frequent_stem_fraction = o.claims.frequent_stem_fraction;
    p.claim_min_words = o.claims.min_content_words;
    p.language = CanonicalLanguage(o.claims.language);
    p.stop_words = StopWordFingerprint(p.language);
  }
  return p;
}

std::vector<std::pair<std::string, std::string>> IndexParams::Entries() const {
  return {
      {"num_perm", absl::StrCat(num_perm)},
      {"seed", absl::StrCat(seed)},
      {"minhash", minhash},
      {"shingle", absl::StrCat(shingle)},
      {"bands", absl::StrCat(lsh.bands)},
      {"rows", absl::StrCat(lsh.rows)},
      {"claims", BoolStr(claims)},
      {"claim_num_perm", absl::StrCat(claim_num_perm)},
      {"claim_seed", absl::StrCat(claim_seed)},
      {"claim_bands", absl::StrCat(claim_lsh.bands)},
      {"claim_rows", absl::StrCat(claim_lsh.rows)},
      {"claim_bigrams", BoolStr(claim_bigrams)},
      {"claim_frequent_stem_min_units",
       absl::StrCat(claim_frequent_stem_min_units)},
      {"claim_frequent_stem_fraction",
       absl::StrCat(claim_frequent_stem_fraction)},
      {"claim_min_words",
       claim_min_words == 0 ? "" : absl::StrCat(claim_min_words)},
      {"language", language},
      {"stop_words", stop_words},
  };
}

struct Index::Impl {
  std::string path;
  IndexOptions options;
  IndexParams params;
  sqlite3* db = nullptr;
  std::optional<FileStamp> immutable_at;  // See Connection.
  bool in_write = false;
  bool in_read = false;

  ~Impl() {
    if (db == nullptr) return;
    if (in_write || in_read) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    sqlite3_close_v2(db);
  }

  absl::StatusOr<Stmt> Prepare(std::string_view sql) const {
    return Stmt::Prepare(db, path, sql);
  }
  // An immutable connection may keep pages it read before (SQLite takes
  // the file as never changing): a read that begins later opens the file
  // again and takes a new stamp, so a write between two reads (a long
  // ingest) fails neither. The file may also have become readable normally.
  absl::Status ReopenIfImmutable() {
    if (!immutable_at) return absl::OkStatus();
    Connection c;
    if (auto s = OpenConnection(path, SQLITE_OPEN_READONLY,
                                options.busy_timeout_ms, &c);
        !s.ok()) {
      return s;
    }
    sqlite3_close_v2(db);
    immutable_at = c.immutable_at;
    db = c.release();
    return absl::OkStatus();
  }
  absl::Status Exec(const char* sql) const {
    return refrain::Exec(db, path, sql);
  }
  absl::Status Begin() {
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
      return SqlError(
          db, rc, path,
          (rc & 0xff) == SQLITE_BUSY
              ? absl::StrCat("waited ", options.busy_timeout_ms / 1000.0, " s")
              : std::string("starting to write"));
    }
    in_write = true;
    if (auto s = CheckVersionUnchanged(); !s.ok()) {
      Rollback();
      return s;
    }
    if (auto s = CheckParamsUnchanged(); !s.ok()) {
      Rollback();
      return s;
    }
    return absl::OkStatus();
  }
  // In a transaction: the parameters are still the ones Open() read (an
  // index no dump was added to takes the parameters of the next scan that
  // opens it, and that may be another process's while this one waited).
  absl::Status CheckParamsUnchanged() const {
    absl::StatusOr<std::map<std::string, std::string>> meta =
        ReadMeta(db, path);
    if (!meta.ok()) return meta.status();
    if (ParamsFromMeta(*meta).Entries() == params.Entries()) {
      return absl::OkStatus();
    }
    return absl::FailedPreconditionError(absl::StrCat(
        path,
        ": its parameters changed since it was opened (another scan gave "
        "the empty index its own); run again",
        Unchanged(path)));
  }
  // In a transaction: the schema version is still the one Open() checked
  // (an `index upgrade` may have run while this process waited for the
  // lock; writing version 3's tables into a version 4 file would make its
  // counts disagree).
  absl::Status CheckVersionUnchanged() const {
    absl::StatusOr<int64_t> v = QueryInt(db, path, "PRAGMA user_version");
    if (!v.ok()) return v.status();
    if (*v == kIndexSchemaVersion) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": its schema version changed to ", *v,
        " since it was opened (another refrain upgraded it?); run again",
        Unchanged(path)));
  }
  absl::Status Commit() {
    absl::Status s = Exec("COMMIT");
    if (!s.ok()) {
      sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    in_write = false;
    return s;
  }
  void Rollback() {
    if (in_write) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    in_write = false;
  }
  absl::StatusOr<int64_t> Meta(const char* key) const {
    absl::StatusOr<Stmt> st = Prepare("SELECT value FROM meta WHERE key = ?1");
    if (!st.ok()) return st.status();
    st->BindText(1, key);
    absl::StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    int64_t n = 0;
    if (*row) {
      std::string v = st->Text(0);
      if (!absl::SimpleAtoi(absl::string_view(v.data(), v.size()), &n)) n = 0;
    }
    return n;
  }
  absl::Status SetMeta(std::string_view key, std::string_view value) const {
    return SetMetaOn(db, path, key, value);
  }
  // Moves the delta tier's band rows into the main tables, in key order so
  // each page of a main table is written once; in the caller's transaction.
  absl::Status MergeDelta() const {
    if (auto s = Exec(
            "INSERT INTO doc_band SELECT band, key, doc FROM doc_band_delta "
            "ORDER BY band, key, doc; DELETE FROM doc_band_delta; "
            "INSERT INTO unit_band SELECT band, key, unit FROM unit_band_delta "
            "ORDER BY band, key, unit; DELETE FROM unit_band_delta;");
        !s.ok()) {
      return s;
    }
    return SetMeta("delta_documents", "0");
  }

  // Deletes the band rows of claim units no unit has (DeleteGone: those of
  // replaced versions, and of the units just removed) in one pass over each
  // unit band table, and zeroes meta `stale_units`; written only if it
  // changes, so a removal that removes nothing leaves the file as it was.
  absl::Status PurgeStaleUnitBands() const {
    if (auto s = Exec("DELETE FROM unit_band WHERE unit NOT IN (SELECT num "
                      "FROM unit); DELETE FROM unit_band_delta WHERE unit NOT "
                      "IN (SELECT num FROM unit);");
        !s.ok()) {
      return s;
    }
    absl::StatusOr<int64_t> stale = Meta("stale_units");
    if (!stale.ok()) return stale.status();
    return *stale == 0 ? absl::OkStatus() : SetMeta("stale_units", "0");
  }

  // Empties the temporary tables of the documents and units DeleteGone
  // removes (made on first use; they stay in memory).
  absl::Status StartGone() const {
    return Exec(
        "CREATE TEMP TABLE IF NOT EXISTS gone(num INTEGER PRIMARY KEY); "
        "CREATE TEMP TABLE IF NOT EXISTS gone_unit(num INTEGER PRIMARY KEY); "
        "DELETE FROM gone; DELETE FROM gone_unit;");
  }

  // In the caller's transaction: removes the documents whose row ids the
  // table `gone` holds, with their claim units, band rows and IDF counts;
  // `analyzer` (claims only) derives the terms of their units again, to
  // take them off the counts. Sets result->documents and result->units.
  //
  // With `scan_band_tables` (index remove) each band table is read through
  // once, and every band row of the removed documents and units goes. Without
  // (an edited article replacing its indexed version in a scan), the
  // documents' band rows are deleted by key, from their signatures, at a
  // B-tree look-up each, so a daily scan does not read the whole index; the
  // units' band keys depend on the IDF of the day they were added and
  // cannot be made again, so their rows stay, pointing at unit numbers no
  // unit has: FindUnits passes over them, AddDump never numbers a unit
  // with them again (meta `unit_high`), and they are deleted by the next
  // `index remove` or `index upgrade`, or by the dump that brings their
  // units (meta `stale_units`) to 1/8 of all units numbered (AddDump).
  absl::Status DeleteGone(const TermAnalyzer* analyzer, bool scan_band_tables,
                          RemoveResult* result) const {
    // The IDF counts lose the stems of every text no unit holds any more:
    // `gone` counts those texts as the IDF counted them.
    IdfTable gone;
    {
      absl::StatusOr<Stmt> drop_text = Prepare(
          "UPDATE unit_text SET units = units - 1 WHERE low = ?1 AND high = "
          "?2 RETURNING units");
      absl::StatusOr<Stmt> docs = Prepare(
          "SELECT d.text, d.first_unit, d.units, d.num FROM gone g JOIN doc d "
          "ON d.num = g.num ORDER BY d.num");
      absl::StatusOr<Stmt> gone_unit =
          Prepare("INSERT INTO gone_unit(num) VALUES(?1)");
      if (!drop_text.ok()) return drop_text.status();
      if (!docs.ok()) return docs.status();
      if (!gone_unit.ok()) return gone_unit.status();
      absl::StatusOr<uint64_t> visited = ForEachStoredUnit(
          db, path, *docs, analyzer,
          [&](int64_t num, const UnitTerms* t) -> absl::Status {
            ++result->units;
            if (auto s = gone_unit->Bind(1, num).Run(); !s.ok()) return s;
            if (t == nullptr) return absl::OkStatus();
            absl::StatusOr<int64_t> held =
                StepUnitText(*drop_text, KeyOfTerms(*t));
            if (!held.ok()) return held.status();
            if (*held == 0) gone.AddStems(t->stems);
            return absl::OkStatus();
          });
      if (!visited.ok()) return visited.status();
      result->documents = *visited;
    }
    if (scan_band_tables) {
      // The band tables are keyed by (band, key): one pass over each. Rows
      // of units replaced before (see above) go too.
      if (auto s =
              Exec("DELETE FROM doc_band WHERE doc IN (SELECT num FROM gone); "
                   "DELETE FROM doc_band_delta WHERE doc IN (SELECT num FROM "
                   "gone); DELETE FROM unit WHERE num IN (SELECT num FROM "
                   "gone_unit);");
          !s.ok()) {
        return s;
      }
      if (auto s = PurgeStaleUnitBands(); !s.ok()) return s;
    } else {
      absl::StatusOr<Stmt> sigs = Prepare(
          "SELECT d.num, d.signature FROM gone g JOIN doc d ON d.num = g.num");
      absl::StatusOr<Stmt> del = Prepare(
          "DELETE FROM doc_band WHERE band = ?1 AND key = ?2 AND doc = ?3");
      absl::StatusOr<Stmt> del_delta = Prepare(
          "DELETE FROM doc_band_delta WHERE band = ?1 AND key = ?2 AND doc = "
          "?3");
      if (!sigs.ok()) return sigs.status();
      if (!del.ok()) return del.status();
      if (!del_delta.ok()) return del_delta.status();
      int64_t in_delta_documents = 0;
      for (;;) {
        absl::StatusOr<bool> row = sigs->Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        const int64_t num = sigs->Int(0);
        std::vector<uint32_t> sig;
        if (!sigs->Words(1, &sig) || sig.size() != params.num_perm) {
          return absl::DataLossError(absl::StrCat(
              path, ": corrupt index (signature of document row ", num, ")"));
        }
        bool in_delta = false;
        for (uint32_t b = 0; b < params.lsh.bands; ++b) {
          const auto key = static_cast<int64_t>(BandKey(sig, params.lsh, b));
          for (Stmt* st : {&*del, &*del_delta}) {
            if (auto s =
                    st->Bind(1, int64_t{b}).Bind(2, key).Bind(3, num).Run();
                !s.ok()) {
              return s;
            }
            in_delta |= st == &*del_delta && sqlite3_changes(db) > 0;
          }
        }
        in_delta_documents += in_delta;
      }
      // The delta tier's count (what stats show, and the merge rule reads).
      absl::StatusOr<int64_t> delta = Meta("delta_documents");
      if (!delta.ok()) return delta.status();
      if (auto s = SetMeta(
              "delta_documents",
              absl::StrCat(std::max<int64_t>(0, *delta - in_delta_documents)));
          !s.ok()) {
        return s;
      }
      if (auto s = Exec("DELETE FROM unit WHERE num IN (SELECT num FROM "
                        "gone_unit);");
          !s.ok()) {
        return s;
      }
      absl::StatusOr<int64_t> stale = Meta("stale_units");
      if (!stale.ok()) return stale.status();
      if (auto s = SetMeta(
              "stale_units",
              absl::StrCat(*stale + static_cast<int64_t>(result->units)));
          !s.ok()) {
        return s;
      }
    }
    if (auto s = Exec("DELETE FROM doc WHERE num IN (SELECT num FROM gone); "
                      "DELETE FROM dump WHERE seq NOT IN (SELECT DISTINCT dump "
                      "FROM doc);");
        !s.ok()) {
      return s;
    }
    {
      absl::StatusOr<Stmt> st =
          Prepare("UPDATE stem_df SET df = df - ?2 WHERE stem = ?1");
      if (!st.ok()) return st.status();
      for (const auto& [stem, count] : gone.Counts()) {  // Sorted by stem.
        if (auto s = st->BindText(1, stem)
                         .Bind(2, static_cast<int64_t>(count))
                         .Run();
            !s.ok()) {
          return s;
        }
      }
      if (auto s = Exec("DELETE FROM stem_df WHERE df <= 0; "
                        "DELETE FROM unit_text WHERE units <= 0");
          !s.ok()) {
        return s;
      }
    }
    absl::StatusOr<int64_t> units = Meta("idf_units");
    if (!units.ok()) return units.status();
    return SetMeta("idf_units",
                   absl::StrCat(std::max<int64_t>(
                       0, *units - static_cast<int64_t>(gone.units()))));
  }

  // Members of the buckets of `keys` (n x bands, flattened) in the table
  // `sql` queries (params: band, key, limit; one member column,
  // ascending), capped as LshIndex::CandidatePairs caps buckets: ascending,
  // each once. With `found_by`, also every (member, row of `keys` whose
  // bucket holds it) pair, or (member, kManyNewUnits) once for a bucket of
  // more than kMaxListedNewUnits rows.
  absl::StatusOr<std::vector<int64_t>> LookupBands(
      const char* sql, std::span<const uint64_t> keys, uint32_t bands,
      uint32_t max_bucket,
      std::vector<std::pair<int64_t, uint32_t>>* found_by = nullptr) const {
    struct Query {
      uint32_t band;
      uint64_t key;
      uint32_t row;
      bool operator<(const Query& o) const {
        return std::tie(band, key, row) < std::tie(o.band, o.key, o.row);
      }
      bool SameBucket(const Query& o) const {
        return band == o.band && key == o.key;
      }
    };
    std::vector<Query> q(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) {
      q[i] = {static_cast<uint32_t>(i % bands), keys[i],
              static_cast<uint32_t>(i / bands)};
    }
    // Sorted: consecutive look-ups walk the B-tree in order.
    std::sort(q.begin(), q.end());
    absl::StatusOr<Stmt> st = Prepare(sql);
    if (!st.ok()) return st.status();
    std::vector<int64_t> out, members;
    for (size_t i = 0; i < q.size();) {
      size_t j = i;
      while (j < q.size() && q[j].SameBucket(q[i])) ++j;
      const size_t new_members = j - i;
      st->Bind(1, q[i].band)
          .Bind(2, static_cast<int64_t>(q[i].key))
          .Bind(3, int64_t{max_bucket} + 1);
      members.clear();
      for (;;) {
        absl::StatusOr<bool> row = st->Step();
        if (!row.ok()) {
          st->Reset();
          return row.status();
        }
        if (!*row) break;
        members.push_back(st->Int(0));
      }
      st->Reset();
      // A capped bucket pairs everything with its first member only.
      const size_t take =
          members.size() + new_members > max_bucket ? 1 : members.size();
      for (size_t k = 0; k < take && k < members.size(); ++k) {
        out.push_back(members[k]);
        if (found_by == nullptr) continue;
        if (new_members > kMaxListedNewUnits) {
          found_by->emplace_back(members[k], IndexedUnit::kManyNewUnits);
          continue;
        }
        for (size_t r = i; r < j; ++r)
          found_by->emplace_back(members[k], q[r].row);
      }
      i = j;
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
};

Index::Index(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Index::Index(Index&&) noexcept = default;
Index& Index::operator=(Index&&) noexcept = default;
Index::~Index() = default;

const std::string& Index::path() const { return impl_->path; }
const IndexParams& Index::params() const { return impl_->params; }

absl::Status Index::CheckParams(const IndexParams& want) const {
  return CheckSameParams(impl_->path, impl_->params, want);
}

namespace {

// Schema and parameters in one transaction, on the connection `c` to the
// file `name`, unless it holds tables already.
absl::Status WriteSchema(sqlite3* db, const std::string& name,
                         const IndexParams& params) {
  if (auto s = refrain::Exec(db, name, "PRAGMA journal_mode=WAL"); !s.ok()) {
    return s;
  }
  int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqlError(db, rc, name, "creating the index");
  absl::StatusOr<int64_t> tables = QueryInt(
      db, name, "SELECT count(*) FROM sqlite_master WHERE type='table'");
  if (!tables.ok()) return tables.status();
  if (*tables == 0) {
    std::string pragmas =
        absl::StrCat("PRAGMA application_id=", kApplicationId,
                     "; PRAGMA user_version=", kIndexSchemaVersion, ";");
    if (auto s = refrain::Exec(db, name, kSchema); !s.ok()) return s;
    if (auto s = refrain::Exec(db, name, kUnitTextTable); !s.ok()) return s;
    if (auto s = refrain::Exec(db, name, pragmas.c_str()); !s.ok()) return s;
    std::vector<std::pair<std::string, std::string>> meta = params.Entries();
    meta.emplace_back("format", "refrain-index");
    meta.emplace_back("created_at", NowUtc());
    meta.emplace_back("idf_units", "0");
    for (const auto& [k, v] : meta) {
      if (auto s = SetMetaOn(db, name, k, v); !s.ok()) return s;
    }
  }
  return refrain::Exec(db, name, "COMMIT");
}

// Creates the index at `path`. A new file is built whole under a temporary
// name beside it and then linked to `path`, which fails if another process
// linked its own first: two scans creating one index at once both go on
// with a complete index (the loser opens the winner's), where one used to
// read the other's half-made file and call it "not a refrain index". An
// existing empty file (`exists`) is filled in place, under SQLite's lock.
absl::Status CreateIndexFile(const std::string& path, bool exists,
                             const IndexOptions& options,
                             const IndexParams& params) {
  if (exists) {
    Connection c;
    if (auto s = OpenConnection(path, SQLITE_OPEN_READWRITE,
                                options.busy_timeout_ms, &c);
        !s.ok()) {
      return s;
    }
    return WriteSchema(c.db, path, params);
  }
  absl::StatusOr<internal::TemporaryFile> tmp =
      internal::CreateTemporaryBeside(path);
  if (!tmp.ok()) return tmp.status();
  close(tmp->fd);
  if (tmp->direct || tmp->target != path) {  // Appeared since Open's stat.
    if (!tmp->direct) internal::RemoveTemporary(tmp->name);
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": not a regular file"));
  }
  const std::string name = tmp->name;
  auto remove_tmp = [&] {
    std::remove((name + "-wal").c_str());
    std::remove((name + "-shm").c_str());
    internal::RemoveTemporary(name);
  };
  {
    Connection c;
    absl::Status s = OpenConnection(name, SQLITE_OPEN_READWRITE,
                                    options.busy_timeout_ms, &c);
    if (s.ok()) s = WriteSchema(c.db, name, params);
    if (!s.ok()) {
      remove_tmp();
      // Said of `path`: the temporary's name, gone by now, means nothing
      // to the user.
      std::string why(s.message());
      if (absl::StartsWith(why, name + ": ")) why.erase(0, name.size() + 2);
      return absl::Status(
          s.code(), absl::StrCat(path, ": cannot create the index: ", why));
    }
  }  // Closed: its write-ahead log is folded into the file.
  int err = link(name.c_str(), path.c_str()) == 0 ? 0 : errno;
  if (err == EPERM || err == EOPNOTSUPP || err == ENOTSUP) {
    // No hard links here (FAT, exFAT, some network mounts): moved there
    // instead, which fails as link does if another process got there
    // first.
    err = renameat2(AT_FDCWD, name.c_str(), AT_FDCWD, path.c_str(),
                    RENAME_NOREPLACE) == 0
              ? 0
              : errno;
  }
  remove_tmp();
  if (err != 0 && err != EEXIST) {
    return absl::UnavailableError(absl::StrCat(
        path, ": cannot create the index: ", std::strerror(err),
        err == EINVAL ? " (this file system can neither link nor move a file "
                        "without replacing one)"
                      : ""));
  }
  return absl::OkStatus();
}

// `c`: a read-write connection to `path`, in a write transaction (BEGIN
// IMMEDIATE, waiting up to options.busy_timeout_ms for the lock); `what`
// names the step in an error.
absl::Status OpenForWrite(const std::string& path, const IndexOptions& options,
                          const char* what, Connection* c) {
  if (auto s = OpenConnection(path, SQLITE_OPEN_READWRITE,
                              options.busy_timeout_ms, c);
      !s.ok()) {
    return s;
  }
  int rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqlError(c->db, rc, path, what);
  return absl::OkStatus();
}

// Non-zero once a dump was added (its row stays when `index remove` takes
// its documents).
constexpr const char* kWrittenRows =
    "SELECT EXISTS(SELECT 1 FROM dump) OR EXISTS(SELECT 1 FROM doc)";

// Gives the index at `path` this scan's `params` if no dump was ever added
// to it: its first scan failed after creating it (nothing readable in the
// dump, a report that could not be written), so nothing in it was made with
// its parameters, and refusing the next scan's would make a user delete it
// by hand (deleting it on failure instead could remove a file another scan
// had just created and was filling). Returns false, changing nothing, if a
// dump was added.
absl::StatusOr<bool> AdoptParamsIfNeverWritten(const std::string& path,
                                               const IndexOptions& options,
                                               const IndexParams& params) {
  Connection c;
  if (auto s = OpenForWrite(path, options, "starting to write", &c); !s.ok()) {
    return s;
  }
  auto rollback = [&] {
    sqlite3_exec(c.db, "ROLLBACK", nullptr, nullptr, nullptr);
  };
  absl::StatusOr<int64_t> dumps = QueryInt(c.db, path, kWrittenRows);
  if (!dumps.ok() || *dumps != 0) {
    rollback();
    if (!dumps.ok()) return dumps.status();
    return false;
  }
  for (const auto& [k, v] : params.Entries()) {
    if (auto s = SetMetaOn(c.db, path, k, v); !s.ok()) {
      rollback();
      return s;
    }
  }
  if (auto s = refrain::Exec(c.db, path, "COMMIT"); !s.ok()) {
    rollback();
    return s;
  }
  return true;
}

}  // namespace

absl::StatusOr<Index> Index::Open(const std::string& path,
                                  const IndexOptions& options,
                                  const IndexParams* params) {
  if (path.empty()) return absl::InvalidArgumentError("empty index path");
  if (options.busy_timeout_ms < 0) {
    return absl::InvalidArgumentError("busy timeout must be >= 0");
  }
  if (options.merge_min_documents < 1) {
    return absl::InvalidArgumentError("merge_min_documents must be >= 1");
  }
  struct stat st;
  const bool exists = stat(path.c_str(), &st) == 0;
  if (exists && !S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": not a regular file"));
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->options = options;
  const bool fresh = !exists || st.st_size == 0;
  if (fresh) {
    if (!options.create || options.read_only || params == nullptr) {
      return absl::NotFoundError(absl::StrCat(
          path, exists ? ": empty file, not an index" : ": no such index"));
    }
    // The directory is not created: a mistyped archive path would otherwise
    // start an empty index, and every document would look new.
    const std::filesystem::path dir =
        std::filesystem::absolute(path).parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      return absl::NotFoundError(absl::StrCat(
          path, ": cannot create the index: no directory ", dir.string(),
          " (refrain creates the index file, not its directory)"));
    }
    if (auto s = CreateIndexFile(path, exists, options, *params); !s.ok()) {
      return s;
    }
  }
  if (!options.read_only) {
    // Only a scan creates (`index remove` writes too, and a scan is no
    // way around it there).
    if (auto s = CheckWritable(
            path, options.create
                      ? "scan --index-read-only compares with it without adding"
                      : "removing documents needs a user who can write the "
                        "file, its directory and any -wal and -shm beside it");
        !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<IndexParams> stored = Verify(path, options);
  if (!stored.ok()) return stored.status();
  if (params != nullptr) {
    if (auto s = CheckSameParams(path, *stored, *params); !s.ok()) {
      if (options.read_only || !options.create) return s;
      absl::StatusOr<bool> adopted =
          AdoptParamsIfNeverWritten(path, options, *params);
      if (!adopted.ok()) return adopted.status();
      if (!*adopted) return s;
      stored = Verify(path, options);
      if (!stored.ok()) return stored.status();
    }
  }
  impl->params = *stored;

  Connection c;
  const int flags =
      options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (auto s = OpenConnection(path, flags, options.busy_timeout_ms, &c);
      !s.ok()) {
    return s;
  }
  // FULL: a committed dump survives a power cut too. 64 MB page cache; a
  // temporary table (Remove) stays in memory.
  if (auto s = refrain::Exec(c.db, path,
                             "PRAGMA synchronous=FULL; "
                             "PRAGMA cache_size=-65536; "
                             "PRAGMA temp_store=MEMORY; "
                             "PRAGMA journal_size_limit=67108864");
      !s.ok()) {
    return s;
  }
  impl->immutable_at = c.immutable_at;
  impl->db = c.release();
  return Index(std::move(impl));
}

absl::Status Index::BeginWrite() {
  if (impl_->in_write) return absl::FailedPreconditionError("already writing");
  if (impl_->options.read_only) {
    return absl::FailedPreconditionError("index opened read-only");
  }
  return impl_->Begin();
}

absl::Status Index::Commit() {
  if (!impl_->in_write) return absl::FailedPreconditionError("not writing");
  return impl_->Commit();
}

absl::Status Index::BeginRead() {
  if (impl_->in_write || impl_->in_read) {
    return absl::FailedPreconditionError("already in a transaction");
  }
  if (auto s = impl_->ReopenIfImmutable(); !s.ok()) return s;
  if (auto s = impl_->Exec("BEGIN"); !s.ok()) return s;
  impl_->in_read = true;
  if (auto s = impl_->CheckVersionUnchanged(); !s.ok()) {
    impl_->in_read = false;
    impl_->Exec("ROLLBACK").IgnoreError();
    return s;
  }
  return absl::OkStatus();
}

absl::Status Index::EndRead() {
  if (!impl_->in_read) return absl::FailedPreconditionError("not reading");
  impl_->in_read = false;
  if (auto s = impl_->Exec("COMMIT"); !s.ok()) return s;
  return CheckNotWrittenSince(impl_->path, impl_->immutable_at);
}

absl::StatusOr<uint64_t> Index::CountDocuments() const {
  absl::StatusOr<int64_t> n =
      QueryInt(impl_->db, impl_->path, "SELECT count(*) FROM doc");
  if (!n.ok()) return n.status();
  return static_cast<uint64_t>(*n);
}

absl::StatusOr<bool> Index::NeverWritten() const {
  absl::StatusOr<int64_t> n = QueryInt(impl_->db, impl_->path, kWrittenRows);
  if (!n.ok()) return n.status();
  return *n == 0;
}

absl::StatusOr<std::vector<int64_t>> Index::FindIds(
    std::span<const std::string> ids) const {
  absl::StatusOr<Stmt> st = impl_->Prepare("SELECT num FROM doc WHERE id = ?1");
  if (!st.ok()) return st.status();
  std::vector<int64_t> out(ids.size(), 0);
  for (size_t i = 0; i < ids.size(); ++i) {
    st->BindText(1, ids[i]);
    absl::StatusOr<bool> row = st->Step();
    if (!row.ok()) {
      st->Reset();
      return row.status();
    }
    if (*row) out[i] = st->Int(0);
    st->Reset();
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> Index::NamesOf(std::string_view id,
                                                        size_t limit) const {
  const std::string ids[] = {std::string(id)};
  absl::StatusOr<std::vector<std::vector<IndexedName>>> family =
      FindIdFamilies(ids, limit);
  if (!family.ok()) return family.status();
  std::vector<std::string> out;
  for (IndexedName& n : (*family)[0]) {
    if (n.id != id) out.push_back(std::move(n.id));  // Not ID itself.
  }
  return out;
}

absl::StatusOr<std::vector<std::vector<IndexedName>>> Index::FindIdFamilies(
    std::span<const std::string> ids, size_t limit) const {
  absl::StatusOr<Stmt> st = impl_->Prepare(
      "SELECT id, num FROM doc WHERE id = ?1 UNION ALL SELECT * FROM (SELECT "
      "id, num FROM doc WHERE id > ?2 AND id < ?3 ORDER BY id LIMIT ?4)");
  if (!st.ok()) return st.status();
  std::vector<std::vector<IndexedName>> out(ids.size());
  std::string from, to;
  for (size_t i = 0; i < ids.size(); ++i) {
    from = ids[i] + "#";  // ID#... sorts between "ID#" and "ID$".
    to = ids[i] + "$";
    st->BindText(1, ids[i]).BindText(2, from).BindText(3, to).Bind(
        4, static_cast<int64_t>(limit));
    for (;;) {
      absl::StatusOr<bool> row = st->Step();
      if (!row.ok()) {
        st->Reset();
        return row.status();
      }
      if (!*row) break;
      out[i].push_back(IndexedName{st->Text(0), st->Int(1)});
    }
    st->Reset();
  }
  return out;
}

absl::StatusOr<std::vector<int64_t>> Index::FindDocuments(
    std::span<const uint64_t> band_keys, uint32_t max_bucket) const {
  const uint32_t bands = impl_->params.lsh.bands;
  if (bands == 0 || band_keys.size() % bands != 0) {
    return absl::InvalidArgumentError("band keys: not n x bands");
  }
  return impl_->LookupBands(
      "SELECT doc FROM doc_band WHERE band = ?1 AND key = ?2 UNION ALL "
      "SELECT doc FROM doc_band_delta WHERE band = ?1 AND key = ?2 "
      "ORDER BY 1 LIMIT ?3",
      band_keys, bands, max_bucket);
}

absl::StatusOr<std::vector<IndexedUnit>> Index::FindUnits(
    std::span<const uint64_t> unit_band_keys, uint32_t max_bucket) const {
  const uint32_t bands = impl_->params.claim_lsh.bands;
  if (!impl_->params.claims || bands == 0 ||
      unit_band_keys.size() % bands != 0) {
    return absl::InvalidArgumentError("unit band keys: not n x claim bands");
  }
  std::vector<std::pair<int64_t, uint32_t>> found_by;  // (unit, new unit)
  absl::StatusOr<std::vector<int64_t>> nums = impl_->LookupBands(
      "SELECT unit FROM unit_band WHERE band = ?1 AND key = ?2 UNION ALL "
      "SELECT unit FROM unit_band_delta WHERE band = ?1 AND key = ?2 "
      "ORDER BY 1 LIMIT ?3",
      unit_band_keys, bands, max_bucket, &found_by);
  if (!nums.ok()) return nums.status();
  std::sort(found_by.begin(), found_by.end());
  found_by.erase(std::unique(found_by.begin(), found_by.end()), found_by.end());
  absl::StatusOr<Stmt> st =
      impl_->Prepare("SELECT doc, kind, begin, end FROM unit WHERE num = ?1");
  if (!st.ok()) return st.status();
  std::vector<IndexedUnit> units;
  units.reserve(nums->size());
  auto by = found_by.begin();
  for (int64_t u : *nums) {
    std::vector<uint32_t> rows;
    for (; by != found_by.end() && by->first == u; ++by) {
      rows.push_back(by->second);
    }
    absl::StatusOr<bool> row = st->StepKey(u);
    if (!row.ok()) return row.status();
    if (*row) {
      const int64_t kind = st->Int(1), begin = st->Int(2), end = st->Int(3);
      // A damaged row (SQLite's own checks pass it) would quote past the
      // text, or be read as a kind no unit has.
      if (kind < 0 || kind > static_cast<int64_t>(UnitKind::kQuote) ||
          begin < 0 || begin > end ||
          end > std::numeric_limits<uint32_t>::max()) {
        st->Reset();
        return absl::DataLossError(
            absl::StrCat(impl_->path, ": corrupt index (claim unit row ", u,
                         ": kind ", kind, ", bytes ", begin, "..", end, ")"));
      }
      IndexedUnit iu;
      iu.doc = st->Int(0);
      iu.unit.kind = static_cast<UnitKind>(kind);
      iu.unit.span = {static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
      iu.found_by = std::move(rows);
      units.push_back(std::move(iu));
    }
    st->Reset();
  }
  return units;
}

absl::StatusOr<std::vector<std::string>> Index::LoadTexts(
    std::span<const int64_t> rows) const {
  absl::StatusOr<Stmt> st =
      impl_->Prepare("SELECT text FROM doc WHERE num = ?1");
  if (!st.ok()) return st.status();
  std::vector<std::string> texts(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    absl::StatusOr<bool> row = st->StepKey(rows[i]);
    if (!row.ok()) return row.status();
    if (*row) texts[i] = st->Text(0);
    st->Reset();
  }
  return texts;
}

absl::StatusOr<std::vector<IndexedVersion>> Index::LoadVersions(
    std::span<const int64_t> rows) const {
  absl::StatusOr<Stmt> st = impl_->Prepare(
      "SELECT text, source, title, url, date, kept, id FROM doc WHERE num = "
      "?1");
  if (!st.ok()) return st.status();
  // The hashes a table of superseded versions holds for an id, if the
  // index has the table.
  struct History {
    std::optional<Stmt> st;
    absl::Status Open(const Impl& im, const char* has, const char* select) {
      absl::StatusOr<int64_t> n = QueryInt(im.db, im.path, has);
      if (!n.ok()) return n.status();
      if (*n == 0) return absl::OkStatus();
      absl::StatusOr<Stmt> q = im.Prepare(select);
      if (!q.ok()) return q.status();
      st.emplace(*std::move(q));
      return absl::OkStatus();
    }
    absl::Status Read(const std::string& id, std::vector<uint64_t>* out) {
      if (!st) return absl::OkStatus();
      st->BindText(1, id);
      for (;;) {
        absl::StatusOr<bool> more = st->Step();
        if (!more.ok()) {
          st->Reset();
          return more.status();
        }
        if (!*more) break;
        out->push_back(static_cast<uint64_t>(st->Int(0)));
      }
      st->Reset();
      return absl::OkStatus();
    }
  };
  History superseded, superseded_meta;
  if (auto s = superseded.Open(*impl_, kHasSuperseded,
                               "SELECT hash FROM superseded WHERE id = ?1");
      !s.ok()) {
    return s;
  }
  if (auto s = superseded_meta.Open(
          *impl_, kHasSupersededMeta,
          "SELECT hash FROM superseded_meta WHERE id = ?1");
      !s.ok()) {
    return s;
  }
  std::vector<IndexedVersion> out(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    absl::StatusOr<bool> row = st->StepKey(rows[i]);
    if (!row.ok()) return row.status();
    if (!*row) {
      st->Reset();
      return absl::DataLossError(
          absl::StrCat(impl_->path, ": document row ", rows[i], " vanished"));
    }
    IndexedVersion& v = out[i];
    v.text = st->Text(0);
    v.source = st->Text(1);
    v.title = st->Text(2);
    v.url = st->Text(3);
    v.date = st->Text(4);
    v.kept = st->Int(5) != 0;
    const std::string id = st->Text(6);
    st->Reset();
    if (auto s = superseded.Read(id, &v.superseded); !s.ok()) return s;
    if (auto s = superseded_meta.Read(id, &v.superseded_metadata); !s.ok()) {
      return s;
    }
  }
  return out;
}

namespace {

// Keeps, through `keep` (INSERT INTO superseded_meta(id, hash)), each value
// of `old` (source, title, URL, date) that `now` replaces: one it carries
// (not lacking) and that is another value (SameMetadataValue).
absl::Status KeepReplacedMetadata(Stmt& keep, const Document& now,
                                  const std::array<std::string, 4>& old) {
  using internal::MetadataField;
  const auto given = internal::MetadataOf(now);
  for (size_t f = 0; f < given.size(); ++f) {
    const auto field = static_cast<MetadataField>(f);
    if (absl::StripAsciiWhitespace(old[f]).empty() ||
        absl::StripAsciiWhitespace(*given[f]).empty() ||
        internal::SameMetadataValue(field, old[f], *given[f])) {
      continue;
    }
    const auto h =
        static_cast<int64_t>(internal::HashMetadataValue(field, old[f]));
    if (auto s = keep.BindText(1, now.id).Bind(2, h).Run(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Index::CorrectMetadata(std::span<const int64_t> rows,
                                    std::span<const Document* const> docs) {
  Impl& im = *impl_;
  if (!im.in_write) {
    return absl::FailedPreconditionError("CorrectMetadata without BeginWrite");
  }
  if (rows.size() != docs.size()) {
    return absl::InvalidArgumentError("CorrectMetadata: inconsistent arrays");
  }
  if (rows.empty()) return absl::OkStatus();
  static constexpr std::string_view kSpaces = " \t\n\v\f\r";
  if (auto s = im.Exec(kSupersededMetaTable); !s.ok()) return s;
  absl::StatusOr<Stmt> was = im.Prepare(
      "SELECT source, title, url, date FROM doc WHERE num = ?1 AND id = ?2");
  if (!was.ok()) return was.status();
  absl::StatusOr<Stmt> keep = im.Prepare(
      "INSERT OR IGNORE INTO superseded_meta(id, hash) VALUES(?1, ?2)");
  if (!keep.ok()) return keep.status();
  absl::StatusOr<Stmt> st = im.Prepare(
      // A field of whitespace (absl::ascii_isspace's) is one the record
      // lacks, as the scan reads it (review 44c-07).
      "UPDATE doc SET source = coalesce(nullif(trim(?3, ?7), ''), source), "
      "title = coalesce(nullif(trim(?4, ?7), ''), title), "
      "url = coalesce(nullif(trim(?5, ?7), ''), url), "
      "date = coalesce(nullif(trim(?6, ?7), ''), date) WHERE num = ?1 AND "
      "id = ?2");
  if (!st.ok()) return st.status();
  for (size_t i = 0; i < rows.size(); ++i) {
    const Document& d = *docs[i];
    absl::StatusOr<bool> row = was->Bind(1, rows[i]).BindText(2, d.id).Step();
    if (!row.ok()) {
      was->Reset();
      return row.status();
    }
    if (*row) {
      const std::array<std::string, 4> old = {was->Text(0), was->Text(1),
                                              was->Text(2), was->Text(3)};
      was->Reset();
      if (auto s = KeepReplacedMetadata(*keep, d, old); !s.ok()) return s;
    } else {
      was->Reset();  // Not indexed: the update below says so.
    }
    st->Bind(1, rows[i])
        .BindText(2, d.id)
        .BindText(3, d.source)
        .BindText(4, d.title)
        .BindText(5, d.url)
        .BindText(6, d.date)
        .BindText(7, kSpaces);
    if (auto s = st->Run(); !s.ok()) return s;
    if (sqlite3_changes(im.db) != 1) {
      return absl::DataLossError(
          absl::StrCat(im.path, ": document row ", rows[i],
                       " is not indexed under id ", d.id));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint32_t>> Index::LoadSignatures(
    std::span<const int64_t> rows) const {
  absl::StatusOr<Stmt> st =
      impl_->Prepare("SELECT signature FROM doc WHERE num = ?1");
  if (!st.ok()) return st.status();
  const uint32_t k = impl_->params.num_perm;
  std::vector<uint32_t> out;
  out.reserve(rows.size() * k);
  for (int64_t r : rows) {
    absl::StatusOr<bool> row = st->StepKey(r);
    if (!row.ok()) return row.status();
    std::vector<uint32_t> sig;
    const bool whole = *row && st->Words(0, &sig);
    st->Reset();
    if (!whole || sig.size() != k) {
      return absl::DataLossError(absl::StrCat(
          impl_->path, ": corrupt index (signature of document row ", r, ")"));
    }
    out.insert(out.end(), sig.begin(), sig.end());
  }
  return out;
}

absl::StatusOr<std::vector<IndexedDocument>> Index::LoadDocuments(
    std::span<const int64_t> rows) const {
  absl::StatusOr<Stmt> st = impl_->Prepare(
      "SELECT d.id, d.location, d.source, d.title, d.url, d.date, d.bytes, "
      "d.invalid_utf8, d.text, d.signature, d.fingerprints, d.dump, m.name, "
      "m.added_at, d.kept FROM doc d JOIN dump m ON m.seq = d.dump WHERE d.num "
      "= ?1");
  if (!st.ok()) return st.status();
  std::vector<IndexedDocument> out;
  out.reserve(rows.size());
  for (int64_t r : rows) {
    absl::StatusOr<bool> row = st->StepKey(r);
    if (!row.ok()) return row.status();
    if (!*row) {
      st->Reset();
      return absl::DataLossError(
          absl::StrCat(impl_->path, ": document row ", r, " vanished"));
    }
    IndexedDocument d;
    d.row = r;
    d.doc.id = st->Text(0);
    d.doc.location = st->Text(1);
    d.doc.source = st->Text(2);
    d.doc.title = st->Text(3);
    d.doc.url = st->Text(4);
    d.doc.date = st->Text(5);
    d.doc.input_bytes = static_cast<uint64_t>(st->Int(6));
    d.doc.invalid_utf8 = static_cast<uint32_t>(st->Int(7));
    d.doc.text = st->Text(8);
    d.doc.text_bytes = d.doc.text.size();
    d.doc.record_hash = internal::HashRecord(d.doc.text, d.doc.title, d.doc.url,
                                             d.doc.date, d.doc.source);
    const bool whole =
        st->Words(9, &d.signature) && st->Words(10, &d.fingerprints);
    d.dump_seq = static_cast<uint64_t>(st->Int(11));
    d.dump_name = st->Text(12);
    d.dump_time = st->Text(13);
    d.kept = st->Int(14) != 0;
    st->Reset();
    if (!whole || d.signature.size() != impl_->params.num_perm ||
        !std::is_sorted(d.fingerprints.begin(), d.fingerprints.end())) {
      return absl::DataLossError(absl::StrCat(
          impl_->path,
          ": corrupt index (signature or fingerprints of document ", d.doc.id,
          ")"));
    }
    out.push_back(std::move(d));
  }
  return out;
}

absl::StatusOr<IdfTable> Index::LoadIdf(
    std::span<const std::string> stems) const {
  absl::StatusOr<int64_t> units = impl_->Meta("idf_units");
  if (!units.ok()) return units.status();
  absl::StatusOr<Stmt> st =
      impl_->Prepare("SELECT df FROM stem_df WHERE stem = ?1");
  if (!st.ok()) return st.status();
  std::vector<std::pair<std::string, uint64_t>> df;
  for (const std::string& s : stems) {
    st->BindText(1, s);
    absl::StatusOr<bool> row = st->Step();
    if (!row.ok()) {
      st->Reset();
      return row.status();
    }
    if (*row) df.emplace_back(s, static_cast<uint64_t>(st->Int(0)));
    st->Reset();
  }
  return IdfTable::FromCounts(static_cast<uint64_t>(*units), df);
}

absl::StatusOr<std::vector<char>> Index::CountedTexts(
    std::span<const UnitTermsKey> keys) const {
  absl::StatusOr<Stmt> st = impl_->Prepare(
      "SELECT units FROM unit_text WHERE low = ?1 AND high = ?2");
  if (!st.ok()) return st.status();
  std::vector<char> counted(keys.size(), 0);
  for (size_t i = 0; i < keys.size(); ++i) {
    absl::StatusOr<int64_t> held = StepUnitText(*st, keys[i]);
    if (!held.ok()) return held.status();
    counted[i] = *held > 0 ? 1 : 0;
  }
  return counted;
}

absl::StatusOr<AddDumpResult> Index::AddDump(const DumpToAdd& dump) {
  Impl& im = *impl_;
  if (!im.in_write)
    return absl::FailedPreconditionError("AddDump without BeginWrite");
  const IndexParams& p = im.params;
  const size_t n = dump.docs.size();
  if (dump.signatures.size() != n * p.num_perm ||
      dump.fingerprints.size() != n ||
      dump.unit_band_keys.size() != dump.units.size() * p.claim_lsh.bands ||
      dump.unit_stems.size() != dump.units.size() ||
      dump.unit_keys.size() != dump.units.size() ||
      (!p.claims && !dump.units.empty()) ||
      (!dump.replaces.empty() && dump.replaces.size() != n)) {
    return absl::InvalidArgumentError("AddDump: inconsistent arrays");
  }
  AddDumpResult result;
  if (n == 0) return result;

  // Numbers are taken before the replaced versions go, and units are
  // numbered past every number a unit ever had: the band rows of replaced
  // units stay (see DeleteGone), and must not come to point at new ones.
  absl::StatusOr<int64_t> max_doc =
      QueryInt(im.db, im.path, "SELECT coalesce(max(num), 0) FROM doc");
  if (!max_doc.ok()) return max_doc.status();
  absl::StatusOr<int64_t> max_unit =
      QueryInt(im.db, im.path, "SELECT coalesce(max(num), 0) FROM unit");
  if (!max_unit.ok()) return max_unit.status();
  // Numbered after the last document's range too: `index upgrade` drops
  // units too short with today's terms, and a range ending in such a hole
  // would otherwise take in the next dump's first units, which `index
  // remove` of that document then deleted. Ranges ascend with `num`.
  absl::StatusOr<int64_t> last_range = QueryInt(
      im.db, im.path,
      "SELECT first_unit + units - 1 FROM doc ORDER BY num DESC LIMIT 1");
  if (!last_range.ok()) return last_range.status();
  absl::StatusOr<int64_t> unit_high = im.Meta("unit_high");
  if (!unit_high.ok()) return unit_high.status();
  int64_t next_unit = std::max({*max_unit, *last_range, *unit_high}) + 1;

  // The replaced versions' kept flags, then the versions themselves.
  std::vector<char> kept(n, 1);
  for (size_t i = 0; i < n; ++i) {
    kept[i] = dump.kept.empty() || dump.kept[i] != 0;
  }
  if (std::any_of(dump.replaces.begin(), dump.replaces.end(),
                  [](int64_t r) { return r != 0; })) {
    if (auto s = im.StartGone(); !s.ok()) return s;
    absl::StatusOr<Stmt> old = im.Prepare(
        "SELECT kept, text, source, title, url, date FROM doc WHERE num = ?1 "
        "AND id = ?2");
    if (auto s = im.Exec(kSupersededTable); !s.ok()) return s;
    if (auto s = im.Exec(kSupersededMetaTable); !s.ok()) return s;
    absl::StatusOr<Stmt> keep_meta = im.Prepare(
        "INSERT OR IGNORE INTO superseded_meta(id, hash) VALUES(?1, ?2)");
    if (!keep_meta.ok()) return keep_meta.status();
    absl::StatusOr<Stmt> keep_text =
        im.Prepare("INSERT OR IGNORE INTO superseded(id, hash) VALUES(?1, ?2)");
    if (!keep_text.ok()) return keep_text.status();
    absl::StatusOr<Stmt> gone = im.Prepare("INSERT INTO gone(num) VALUES(?1)");
    if (!old.ok()) return old.status();
    if (!gone.ok()) return gone.status();
    for (size_t i = 0; i < n; ++i) {
      if (dump.replaces[i] == 0) continue;
      old->Bind(1, dump.replaces[i]).BindText(2, dump.docs[i]->id);
      absl::StatusOr<bool> row = old->Step();
      if (!row.ok()) {
        old->Reset();
        return row.status();
      }
      if (!*row) {
        old->Reset();
        return absl::InvalidArgumentError(absl::StrCat(
            "AddDump: document ", dump.docs[i]->id, " replaces row ",
            dump.replaces[i], ", which is not indexed under its id"));
      }
      // Kept before, or now (an edit of one left out that a near-duplicate
      // no longer covers).
      kept[i] = kept[i] || old->Int(0) != 0;
      const auto replaced_text =
          static_cast<int64_t>(internal::HashUpToWhitespace(old->Text(1)));
      const std::array<std::string, 4> replaced_meta = {
          old->Text(2), old->Text(3), old->Text(4), old->Text(5)};
      old->Reset();
      // An edit that also changed the headline (or date, URL, source)
      // replaced those too (review 47b-04).
      if (auto s =
              KeepReplacedMetadata(*keep_meta, *dump.docs[i], replaced_meta);
          !s.ok()) {
        return s;
      }
      if (auto s = keep_text->BindText(1, dump.docs[i]->id)
                       .Bind(2, replaced_text)
                       .Run();
          !s.ok()) {
        return s;
      }
      if (auto s = gone->Bind(1, dump.replaces[i]).Run(); !s.ok()) return s;
    }
    std::optional<TermAnalyzer> analyzer;
    if (p.claims) {
      absl::StatusOr<TermAnalyzer> a =
          TermAnalyzer::Create(TermAnalyzerOptions{p.language});
      if (!a.ok()) return a.status();
      analyzer = *std::move(a);
    }
    RemoveResult removed;
    if (auto s = im.DeleteGone(analyzer ? &*analyzer : nullptr,
                               /*scan_band_tables=*/false, &removed);
        !s.ok()) {
      return s;
    }
    result.replaced = removed.documents;
  }

  absl::StatusOr<Stmt> ins_dump = im.Prepare(
      "INSERT INTO dump(name, added_at, documents) VALUES(?1, ?2, ?3)");
  if (!ins_dump.ok()) return ins_dump.status();
  const std::string now = NowUtc();
  if (auto s = ins_dump->BindText(1, dump.name)
                   .BindText(2, now)
                   .Bind(3, static_cast<int64_t>(n))
                   .Run();
      !s.ok()) {
    return s;
  }
  result.dump_seq = static_cast<uint64_t>(sqlite3_last_insert_rowid(im.db));

  absl::StatusOr<Stmt> ins_doc = im.Prepare(
      "INSERT INTO doc(num, id, dump, location, source, title, url, date, "
      "bytes, invalid_utf8, text, signature, fingerprints, first_unit, units, "
      "kept) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
      "?14, ?15, ?16)");
  if (!ins_doc.ok()) return ins_doc.status();
  absl::StatusOr<Stmt> ins_unit = im.Prepare(
      "INSERT INTO unit(num, doc, kind, begin, end) VALUES(?1, ?2, ?3, ?4, "
      "?5)");
  if (!ins_unit.ok()) return ins_unit.status();
  // How many units hold the text now: 1 for a text new to the index.
  absl::StatusOr<Stmt> add_text = im.Prepare(kAddUnitText);
  if (!add_text.ok()) return add_text.status();
  int64_t new_texts = 0;

  std::vector<BandRow> doc_bands, unit_bands;
  doc_bands.reserve(n * p.lsh.bands);
  unit_bands.reserve(dump.unit_band_keys.size());
  absl::flat_hash_map<std::string_view, int64_t, internal::ViewHash>
      df;        // Views of unit_stems.
  size_t u = 0;  // Next unit of dump.units.
  for (size_t i = 0; i < n; ++i) {
    const Document& d = *dump.docs[i];
    const int64_t num = *max_doc + 1 + static_cast<int64_t>(i);
    std::span<const uint32_t> sig = std::span<const uint32_t>(dump.signatures)
                                        .subspan(i * p.num_perm, p.num_perm);
    size_t first = u;
    while (u < dump.units.size() && dump.units[u].doc == i) ++u;
    const int64_t first_unit = next_unit;
    ins_doc->Bind(1, num)
        .BindText(2, d.id)
        .Bind(3, static_cast<int64_t>(result.dump_seq))
        .BindText(4, d.location)
        .BindText(5, d.source)
        .BindText(6, d.title)
        .BindText(7, d.url)
        .BindText(8, d.date)
        .Bind(9, static_cast<int64_t>(d.input_bytes))
        .Bind(10, d.invalid_utf8)
        .BindText(11, d.text)
        .BindWords(12, sig)
        .BindWords(13, dump.fingerprints[i])
        .Bind(14, first_unit)
        .Bind(15, static_cast<int64_t>(u - first))
        .Bind(16, int64_t{kept[i] != 0});
    if (auto s = ins_doc->Run(); !s.ok()) return s;
    for (uint32_t b = 0; b < p.lsh.bands; ++b) {
      doc_bands.push_back({b, BandKey(sig, p.lsh, b), num});
    }
    for (size_t k = first; k < u; ++k) {
      const ClaimUnit& cu = dump.units[k];
      ins_unit->Bind(1, next_unit)
          .Bind(2, num)
          .Bind(3, static_cast<int64_t>(cu.kind))
          .Bind(4, cu.span.begin)
          .Bind(5, cu.span.end);
      if (auto s = ins_unit->Run(); !s.ok()) return s;
      for (uint32_t b = 0; b < p.claim_lsh.bands; ++b) {
        unit_bands.push_back(
            {b, dump.unit_band_keys[k * p.claim_lsh.bands + b], next_unit});
      }
      absl::StatusOr<int64_t> held = StepUnitText(*add_text, dump.unit_keys[k]);
      if (!held.ok()) return held.status();
      if (*held == 1) {
        ++new_texts;
        for (std::string_view stem : dump.unit_stems[k]) ++df[stem];
      }
      ++next_unit;
    }
  }
  if (u != dump.units.size()) {
    return absl::InvalidArgumentError("AddDump: units not ordered by doc");
  }
  result.documents = n;
  result.units = dump.units.size();
  if (result.replaced > 0 || *unit_high > 0) {
    if (auto s = im.SetMeta("unit_high", absl::StrCat(next_unit - 1));
        !s.ok()) {
      return s;
    }
  }

  // Band rows and stems in key order: each B-tree page is visited about once.
  std::sort(doc_bands.begin(), doc_bands.end());
  if (auto s = InsertBandRows(im.db, im.path, "doc_band_delta(band, key, doc)",
                              doc_bands);
      !s.ok()) {
    return s;
  }
  std::sort(unit_bands.begin(), unit_bands.end());
  if (auto s = InsertBandRows(im.db, im.path,
                              "unit_band_delta(band, key, unit)", unit_bands);
      !s.ok()) {
    return s;
  }
  {
    absl::StatusOr<int64_t> delta = im.Meta("delta_documents");
    if (!delta.ok()) return delta.status();
    const int64_t in_delta = *delta + static_cast<int64_t>(n);
    // The highest row number now, the size of the index as far as the rule
    // goes (documents removed since leave gaps, and merges come later).
    const int64_t total = *max_doc + static_cast<int64_t>(n);
    if (in_delta >= static_cast<int64_t>(im.options.merge_min_documents) &&
        in_delta * kMergeFraction > total) {
      if (auto s = im.MergeDelta(); !s.ok()) return s;
      result.merged_delta = true;
    } else if (auto s = im.SetMeta("delta_documents", absl::StrCat(in_delta));
               !s.ok()) {
      return s;
    }
  }
  {
    // The band rows of replaced units (see DeleteGone) go in one pass over
    // the unit band tables once they are an eighth of the units ever
    // numbered: the tables stay within about 1/8 of their size for a feed
    // that re-delivers edits, at about 8 row visits per row purged.
    absl::StatusOr<int64_t> stale = im.Meta("stale_units");
    if (!stale.ok()) return stale.status();
    if (*stale > 0 && *stale * kMergeFraction > next_unit - 1) {
      if (auto s = im.PurgeStaleUnitBands(); !s.ok()) return s;
    }
  }
  std::vector<std::pair<std::string_view, int64_t>> stems(df.begin(), df.end());
  std::sort(stems.begin(), stems.end());
  absl::StatusOr<Stmt> up = im.Prepare(
      "INSERT INTO stem_df(stem, df) VALUES(?1, ?2) "
      "ON CONFLICT(stem) DO UPDATE SET df = df + excluded.df");
  if (!up.ok()) return up.status();
  for (const auto& [stem, count] : stems) {
    if (auto s = up->BindText(1, stem).Bind(2, count).Run(); !s.ok()) return s;
  }
  absl::StatusOr<int64_t> units = im.Meta("idf_units");
  if (!units.ok()) return units.status();
  if (auto s = im.SetMeta("idf_units", absl::StrCat(*units + new_texts));
      !s.ok()) {
    return s;
  }
  return result;
}

absl::StatusOr<IndexStats> Index::Stats() const {
  const Impl& im = *impl_;
  // Its statements read one commit (a deferred BEGIN: a writer goes on),
  // or counts of one commit went beside dumps of the next.
  if (im.in_write || im.in_read) return StatsOfSnapshot();
  if (auto s = im.Exec("BEGIN"); !s.ok()) return s;
  absl::StatusOr<IndexStats> stats = StatsOfSnapshot();
  absl::Status end = im.Exec("COMMIT");
  if (!stats.ok()) return stats.status();
  if (!end.ok()) return end;
  return stats;
}

absl::StatusOr<IndexStats> Index::StatsOfSnapshot() const {
  const Impl& im = *impl_;
  IndexStats s;
  s.params = im.params;
  absl::StatusOr<int64_t> v = QueryInt(im.db, im.path, "PRAGMA user_version");
  if (!v.ok()) return v.status();
  s.schema_version = static_cast<int>(*v);
  struct {
    const char* sql;
    uint64_t* out;
  } counts[] = {
      {"SELECT count(*) FROM doc", &s.documents},
      {"SELECT count(*) FROM unit", &s.units},
      {"SELECT count(*) FROM unit_text", &s.texts},
      {"SELECT count(*) FROM stem_df", &s.stems},
      {"PRAGMA page_size", &s.page_size},
      {"PRAGMA page_count", &s.pages},
      {"PRAGMA freelist_count", &s.free_pages},
  };
  for (const auto& c : counts) {
    absl::StatusOr<int64_t> n = QueryInt(im.db, im.path, c.sql);
    if (!n.ok()) return n.status();
    *c.out = static_cast<uint64_t>(*n);
  }
  absl::StatusOr<Stmt> st = im.Prepare(
      "SELECT seq, name, added_at, (SELECT count(*) FROM doc WHERE dump = "
      "seq) FROM dump ORDER BY seq");
  if (!st.ok()) return st.status();
  for (;;) {
    absl::StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    s.dumps.push_back({static_cast<uint64_t>(st->Int(0)), st->Text(1),
                       st->Text(2), static_cast<uint64_t>(st->Int(3))});
  }
  s.file_bytes = FileSize(im.path);
  s.wal_bytes = FileSize(im.path + "-wal");
  absl::StatusOr<int64_t> delta = im.Meta("delta_documents");
  if (!delta.ok()) return delta.status();
  s.delta_documents = static_cast<uint64_t>(*delta);
  absl::StatusOr<int64_t> stale = im.Meta("stale_units");
  if (!stale.ok()) return stale.status();
  s.stale_units = static_cast<uint64_t>(*stale);
  if (auto c = CheckNotWrittenSince(im.path, im.immutable_at); !c.ok()) {
    return c;
  }
  return s;
}

absl::StatusOr<std::string> Index::IntegrityCheck() const {
  absl::StatusOr<Stmt> st = impl_->Prepare("PRAGMA integrity_check(20)");
  if (!st.ok()) return st.status();
  std::vector<std::string> lines;
  for (;;) {
    absl::StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    lines.push_back(st->Text(0));
  }
  if (auto s = CheckNotWrittenSince(impl_->path, impl_->immutable_at);
      !s.ok()) {
    return s;
  }
  return absl::StrJoin(lines, "\n");
}

namespace {

// Any older version -> this one, inside the caller's transaction: every
// claim unit's terms are derived again from its text and signed again (see
// kIndexSchemaVersion for what changed).
absl::Status DeriveClaimTermsAgain(sqlite3* db, const std::string& path,
                                   const IndexParams& params, int from_version,
                                   UpgradeResult* result) {
  std::optional<TermAnalyzer> analyzer;
  if (params.claims) {
    absl::StatusOr<TermAnalyzer> a =
        TermAnalyzer::Create(TermAnalyzerOptions{params.language});
    if (!a.ok()) return a.status();
    analyzer = *std::move(a);
  }
  if (auto s = refrain::Exec(
          db, path,
          from_version < 4 ? kUnitTextTable : "DELETE FROM unit_text");
      !s.ok()) {
    return s;
  }
  // Version 3's unit band keys were signed with counts of every unit, so
  // the frequent-stem cap left out other stems, and version 4's with the
  // stems of numbers as written: every unit's terms are derived again from
  // its text, and it is signed again, dump by dump, with the counts of
  // distinct texts a scan of that dump would have had (the earlier dumps'
  // and its own), and its rows go back to the table (main or delta) they
  // were in.
  absl::StatusOr<std::vector<int64_t>> delta_units =
      QueryInts(db, path, "SELECT DISTINCT unit FROM unit_band_delta");
  if (!delta_units.ok()) return delta_units.status();
  const absl::flat_hash_set<int64_t> in_delta(delta_units->begin(),
                                              delta_units->end());
  if (auto s = refrain::Exec(db, path,
                             "DELETE FROM unit_band; DELETE FROM "
                             "unit_band_delta; DELETE FROM stem_df");
      !s.ok()) {
    return s;
  }
  if (auto s = SetMetaOn(db, path, "stale_units", "0"); !s.ok()) return s;
  ClaimOptions sign;
  sign.seed = params.claim_seed;
  sign.bigrams = params.claim_bigrams;
  sign.frequent_stem_min_units = params.claim_frequent_stem_min_units;
  sign.frequent_stem_fraction = params.claim_frequent_stem_fraction;
  absl::StatusOr<std::vector<int64_t>> dumps =
      QueryInts(db, path, "SELECT seq FROM dump ORDER BY seq");
  if (!dumps.ok()) return dumps.status();
  absl::StatusOr<Stmt> add_text = Stmt::Prepare(db, path, kAddUnitText);
  absl::StatusOr<Stmt> docs = Stmt::Prepare(
      db, path,
      "SELECT text, first_unit, units, num FROM doc WHERE dump = ?1 ORDER BY "
      "num");
  if (!add_text.ok()) return add_text.status();
  if (!docs.ok()) return docs.status();
  absl::StatusOr<Stmt> drop_unit =
      Stmt::Prepare(db, path, "DELETE FROM unit WHERE num = ?1");
  if (!drop_unit.ok()) return drop_unit.status();
  const uint32_t min_words = params.claim_min_words != 0
                                 ? params.claim_min_words
                                 : ClaimOptions{}.min_content_words;
  std::vector<int64_t> too_short;
  IdfTable idf;  // Distinct texts so far.
  for (int64_t dump : *dumps) {
    std::vector<int64_t> nums;
    std::vector<TermList> stems;
    docs->Bind(1, dump);
    absl::StatusOr<uint64_t> visited =
        ForEachStoredUnit(db, path, *docs, analyzer ? &*analyzer : nullptr,
                          [&](int64_t num, const UnitTerms* t) -> absl::Status {
                            ++result->units;
                            if (t == nullptr) return absl::OkStatus();
                            if (t->stems.size() < min_words) {
                              too_short.push_back(num);
                              return absl::OkStatus();
                            }
                            absl::StatusOr<int64_t> held =
                                StepUnitText(*add_text, KeyOfTerms(*t));
                            if (!held.ok()) return held.status();
                            if (*held == 1) {
                              ++result->texts;
                              idf.AddStems(t->stems);
                            }
                            nums.push_back(num);
                            stems.push_back(t->stems);
                            return absl::OkStatus();
                          });
    docs->Reset();
    if (!visited.ok()) return visited.status();
    result->documents += *visited;
    // Fewer content words than a unit needs, once "1.3 million" is one
    // number: a scan would not make it a unit now. A range of a document's
    // units may have holes.
    for (int64_t num : too_short) {
      if (auto s = drop_unit->Bind(1, num).Run(); !s.ok()) return s;
    }
    result->units_dropped += too_short.size();
    too_short.clear();
    const std::vector<uint64_t> keys =
        ClaimBandKeys(stems, sign, params.claim_lsh, idf);
    std::vector<BandRow> main_rows, delta_rows;
    for (size_t u = 0; u < nums.size(); ++u) {
      std::vector<BandRow>& rows =
          in_delta.contains(nums[u]) ? delta_rows : main_rows;
      for (uint32_t b = 0; b < params.claim_lsh.bands; ++b) {
        rows.push_back({b, keys[u * params.claim_lsh.bands + b], nums[u]});
      }
    }
    std::sort(main_rows.begin(), main_rows.end());
    std::sort(delta_rows.begin(), delta_rows.end());
    if (auto s =
            InsertBandRows(db, path, "unit_band(band, key, unit)", main_rows);
        !s.ok()) {
      return s;
    }
    if (auto s = InsertBandRows(db, path, "unit_band_delta(band, key, unit)",
                                delta_rows);
        !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<Stmt> ins =
      Stmt::Prepare(db, path, "INSERT INTO stem_df(stem, df) VALUES(?1, ?2)");
  if (!ins.ok()) return ins.status();
  for (const auto& [stem, count] : idf.Counts()) {
    if (auto s =
            ins->BindText(1, stem).Bind(2, static_cast<int64_t>(count)).Run();
        !s.ok()) {
      return s;
    }
  }
  if (auto s = SetMetaOn(db, path, "idf_units", absl::StrCat(result->texts));
      !s.ok()) {
    return s;
  }
  // The units now held are those of min_words (for an index that did not
  // record it, the default assumed).
  if (params.claims) {
    if (auto s =
            SetMetaOn(db, path, "claim_min_words", absl::StrCat(min_words));
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// Version 7 reads a line break inside a sentence of hard-wrapped text as
// a space (internal::JoinWrappedRuns), and builds before it made the
// shingles of Thai, Lao, Khmer and Burmese text, Arabic and Hebrew marks
// and Turkish dotted capitals otherwise (2026-12-06): every document's
// signature and fingerprints are made again from its text, in batches of
// rows (read, sketched in parallel, written). Those of a document whose
// sketches come out otherwise are replaced, and its band rows go back to
// the table (main or delta) they were in; the others are left as they
// were.
absl::Status SignDocumentsAgain(sqlite3* db, const std::string& path,
                                const IndexParams& params,
                                UpgradeResult* result) {
  MinHashOptions mo;
  mo.num_perm = params.num_perm;
  mo.seed = params.seed;
  mo.algorithm = params.minhash == "classic"
                     ? MinHashAlgorithm::kClassic
                     : MinHashAlgorithm::kOnePermutation;
  const MinHasher hasher(mo);
  ShingleOptions so;
  so.size = params.shingle;
  absl::StatusOr<Stmt> rows = Stmt::Prepare(
      db, path,
      "SELECT num, text, signature, fingerprints FROM doc WHERE num > ?1 "
      "ORDER BY num LIMIT 4096");
  absl::StatusOr<Stmt> update = Stmt::Prepare(
      db, path,
      "UPDATE doc SET signature = ?2, fingerprints = ?3 WHERE num = ?1");
  absl::StatusOr<Stmt> del_main = Stmt::Prepare(
      db, path,
      "DELETE FROM doc_band WHERE band = ?1 AND key = ?2 AND doc = ?3");
  absl::StatusOr<Stmt> del_delta = Stmt::Prepare(
      db, path,
      "DELETE FROM doc_band_delta WHERE band = ?1 AND key = ?2 AND doc = ?3");
  absl::StatusOr<Stmt> ins_main = Stmt::Prepare(
      db, path,
      "INSERT OR IGNORE INTO doc_band(band, key, doc) VALUES(?1, ?2, ?3)");
  absl::StatusOr<Stmt> ins_delta = Stmt::Prepare(
      db, path,
      "INSERT OR IGNORE INTO doc_band_delta(band, key, doc) VALUES(?1, ?2, "
      "?3)");
  for (const absl::StatusOr<Stmt>* st :
       {&rows, &update, &del_main, &del_delta, &ins_main, &ins_delta}) {
    if (!st->ok()) return st->status();
  }
  struct Row {
    int64_t num = 0;
    std::string text;
    std::vector<uint32_t> signature, fingerprints;
    std::vector<uint32_t> new_signature, new_fingerprints;
  };
  std::vector<Row> batch;
  int64_t after = 0;
  for (;;) {
    batch.clear();
    rows->Bind(1, after);
    for (;;) {
      absl::StatusOr<bool> row = rows->Step();
      if (!row.ok()) {
        rows->Reset();
        return row.status();
      }
      if (!*row) break;
      Row& r = batch.emplace_back();
      r.num = rows->Int(0);
      r.text = rows->Text(1);
      if (!rows->Words(2, &r.signature) ||
          r.signature.size() != params.num_perm ||
          !rows->Words(3, &r.fingerprints)) {
        rows->Reset();
        return absl::DataLossError(absl::StrCat(
            path, ": corrupt index (sketches of document row ", r.num, ")"));
      }
    }
    rows->Reset();
    if (batch.empty()) return absl::OkStatus();
    after = batch.back().num;
#pragma omp parallel for schedule(dynamic, 16)
    for (int64_t i = 0; i < static_cast<int64_t>(batch.size()); ++i) {
      Row& r = batch[i];
      const ShingleSet shingles = ShingleText(r.text, so);
      r.new_signature.resize(params.num_perm);
      hasher.Sign(shingles, r.new_signature);
      // As the scan stores them: the high halves, sorted, each once.
      for (uint64_t h : shingles) {
        const auto f = static_cast<uint32_t>(h >> 32);
        if (r.new_fingerprints.empty() || r.new_fingerprints.back() != f) {
          r.new_fingerprints.push_back(f);
        }
      }
      std::string().swap(r.text);
    }
    for (const Row& r : batch) {
      if (r.new_signature == r.signature &&
          r.new_fingerprints == r.fingerprints) {
        continue;
      }
      ++result->signed_again;
      if (auto s = update->Bind(1, r.num)
                       .BindWords(2, r.new_signature)
                       .BindWords(3, r.new_fingerprints)
                       .Run();
          !s.ok()) {
        return s;
      }
      for (uint32_t b = 0; b < params.lsh.bands; ++b) {
        const uint64_t old_key = BandKey(r.signature, params.lsh, b);
        const uint64_t new_key = BandKey(r.new_signature, params.lsh, b);
        if (old_key == new_key) continue;
        auto bind = [&](Stmt& st, uint64_t key) -> Stmt& {
          return st.Bind(1, b)
              .Bind(2, static_cast<int64_t>(key))
              .Bind(3, r.num);
        };
        if (auto s = bind(*del_main, old_key).Run(); !s.ok()) return s;
        const bool was_main = sqlite3_changes(db) > 0;
        if (!was_main) {
          if (auto s = bind(*del_delta, old_key).Run(); !s.ok()) return s;
        }
        if (auto s = bind(was_main ? *ins_main : *ins_delta, new_key).Run();
            !s.ok()) {
          return s;
        }
      }
    }
  }
}

}  // namespace

absl::StatusOr<UpgradeResult> Index::Upgrade(const std::string& path,
                                             const IndexOptions& options) {
  UpgradeResult result;
  // Every check of Open() first, without writing: the current version is
  // nothing to do unless its claim stems were made with another stop list
  // (this refrain's list for its language changed: Arabic and Greek got
  // one); an older one must pass them as that version.
  int from = kIndexSchemaVersion;
  absl::StatusOr<IndexParams> params = Verify(path, options);
  const absl::Status current = params.status();
  while (!params.ok() && from > kOldestUpgradableVersion &&
         absl::StrContains(params.status().message(), "index schema version")) {
    params = Verify(path, options, --from);
  }
  if (!params.ok()) {
    // Not an older version either: the first refusal says why.
    return absl::IsFailedPrecondition(params.status()) &&
                   absl::StrContains(params.status().message(),
                                     "index schema version")
               ? current
               : params.status();
  }
  // The terms are derived again from the stored texts, so stems made with
  // another stop list are made again with today's, and the index records it.
  const std::string stop_words = StopWordFingerprint(params->language);
  result.stop_list_changed = params->claims && params->stop_words != stop_words;
  if (from == kIndexSchemaVersion && !result.stop_list_changed) {
    result.from_version = kIndexSchemaVersion;
    return result;
  }
  // SQLite would say "attempt to write a readonly database" at BEGIN.
  if (auto s = CheckWritable(
          path, "the upgrade writes the file and its journal beside it");
      !s.ok()) {
    return s;
  }
  Connection c;
  const std::string waited =
      "the upgrade waited for it to finish writing" + Unchanged(path);
  if (auto s = OpenForWrite(path, options, waited.c_str(), &c); !s.ok()) {
    return s;
  }
  auto fail = [&](absl::Status s) {
    sqlite3_exec(c.db, "ROLLBACK", nullptr, nullptr, nullptr);
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": upgrade failed: ", s.message(), Unchanged(path)));
  };
  // Another process may have upgraded it while this one waited.
  absl::StatusOr<int64_t> version = QueryInt(c.db, path, "PRAGMA user_version");
  if (!version.ok()) return fail(version.status());
  absl::StatusOr<std::map<std::string, std::string>> meta =
      ReadMeta(c.db, path);
  if (!meta.ok()) return fail(meta.status());
  if (*version != from ||
      (result.stop_list_changed && (*meta)["stop_words"] == stop_words)) {
    sqlite3_exec(c.db, "ROLLBACK", nullptr, nullptr, nullptr);
    if (*version != kIndexSchemaVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, ": its schema version changed to ", *version,
                       " while the upgrade waited for it", Unchanged(path)));
    }
    result = UpgradeResult();
    result.from_version = kIndexSchemaVersion;
    return result;
  }
  // Every version since 5 reads some text otherwise (version 8: digits of
  // every script, Arabic letter forms): every claim unit's terms are
  // derived again from its text.
  if (auto s = DeriveClaimTermsAgain(c.db, path, *params, from, &result);
      !s.ok()) {
    return fail(s);
  }
  // Version 6 records which documents their run kept; the runs before it
  // counted every indexed document as kept, and so does the upgrade.
  if (from < 6) {
    if (auto s = refrain::Exec(
            c.db, path,
            "ALTER TABLE doc ADD COLUMN kept INTEGER NOT NULL DEFAULT 1");
        !s.ok()) {
      return fail(s);
    }
  }
  if (result.stop_list_changed) {
    if (auto s = SetMetaOn(c.db, path, "stop_words", stop_words); !s.ok()) {
      return fail(s);
    }
  }
  if (from < kIndexSchemaVersion) {
    if (auto s = SignDocumentsAgain(c.db, path, *params, &result); !s.ok()) {
      return fail(s);
    }
  }
  const std::string pragma =
      absl::StrCat("PRAGMA user_version=", kIndexSchemaVersion);
  if (auto s = refrain::Exec(c.db, path, pragma.c_str()); !s.ok()) {
    return fail(s);
  }
  if (auto s = refrain::Exec(c.db, path, "COMMIT"); !s.ok()) return fail(s);
  result.from_version = from;
  return result;
}

absl::StatusOr<RemoveResult> Index::Remove(const RemoveFilter& filter) {
  Impl& im = *impl_;
  const int set = !filter.before.empty() + !filter.ids.empty() +
                  !filter.source.empty() + (filter.dump != 0);
  if (set != 1) {
    return absl::InvalidArgumentError(
        "give exactly one of --before DATE, --id ID (or --ids-from FILE), "
        "--source NAME, --dump N");
  }
  if (im.in_write || im.options.read_only) {
    return absl::FailedPreconditionError("Remove needs a writable index");
  }
  const std::optional<absl::Time> before =
      filter.before.empty() ? std::optional<absl::Time>()
                            : internal::ParseDate(filter.before);
  if (!filter.before.empty() && !before) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--before ", filter.before,
        ": not a date (2026-01-01, 2026-01-01T06:00:00Z, Thu, 01 Jan 2026 "
        "06:00:00 +0000 or January 1, 2026)"));
  }
  std::optional<TermAnalyzer> analyzer;
  if (im.params.claims) {
    absl::StatusOr<TermAnalyzer> a =
        TermAnalyzer::Create(TermAnalyzerOptions{im.params.language});
    if (!a.ok()) return a.status();
    analyzer = *std::move(a);
  }
  RemoveResult result;
  if (auto s = im.Begin(); !s.ok()) return s;
  auto fail = [&](absl::Status s) {
    im.Rollback();
    return s;
  };
  // Under the lock: a writer waited for (a scan adding a dump) has grown
  // the index meanwhile (review, thirty-sixth session: "12.5 MB -> 23.1 MB"
  // for a removal). Its pages may still be in the WAL, which the checkpoint
  // after VACUUM folds into the file: the size compared with the file's
  // after it is the database's pages, wherever they are now.
  absl::StatusOr<int64_t> pages = QueryInt(im.db, im.path, "PRAGMA page_count");
  absl::StatusOr<int64_t> page_size =
      QueryInt(im.db, im.path, "PRAGMA page_size");
  if (!pages.ok()) return fail(pages.status());
  if (!page_size.ok()) return fail(page_size.status());
  result.file_bytes_before = static_cast<uint64_t>(*pages * *page_size);
  if (auto s = im.StartGone(); !s.ok()) return fail(s);
  if (!filter.before.empty()) {
    // Dates compare as instants (RFC 1123 dates of RSS feeds do not sort as
    // text); a date that does not parse is kept and counted.
    absl::StatusOr<Stmt> dates =
        im.Prepare("SELECT num, date FROM doc WHERE date <> '' ORDER BY num");
    absl::StatusOr<Stmt> gone = im.Prepare("INSERT INTO gone VALUES (?1)");
    if (!dates.ok()) return fail(dates.status());
    if (!gone.ok()) return fail(gone.status());
    for (;;) {
      absl::StatusOr<bool> row = dates->Step();
      if (!row.ok()) return fail(row.status());
      if (!*row) break;
      const std::optional<absl::Time> date =
          internal::ParseDate(dates->Text(1));
      if (!date) {
        ++result.unparsed_dates_kept;
      } else if (*date < *before) {
        if (auto s = gone->Bind(1, dates->Int(0)).Run(); !s.ok()) {
          return fail(s);
        }
      }
    }
  } else if (filter.dump != 0) {
    absl::StatusOr<Stmt> st =
        im.Prepare("INSERT INTO gone SELECT num FROM doc WHERE dump = ?1");
    if (!st.ok()) return fail(st.status());
    if (auto s = st->Bind(1, static_cast<int64_t>(filter.dump)).Run();
        !s.ok()) {
      return fail(s);
    }
  } else if (!filter.ids.empty()) {
    // One transaction and one VACUUM for the whole list: a VACUUM per id
    // writes the whole file again each time.
    absl::StatusOr<Stmt> find = im.Prepare("SELECT num FROM doc WHERE id = ?1");
    absl::StatusOr<Stmt> gone =
        im.Prepare("INSERT OR IGNORE INTO gone VALUES (?1)");
    if (!find.ok()) return fail(find.status());
    if (!gone.ok()) return fail(gone.status());
    for (const std::string& id : filter.ids) {
      absl::StatusOr<bool> row = find->BindText(1, id).Step();
      const int64_t num = row.ok() && *row ? find->Int(0) : 0;
      find->Reset();
      if (!row.ok()) return fail(row.status());
      absl::StatusOr<std::vector<std::string>> names = NamesOf(id, 11);
      if (!names.ok()) return fail(names.status());
      if (!*row) {
        result.missing_ids.push_back(id);
        result.missing_id_names.push_back(*std::move(names));
        continue;
      }
      if (!names->empty()) {
        result.other_names.emplace_back(id, *std::move(names));
      }
      if (auto s = gone->Bind(1, num).Run(); !s.ok()) return fail(s);
    }
  } else {
    // As report.json shows it: a document without a source (a text file)
    // under its location.
    absl::StatusOr<Stmt> st = im.Prepare(
        "INSERT INTO gone SELECT num FROM doc WHERE source = ?1 OR "
        "(source = '' AND location = ?1)");
    if (!st.ok()) return fail(st.status());
    if (auto s = st->BindText(1, filter.source).Run(); !s.ok()) return fail(s);
  }
  // A removed article's earlier texts go with it: an article indexed again
  // under its id starts a history of its own.
  for (const auto& [has_table, remove] :
       {std::pair{kHasSuperseded,
                  "DELETE FROM superseded WHERE id IN (SELECT d.id FROM gone g "
                  "JOIN doc d ON d.num = g.num)"},
        std::pair{kHasSupersededMeta,
                  "DELETE FROM superseded_meta WHERE id IN (SELECT d.id FROM "
                  "gone g JOIN doc d ON d.num = g.num)"}}) {
    absl::StatusOr<int64_t> has = QueryInt(im.db, im.path, has_table);
    if (!has.ok()) return fail(has.status());
    if (*has > 0) {
      if (auto s = im.Exec(remove); !s.ok()) return fail(s);
    }
  }
  if (auto s = im.DeleteGone(analyzer ? &*analyzer : nullptr,
                             /*scan_band_tables=*/true, &result);
      !s.ok()) {
    return fail(s);
  }
  if (filter.dry_run) {
    im.Rollback();
    result.file_bytes_after = result.file_bytes_before;
    return result;
  }
  // Compaction: the delta tier goes into the main tables before VACUUM.
  // With nothing removed there is nothing to compact, and the file stays
  // as it was.
  if (result.documents > 0) {
    if (auto s = im.MergeDelta(); !s.ok()) return fail(s);
  }
  if (auto s = im.Commit(); !s.ok()) return s;
  if (result.documents > 0) {
    // The removal is committed: a failure here (VACUUM writes the whole
    // file again through the WAL, so a disk without about its size free
    // fails it) only leaves the space unreclaimed, and must not read as
    // "nothing removed", since a rerun then finds nothing to remove.
    absl::Status s = im.Exec("VACUUM");
    if (s.ok()) s = im.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    result.compaction = s;
  }
  result.file_bytes_after =
      result.documents > 0 ? FileSize(im.path) : result.file_bytes_before;
  return result;
}

}  // namespace refrain
