#include "refrain/scan_mpi.h"

#include <mpi.h>
#include <omp.h>
#include <sched.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cpus.h"
#include "mpi_comm.h"
#include "refrain/claims.h"
#include "refrain/ingest.h"
#include "refrain/lsh.h"
#include "scan_internal.h"

namespace refrain {
namespace {

using internal::ByteReader;
using internal::Comm;
using internal::PutStr;
using internal::PutStrings;
using internal::PutU64;
using internal::PutVector;

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

constexpr uint32_t kDropped = UINT32_MAX;  // A local document not kept.
struct BandEntry {
  uint32_t key;  // BucketKey, as LshIndex buckets.
  uint32_t band;
  uint32_t doc;  // Global document number.
};

struct PairResult {
  uint32_t a, b;  // Global document numbers, a < b.
  double jaccard, containment, estimate;
};

// This rank's documents: their sketches, and how local and global numbers
// relate once rank 0 has merged the record streams.
struct Shard {
  explicit Shard(uint32_t k) : signatures(k) {}
  internal::FingerprintArena fingerprints;
  internal::SignatureStore signatures;
  uint32_t local_docs = 0;
  std::vector<uint32_t> global_of;  // Per local document, or kDropped.
  std::vector<uint32_t> local_of;   // Per global number from offsets[rank].
  std::vector<uint32_t> offsets;    // Rank r holds [offsets[r], offsets[r+1]).

  int OwnerOf(uint32_t g) const {
    return static_cast<int>(
        std::upper_bound(offsets.begin(), offsets.end(), g) - offsets.begin() -
        1);
  }
};

// Measures `pairs` (each (a << 32 | b), a < b, in any order, at any rank):
// routes each to the rank holding a, which fetches the fingerprints and
// signature of b when another rank holds it. Returns, on rank 0, the results
// of every rank (all of them, or only the near-duplicates); `distinct` gets
// the number of distinct pairs measured on this rank.
absl::StatusOr<std::vector<PairResult>> MeasurePairs(
    Comm& comm, Shard& shard, const std::vector<uint64_t>& pairs,
    const ScanOptions& options, bool near_only, uint64_t* distinct) {
  const int size = comm.size(), rank = comm.rank();
  const uint32_t k = options.minhash.num_perm;
  std::vector<std::vector<uint64_t>> route(size);
  for (uint64_t p : pairs) {
    route[shard.OwnerOf(static_cast<uint32_t>(p >> 32))].push_back(p);
  }
  absl::StatusOr<std::vector<uint64_t>> mine = comm.AllToAll(route);
  if (!mine.ok()) return mine.status();
  std::vector<std::vector<uint64_t>>().swap(route);
  std::sort(mine->begin(), mine->end());
  mine->erase(std::unique(mine->begin(), mine->end()), mine->end());
  if (distinct != nullptr) *distinct = mine->size();

  // Which second documents live elsewhere: ask their ranks for them.
  const uint32_t first = shard.offsets[rank], end = shard.offsets[rank + 1];
  auto is_local = [&](uint32_t g) { return g >= first && g < end; };
  std::vector<std::vector<uint32_t>> ask(size);
  {
    std::vector<uint32_t> remote;
    for (uint64_t p : *mine) {
      const uint32_t b = static_cast<uint32_t>(p);
      if (!is_local(b)) remote.push_back(b);
    }
    std::sort(remote.begin(), remote.end());
    remote.erase(std::unique(remote.begin(), remote.end()), remote.end());
    for (uint32_t g : remote) ask[shard.OwnerOf(g)].push_back(g);
  }
  std::vector<int64_t> asked_by;  // How many documents each rank asked for.
  absl::StatusOr<std::vector<uint32_t>> asked = comm.AllToAll(ask, &asked_by);
  if (!asked.ok()) return asked.status();
  // Sort and de-duplicate the fingerprints of every local document used,
  // each once (Prepare is per document, not thread-safe on one document).
  {
    std::vector<uint32_t> used(asked->begin(), asked->end());
    for (uint64_t p : *mine) {
      used.push_back(static_cast<uint32_t>(p >> 32));
      if (is_local(static_cast<uint32_t>(p))) {
        used.push_back(static_cast<uint32_t>(p));
      }
    }
    std::sort(used.begin(), used.end());
    used.erase(std::unique(used.begin(), used.end()), used.end());
    const int64_t n = static_cast<int64_t>(used.size());
#pragma omp parallel for schedule(dynamic, 64)
    for (int64_t i = 0; i < n; ++i) {
      shard.fingerprints.Prepare(shard.local_of[used[i] - first]);
    }
  }
  // Answer each rank, in the order it asked: per document [global, count,
  // fingerprints..., signature].
  std::vector<std::vector<uint32_t>> reply(size);
  for (int r = 0, at = 0; r < size; ++r) {
    for (int64_t i = 0; i < asked_by[r]; ++i, ++at) {
      const uint32_t g = (*asked)[at];
      const uint32_t local = shard.local_of[g - first];
      std::span<const uint32_t> fp = shard.fingerprints[local];
      std::span<const uint32_t> sig = shard.signatures[local];
      std::vector<uint32_t>& out = reply[r];
      out.push_back(g);
      out.push_back(static_cast<uint32_t>(fp.size()));
      out.insert(out.end(), fp.begin(), fp.end());
      out.insert(out.end(), sig.begin(), sig.end());
    }
  }
  std::vector<uint32_t>().swap(*asked);
  absl::StatusOr<std::vector<uint32_t>> fetched = comm.AllToAll(reply);
  if (!fetched.ok()) return fetched.status();
  std::vector<std::vector<uint32_t>>().swap(reply);
  struct Remote {
    std::span<const uint32_t> fingerprints, signature;
  };
  absl::flat_hash_map<uint32_t, Remote> remote;
  for (size_t at = 0; at < fetched->size();) {
    const uint32_t g = (*fetched)[at], n = (*fetched)[at + 1];
    std::span<const uint32_t> all(*fetched);
    remote[g] = Remote{all.subspan(at + 2, n), all.subspan(at + 2 + n, k)};
    at += 2 + n + k;
  }

  const int64_t n = static_cast<int64_t>(mine->size());
  std::vector<PairResult> results(n);
  std::vector<char> keep(n, 0);
#pragma omp parallel for schedule(dynamic, 256)
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t a = static_cast<uint32_t>((*mine)[i] >> 32);
    const uint32_t b = static_cast<uint32_t>((*mine)[i]);
    const uint32_t la = shard.local_of[a - first];
    std::span<const uint32_t> fb, sb;
    if (is_local(b)) {
      fb = shard.fingerprints[shard.local_of[b - first]];
      sb = shard.signatures[shard.local_of[b - first]];
    } else {
      const Remote& r = remote.find(b)->second;
      fb = r.fingerprints;
      sb = r.signature;
    }
    internal::Verified v =
        internal::VerifyPair(shard.fingerprints[la], fb, options, near_only);
    if (near_only && !v.near_duplicate) continue;
    keep[i] = 1;
    results[i] =
        PairResult{a, b, v.jaccard, v.containment,
                   near_only ? 0.0 : EstimateJaccard(shard.signatures[la], sb)};
  }
  std::vector<PairResult> kept;
  for (int64_t i = 0; i < n; ++i) {
    if (keep[i]) kept.push_back(results[i]);
  }
  return comm.GatherToRoot(kept);
}

// ---- Claim units on the wire (phase 6). ----

// A rank's claim units, their stems and keys.
void PutUnits(std::string* out, const ClaimUnits& u) {
  PutU64(out, u.excluded.too_short);
  PutU64(out, u.excluded.boilerplate);
  PutU64(out, u.excluded.lead_ins);
  PutU64(out, u.excluded.lists);
  PutU64(out, u.units.size());
  for (size_t i = 0; i < u.units.size(); ++i) {
    const ClaimUnit& unit = u.units[i];
    PutU64(out, unit.doc);
    PutU64(out, static_cast<uint64_t>(unit.kind));
    PutU64(out, uint64_t{unit.span.begin} << 32 | unit.span.end);
    PutStrings(out, u.stems[i].ToStrings());
    PutU64(out, u.keys[i].low);
    PutU64(out, u.keys[i].high);
  }
}

void GetUnits(std::string_view bytes, ClaimUnits* all) {
  ByteReader in(bytes);
  all->excluded.too_short += in.U64();
  all->excluded.boilerplate += in.U64();
  all->excluded.lead_ins += in.U64();
  all->excluded.lists += in.U64();
  const uint64_t n = in.U64();
  for (uint64_t i = 0; i < n; ++i) {
    ClaimUnit unit;
    unit.doc = static_cast<uint32_t>(in.U64());
    unit.kind = static_cast<UnitKind>(in.U64());
    const uint64_t span = in.U64();
    unit.span =
        Span{static_cast<uint32_t>(span >> 32), static_cast<uint32_t>(span)};
    all->units.push_back(unit);
    all->stems.push_back(TermList(in.Strings()));
    UnitTermsKey key;
    key.low = in.U64();
    key.high = in.U64();
    all->keys.push_back(key);
  }
}

// ---- Shares of the claim score step on the wire (phase 6). ----

void PutShare(std::string* out, const ClaimScoreShare& share) {
  PutStrings(out, share.texts);
  PutVector(out, share.stems_begin);
  PutVector(out, share.stem_idf);
  PutVector(out, share.stem_hash);
  PutU64(out, share.idf_units);
  std::vector<uint64_t> pairs;
  pairs.reserve(share.pairs.size());
  for (auto [a, b] : share.pairs) pairs.push_back(uint64_t{a} << 32 | b);
  PutVector(out, pairs);
}

bool GetShare(std::string_view bytes, ClaimScoreShare* share) {
  ByteReader in(bytes);
  share->texts = in.Strings();
  share->stems_begin = in.Vector<uint64_t>();
  share->stem_idf = in.Vector<double>();
  share->stem_hash = in.Vector<uint64_t>();
  share->idf_units = in.U64();
  for (uint64_t p : in.Vector<uint64_t>()) {
    share->pairs.emplace_back(static_cast<uint32_t>(p >> 32),
                              static_cast<uint32_t>(p));
  }
  return in.done() && !in.failed();
}

// A share's scores, or the error that kept it from being scored: a byte
// (1: scores follow), then the scores or the error's code and message.
std::string PutScores(const absl::StatusOr<ClaimShareScores>& scores) {
  std::string out;
  if (!scores.ok()) {
    out.push_back('\0');
    PutU64(&out, static_cast<uint64_t>(scores.status().code()));
    PutStr(&out, std::string(scores.status().message()));
    return out;
  }
  out.push_back('\1');
  PutVector(&out, scores->score);
  PutVector(&out, scores->numbers_differ);
  PutU64(&out, scores->contrasts.size());
  for (const auto& [k, c] : scores->contrasts) {
    PutU64(&out, k);
    out.push_back(c.negation ? '\1' : '\0');
    for (const std::vector<uint32_t>* at :
         {&c.negation_cues_a, &c.negation_cues_b, &c.hedge_cues_a,
          &c.hedge_cues_b}) {
      PutVector(&out, *at);
    }
    for (const std::string* w : {&c.antonym_a, &c.antonym_b, &c.swapped_first,
                                 &c.swapped_second, &c.hedge_a, &c.hedge_b}) {
      PutStr(&out, *w);
    }
  }
  return out;
}

absl::StatusOr<ClaimShareScores> GetScores(std::string_view bytes, int from) {
  ByteReader in(bytes);
  const char ok = in.Byte();
  if (ok == '\0' && !in.failed()) {
    const auto code = static_cast<absl::StatusCode>(in.U64());
    const std::string_view message = in.Str();
    if (!in.failed()) {
      return absl::Status(
          code, absl::StrCat("rank ", from, ": ", std::string(message)));
    }
  }
  ClaimShareScores scores;
  scores.score = in.Vector<double>();
  scores.numbers_differ = in.Vector<char>();
  const uint64_t n = in.U64();
  for (uint64_t i = 0; i < n && !in.failed(); ++i) {
    const uint64_t k = in.U64();
    ClaimScorer::Contrast c;
    c.negation = in.Byte() != '\0';
    for (std::vector<uint32_t>* at : {&c.negation_cues_a, &c.negation_cues_b,
                                      &c.hedge_cues_a, &c.hedge_cues_b}) {
      *at = in.Vector<uint32_t>();
    }
    for (std::string* w : {&c.antonym_a, &c.antonym_b, &c.swapped_first,
                           &c.swapped_second, &c.hedge_a, &c.hedge_b}) {
      *w = std::string(in.Str());
    }
    scores.contrasts.emplace_back(k, std::move(c));
  }
  if (ok != '\1' || !in.done() || in.failed()) {
    return absl::InternalError(
        absl::StrCat("claims: malformed scores from rank ", from));
  }
  return scores;
}

// A rank other than 0, once its units are sent: scores the share of the
// gated pairs that rank 0 sends it, or returns on an empty message (rank 0
// ended the stage before its score step: too few units, or an error).
absl::Status ScoreForRoot(Comm& comm, const ClaimOptions& co) {
  std::string bytes = comm.RecvSleeping(0);
  if (bytes.empty()) return absl::OkStatus();
  absl::StatusOr<ClaimShareScores> scores;
  {
    ClaimScoreShare share;
    scores = GetShare(bytes, &share)
                 ? ScoreClaimShare(share, co)
                 : absl::InternalError("claims: a malformed score share");
  }
  std::string().swap(bytes);
  comm.Send(PutScores(scores), 0);
  return scores.ok() ? absl::OkStatus() : scores.status();
}

int AllowedCores();

struct KeyStory {
  uint64_t key;
  uint32_t story, pad;
};

// Phase 6, the claims stage spread over the ranks: each rank segments and
// analyses its own documents; rank 0 decides the boilerplate lines, then
// counts the IDF, signs the units and finds the matches over all of them
// (FindClaimsFromUnits): the stages of FindClaims (claims.h), so the result
// is the same. `shard_docs`: this rank's
// documents with their texts (SketchShard; empty on rank 0, whose documents
// are in `report`).
absl::Status DistributedClaims(Comm& comm, const Shard& shard,
                               const std::vector<Document>& shard_docs,
                               const ScanOptions& options, Report* report) {
  const int rank = comm.rank(), size = comm.size();
  const ClaimOptions& co = options.claims;
  // Rank 0 holds every text, and the matching: its memory decides, for all.
  std::string refusal;
  if (rank == 0) {
    refusal = std::string(CheckClaimMemory(report->documents, co).message());
  }
  comm.Broadcast(&refusal);
  if (!refusal.empty()) return absl::ResourceExhaustedError(refusal);
  // Stories from rank 0's clusters.
  std::string bytes;
  if (rank == 0) {
    std::vector<uint32_t> story = internal::StoryOf(*report);
    bytes.assign(reinterpret_cast<const char*>(story.data()),
                 story.size() * sizeof(uint32_t));
  }
  comm.Broadcast(&bytes);
  std::vector<uint32_t> story_of(bytes.size() / sizeof(uint32_t));
  if (!story_of.empty())
    std::memcpy(story_of.data(), bytes.data(), bytes.size());

  const uint32_t first = shard.offsets[rank];
  const int64_t kept = static_cast<int64_t>(shard.local_of.size());
  // This rank's j-th kept document (global number first + j).
  auto doc = [&](int64_t j) -> const Document& {
    return rank == 0 ? report->documents[first + j]
                     : shard_docs[shard.local_of[j]];
  };
  std::vector<ClaimSegments> segs(kept);
#pragma omp parallel for schedule(dynamic, 4)
  for (int64_t j = 0; j < kept; ++j) {
    segs[j] = SegmentForClaims(doc(j), options.segment);
  }
  // Boilerplate: every distinct (paragraph key, story) to rank 0.
  std::vector<KeyStory> key_story;
  for (int64_t j = 0; j < kept; ++j) {
    for (uint64_t key : segs[j].paragraph_keys) {
      key_story.push_back(KeyStory{key, story_of[first + j], 0});
    }
  }
  auto by_key = [](const KeyStory& x, const KeyStory& y) {
    return x.key != y.key ? x.key < y.key : x.story < y.story;
  };
  std::sort(key_story.begin(), key_story.end(), by_key);
  key_story.erase(std::unique(key_story.begin(), key_story.end(),
                              [](const KeyStory& x, const KeyStory& y) {
                                return x.key == y.key && x.story == y.story;
                              }),
                  key_story.end());
  std::vector<KeyStory> all_key_story = comm.GatherToRoot(key_story);
  bytes.clear();
  if (rank == 0) {
    std::vector<std::pair<uint64_t, uint32_t>> pairs;
    pairs.reserve(all_key_story.size());
    for (const KeyStory& k : all_key_story) pairs.emplace_back(k.key, k.story);
    absl::flat_hash_set<uint64_t> keys = BoilerplateKeys(std::move(pairs), co);
    std::vector<uint64_t> sorted(keys.begin(), keys.end());
    std::sort(sorted.begin(), sorted.end());
    bytes.assign(reinterpret_cast<const char*>(sorted.data()),
                 sorted.size() * sizeof(uint64_t));
  }
  comm.Broadcast(&bytes);
  absl::flat_hash_set<uint64_t> boilerplate;
  for (size_t at = 0; at + sizeof(uint64_t) <= bytes.size();
       at += sizeof(uint64_t)) {
    uint64_t key;
    std::memcpy(&key, bytes.data() + at, sizeof key);
    boilerplate.insert(key);
  }

  // Units of this rank's documents, numbered globally.
  absl::StatusOr<TermAnalyzer> analyzer =
      TermAnalyzer::Create(TermAnalyzerOptions{co.language});
  if (!analyzer.ok()) return analyzer.status();  // Same options: every rank.
  std::vector<ClaimUnits> per_doc(kept);
#pragma omp parallel for schedule(dynamic, 4)
  for (int64_t j = 0; j < kept; ++j) {
    per_doc[j] = AnalyzeDocumentUnits(doc(j), first + static_cast<uint32_t>(j),
                                      segs[j], boilerplate, *analyzer, co);
  }
  std::vector<ClaimSegments>().swap(segs);
  ClaimUnits mine = ConcatUnits(per_doc);

  // Rank 0 learns every rank's count first and sizes its lists once.
  const std::vector<uint64_t> counts =
      comm.GatherToRoot(std::vector<uint64_t>{mine.units.size()});
  bytes.clear();
  PutUnits(&bytes, mine);
  mine = ClaimUnits{};
  // The IDF counts each distinct text once (FirstOfEachText), which only
  // the rank holding every unit can tell: rank 0 counts, signs and matches.
  IdfTable idf;
  absl::Status loaded = absl::OkStatus();
  if (rank == 0) loaded = AddBackgroundIdf(co, *analyzer, &idf);
  if (absl::Status s = comm.Agree(loaded); !s.ok()) return s;
  if (rank != 0) {
    comm.Send(bytes, 0);
    return ScoreForRoot(comm, co);
  }
  ClaimUnits all;
  {
    uint64_t units = 0;
    for (uint64_t c : counts) units += c;
    all.units.reserve(units);
    all.stems.reserve(units);
    all.keys.reserve(units);
  }
  for (int r = 0; r < size; ++r) {
    GetUnits(r == 0 ? std::string_view(bytes) : std::string_view(comm.Recv(r)),
             &all);
    if (r == 0) std::string().swap(bytes);
  }
  // The other ranks of this host now sleep (RecvSleeping): use every core,
  // but for the score step, which every rank takes a share of.
  const int rank_threads = omp_get_max_threads();
  const int all_threads = options.threads == 0 ? AllowedCores() : rank_threads;
  omp_set_num_threads(all_threads);
  bool shared_out = false;
  ClaimScoreSharing sharing;
  sharing.num_shares = size;
  sharing.score = [&](const std::function<ClaimScoreShare(int)>& share)
      -> absl::StatusOr<std::vector<ClaimShareScores>> {
    shared_out = true;
    for (int r = 1; r < size; ++r) {
      std::string out;
      PutShare(&out, share(r));
      comm.Send(out, r);
    }
    omp_set_num_threads(rank_threads);
    absl::StatusOr<ClaimShareScores> own = ScoreClaimShare(share(0), co);
    omp_set_num_threads(all_threads);
    // Every rank's answer is taken, even after an error: none may be left
    // waiting to send it.
    std::vector<ClaimShareScores> scores(size);
    absl::Status failed = own.status();
    if (own.ok()) scores[0] = *std::move(own);
    for (int r = 1; r < size; ++r) {
      absl::StatusOr<ClaimShareScores> theirs = GetScores(comm.Recv(r), r);
      if (theirs.ok()) {
        scores[r] = *std::move(theirs);
      } else if (failed.ok()) {
        failed = theirs.status();
      }
    }
    if (!failed.ok()) return failed;
    return scores;
  };
  absl::StatusOr<ClaimsResult> claims = FindClaimsFromUnits(
      report->documents, story_of, co, std::move(all), std::move(idf),
      /*idf_counts_units=*/false, &sharing);
  if (!shared_out) {
    for (int r = 1; r < size; ++r) comm.Send("", r);
  }
  if (!claims.ok()) return claims.status();
  report->claims = *std::move(claims);
  return absl::OkStatus();
}

// Shares `files` out: contiguous runs of about equal bytes (each file
// counts one byte more than its size), so the concatenation of the ranks'
// record streams in rank order is the input order. A file goes whole to
// the rank its first byte falls to, except a file that `pieces[i]` allows
// to be cut (CanReadInPieces) and whose bytes fall to several ranks: each
// of them reads the piece of it in its range (InputFile::begin, end), so
// one big JSON Lines file is shared out too. newlines_before is filled in
// later (NumberPieceLines).
// `index` gets each returned file's index in `files`.
std::vector<InputFile> ShardFiles(std::span<const InputFile> files,
                                  const std::vector<bool>& pieces, int rank,
                                  int size, std::vector<size_t>* index) {
  // 128 bits: offset x ranks overflows 64 past a petabyte of input.
  __extension__ typedef unsigned __int128 u128;
  uint64_t total = 0;
  for (const InputFile& f : files) total += f.bytes + 1;
  // The rank a byte offset falls to, and the first offset of rank r.
  auto owner = [&](uint64_t offset) {
    return static_cast<int>(std::min<u128>(
        size - 1, u128{offset} * static_cast<u128>(size) / total));
  };
  auto first_of = [&](int r) {
    return static_cast<uint64_t>(
        (u128{total} * static_cast<u128>(r) + static_cast<u128>(size) - 1) /
        static_cast<u128>(size));
  };
  std::vector<InputFile> mine;
  uint64_t at = 0;  // Offset of file i.
  for (size_t i = 0; i < files.size(); ++i) {
    const InputFile& f = files[i];
    const int first = owner(at);
    const int last = f.bytes > 0 ? owner(at + f.bytes - 1) : first;
    if (!pieces[i] || first == last) {
      if (first == rank) {
        mine.push_back(f);
        index->push_back(i);
      }
    } else if (first <= rank && rank <= last) {
      InputFile piece = f;
      piece.begin = rank == first ? 0 : first_of(rank) - at;
      piece.end = rank == last ? std::numeric_limits<uint64_t>::max()
                               : first_of(rank + 1) - at;
      mine.push_back(std::move(piece));
      index->push_back(i);
    }
    at += f.bytes + 1;
  }
  return mine;
}

// Sets the newlines_before of this rank's pieces of files: every rank
// counts the '\n' bytes of its own pieces, and the counts go round.
// `index[k]`: the index of mine[k] among all the input files.
absl::Status NumberPieceLines(Comm& comm, const std::vector<size_t>& index,
                              std::vector<InputFile>* mine) {
  // (file index, begin, newlines) of each piece of this rank.
  std::vector<uint64_t> counts;
  absl::Status status;
  for (size_t k = 0; k < mine->size(); ++k) {
    const InputFile& f = (*mine)[k];
    if (!f.is_piece()) continue;
    absl::StatusOr<uint64_t> n = CountNewlines(f.path, f.begin, f.end);
    if (!n.ok()) {
      status = n.status();
      break;
    }
    counts.insert(counts.end(), {index[k], f.begin, *n});
  }
  if (absl::Status s = comm.Agree(status); !s.ok()) return s;
  std::string all;
  if (const std::vector<uint64_t> gathered = comm.GatherToRoot(counts);
      comm.rank() == 0) {
    for (uint64_t v : gathered) PutU64(&all, v);
  }
  comm.Broadcast(&all);
  ByteReader in(all);
  std::vector<uint64_t> every;
  while (!in.done()) every.push_back(in.U64());
  for (size_t k = 0; k < mine->size(); ++k) {
    InputFile& f = (*mine)[k];
    if (!f.is_piece()) continue;
    for (size_t j = 0; j + 2 < every.size(); j += 3) {
      if (every[j] == index[k] && every[j + 1] < f.begin) {
        f.newlines_before += every[j + 2];
      }
    }
  }
  return absl::OkStatus();
}

// The cores this process may run on: mpirun binds each rank to one core by
// default for up to 2 ranks (--bind-to none lifts it); a cgroup CPU quota
// caps them too (internal::UsableCpus).
int AllowedCores() { return internal::UsableCpus(); }

// Phase 1: rank 0 walks `paths`; every rank gets the list of input files,
// and `pieces`, which of them may be read in pieces (CanReadInPieces).
std::vector<InputFile> ShareInputFiles(Comm& comm,
                                       std::span<const std::string> paths,
                                       std::span<const std::string> exclude,
                                       std::vector<bool>* pieces) {
  std::string listing;
  if (comm.rank() == 0) {
    for (const InputFile& f : ListInputFiles(paths, /*sizes=*/true, exclude)) {
      PutStr(&listing, f.path);
      PutStr(&listing, f.skip_reason);
      PutU64(&listing, (f.unreadable ? 1 : 0) | (f.passed_over ? 2 : 0));
      PutU64(&listing, f.bytes);
      PutU64(&listing, CanReadInPieces(f) ? 1 : 0);
    }
  }
  comm.Broadcast(&listing);
  std::vector<InputFile> files;
  ByteReader in(listing);
  while (!in.done()) {
    InputFile f;
    f.path = in.Str();
    f.skip_reason = in.Str();
    const uint64_t flags = in.U64();
    f.unreadable = (flags & 1) != 0;
    f.passed_over = (flags & 2) != 0;
    f.bytes = in.U64();
    pieces->push_back(in.U64() != 0);
    files.push_back(std::move(f));
  }
  return files;
}

// What phase 1 leaves on a rank besides its Shard: its records as one
// stream in input order ('D' documents, 'S' skipped records), for rank 0 to
// merge, and (with claims, on ranks other than 0) the titles and texts of
// its documents. Rank 0 reads its own from the merged report: a copy of
// them here was its shard's text twice.
struct ShardRecords {
  std::string stream;
  std::vector<Document> docs;
};

// Phase 1: sketches this rank's share of `files` into `shard`.
absl::StatusOr<ShardRecords> SketchShard(std::span<const InputFile> files,
                                         int rank, const ScanOptions& options,
                                         const MinHasher& hasher,
                                         const ProgressFn& progress,
                                         Shard* shard) {
  const bool keep_text = options.claims.enabled;
  ShardRecords out;
  uint64_t shard_bytes = 0;
  auto on_doc = [&](Document&& doc, const internal::Sketched& sk) {
    const internal::SketchSlots slots{
        shard->fingerprints.Reserve(sk.shingles.size()),
        shard->signatures.Reserve()};
    ++shard->local_docs;
    shard_bytes += doc.input_bytes;
    out.stream.push_back('D');
    for (const std::string* f : {&doc.id, &doc.location, &doc.source,
                                 &doc.title, &doc.url, &doc.date, &doc.text}) {
      PutStr(&out.stream, *f);
    }
    PutU64(&out.stream, doc.invalid_utf8);
    PutU64(&out.stream, (doc.looks_like_html ? 1 : 0) |
                            (doc.id_from_location ? 2 : 0) |
                            (doc.from_html ? 4 : 0));
    PutU64(&out.stream, doc.input_bytes);
    PutU64(&out.stream, doc.text_bytes);
    PutU64(&out.stream, doc.record_hash);
    if (keep_text && rank != 0) {
      out.docs.push_back(Document{});
      out.docs.back().title = std::move(doc.title);
      out.docs.back().text = std::move(doc.text);
    }
    return slots;
  };
  auto on_skip = [&](SkippedRecord&& s) {
    out.stream.push_back('S');
    PutStr(&out.stream, s.location);
    PutStr(&out.stream, s.reason);
    out.stream.push_back(static_cast<char>((s.unreadable ? 1 : 0) |
                                           (s.passed_over ? 2 : 0) |
                                           (s.damaged ? 4 : 0)));
  };
  auto after_batch = [&] {
    if (progress && rank == 0) progress(shard->local_docs, shard_bytes);
  };
  absl::Status s = internal::SketchInputs(files, options, hasher, keep_text,
                                          /*segment_for_claims=*/false, on_doc,
                                          on_skip, after_batch);
  if (!s.ok()) return s;
  return out;
}

// Phase 2: rank 0 merges the record streams in input order into `report`
// (the first document with an id wins, across shards, as in RunScan) and
// tells each rank the global numbers of its documents.
void MergeRecordStreams(Comm& comm, std::string stream, Shard* shard,
                        Report* report) {
  const int size = comm.size();
  shard->offsets.assign(size + 1, 0);
  if (comm.rank() == 0) {
    internal::IdIndex id_index;
    for (int r = 0; r < size; ++r) {
      std::string bytes = r == 0 ? std::move(stream) : comm.Recv(r);
      std::vector<uint32_t> global_of;
      shard->offsets[r] = static_cast<uint32_t>(report->documents.size());
      ByteReader in(bytes);
      while (!in.done()) {
        if (in.Byte() == 'S') {
          SkippedRecord skip;
          skip.location = in.Str();
          skip.reason = in.Str();
          const uint8_t flags = in.Byte();
          skip.unreadable = (flags & 1) != 0;
          skip.passed_over = (flags & 2) != 0;
          skip.damaged = (flags & 4) != 0;
          report->skipped.push_back(std::move(skip));
          continue;
        }
        Document doc;
        for (std::string* f : {&doc.id, &doc.location, &doc.source, &doc.title,
                               &doc.url, &doc.date, &doc.text}) {
          *f = in.Str();
        }
        doc.invalid_utf8 = static_cast<uint32_t>(in.U64());
        const uint64_t flags = in.U64();
        doc.looks_like_html = (flags & 1) != 0;
        doc.id_from_location = (flags & 2) != 0;
        doc.from_html = (flags & 4) != 0;
        doc.input_bytes = in.U64();
        doc.text_bytes = in.U64();
        doc.record_hash = in.U64();
        global_of.push_back(
            internal::KeepDocument(std::move(doc), &id_index, report)
                ? static_cast<uint32_t>(report->documents.size() - 1)
                : kDropped);
      }
      if (r == 0) {
        shard->global_of = std::move(global_of);
      } else {
        comm.Send(
            std::string_view(reinterpret_cast<const char*>(global_of.data()),
                             global_of.size() * sizeof(uint32_t)),
            r);
      }
    }
    shard->offsets[size] = static_cast<uint32_t>(report->documents.size());
    report->records = report->documents.size() + report->skipped.size();
  } else {
    comm.Send(stream, 0);
    std::string().swap(stream);
    std::string bytes = comm.Recv(0);
    shard->global_of.resize(bytes.size() / sizeof(uint32_t));
    if (!bytes.empty()) {
      std::memcpy(shard->global_of.data(), bytes.data(), bytes.size());
    }
  }
  MPI_Bcast(shard->offsets.data(), size + 1, MPI_UINT32_T, 0, MPI_COMM_WORLD);
  for (uint32_t i = 0; i < shard->local_docs; ++i) {
    if (shard->global_of[i] != kDropped) shard->local_of.push_back(i);
  }
}

// Phase 3: every band key of this shard's documents goes to the rank owning
// its bucket; returns the pairs of the buckets this rank owns (a << 32 | b,
// sorted, distinct), counting the buckets over max_bucket in `capped`.
absl::StatusOr<std::vector<uint64_t>> BucketPairs(
    Comm& comm, const Shard& shard, const LshParams& lsh, uint32_t max_bucket,
    std::span<const uint32_t> hub_rank, uint64_t* capped) {
  const int size = comm.size();
  const int64_t kept = static_cast<int64_t>(shard.local_of.size());
  std::vector<BandEntry> entries(kept * lsh.bands);
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < kept; ++i) {
    const uint32_t local = shard.local_of[i];
    std::span<const uint32_t> sig = shard.signatures[local];
    for (uint32_t b = 0; b < lsh.bands; ++b) {
      entries[i * lsh.bands + b] =
          BandEntry{BucketKey(sig, lsh, b), b, shard.global_of[local]};
    }
  }
  std::vector<std::vector<BandEntry>> route(size);
  for (const BandEntry& e : entries) {
    // The key is already a hash; mixing in the band spreads equal keys of
    // different bands.
    const uint64_t h = e.key ^ (uint64_t{e.band} * 0x9E3779B97F4A7C15ull);
    route[h % size].push_back(e);
  }
  std::vector<BandEntry>().swap(entries);
  absl::StatusOr<std::vector<BandEntry>> mine = comm.AllToAll(route);
  if (!mine.ok()) return mine.status();
  std::vector<std::vector<BandEntry>>().swap(route);
  std::sort(mine->begin(), mine->end(),
            [](const BandEntry& x, const BandEntry& y) {
              if (x.band != y.band) return x.band < y.band;
              if (x.key != y.key) return x.key < y.key;
              return x.doc < y.doc;
            });
  const std::vector<BandEntry>& e = *mine;
  std::vector<uint64_t> pairs;
  for (size_t i = 0; i < e.size();) {
    size_t j = i + 1;
    while (j < e.size() && e[j].band == e[i].band && e[j].key == e[i].key) {
      ++j;
    }
    if (AppendBucketPairs(
            j - i, [&](size_t x) { return e[i + x].doc; }, max_bucket, &pairs,
            hub_rank)) {
      ++*capped;
    }
    i = j;
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

// Phase 5: rank 0 clusters the verified pairs `near`; the pairs it lists
// are measured where their documents are (every rank takes part in that
// one exchange).
absl::Status ClusterVerifiedPairs(Comm& comm, Shard& shard,
                                  const std::vector<PairResult>& near,
                                  const ScanOptions& options, Report* report) {
  absl::Status measured = absl::OkStatus();
  auto measure = [&](std::span<const std::pair<uint32_t, uint32_t>> listed) {
    std::vector<uint64_t> pairs;
    pairs.reserve(listed.size());
    for (auto [a, b] : listed) pairs.push_back(uint64_t{a} << 32 | b);
    absl::StatusOr<std::vector<PairResult>> r =
        MeasurePairs(comm, shard, pairs, options, /*near_only=*/false, nullptr);
    std::vector<NearDuplicatePair> out;
    if (!r.ok()) {
      measured = r.status();
      return out;
    }
    for (const PairResult& p : *r) {
      out.push_back(
          NearDuplicatePair{p.a, p.b, p.jaccard, p.containment, p.estimate});
    }
    return out;
  };
  if (comm.rank() == 0) {
    std::vector<Edge> edges;
    edges.reserve(near.size());
    for (const PairResult& p : near) edges.push_back(Edge{p.a, p.b, p.jaccard});
    std::sort(edges.begin(), edges.end(), [](const Edge& x, const Edge& y) {
      return x.a != y.a ? x.a < y.a : x.b < y.b;
    });
    internal::ClusterAndListPairs(edges, measure, report);
  } else {
    measure({});
  }
  return measured;
}

}  // namespace

bool LaunchedByMpirun() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"}) {
    if (std::getenv(v) != nullptr) return true;
  }
  return false;
}

int MpirunRank() {
  for (const char* v : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"}) {
    if (const char* s = std::getenv(v); s != nullptr) {
      int rank = 0;
      if (absl::SimpleAtoi(s, &rank)) return rank;
    }
  }
  return 0;
}

MpiSession::MpiSession(int* argc, char*** argv) {
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm local;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_,
                      MPI_INFO_NULL, &local);
  MPI_Comm_size(local, &local_size_);
  MPI_Comm_free(&local);
}

MpiSession::~MpiSession() { MPI_Finalize(); }

absl::StatusOr<std::optional<Report>> RunScanMpi(
    const MpiSession& session, std::span<const std::string> paths,
    const ScanOptions& options, const ProgressFn& progress,
    MpiStats* stats_out) {
  if (auto s = ValidateScanOptions(options); !s.ok()) return s;
  if (!options.index_path.empty()) {
    return absl::InvalidArgumentError(
        "--index runs in one process: run scan --index without mpirun");
  }
  if (options.floor) {
    return absl::InvalidArgumentError(
        "--floor runs in one process: run it without mpirun");
  }
  if (std::find(paths.begin(), paths.end(), kStdinPath) != paths.end()) {
    return absl::InvalidArgumentError(
        "standard input (-) is read by one process: run without mpirun");
  }
  Comm comm(MPI_COMM_WORLD, session.rank(), session.size());
  // A named pipe is one stream, as standard input is: the ranks share a
  // plain JSONL file out by opening it again, and the second open of a
  // pipe whose writer is done waits for ever (review 39d-01: mpirun hung).
  // The ranks agree on it: /dev/stdin (or a link to it) is a pipe on rank
  // 0 alone, whose standard input mpirun connects, and the others waited
  // for rank 0's list of files for ever (review 51a-01).
  absl::Status pipes;
  for (const std::string& p : paths) {
    struct stat st;
    if (::stat(p.c_str(), &st) == 0 &&
        (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
      pipes = absl::InvalidArgumentError(absl::StrCat(
          p,
          " is a named pipe, read by one process: run without mpirun, "
          "or save it to a file first"));
      break;
    }
  }
  if (absl::Status s = comm.Agree(pipes); !s.ok()) return s;
  const int rank = comm.rank(), size = comm.size();
  // Ranks on one host share its cores unless told otherwise: a rank bound
  // to some cores uses them, an unbound one its share of the host.
  const int saved_threads = omp_get_max_threads();
  const int host_cores =
      std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const int allowed = AllowedCores();
  omp_set_num_threads(options.threads > 0 ? options.threads
                      : allowed < host_cores
                          ? allowed
                          : std::max(1, host_cores / session.local_size()));
  struct RestoreThreads {
    int n;
    ~RestoreThreads() { omp_set_num_threads(n); }
  } restore{saved_threads};

  // Rank 0 runs the claims stage: its lexicon loads meanwhile.
  std::optional<internal::ClaimsPrefetch> prefetch;
  if (rank == 0) prefetch.emplace(options);
  MpiStats st;
  const auto t_start = Clock::now();
  auto t = Clock::now();
  Report report;
  internal::StartReport(options, &report);
  report.ranks = static_cast<uint32_t>(size);

  // ---- 1. Walk on rank 0, share the files out, sketch this shard. ----
  comm.counter = &st.sketch.bytes_sent;
  std::vector<bool> pieces;
  const std::vector<InputFile> files =
      ShareInputFiles(comm, paths, options.ingest.exclude_from_walk, &pieces);
  std::vector<size_t> index;
  std::vector<InputFile> mine = ShardFiles(files, pieces, rank, size, &index);
  if (absl::Status s = NumberPieceLines(comm, index, &mine); !s.ok()) {
    return s;
  }
  Shard shard(options.minhash.num_perm);
  absl::StatusOr<ShardRecords> records = SketchShard(
      mine, rank, options, MinHasher(options.minhash), progress, &shard);
  absl::Status s = comm.Agree(records.status());
  if (!s.ok()) return s;
  st.local_documents = shard.local_docs;
  st.sketch.seconds = Seconds(t);

  // ---- 2. Rank 0 merges the record streams in input order. ----
  t = Clock::now();
  comm.counter = &st.merge.bytes_sent;
  MergeRecordStreams(comm, std::move(records->stream), &shard, &report);
  st.merge.seconds = Seconds(t);

  // ---- 3. Band keys to the ranks owning their buckets; bucket pairs. ----
  t = Clock::now();
  comm.counter = &st.bands.bytes_sent;
  uint64_t capped = 0;
  // Each document's place in --keep's order, from rank 0, which holds
  // every document's length, date and markup flag (internal::HubRanks;
  // none for --keep first without markup, which input order gives).
  std::vector<uint32_t> hub_rank;
  {
    std::string bytes;
    if (rank == 0) {
      hub_rank = internal::HubRanks(report);
      if (!hub_rank.empty()) {
        bytes.assign(reinterpret_cast<const char*>(hub_rank.data()),
                     hub_rank.size() * sizeof(uint32_t));
      }
    }
    comm.Broadcast(&bytes);
    // Empty (input order decides) is the common case: no copy from the
    // null data() of an empty vector.
    if (rank != 0 && !bytes.empty()) {
      hub_rank.resize(bytes.size() / sizeof(uint32_t));
      std::memcpy(hub_rank.data(), bytes.data(),
                  hub_rank.size() * sizeof(uint32_t));
    }
  }
  absl::StatusOr<std::vector<uint64_t>> bucket_pairs = BucketPairs(
      comm, shard, report.lsh, options.max_bucket, hub_rank, &capped);
  if (!bucket_pairs.ok()) return bucket_pairs.status();
  report.capped_buckets = comm.SumToRoot(capped);
  st.bands.seconds = Seconds(t);

  // ---- 4. Verify each candidate where its first document is. ----
  t = Clock::now();
  comm.counter = &st.verify.bytes_sent;
  uint64_t distinct = 0;
  absl::StatusOr<std::vector<PairResult>> near = MeasurePairs(
      comm, shard, *bucket_pairs, options, /*near_only=*/true, &distinct);
  if (!near.ok()) return near.status();
  std::vector<uint64_t>().swap(*bucket_pairs);
  report.candidate_pairs = comm.SumToRoot(distinct);
  st.verify.seconds = Seconds(t);

  // ---- 5. Rank 0 clusters; the listed pairs are measured where the data
  // is. ----
  t = Clock::now();
  comm.counter = &st.cluster.bytes_sent;
  if (s = ClusterVerifiedPairs(comm, shard, *near, options, &report); !s.ok()) {
    return s;
  }
  st.cluster.seconds = Seconds(t);
  // Nothing reads this rank's document-level sketches again: their memory
  // goes before the claims stage's peak, as in RunScan.
  shard.fingerprints = internal::FingerprintArena();
  shard.signatures = internal::SignatureStore(options.minhash.num_perm);

  // ---- 6. Claims: units analysed where the documents are; rank 0, which
  // holds every text to quote and every unit's key, counts the IDF over
  // distinct texts, signs the units and finds the matches. ----
  t = Clock::now();
  comm.counter = &st.claims.bytes_sent;
  absl::Status claims_status;
  if (options.claims.enabled) {
    claims_status = internal::KeepDocumentLevelIfClaimsFail(
        DistributedClaims(comm, shard, records->docs, options, &report),
        &report);
    std::vector<Document>().swap(records->docs);
    report.timings.claims_s = Seconds(t);
  }
  st.claims.seconds = Seconds(t);

  // Rank 0 may fail after the others are done with the claims stage (its
  // scorer's WordNet): every rank meets here first, then all fail together,
  // so none is left waiting in a collective.
  comm.WaitForAll();
  if (s = comm.Agree(claims_status); !s.ok()) return s;
  const uint64_t sent = st.sketch.bytes_sent + st.merge.bytes_sent +
                        st.bands.bytes_sent + st.verify.bytes_sent +
                        st.cluster.bytes_sent + st.claims.bytes_sent;
  st.total_bytes_sent = comm.SumToRoot(sent);
  for (MpiPhaseStats* p : {&st.sketch, &st.merge, &st.bands, &st.verify,
                           &st.cluster, &st.claims}) {
    p->bytes_sent_all_ranks = comm.SumToRoot(p->bytes_sent);
  }
  st.total_documents = report.documents.size();
  if (stats_out != nullptr) *stats_out = st;
  if (rank != 0) return std::optional<Report>();
  report.timings.ingest_s = st.sketch.seconds + st.merge.seconds;
  report.timings.lsh_s = st.bands.seconds;
  report.timings.verify_s = st.verify.seconds;
  report.timings.cluster_s = st.cluster.seconds;
  report.timings.total_s = Seconds(t_start);
  return std::optional<Report>(std::move(report));
}

}  // namespace refrain
