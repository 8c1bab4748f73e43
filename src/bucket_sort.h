// Sorting of uniformly spread keys (hashes) by one counting pass (internal).
#ifndef REFRAIN_SRC_BUCKET_SORT_H_
#define REFRAIN_SRC_BUCKET_SORT_H_

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace refrain::internal {

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
  thread_local std::vector<uint32_t> start;
  start.assign(buckets + 1, 0);
  for (const T& x : v) ++start[bucket_of(x) + 1];
  for (size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
  Vector& tmp = *out;
  tmp.resize(v.size());
  for (const T& x : v) tmp[start[bucket_of(x)]++] = x;
  // start[i] is now the end of bucket i.
  size_t begin = 0;
  for (size_t i = 0; i < buckets; ++i) {
    const size_t end = start[i];
    if (end - begin > 1) std::sort(tmp.begin() + begin, tmp.begin() + end);
    begin = end;
  }
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
  auto high_of = [&](const T& x) { return bucket_of(x) >> low_bits; };
  auto low_of = [&](const T& x) { return bucket_of(x) & (lows - 1); };
  thread_local std::vector<uint32_t> start, next;
  start.assign(highs + 1, 0);
  for (const T& x : v) ++start[high_of(x) + 1];
  for (size_t h = 1; h <= highs; ++h) start[h] += start[h - 1];
  next.assign(start.begin(), start.end() - 1);
  tmp.resize(v.size());
  for (const T& x : v) tmp[next[high_of(x)]++] = x;
  for (size_t h = 0; h < highs; ++h) {
    const size_t begin = start[h], end = start[h + 1];
    next.assign(lows + 1, 0);
    for (size_t i = begin; i < end; ++i) ++next[low_of(tmp[i]) + 1];
    for (size_t l = 1; l <= lows; ++l) next[l] += next[l - 1];
    for (size_t i = begin; i < end; ++i) {
      v[begin + next[low_of(tmp[i])]++] = tmp[i];
    }
    // next[l] is now the end of low bucket l, from begin.
    size_t b = begin;
    for (size_t l = 0; l < lows && b < end; ++l) {
      const size_t e = begin + next[l];
      if (e - b > 1) std::sort(v.begin() + b, v.begin() + e);
      b = e;
    }
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
