#include "core/crypto/hmac_sha256.h"

#include <algorithm>

namespace btr::core {

HmacSha256::HmacSha256(std::span<const uint8_t> key) {
  // Keys longer than the block are hashed first; shorter ones are zero-padded.
  std::array<uint8_t, 64> block{};
  if (key.size() > block.size()) {
    const Hash256 k = sha256(key);
    std::copy(k.bytes.begin(), k.bytes.end(), block.begin());
  } else {
    std::copy(key.begin(), key.end(), block.begin());
  }
  std::array<uint8_t, 64> pad{};
  for (size_t i = 0; i < pad.size(); ++i) pad[i] = static_cast<uint8_t>(block[i] ^ 0x36);
  inner_.write(pad);
  for (size_t i = 0; i < pad.size(); ++i) pad[i] = static_cast<uint8_t>(block[i] ^ 0x5c);
  outer_.write(pad);
}

HmacSha256& HmacSha256::write(std::span<const uint8_t> data) {
  inner_.write(data);
  return *this;
}

std::array<uint8_t, 32> HmacSha256::finalize() {
  const Hash256 inner = inner_.finalize();
  return outer_.write(inner.bytes).finalize().bytes;
}

std::array<uint8_t, 32> hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> data) {
  return HmacSha256(key).write(data).finalize();
}

}  // namespace btr::core
