#pragma once
// Bitcoin wire serialization: little-endian integers, compact sizes and
// length-prefixed byte vectors. Reader is strict: truncated input,
// non-canonical compact sizes and lengths beyond the remaining input are
// errors, and nothing is ever allocated from a length the input claims
// unless that many bytes are actually present.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/uint256.h"

namespace btr::core {

// Largest compact size accepted for any count or length (Bitcoin's MAX_SIZE).
inline constexpr uint64_t kMaxCompactSize = 0x02000000;

class Writer {
 public:
  explicit Writer(std::vector<uint8_t>& out) : out_(out) {}
  Writer& u8(uint8_t v);
  Writer& u16(uint16_t v);
  Writer& u32(uint32_t v);
  Writer& u64(uint64_t v);
  Writer& i32(int32_t v) { return u32(static_cast<uint32_t>(v)); }
  Writer& i64(int64_t v) { return u64(static_cast<uint64_t>(v)); }
  Writer& compact_size(uint64_t v);
  Writer& bytes(std::span<const uint8_t> b);      // raw, no length
  Writer& var_bytes(std::span<const uint8_t> b);  // compact size + bytes
  Writer& hash(const Hash256& h) { return bytes(h.bytes); }

 private:
  std::vector<uint8_t>& out_;
};

size_t compact_size_length(uint64_t v);

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> in) : in_(in) {}

  Result<uint8_t> u8();
  Result<uint16_t> u16();
  Result<uint32_t> u32();
  Result<uint64_t> u64();
  Result<int32_t> i32();
  Result<int64_t> i64();
  // Canonical compact size no larger than kMaxCompactSize.
  Result<uint64_t> compact_size();
  // A count of items each at least min_item_size bytes long: refused when the
  // remaining input could not hold that many, so callers may reserve() it.
  Result<uint64_t> count(size_t min_item_size);
  Result<std::span<const uint8_t>> bytes(size_t n);
  Result<std::vector<uint8_t>> var_bytes(size_t max_len = kMaxCompactSize);
  Result<Hash256> hash();

  size_t remaining() const { return in_.size() - pos_; }
  size_t position() const { return pos_; }
  bool empty() const { return remaining() == 0; }
  // For whole-object decoders: fails with "trailing-bytes" if input is left.
  Status expect_end() const;

 private:
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
};

}  // namespace btr::core
