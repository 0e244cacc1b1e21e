#pragma once
// The wallet's secrets at rest. A random 32-byte master key encrypts the HD
// seed and every imported private key (XSalsa20-Poly1305, libsodium's
// crypto_secretbox, a fresh nonce each time); the master key itself is
// encrypted under a key derived from the passphrase with Argon2id
// (crypto_pwhash). Changing the passphrase re-encrypts only the master key,
// as Bitcoin Core's wallet does. A wrong passphrase fails authentication; it
// never yields a wrong key.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"

namespace btr::node::wallet {

// Calls sodium_init() once; false when libsodium cannot start.
bool crypto_ready();

// Secret bytes wiped (sodium_memzero) on destruction and on move-from.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::span<const uint8_t> b) : data_(b.begin(), b.end()) {}
  SecretBytes(const SecretBytes&) = default;
  SecretBytes& operator=(const SecretBytes&) = default;
  ~SecretBytes();
  std::span<const uint8_t> bytes() const { return data_; }
  size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  void clear();

 private:
  std::vector<uint8_t> data_;
};

SecretBytes random_secret(size_t size);

// Argon2id parameters and salt stored next to the encrypted master key.
struct PassphraseKdf {
  std::vector<uint8_t> salt;  // crypto_pwhash_SALTBYTES
  uint64_t opslimit = 0;
  uint64_t memlimit = 0;
};

// A new salt with libsodium's "interactive" limits (about 0.1-0.5 s, 64 MiB).
PassphraseKdf new_kdf();
// The 32-byte key-encryption key for a passphrase ("wallet-kdf-failed" when
// Argon2id cannot get its memory).
core::Result<SecretBytes> derive_passphrase_key(const std::string& passphrase,
                                                const PassphraseKdf& kdf);

// nonce || secretbox(plain). Needs a 32-byte key.
std::vector<uint8_t> seal(std::span<const uint8_t> plain, const SecretBytes& key);
// Fails with "wallet-decrypt-failed" on a wrong key or damaged data.
core::Result<SecretBytes> open_sealed(std::span<const uint8_t> sealed, const SecretBytes& key);

}  // namespace btr::node::wallet
