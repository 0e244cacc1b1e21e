#pragma once
// BIP32 hierarchical deterministic keys: the master key from a seed, private
// (CKDpriv) and public (CKDpub) child derivation, and the 78-byte extended key
// serialization (xprv/xpub, Base58Check). HMAC-SHA512 comes from libsodium
// and the scalar/point additions from libsecp256k1 (neither appears in this
// header, so users need no extra include paths).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/key.h"
#include "core/result.h"

namespace btr::node::wallet {

inline constexpr uint32_t kHardened = 0x80000000u;

// Version bytes of the serialized form (BIP32: mainnet xprv / xpub).
struct ExtKeyVersions {
  uint32_t priv = 0x0488ADE4;
  uint32_t pub = 0x0488B21E;
};

struct ExtPubKey {
  uint8_t depth = 0;
  std::array<uint8_t, 4> parent_fingerprint{};
  uint32_t child_number = 0;
  std::array<uint8_t, 32> chain_code{};
  std::array<uint8_t, 33> pubkey{};  // compressed

  // Non-hardened child only; fails for a hardened index or (2^-127) an
  // invalid tweak, as BIP32 says ("proceed with the next index").
  core::Result<ExtPubKey> derive(uint32_t index) const;
  std::array<uint8_t, 4> fingerprint() const;
  std::string encode(const ExtKeyVersions& v = {}) const;
};

class ExtPrivKey {
 public:
  // Master key from a 16..64-byte seed ("bip32-bad-seed" otherwise or on the
  // 2^-127 invalid master).
  static core::Result<ExtPrivKey> from_seed(std::span<const uint8_t> seed);

  core::Result<ExtPrivKey> derive(uint32_t index) const;
  // Derives along a path of indexes (use kHardened | i for hardened steps).
  core::Result<ExtPrivKey> derive_path(std::span<const uint32_t> path) const;
  ExtPubKey neuter() const;
  std::string encode(const ExtKeyVersions& v = {}) const;

  const core::PrivateKey& key() const { return key_; }
  uint8_t depth() const { return depth_; }

 private:
  explicit ExtPrivKey(core::PrivateKey key) : key_(std::move(key)) {}
  core::PrivateKey key_;
  uint8_t depth_ = 0;
  std::array<uint8_t, 4> parent_fingerprint_{};
  uint32_t child_number_ = 0;
  std::array<uint8_t, 32> chain_code_{};
};

// Parses "m/0'/1/2h" style paths (' or h mark hardened steps).
std::optional<std::vector<uint32_t>> parse_bip32_path(const std::string& text);

}  // namespace btr::node::wallet
