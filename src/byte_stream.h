// A byte stream of fixed-width integers and length-prefixed strings and
// arrays, in native byte order (internal): the MPI scan's messages between
// ranks and WordNet's cache image. The reader checks every length against
// what is left, so a cut or damaged stream sets failed() (and reads zeros
// and empty values from there on) instead of reading past its end.
#ifndef REFRAIN_SRC_BYTE_STREAM_H_
#define REFRAIN_SRC_BYTE_STREAM_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace refrain::internal {

inline void PutU32(std::string* out, uint32_t v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}
inline void PutU64(std::string* out, uint64_t v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}
inline void PutStr(std::string* out, std::string_view s) {
  PutU64(out, s.size());
  out->append(s);
}
template <typename T>
void PutVector(std::string* out, const std::vector<T>& v) {
  static_assert(std::is_trivially_copyable_v<T>);
  PutU64(out, v.size());
  out->append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}
inline void PutStrings(std::string* out, const std::vector<std::string>& v) {
  PutU64(out, v.size());
  for (const std::string& x : v) PutStr(out, x);
}

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}
  bool failed() const { return failed_; }
  // At the end, or failed.
  bool done() const { return failed_ || pos_ == data_.size(); }

  char Byte() {
    std::string_view b = Raw(1);
    return b.empty() ? '\0' : b[0];
  }
  uint32_t U32() { return Fixed<uint32_t>(); }
  uint64_t U64() { return Fixed<uint64_t>(); }
  std::string_view Raw(uint64_t n) {
    if (failed_ || n > data_.size() - pos_) {
      failed_ = true;
      return {};
    }
    std::string_view b = data_.substr(pos_, n);
    pos_ += n;
    return b;
  }
  std::string_view Str() { return Raw(U64()); }
  template <typename T>
  std::vector<T> Vector() {
    std::vector<T> v;
    AppendVector(&v);
    return v;
  }
  // A vector written by PutVector, appended to `*out` (no vector of its
  // own in between). On malformed bytes, failed() and `*out` unchanged.
  template <typename T>
  void AppendVector(std::vector<T>* out) {
    static_assert(std::is_trivially_copyable_v<T>);
    const uint64_t n = U64();
    if (failed_ || n > (data_.size() - pos_) / sizeof(T)) {
      failed_ = true;
      return;
    }
    const size_t at = out->size();
    out->resize(at + n);
    if (n > 0) {
      std::memcpy(out->data() + at, Raw(n * sizeof(T)).data(), n * sizeof(T));
    }
  }
  std::vector<std::string> Strings() {
    const uint64_t n = U64();
    // Each string takes at least its 8-byte length.
    if (failed_ || n > (data_.size() - pos_) / sizeof(uint64_t)) {
      failed_ = true;
      return {};
    }
    std::vector<std::string> v(n);
    for (std::string& x : v) x = Str();
    return v;
  }

 private:
  template <typename T>
  T Fixed() {
    std::string_view b = Raw(sizeof(T));
    T v = 0;
    if (!b.empty()) std::memcpy(&v, b.data(), sizeof(T));
    return v;
  }

  std::string_view data_;
  size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace refrain::internal

#endif  // REFRAIN_SRC_BYTE_STREAM_H_
