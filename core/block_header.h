#pragma once
// The 80-byte block header, serialized exactly as Bitcoin's.

#include <array>
#include <cstdint>
#include <span>

#include "core/result.h"
#include "core/uint256.h"

namespace btr::core {

inline constexpr size_t kHeaderSize = 80;
using HeaderBytes = std::array<uint8_t, kHeaderSize>;

struct BlockHeader {
  int32_t version = 0;
  Hash256 prev_block;
  Hash256 merkle_root;
  uint32_t time = 0;
  uint32_t bits = 0;
  uint32_t nonce = 0;

  HeaderBytes serialize() const;
  static Result<BlockHeader> parse(std::span<const uint8_t> bytes);  // exactly 80 bytes
  // SHA256d of the serialized header (internal byte order).
  Hash256 hash() const;

  bool operator==(const BlockHeader&) const = default;
};

}  // namespace btr::core
