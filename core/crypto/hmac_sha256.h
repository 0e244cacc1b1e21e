#pragma once
// HMAC-SHA256 (RFC 2104 / RFC 4231), for key derivation (BIP32-style) and
// deterministic nonces. No allocation.

#include <array>
#include <cstdint>
#include <span>

#include "core/crypto/sha256.h"

namespace btr::core {

class HmacSha256 {
 public:
  explicit HmacSha256(std::span<const uint8_t> key);
  HmacSha256& write(std::span<const uint8_t> data);
  // The MAC of everything written; the object is spent afterwards.
  std::array<uint8_t, 32> finalize();

 private:
  Sha256 inner_;
  Sha256 outer_;
};

std::array<uint8_t, 32> hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> data);

}  // namespace btr::core
