#include "node/wallet/wallet_crypto.h"

#include <sodium.h>

namespace btr::node::wallet {

bool crypto_ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

SecretBytes::~SecretBytes() {
  clear();
}

void SecretBytes::clear() {
  if (!data_.empty()) sodium_memzero(data_.data(), data_.size());
  data_.clear();
}

SecretBytes random_secret(size_t size) {
  (void)crypto_ready();
  std::vector<uint8_t> buf(size);
  randombytes_buf(buf.data(), buf.size());
  SecretBytes out(buf);
  sodium_memzero(buf.data(), buf.size());
  return out;
}

PassphraseKdf new_kdf() {
  (void)crypto_ready();
  PassphraseKdf kdf;
  kdf.salt.resize(crypto_pwhash_SALTBYTES);
  randombytes_buf(kdf.salt.data(), kdf.salt.size());
  kdf.opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  kdf.memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  return kdf;
}

core::Result<SecretBytes> derive_passphrase_key(const std::string& passphrase,
                                                const PassphraseKdf& kdf) {
  if (!crypto_ready() || kdf.salt.size() != crypto_pwhash_SALTBYTES) {
    return core::fail("wallet-kdf-failed");
  }
  std::vector<uint8_t> key(crypto_secretbox_KEYBYTES);
  if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), kdf.salt.data(),
                    kdf.opslimit, static_cast<size_t>(kdf.memlimit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return core::fail("wallet-kdf-failed");
  }
  SecretBytes out(key);
  sodium_memzero(key.data(), key.size());
  return out;
}

std::vector<uint8_t> seal(std::span<const uint8_t> plain, const SecretBytes& key) {
  (void)crypto_ready();
  std::vector<uint8_t> out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size());
  randombytes_buf(out.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out.data() + crypto_secretbox_NONCEBYTES, plain.data(), plain.size(),
                        out.data(), key.bytes().data());
  return out;
}

core::Result<SecretBytes> open_sealed(std::span<const uint8_t> sealed, const SecretBytes& key) {
  if (key.size() != crypto_secretbox_KEYBYTES ||
      sealed.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return core::fail("wallet-decrypt-failed");
  }
  std::vector<uint8_t> plain(sealed.size() - crypto_secretbox_NONCEBYTES -
                             crypto_secretbox_MACBYTES);
  if (crypto_secretbox_open_easy(plain.data(), sealed.data() + crypto_secretbox_NONCEBYTES,
                                 sealed.size() - crypto_secretbox_NONCEBYTES, sealed.data(),
                                 key.bytes().data()) != 0) {
    return core::fail("wallet-decrypt-failed");
  }
  SecretBytes out(plain);
  sodium_memzero(plain.data(), plain.size());
  return out;
}

}  // namespace btr::node::wallet
