#include "tools/stack/stack_keys.h"

#include <cassert>
#include <span>

#include "core/address.h"
#include "core/chain_params.h"
#include "core/crypto/sha256.h"
#include "core/hex.h"
#include "core/key.h"

namespace btr::tools::stack {

PublishedKey derive_published_key(std::string_view text) {
  const core::Hash256 digest =
      core::sha256(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  auto key = core::PrivateKey::from_bytes(digest.bytes);
  // A SHA-256 output outside [1, n-1] has probability ~2^-128; the texts are fixed.
  assert(key.ok());
  const core::AddressPrefixes& prefixes = core::chain_params(core::Network::kRegtest).prefixes;
  PublishedKey out;
  out.secret_text = std::string(text);
  out.private_key_hex = core::to_hex(digest.bytes);
  out.wif = core::encode_wif(*key, /*compressed=*/true, prefixes);
  out.address =
      core::encode_address({core::AddressType::kP2pkh, key->public_key(true).id()}, prefixes);
  return out;
}

std::vector<StackWorker> stack_workers() {
  return {{"rig1", derive_published_key("BitSilver regtest stack rig1")},
          {"rig2", derive_published_key("BitSilver regtest stack rig2")}};
}

PublishedKey stack_operator() {
  return derive_published_key("BitSilver regtest stack operator");
}

}  // namespace btr::tools::stack
