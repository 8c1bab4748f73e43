// MPI plumbing of the MPI scan (scan_mpi.cc): Comm, the few MPI exchanges
// the scan uses, each counting the bytes this rank sends; the messages are
// byte streams (byte_stream.h). Internal; used by one file.
#ifndef REFRAIN_SRC_MPI_COMM_H_
#define REFRAIN_SRC_MPI_COMM_H_

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "byte_stream.h"

namespace refrain {
namespace internal {

constexpr int kTagSize = 1, kTagData = 2;
// Point-to-point and broadcast messages go in pieces of at most this many
// bytes: MPI counts are ints.
constexpr size_t kPiece = size_t{1} << 30;

// ---- MPI transfers, counting the bytes this rank sends. ----

class Comm {
 public:
  Comm(MPI_Comm comm, int rank, int size)
      : comm_(comm), rank_(rank), size_(size) {}
  int rank() const { return rank_; }
  int size() const { return size_; }
  uint64_t* counter = nullptr;  // Where sent bytes are added.

  void Send(std::string_view data, int dest) {
    uint64_t n = data.size();
    MPI_Send(&n, 1, MPI_UINT64_T, dest, kTagSize, comm_);
    for (size_t off = 0; off < n; off += kPiece) {
      MPI_Send(data.data() + off, static_cast<int>(std::min(kPiece, n - off)),
               MPI_BYTE, dest, kTagData, comm_);
    }
    Count(n + sizeof n);
  }
  std::string Recv(int source) {
    uint64_t n = 0;
    MPI_Recv(&n, 1, MPI_UINT64_T, source, kTagSize, comm_, MPI_STATUS_IGNORE);
    return RecvData(source, n);
  }
  // Recv that sleeps until the message starts, as WaitForAll does: a rank
  // waiting for rank 0 to hand it work must not take a core from it.
  std::string RecvSleeping(int source) {
    uint64_t n = 0;
    MPI_Request request;
    MPI_Irecv(&n, 1, MPI_UINT64_T, source, kTagSize, comm_, &request);
    for (int done = 0;;) {
      MPI_Test(&request, &done, MPI_STATUS_IGNORE);
      if (done) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return RecvData(source, n);
  }
  std::string RecvData(int source, uint64_t n) {
    std::string data(n, '\0');
    for (size_t off = 0; off < n; off += kPiece) {
      MPI_Recv(data.data() + off, static_cast<int>(std::min(kPiece, n - off)),
               MPI_BYTE, source, kTagData, comm_, MPI_STATUS_IGNORE);
    }
    return data;
  }
  // Rank 0's `data` on every rank.
  void Broadcast(std::string* data) {
    uint64_t n = data->size();
    MPI_Bcast(&n, 1, MPI_UINT64_T, 0, comm_);
    data->resize(n);
    for (size_t off = 0; off < n; off += kPiece) {
      MPI_Bcast(data->data() + off, static_cast<int>(std::min(kPiece, n - off)),
                MPI_BYTE, 0, comm_);
    }
    if (rank_ == 0) Count((n + sizeof n) * (size_ - 1));
  }

  // All-to-all of plain values: out[r] goes to rank r; returns what every
  // rank sent here, in rank order. Fails on every rank alike if a rank
  // would receive more than INT_MAX values (MPI counts are ints).
  // `from`, when given, gets how many values came from each rank.
  template <typename T>
  absl::StatusOr<std::vector<T>> AllToAll(
      const std::vector<std::vector<T>>& out,
      std::vector<int64_t>* from = nullptr) {
    static_assert(std::is_trivially_copyable_v<T>);
    std::vector<int64_t> send_n(size_), recv_n(size_);
    for (int r = 0; r < size_; ++r) send_n[r] = out[r].size();
    MPI_Alltoall(send_n.data(), 1, MPI_INT64_T, recv_n.data(), 1, MPI_INT64_T,
                 comm_);
    int64_t total_in = 0, total_out = 0;
    for (int r = 0; r < size_; ++r) {
      total_in += recv_n[r];
      total_out += send_n[r];
    }
    int too_big = std::max(total_in, total_out) > INT_MAX, any_too_big = 0;
    MPI_Allreduce(&too_big, &any_too_big, 1, MPI_INT, MPI_MAX, comm_);
    if (any_too_big) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "an MPI all-to-all exchange exceeds 2^31 values on one rank; run "
          "with more ranks"));
    }
    MPI_Datatype type;
    MPI_Type_contiguous(sizeof(T), MPI_BYTE, &type);
    MPI_Type_commit(&type);
    std::vector<T> send;
    send.reserve(total_out);
    std::vector<int> sc(size_), sd(size_), rc(size_), rd(size_);
    for (int r = 0; r < size_; ++r) {
      sd[r] = static_cast<int>(send.size());
      sc[r] = static_cast<int>(out[r].size());
      send.insert(send.end(), out[r].begin(), out[r].end());
    }
    for (int r = 0, off = 0; r < size_; ++r) {
      rd[r] = off;
      rc[r] = static_cast<int>(recv_n[r]);
      off += rc[r];
    }
    std::vector<T> recv(total_in);
    MPI_Alltoallv(send.data(), sc.data(), sd.data(), type, recv.data(),
                  rc.data(), rd.data(), type, comm_);
    MPI_Type_free(&type);
    Count((total_out - send_n[rank_]) * sizeof(T));
    if (from != nullptr) *from = std::move(recv_n);
    return recv;
  }

  // Every rank's `local`, concatenated in rank order, on rank 0 (empty on
  // the others).
  template <typename T>
  std::vector<T> GatherToRoot(const std::vector<T>& local) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (rank_ != 0) {
      Send(std::string_view(reinterpret_cast<const char*>(local.data()),
                            local.size() * sizeof(T)),
           0);
      return {};
    }
    std::vector<T> all = local;
    for (int r = 1; r < size_; ++r) {
      std::string bytes = Recv(r);
      const size_t n = bytes.size() / sizeof(T);
      const size_t at = all.size();
      if (n == 0) continue;  // memcpy may not be given a null pointer.
      all.resize(at + n);
      std::memcpy(all.data() + at, bytes.data(), n * sizeof(T));
    }
    return all;
  }

  uint64_t SumToRoot(uint64_t v) {
    uint64_t sum = 0;
    MPI_Reduce(&v, &sum, 1, MPI_UINT64_T, MPI_SUM, 0, comm_);
    return sum;
  }

  // A barrier that sleeps instead of spinning: ranks done early must not
  // take the cores rank 0 uses for the claims stage (MPI implementations
  // poll while they wait in a blocking collective).
  void WaitForAll() {
    MPI_Request request;
    MPI_Ibarrier(comm_, &request);
    for (int done = 0;;) {
      MPI_Test(&request, &done, MPI_STATUS_IGNORE);
      if (done) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  // An error on one rank fails every rank at the same point, so none waits
  // forever in a collective the failed rank never reaches.
  absl::Status Agree(absl::Status s) {
    int ok = s.ok() ? 1 : 0, all = 0;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, comm_);
    if (!s.ok()) return s;
    if (!all) {
      return absl::AbortedError(
          "another MPI rank failed (its error is printed by that rank)");
    }
    return absl::OkStatus();
  }

 private:
  void Count(uint64_t n) {
    if (counter != nullptr) *counter += n;
  }
  MPI_Comm comm_;
  int rank_, size_;
};

}  // namespace internal
}  // namespace refrain

#endif  // REFRAIN_SRC_MPI_COMM_H_
