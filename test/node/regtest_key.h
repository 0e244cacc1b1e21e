#pragma once
// The regtest pre-mine key chain.md publishes: SHA-256 of the ASCII text
// "BitSilver regtest pre-mine". Test coins only.

#include <cassert>
#include <string_view>

#include "core/crypto/sha256.h"
#include "core/key.h"

namespace btr::test {

inline core::PrivateKey regtest_premine_key() {
  constexpr std::string_view kText = "BitSilver regtest pre-mine";
  const core::Hash256 secret =
      core::sha256({reinterpret_cast<const uint8_t*>(kText.data()), kText.size()});
  auto key = core::PrivateKey::from_bytes(secret.bytes);
  assert(key.ok() && "a fixed valid scalar");
  return *key;
}

}  // namespace btr::test
