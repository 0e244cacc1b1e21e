#pragma once
// secp256k1 keys and ECDSA over libsecp256k1. Core has no source of
// randomness: callers supply entropy for key generation. Signing uses
// RFC 6979 deterministic nonces (libsecp256k1's default), always produces
// low-S strict DER, and needs no entropy.

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/crypto/hash160.h"
#include "core/result.h"
#include "core/uint256.h"

namespace btr::core {

inline constexpr size_t kPrivateKeySize = 32;
inline constexpr size_t kCompressedPubKeySize = 33;
inline constexpr size_t kUncompressedPubKeySize = 65;
inline constexpr size_t kMaxDerSignatureSize = 72;

class PublicKey {
 public:
  // Strict encodings only: 33 bytes starting 02/03 or 65 bytes starting 04,
  // on the curve ("bad-pubkey-encoding", "bad-pubkey").
  static Result<PublicKey> parse(std::span<const uint8_t> bytes);

  std::span<const uint8_t> bytes() const { return {data_.data(), size_}; }
  bool compressed() const { return size_ == kCompressedPubKeySize; }
  // The same point in the other encoding.
  PublicKey with_compression(bool compressed) const;
  Hash160 id() const { return hash160(bytes()); }  // the P2PKH key hash

  // True when `der` is a DER signature (libsecp256k1's parser) of `digest`
  // by this key. High-S signatures are accepted here, as the arithmetic
  // allows; the low-S and strict-DER policies are separate checks
  // (is_low_s, is_strict_der) so script flags can decide.
  bool verify(const Hash256& digest, std::span<const uint8_t> der) const;

  bool operator==(const PublicKey& o) const {
    return size_ == o.size_ && std::equal(data_.begin(), data_.begin() + size_, o.data_.begin());
  }

 private:
  friend class PrivateKey;
  static PublicKey from_valid_bytes(std::span<const uint8_t> bytes);  // already checked
  std::array<uint8_t, kUncompressedPubKeySize> data_{};
  size_t size_ = 0;
};

class PrivateKey {
 public:
  // A scalar in [1, n-1] as 32 big-endian bytes, else "bad-private-key".
  static Result<PrivateKey> from_bytes(std::span<const uint8_t> bytes);
  // A key from 32 bytes of caller-supplied entropy. Uses them as the key when
  // valid; otherwise (probability ~2^-128) re-hashes them with SHA-256 until
  // valid. Deterministic: the same entropy gives the same key.
  static PrivateKey generate(std::span<const uint8_t, 32> entropy);

  PrivateKey(const PrivateKey&) = default;
  PrivateKey& operator=(const PrivateKey&) = default;
  ~PrivateKey();  // wipes the secret

  const std::array<uint8_t, kPrivateKeySize>& bytes() const { return secret_; }
  PublicKey public_key(bool compressed = true) const;
  // Strict DER, low S, RFC 6979 nonce.
  std::vector<uint8_t> sign(const Hash256& digest) const;

  bool operator==(const PrivateKey& o) const { return secret_ == o.secret_; }

 private:
  PrivateKey() = default;
  std::array<uint8_t, kPrivateKeySize> secret_{};
};

// BIP66's encoding rules for a DER signature WITHOUT the trailing sighash byte.
bool is_strict_der(std::span<const uint8_t> der);
// True when `der` parses and its S is at most n/2 (BIP62 low S).
bool is_low_s(std::span<const uint8_t> der);

}  // namespace btr::core
