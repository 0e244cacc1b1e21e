#pragma once
// Helpers shared by the kernels test files: the reference scan (core's sha256d per nonce) and
// random headers.

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "core/block_header.h"
#include "core/crypto/sha256.h"
#include "core/uint256.h"

namespace btr::kernels::testing {

inline core::HeaderBytes with_version_nonce(core::HeaderBytes h, uint32_t version, uint32_t nonce) {
  for (int i = 0; i < 4; ++i) {
    h[i] = static_cast<uint8_t>(version >> (8 * i));
    h[76 + i] = static_cast<uint8_t>(nonce >> (8 * i));
  }
  return h;
}

inline uint32_t header_version(const core::HeaderBytes& h) {
  return uint32_t{h[0]} | uint32_t{h[1]} << 8 | uint32_t{h[2]} << 16 | uint32_t{h[3]} << 24;
}

inline core::Uint256 reference_value(const core::HeaderBytes& h, uint32_t version, uint32_t nonce) {
  return core::Uint256::from_hash(core::sha256d(with_version_nonce(h, version, nonce)));
}

// Every nonce of [first, end) meeting `target`, by brute force with core's reference, sorted.
inline std::vector<uint32_t> reference_hits(const core::HeaderBytes& h, uint32_t version,
                                            const core::Uint256& target, uint64_t first,
                                            uint64_t end) {
  std::vector<uint32_t> out;
  for (uint64_t n = first; n < end; ++n) {
    const auto nonce = static_cast<uint32_t>(n);
    if (reference_value(h, version, nonce) <= target) out.push_back(nonce);
  }
  return out;
}

// Bitcoin's genesis block header, nonce included; its hash's top 32 bits are zero.
inline core::BlockHeader bitcoin_genesis() {
  core::BlockHeader g;
  g.version = 1;
  g.merkle_root = *core::Hash256::from_display_hex(
      "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
  g.time = 1231006505;
  g.bits = 0x1d00ffff;
  g.nonce = 2083236893;
  return g;
}

inline core::HeaderBytes random_header(std::mt19937_64& rng) {
  core::HeaderBytes h{};
  for (auto& b : h) b = static_cast<uint8_t>(rng());
  return h;
}

inline core::Uint256 random_uint256(std::mt19937_64& rng) {
  std::array<uint8_t, 32> b{};
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return core::Uint256::from_le_bytes(b);
}

}  // namespace btr::kernels::testing
