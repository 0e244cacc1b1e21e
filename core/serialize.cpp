#include "core/serialize.h"

#include <algorithm>

namespace btr::core {

Writer& Writer::u8(uint8_t v) {
  out_.push_back(v);
  return *this;
}
Writer& Writer::u16(uint16_t v) {
  for (int i = 0; i < 2; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  return *this;
}
Writer& Writer::u32(uint32_t v) {
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  return *this;
}
Writer& Writer::u64(uint64_t v) {
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  return *this;
}

Writer& Writer::compact_size(uint64_t v) {
  if (v < 0xfd) return u8(static_cast<uint8_t>(v));
  if (v <= 0xffff) return u8(0xfd).u16(static_cast<uint16_t>(v));
  if (v <= 0xffffffff) return u8(0xfe).u32(static_cast<uint32_t>(v));
  return u8(0xff).u64(v);
}

Writer& Writer::bytes(std::span<const uint8_t> b) {
  out_.insert(out_.end(), b.begin(), b.end());
  return *this;
}

Writer& Writer::var_bytes(std::span<const uint8_t> b) { return compact_size(b.size()).bytes(b); }

size_t compact_size_length(uint64_t v) {
  if (v < 0xfd) return 1;
  if (v <= 0xffff) return 3;
  if (v <= 0xffffffff) return 5;
  return 9;
}

Result<std::span<const uint8_t>> Reader::bytes(size_t n) {
  if (n > remaining()) return fail("truncated");
  auto out = in_.subspan(pos_, n);
  pos_ += n;
  return out;
}

namespace {
template <class T>
Result<T> read_le(Reader& r) {
  auto b = r.bytes(sizeof(T));
  if (!b) return fail(b.error());
  T v = 0;
  for (size_t i = sizeof(T); i-- > 0;) v = static_cast<T>(v << 8 | (*b)[i]);
  return v;
}
}  // namespace

Result<uint8_t> Reader::u8() { return read_le<uint8_t>(*this); }
Result<uint16_t> Reader::u16() { return read_le<uint16_t>(*this); }
Result<uint32_t> Reader::u32() { return read_le<uint32_t>(*this); }
Result<uint64_t> Reader::u64() { return read_le<uint64_t>(*this); }

Result<int32_t> Reader::i32() {
  auto v = u32();
  if (!v) return fail(v.error());
  return static_cast<int32_t>(*v);
}

Result<int64_t> Reader::i64() {
  auto v = u64();
  if (!v) return fail(v.error());
  return static_cast<int64_t>(*v);
}

Result<uint64_t> Reader::compact_size() {
  auto tag = u8();
  if (!tag) return fail(tag.error());
  uint64_t v = *tag;
  uint64_t min = 0;
  if (*tag == 0xfd) {
    auto x = u16();
    if (!x) return fail(x.error());
    v = *x, min = 0xfd;
  } else if (*tag == 0xfe) {
    auto x = u32();
    if (!x) return fail(x.error());
    v = *x, min = 0x10000;
  } else if (*tag == 0xff) {
    auto x = u64();
    if (!x) return fail(x.error());
    v = *x, min = 0x100000000;
  }
  if (v < min) return fail("non-canonical-compact-size");
  if (v > kMaxCompactSize) return fail("compact-size-too-large");
  return v;
}

Result<uint64_t> Reader::count(size_t min_item_size) {
  auto n = compact_size();
  if (!n) return n;
  if (min_item_size != 0 && *n > remaining() / min_item_size) return fail("count-exceeds-input");
  return n;
}

Result<std::vector<uint8_t>> Reader::var_bytes(size_t max_len) {
  auto n = compact_size();
  if (!n) return fail(n.error());
  if (*n > max_len) return fail("length-too-large");
  auto b = bytes(*n);
  if (!b) return fail(b.error());
  return std::vector<uint8_t>(b->begin(), b->end());
}

Result<Hash256> Reader::hash() {
  auto b = bytes(32);
  if (!b) return fail(b.error());
  return Hash256::from_bytes(b->first<32>());
}

Status Reader::expect_end() const {
  if (!empty()) return fail("trailing-bytes");
  return {};
}

}  // namespace btr::core
