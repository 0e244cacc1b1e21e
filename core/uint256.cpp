#include "core/uint256.h"

#include <algorithm>
#include <cassert>

#include "core/hex.h"

namespace btr::core {
namespace {
// 128-bit intermediate for carries and products (a GCC/Clang extension).
__extension__ typedef unsigned __int128 U128;
}  // namespace

Hash256 Hash256::from_bytes(std::span<const uint8_t, 32> b) {
  Hash256 h;
  std::copy(b.begin(), b.end(), h.bytes.begin());
  return h;
}

Result<Hash256> Hash256::from_internal_hex(std::string_view hex) {
  Hash256 h;
  if (Status s = from_hex_into(hex, h.bytes); !s) return fail(s.error());
  return h;
}

Result<Hash256> Hash256::from_display_hex(std::string_view hex) {
  auto h = from_internal_hex(hex);
  if (!h) return h;
  std::reverse(h->bytes.begin(), h->bytes.end());
  return h;
}

std::string Hash256::to_internal_hex() const {
  return to_hex(bytes);
}

std::string Hash256::to_display_hex() const {
  std::array<uint8_t, 32> r = bytes;
  std::reverse(r.begin(), r.end());
  return to_hex(r);
}

bool Hash256::is_zero() const {
  return std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
}

Uint256 Uint256::from_le_bytes(std::span<const uint8_t, 32> b) {
  Uint256 r;
  for (int i = 0; i < 4; ++i) {
    uint64_t v = 0;
    for (int j = 7; j >= 0; --j) v = v << 8 | b[static_cast<size_t>(i * 8 + j)];
    r.limb_[static_cast<size_t>(i)] = v;
  }
  return r;
}

std::array<uint8_t, 32> Uint256::to_le_bytes() const {
  std::array<uint8_t, 32> out{};
  for (size_t i = 0; i < 32; ++i) out[i] = static_cast<uint8_t>(limb_[i / 8] >> (8 * (i % 8)));
  return out;
}

Hash256 Uint256::to_hash() const {
  Hash256 h;
  h.bytes = to_le_bytes();
  return h;
}

Result<Uint256> Uint256::from_hex(std::string_view hex) {
  if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
  if (hex.empty() || hex.size() > 64) return fail("uint256-hex-length");
  std::string padded(64 - hex.size(), '0');
  padded.append(hex);
  auto h = Hash256::from_display_hex(padded);
  if (!h) return fail("uint256-hex-digit");
  return from_hash(*h);
}

std::string Uint256::to_hex() const {
  return to_hash().to_display_hex();
}

Uint256 Uint256::max() {
  Uint256 r;
  r.limb_.fill(~uint64_t{0});
  return r;
}

unsigned Uint256::bits() const {
  for (int i = 3; i >= 0; --i) {
    const uint64_t v = limb_[static_cast<size_t>(i)];
    if (v != 0) return static_cast<unsigned>(64 * i + 64 - __builtin_clzll(v));
  }
  return 0;
}

double Uint256::to_double() const {
  double r = 0;
  for (int i = 3; i >= 0; --i)
    r = r * 18446744073709551616.0 + static_cast<double>(limb_[static_cast<size_t>(i)]);
  return r;
}

Uint256& Uint256::operator+=(const Uint256& o) {
  U128 carry = 0;
  for (size_t i = 0; i < 4; ++i) {
    carry += static_cast<U128>(limb_[i]) + o.limb_[i];
    limb_[i] = static_cast<uint64_t>(carry);
    carry >>= 64;
  }
  return *this;
}

Uint256& Uint256::operator-=(const Uint256& o) {
  return *this += (~o + Uint256(1));
}

Uint256 Uint256::operator~() const {
  Uint256 r;
  for (size_t i = 0; i < 4; ++i) r.limb_[i] = ~limb_[i];
  return r;
}

Uint256& Uint256::operator*=(uint64_t m) {
  U128 carry = 0;
  for (size_t i = 0; i < 4; ++i) {
    carry += static_cast<U128>(limb_[i]) * m;
    limb_[i] = static_cast<uint64_t>(carry);
    carry >>= 64;
  }
  return *this;
}

Uint256& Uint256::operator*=(const Uint256& o) {
  Uint256 r;
  for (size_t i = 0; i < 4; ++i) {
    U128 carry = 0;
    for (size_t j = 0; i + j < 4; ++j) {
      carry += static_cast<U128>(limb_[i]) * o.limb_[j] + r.limb_[i + j];
      r.limb_[i + j] = static_cast<uint64_t>(carry);
      carry >>= 64;
    }
  }
  return *this = r;
}

Uint256& Uint256::operator<<=(unsigned s) {
  if (s >= 256) return *this = Uint256();
  Uint256 r;
  const unsigned words = s / 64, shift = s % 64;
  for (unsigned i = 3 + 1; i-- > words;) {
    uint64_t v = limb_[i - words] << shift;
    if (shift != 0 && i - words >= 1) v |= limb_[i - words - 1] >> (64 - shift);
    r.limb_[i] = v;
  }
  return *this = r;
}

Uint256& Uint256::operator>>=(unsigned s) {
  if (s >= 256) return *this = Uint256();
  Uint256 r;
  const unsigned words = s / 64, shift = s % 64;
  for (unsigned i = 0; i + words < 4; ++i) {
    uint64_t v = limb_[i + words] >> shift;
    if (shift != 0 && i + words + 1 < 4) v |= limb_[i + words + 1] << (64 - shift);
    r.limb_[i] = v;
  }
  return *this = r;
}

Uint256& Uint256::divide_by_u64(uint64_t d) {
  // Schoolbook division one 64-bit limb at a time; the remainder is always
  // below d, so each 128-by-64 step's quotient fits in a limb.
  U128 rem = 0;
  for (size_t i = 4; i-- > 0;) {
    const U128 cur = (rem << 64) | limb_[i];
    limb_[i] = static_cast<uint64_t>(cur / d);
    rem = cur % d;
  }
  return *this;
}

Uint256& Uint256::operator/=(const Uint256& d) {
  assert(!d.is_zero());
  // A share's target is diff1 over a 53-bit mantissa, once per share at
  // pool rates: that common case takes the limb-wise path.
  if ((d.limb_[1] | d.limb_[2] | d.limb_[3]) == 0) return divide_by_u64(d.limb_[0]);
  // Shift-subtract long division; wider divisors (chain work) are rare.
  Uint256 num = *this, div = d, quot;
  const int shift = static_cast<int>(num.bits()) - static_cast<int>(div.bits());
  if (shift < 0) return *this = Uint256();
  div <<= static_cast<unsigned>(shift);
  for (int s = shift; s >= 0; --s) {
    if (num >= div) {
      num -= div;
      quot.limb_[static_cast<size_t>(s / 64)] |= uint64_t{1} << (s % 64);
    }
    div >>= 1;
  }
  return *this = quot;
}

std::strong_ordering operator<=>(const Uint256& a, const Uint256& b) {
  for (size_t i = 4; i-- > 0;)
    if (a.limb_[i] != b.limb_[i]) return a.limb_[i] <=> b.limb_[i];
  return std::strong_ordering::equal;
}

}  // namespace btr::core
