#include "core/key.h"

#include <secp256k1.h>

#include <algorithm>
#include <cassert>

#include "core/crypto/sha256.h"

namespace btr::core {
namespace {

// The signing context: created once on first use, never modified after, so
// it is safe to share between threads. Not randomized (blinding would need
// entropy at creation, and core has no source of it); RFC 6979 signing does
// not depend on it.
const secp256k1_context* signing_context() {
  static const secp256k1_context* const ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  return ctx;
}

// Parsing and verification need no precomputed tables.
const secp256k1_context* verify_context() {
  return secp256k1_context_static;
}

bool valid_secret(std::span<const uint8_t> b) {
  return b.size() == kPrivateKeySize && secp256k1_ec_seckey_verify(verify_context(), b.data()) == 1;
}

struct SerializedPoint {
  std::array<uint8_t, kUncompressedPubKeySize> bytes{};
  size_t size = 0;
};

SerializedPoint serialize_point(const secp256k1_pubkey& point, bool compressed) {
  SerializedPoint out;
  out.size = compressed ? kCompressedPubKeySize : kUncompressedPubKeySize;
  const unsigned flags = compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED;
  const int ok =
      secp256k1_ec_pubkey_serialize(verify_context(), out.bytes.data(), &out.size, &point, flags);
  assert(ok == 1);
  (void)ok;
  return out;
}

}  // namespace

// --- PublicKey ---------------------------------------------------------------

Result<PublicKey> PublicKey::parse(std::span<const uint8_t> bytes) {
  const bool compressed_form =
      bytes.size() == kCompressedPubKeySize && (bytes[0] == 0x02 || bytes[0] == 0x03);
  const bool uncompressed_form = bytes.size() == kUncompressedPubKeySize && bytes[0] == 0x04;
  if (!compressed_form && !uncompressed_form) return fail("bad-pubkey-encoding");
  secp256k1_pubkey point;
  if (secp256k1_ec_pubkey_parse(verify_context(), &point, bytes.data(), bytes.size()) != 1) {
    return fail("bad-pubkey");
  }
  return from_valid_bytes(bytes);
}

PublicKey PublicKey::with_compression(bool compressed) const {
  secp256k1_pubkey point;
  const int parsed = secp256k1_ec_pubkey_parse(verify_context(), &point, data_.data(), size_);
  assert(parsed == 1);  // a PublicKey always holds a parsed point
  (void)parsed;
  const SerializedPoint p = serialize_point(point, compressed);
  return from_valid_bytes({p.bytes.data(), p.size});
}

PublicKey PublicKey::from_valid_bytes(std::span<const uint8_t> bytes) {
  PublicKey key;
  std::copy(bytes.begin(), bytes.end(), key.data_.begin());
  key.size_ = bytes.size();
  return key;
}

bool PublicKey::verify(const Hash256& digest, std::span<const uint8_t> der) const {
  secp256k1_pubkey point;
  secp256k1_ecdsa_signature sig;
  if (secp256k1_ec_pubkey_parse(verify_context(), &point, data_.data(), size_) != 1) return false;
  if (secp256k1_ecdsa_signature_parse_der(verify_context(), &sig, der.data(), der.size()) != 1) {
    return false;
  }
  // libsecp256k1 verifies only low-S signatures; normalizing first makes this
  // the pure arithmetic check and leaves the policy to is_low_s().
  secp256k1_ecdsa_signature_normalize(verify_context(), &sig, &sig);
  return secp256k1_ecdsa_verify(verify_context(), &sig, digest.data(), &point) == 1;
}

// --- PrivateKey --------------------------------------------------------------

Result<PrivateKey> PrivateKey::from_bytes(std::span<const uint8_t> bytes) {
  if (!valid_secret(bytes)) return fail("bad-private-key");
  PrivateKey key;
  std::copy(bytes.begin(), bytes.end(), key.secret_.begin());
  return key;
}

PrivateKey PrivateKey::generate(std::span<const uint8_t, 32> entropy) {
  PrivateKey key;
  std::copy(entropy.begin(), entropy.end(), key.secret_.begin());
  while (!valid_secret(key.secret_)) key.secret_ = sha256(key.secret_).bytes;
  return key;
}

PrivateKey::~PrivateKey() {
  // Volatile writes so the wipe is not optimized away as a dead store.
  volatile uint8_t* p = secret_.data();
  for (size_t i = 0; i < secret_.size(); ++i) p[i] = 0;
}

PublicKey PrivateKey::public_key(bool compressed) const {
  secp256k1_pubkey point;
  const int ok = secp256k1_ec_pubkey_create(signing_context(), &point, secret_.data());
  assert(ok == 1);  // the secret was validated on construction
  (void)ok;
  const SerializedPoint p = serialize_point(point, compressed);
  return PublicKey::from_valid_bytes({p.bytes.data(), p.size});
}

std::vector<uint8_t> PrivateKey::sign(const Hash256& digest) const {
  secp256k1_ecdsa_signature sig;
  // Null nonce function: RFC 6979. The result is always low S.
  const int ok = secp256k1_ecdsa_sign(signing_context(), &sig, digest.data(), secret_.data(),
                                      nullptr, nullptr);
  assert(ok == 1);
  (void)ok;
  std::vector<uint8_t> der(kMaxDerSignatureSize);
  size_t len = der.size();
  const int ser = secp256k1_ecdsa_signature_serialize_der(verify_context(), der.data(), &len, &sig);
  assert(ser == 1);
  (void)ser;
  der.resize(len);
  return der;
}

// --- Signature encoding policies --------------------------------------------

bool is_strict_der(std::span<const uint8_t> sig) {
  // 0x30 [total-len] 0x02 [R-len] [R] 0x02 [S-len] [S], as BIP66 minus the
  // sighash byte: R and S are 1..33 bytes, positive, minimally encoded.
  const size_t size = sig.size();
  if (size < 8 || size > 72) return false;
  if (sig[0] != 0x30 || sig[1] != size - 2) return false;
  const size_t len_r = sig[3];
  if (5 + len_r >= size) return false;
  const size_t len_s = sig[5 + len_r];
  if (len_r + len_s + 6 != size) return false;
  if (sig[2] != 0x02 || len_r == 0 || (sig[4] & 0x80) != 0) return false;
  if (len_r > 1 && sig[4] == 0x00 && (sig[5] & 0x80) == 0) return false;
  const size_t s_at = len_r + 6;
  if (sig[len_r + 4] != 0x02 || len_s == 0 || (sig[s_at] & 0x80) != 0) return false;
  if (len_s > 1 && sig[s_at] == 0x00 && (sig[s_at + 1] & 0x80) == 0) return false;
  return true;
}

bool is_low_s(std::span<const uint8_t> der) {
  secp256k1_ecdsa_signature sig;
  if (secp256k1_ecdsa_signature_parse_der(verify_context(), &sig, der.data(), der.size()) != 1) {
    return false;
  }
  // normalize returns 1 when it had to flip a high S.
  return secp256k1_ecdsa_signature_normalize(verify_context(), nullptr, &sig) == 0;
}

}  // namespace btr::core
