#pragma once
// Two 256-bit types with different jobs:
//  - Hash256: 32 raw bytes in internal (serialized) order, as SHA256d produces
//    them. Shown to people byte-reversed ("display order"), as Bitcoin does.
//  - Uint256: an unsigned 256-bit integer for targets and chain work. A hash
//    is compared with a target as the little-endian integer of its bytes.

#include <array>
#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace btr::core {

struct Hash256 {
  std::array<uint8_t, 32> bytes{};

  static Hash256 from_bytes(std::span<const uint8_t, 32> b);
  // Display order (byte-reversed), the form RPCs and explorers use.
  static Result<Hash256> from_display_hex(std::string_view hex);
  std::string to_display_hex() const;
  // Internal order, as the bytes sit in a header.
  static Result<Hash256> from_internal_hex(std::string_view hex);
  std::string to_internal_hex() const;

  bool is_zero() const;
  const uint8_t* data() const { return bytes.data(); }
  uint8_t* data() { return bytes.data(); }
  auto operator<=>(const Hash256&) const = default;
};

class Uint256 {
 public:
  constexpr Uint256() = default;
  constexpr explicit Uint256(uint64_t v) : limb_{v, 0, 0, 0} {}

  static Uint256 from_le_bytes(std::span<const uint8_t, 32> b);
  static Uint256 from_hash(const Hash256& h) { return from_le_bytes(h.bytes); }
  // Big-endian hex as people write numbers, up to 64 digits.
  static Result<Uint256> from_hex(std::string_view hex);
  std::array<uint8_t, 32> to_le_bytes() const;
  Hash256 to_hash() const;
  std::string to_hex() const;  // 64 digits, big-endian

  static Uint256 max();
  bool is_zero() const { return (limb_[0] | limb_[1] | limb_[2] | limb_[3]) == 0; }
  unsigned bits() const;  // position of the highest set bit + 1; 0 for zero
  uint64_t low64() const { return limb_[0]; }
  uint64_t limb(int i) const { return limb_[i]; }
  double to_double() const;

  Uint256& operator+=(const Uint256& o);
  Uint256& operator-=(const Uint256& o);
  Uint256& operator*=(uint64_t m);        // wraps modulo 2^256
  Uint256& operator*=(const Uint256& o);  // wraps modulo 2^256
  Uint256& operator/=(const Uint256& d);  // asserts d != 0
  Uint256& operator<<=(unsigned s);
  Uint256& operator>>=(unsigned s);
  Uint256 operator~() const;

  friend Uint256 operator+(Uint256 a, const Uint256& b) { return a += b; }
  friend Uint256 operator-(Uint256 a, const Uint256& b) { return a -= b; }
  friend Uint256 operator*(Uint256 a, uint64_t m) { return a *= m; }
  friend Uint256 operator*(Uint256 a, const Uint256& b) { return a *= b; }
  friend Uint256 operator/(Uint256 a, const Uint256& d) { return a /= d; }
  friend Uint256 operator<<(Uint256 a, unsigned s) { return a <<= s; }
  friend Uint256 operator>>(Uint256 a, unsigned s) { return a >>= s; }

  friend std::strong_ordering operator<=>(const Uint256& a, const Uint256& b);
  friend bool operator==(const Uint256& a, const Uint256& b) = default;

 private:
  Uint256& divide_by_u64(uint64_t d);  // d != 0

  std::array<uint64_t, 4> limb_{};  // little-endian limbs
};

}  // namespace btr::core
