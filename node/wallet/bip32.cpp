#include "node/wallet/bip32.h"

#include <secp256k1.h>
#include <sodium.h>

#include <cstring>

#include "core/base58.h"
#include "core/crypto/hash160.h"

namespace btr::node::wallet {
namespace {

using Hmac512 = std::array<uint8_t, 64>;

Hmac512 hmac_sha512(std::span<const uint8_t> key, std::span<const uint8_t> a,
                    std::span<const uint8_t> b = {}) {
  crypto_auth_hmacsha512_state st;
  crypto_auth_hmacsha512_init(&st, key.data(), key.size());
  crypto_auth_hmacsha512_update(&st, a.data(), a.size());
  if (!b.empty()) crypto_auth_hmacsha512_update(&st, b.data(), b.size());
  Hmac512 out;
  crypto_auth_hmacsha512_final(&st, out.data());
  sodium_memzero(&st, sizeof st);
  return out;
}

std::array<uint8_t, 4> be32(uint32_t v) {
  return {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
          static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
}

std::array<uint8_t, 4> fingerprint_of(std::span<const uint8_t> pubkey) {
  const core::Hash160 id = core::hash160(pubkey);
  return {id.bytes[0], id.bytes[1], id.bytes[2], id.bytes[3]};
}

std::array<uint8_t, 33> compressed_pubkey(const core::PrivateKey& key) {
  std::array<uint8_t, 33> out{};
  const auto pk = key.public_key(true);
  std::copy(pk.bytes().begin(), pk.bytes().end(), out.begin());
  return out;
}

// version(4) depth(1) fingerprint(4) child(4) chain code(32) key data(33).
std::string encode_ext(uint32_t version, uint8_t depth, const std::array<uint8_t, 4>& parent_fp,
                       uint32_t child, const std::array<uint8_t, 32>& chain_code,
                       std::span<const uint8_t, 33> key_data) {
  std::vector<uint8_t> buf;
  buf.reserve(78);
  const auto ver = be32(version);
  buf.insert(buf.end(), ver.begin(), ver.end());
  buf.push_back(depth);
  buf.insert(buf.end(), parent_fp.begin(), parent_fp.end());
  const auto ch = be32(child);
  buf.insert(buf.end(), ch.begin(), ch.end());
  buf.insert(buf.end(), chain_code.begin(), chain_code.end());
  buf.insert(buf.end(), key_data.begin(), key_data.end());
  std::string out = core::encode_base58check(buf);
  sodium_memzero(buf.data(), buf.size());
  return out;
}

}  // namespace

core::Result<ExtPubKey> ExtPubKey::derive(uint32_t index) const {
  if ((index & kHardened) != 0) return core::fail("bip32-hardened-from-public");
  const auto idx = be32(index);
  const Hmac512 i = hmac_sha512(chain_code, pubkey, idx);
  secp256k1_pubkey point;
  const secp256k1_context* ctx = secp256k1_context_static;
  if (secp256k1_ec_pubkey_parse(ctx, &point, pubkey.data(), pubkey.size()) != 1 ||
      secp256k1_ec_pubkey_tweak_add(ctx, &point, i.data()) != 1) {
    return core::fail("bip32-invalid-child");
  }
  ExtPubKey child;
  child.depth = static_cast<uint8_t>(depth + 1);
  child.parent_fingerprint = fingerprint();
  child.child_number = index;
  std::copy(i.begin() + 32, i.end(), child.chain_code.begin());
  size_t len = child.pubkey.size();
  secp256k1_ec_pubkey_serialize(ctx, child.pubkey.data(), &len, &point, SECP256K1_EC_COMPRESSED);
  return child;
}

std::array<uint8_t, 4> ExtPubKey::fingerprint() const {
  return fingerprint_of(pubkey);
}

std::string ExtPubKey::encode(const ExtKeyVersions& v) const {
  return encode_ext(v.pub, depth, parent_fingerprint, child_number, chain_code, pubkey);
}

core::Result<ExtPrivKey> ExtPrivKey::from_seed(std::span<const uint8_t> seed) {
  if (seed.size() < 16 || seed.size() > 64) return core::fail("bip32-bad-seed");
  static constexpr char kSalt[] = "Bitcoin seed";
  const auto salt = std::span(reinterpret_cast<const uint8_t*>(kSalt), sizeof kSalt - 1);
  Hmac512 i = hmac_sha512(salt, seed);
  auto key = core::PrivateKey::from_bytes(std::span(i).first<32>());
  if (!key) {
    sodium_memzero(i.data(), i.size());
    return core::fail("bip32-bad-seed");
  }
  ExtPrivKey master(*key);
  std::copy(i.begin() + 32, i.end(), master.chain_code_.begin());
  sodium_memzero(i.data(), i.size());
  return master;
}

core::Result<ExtPrivKey> ExtPrivKey::derive(uint32_t index) const {
  const auto pub = compressed_pubkey(key_);
  const auto idx = be32(index);
  Hmac512 i;
  if ((index & kHardened) != 0) {
    std::array<uint8_t, 37> data{};  // 0x00 || ser256(k) || ser32(i)
    std::copy(key_.bytes().begin(), key_.bytes().end(), data.begin() + 1);
    std::copy(idx.begin(), idx.end(), data.begin() + 33);
    i = hmac_sha512(chain_code_, data);
    sodium_memzero(data.data(), data.size());
  } else {
    i = hmac_sha512(chain_code_, pub, idx);
  }
  std::array<uint8_t, 32> secret = key_.bytes();
  const bool ok =
      secp256k1_ec_seckey_tweak_add(secp256k1_context_static, secret.data(), i.data()) == 1;
  auto child_key = ok ? core::PrivateKey::from_bytes(secret)
                      : core::Result<core::PrivateKey>(core::fail("bip32-invalid-child"));
  sodium_memzero(secret.data(), secret.size());
  if (!child_key) {
    sodium_memzero(i.data(), i.size());
    return core::fail("bip32-invalid-child");
  }
  ExtPrivKey child(*child_key);
  child.depth_ = static_cast<uint8_t>(depth_ + 1);
  child.parent_fingerprint_ = fingerprint_of(pub);
  child.child_number_ = index;
  std::copy(i.begin() + 32, i.end(), child.chain_code_.begin());
  sodium_memzero(i.data(), i.size());
  return child;
}

core::Result<ExtPrivKey> ExtPrivKey::derive_path(std::span<const uint32_t> path) const {
  ExtPrivKey k = *this;
  for (uint32_t index : path) {
    auto next = k.derive(index);
    if (!next) return core::fail(next.error());
    k = *next;
  }
  return k;
}

ExtPubKey ExtPrivKey::neuter() const {
  ExtPubKey p;
  p.depth = depth_;
  p.parent_fingerprint = parent_fingerprint_;
  p.child_number = child_number_;
  p.chain_code = chain_code_;
  p.pubkey = compressed_pubkey(key_);
  return p;
}

std::string ExtPrivKey::encode(const ExtKeyVersions& v) const {
  std::array<uint8_t, 33> data{};  // 0x00 || ser256(k)
  std::copy(key_.bytes().begin(), key_.bytes().end(), data.begin() + 1);
  std::string out =
      encode_ext(v.priv, depth_, parent_fingerprint_, child_number_, chain_code_, data);
  sodium_memzero(data.data(), data.size());
  return out;
}

std::optional<std::vector<uint32_t>> parse_bip32_path(const std::string& text) {
  if (text.empty() || text[0] != 'm') return std::nullopt;
  std::vector<uint32_t> path;
  size_t pos = 1;
  while (pos < text.size()) {
    if (text[pos] != '/') return std::nullopt;
    ++pos;
    uint64_t value = 0;
    size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      value = value * 10 + static_cast<uint64_t>(text[pos] - '0');
      if (value >= kHardened) return std::nullopt;
      ++pos;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    uint32_t index = static_cast<uint32_t>(value);
    if (pos < text.size() && (text[pos] == '\'' || text[pos] == 'h' || text[pos] == 'H')) {
      index |= kHardened;
      ++pos;
    }
    path.push_back(index);
  }
  return path;
}

}  // namespace btr::node::wallet
