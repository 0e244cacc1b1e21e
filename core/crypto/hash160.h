#pragma once
// HASH160 = RIPEMD-160(SHA-256(x)): the 20-byte key and script hash inside
// P2PKH and P2SH outputs and addresses.

#include <array>
#include <compare>
#include <cstdint>
#include <span>

#include "core/crypto/ripemd160.h"
#include "core/crypto/sha256.h"

namespace btr::core {

struct Hash160 {
  std::array<uint8_t, 20> bytes{};

  const uint8_t* data() const { return bytes.data(); }
  auto operator<=>(const Hash160&) const = default;
};

inline Hash160 hash160(std::span<const uint8_t> data) {
  const Hash256 inner = sha256(data);
  return Hash160{ripemd160(inner.bytes)};
}

}  // namespace btr::core
