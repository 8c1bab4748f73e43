// The scan spread over MPI processes (Open MPI): `mpirun -np N refrain scan`.
// Built when CMake finds MPI (REFRAIN_HAVE_MPI is then defined).
//
// Every rank runs RunScanMpi with the same arguments:
//   1. rank 0 walks the inputs and shares the files out in contiguous runs
//      of about equal bytes; each rank ingests, normalizes, shingles and
//      signs its own files (with OpenMP threads, as a single process does);
//   2. the metadata of every record (and the text, when claims need it)
//      goes to rank 0, which merges it in input order exactly as a single
//      process does (duplicate ids are skipped across shards too) and tells
//      each rank which of its documents are kept and their global numbers;
//   3. LSH band keys are exchanged all-to-all so each (band, key) bucket
//      lives on one rank, which emits that bucket's candidate pairs;
//   4. each pair goes to the rank holding its first document, which fetches
//      only the fingerprints and signatures it lacks and verifies it;
//   5. rank 0 gathers the near-duplicate edges, clusters them and has the
//      listed pairs measured where the data is;
//   6. claims: each rank segments its documents, derives and signs their
//      claim units (FindClaims' stages, claims.h); rank 0 decides the
//      boilerplate lines and the IDF from every rank's counts, gathers the
//      units, terms and sketches, finds the matches and returns the report.
// The report is identical to RunScan's for the same inputs and options
// except Report::ranks. docs/scale-out.md has the costs and limits.
#ifndef REFRAIN_SCAN_MPI_H_
#define REFRAIN_SCAN_MPI_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "refrain/report.h"
#include "refrain/scan.h"

namespace refrain {

// Whether this process was started by mpirun/mpiexec (Open MPI or PMIx
// environment), so a plain `refrain scan` never initializes MPI.
bool LaunchedByMpirun();

// This process's rank as mpirun's environment gives it before MPI starts
// (OMPI_COMM_WORLD_RANK, PMIX_RANK or PMI_RANK); 0 when not launched by
// mpirun. For what only rank 0 does before the scan: checking that the
// output paths, which only it writes, can be written.
int MpirunRank();

// Initializes MPI (with MPI_THREAD_FUNNELED: only the calling thread makes
// MPI calls; the reader thread and OpenMP workers do not) and finalizes it
// on destruction. At most one per process.
class MpiSession {
 public:
  MpiSession(int* argc, char*** argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // Processes of this job on this host (for the default thread count).
  int local_size() const { return local_size_; }

 private:
  int rank_ = 0, size_ = 1, local_size_ = 1;
};

// Bytes sent and wall time per phase on this rank (rank 0: also the merge,
// clustering and claims). Not part of report.json.
struct MpiPhaseStats {
  double seconds = 0;                 // Wall time on this rank.
  uint64_t bytes_sent = 0;            // By this rank.
  uint64_t bytes_sent_all_ranks = 0;  // Sum over the ranks (rank 0 only).
};
struct MpiStats {
  MpiPhaseStats sketch;   // Walk, share out, ingest and sketch the shard.
  MpiPhaseStats merge;    // Record metadata (and text) to rank 0, keep list.
  MpiPhaseStats bands;    // Band keys all-to-all, bucket pairs.
  MpiPhaseStats verify;   // Pairs to owners, fingerprint fetches, edges.
  MpiPhaseStats cluster;  // Clusters on rank 0, listed pairs measured.
  MpiPhaseStats claims;   // Claims stage (rank 0).
  uint64_t local_documents = 0;  // Documents this rank sketched.
  // Totals over all ranks (rank 0 only): bytes sent, documents.
  uint64_t total_bytes_sent = 0;
  uint64_t total_documents = 0;
};

// Runs the scan over `paths` as one rank of `session`; every rank must call
// it with the same paths and options. Returns the report on rank 0 and
// nothing on the other ranks; an error on any rank fails it on every rank.
// Not with options.index_path or options.floor (single-process only).
// `progress` is called on rank 0 with its own shard's counts.
absl::StatusOr<std::optional<Report>> RunScanMpi(
    const MpiSession& session, std::span<const std::string> paths,
    const ScanOptions& options, const ProgressFn& progress = nullptr,
    MpiStats* stats = nullptr);

}  // namespace refrain

#endif  // REFRAIN_SCAN_MPI_H_
