// Sorting of uniformly spread keys (hashes) by one counting pass (internal).
#ifndef REFRAIN_SRC_BUCKET_SORT_H_
#define REFRAIN_SRC_BUCKET_SORT_H_

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace refrain::internal {

// One counting pass: scatters `in` into out[0, in.size()) by bucket_of(x) <
// buckets, keeping the input order within a bucket, and leaves in `*ends`
// the end of each bucket.
template <typename T, typename BucketOf>
void Scatter(std::span<const T> in, size_t buckets, BucketOf bucket_of, T* out,
             std::vector<uint32_t>* ends) {
  std::vector<uint32_t>& next = *ends;
  next.assign(buckets + 1, 0);
  for (const T& x : in) ++next[bucket_of(x) + 1];
  for (size_t i = 1; i <= buckets; ++i) next[i] += next[i - 1];
  for (const T& x : in) out[next[bucket_of(x)]++] = x;
  next.pop_back();  // next[i] is now the end of bucket i.
}

// Sorts each bucket of `v` (ends as Scatter leaves them) on its own.
template <typename T>
void SortBuckets(T* v, const std::vector<uint32_t>& ends) {
  uint32_t begin = 0;
  for (uint32_t end : ends) {
    if (end - begin > 1) std::sort(v + begin, v + end);
    begin = end;
  }
}

// Sorts `v` ascending as std::sort would, given bucket_of(x) < buckets that
// never decreases as x grows: one counting pass scatters the elements into
// their buckets, then each bucket (a few elements) is sorted on its own,
// several times faster than one comparison sort of everything when the keys
// are hashes (the band sort was the largest single cost of the claims
// candidates step). The sorted elements end in `*out` (resized), which may
// be swapped with the input's vector. Buffers stay with the thread.
template <typename T, typename BucketOf, typename Vector>
void SortByBuckets(std::span<const T> v, size_t buckets, BucketOf bucket_of,
                   Vector* out) {
  thread_local std::vector<uint32_t> ends;
  out->resize(v.size());
  Scatter(v, buckets, bucket_of, out->data(), &ends);
  SortBuckets(out->data(), ends);
}

// The same, in place. Up to 2^16 buckets, `v`'s buffer is swapped with the
// thread's. Over that, one scatter would write to more places than the
// caches hold (a million documents' band table: 16 MB in 2^18 buckets, the
// LSH step's one part that grew faster than the corpus), so it runs in two
// levels: by the bucket's high bits (at most 256 of them) into the
// thread's buffer, then each of those (a few thousand elements, in cache)
// by the low bits back into `v`. BM_BandTableSort, 1M entries: 19-25 ->
// 18-23 ms; 4M: 120-173 -> 105-106 ms.
template <typename Vector, typename BucketOf>
void SortByBuckets(Vector& v, size_t buckets, BucketOf bucket_of) {
  using T = typename Vector::value_type;
  thread_local Vector tmp;
  if (buckets <= (size_t{1} << 16)) {
    SortByBuckets<T>(std::span<const T>(v), buckets, bucket_of, &tmp);
    v.swap(tmp);
    return;
  }
  int low_bits = 1;
  while ((buckets >> low_bits) > 256) ++low_bits;
  const size_t lows = size_t{1} << low_bits;
  const size_t highs = ((buckets - 1) >> low_bits) + 1;
  thread_local std::vector<uint32_t> high_ends, low_ends;
  tmp.resize(v.size());
  Scatter(
      std::span<const T>(v), highs,
      [&](const T& x) { return bucket_of(x) >> low_bits; }, tmp.data(),
      &high_ends);
  uint32_t begin = 0;
  for (uint32_t end : high_ends) {
    Scatter(
        std::span<const T>(tmp.data() + begin, end - begin), lows,
        [&](const T& x) { return bucket_of(x) & (lows - 1); }, v.data() + begin,
        &low_ends);
    SortBuckets(v.data() + begin, low_ends);
    begin = end;
  }
}

// How many top bits of a uniform hash make about n / per_bucket buckets
// (1..20).
inline int BucketBits(size_t n, size_t per_bucket) {
  int bits = 1;
  while (bits < 20 && (size_t{1} << bits) < n / per_bucket) ++bits;
  return bits;
}

// Sorts 32-bit hashes in place: buckets on their top bits, about n / 2 of
// them. 3x faster than std::sort for a 500-word article's fingerprints.
inline void SortHashes(std::span<uint32_t> v) {
  if (v.size() < 64) {
    std::sort(v.begin(), v.end());
    return;
  }
  const int bits = BucketBits(v.size(), 2);
  const int shift = 32 - bits;
  thread_local std::vector<uint32_t> sorted;
  SortByBuckets<uint32_t>(
      v, size_t{1} << bits, [shift](uint32_t x) { return x >> shift; },
      &sorted);
  std::copy(sorted.begin(), sorted.end(), v.begin());
}

}  // namespace refrain::internal

#endif  // REFRAIN_SRC_BUCKET_SORT_H_
