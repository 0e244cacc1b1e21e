#pragma once
// The wallet's keys: an HD seed (BIP32, keys at m/0'/0/i for receiving and
// m/0'/1/i for change), imported keys, and the passphrase encryption of
// both. The two account-chain public keys (m/0'/0 and m/0'/1) are stored in
// clear, so new addresses can be derived while the wallet is locked (CKDpub)
// and a private key is only needed to sign or dump.
//
// Durability: a key is written (in its own SQLite transaction) before it is
// returned; a pool of kLookahead unused keys per chain is kept ahead so
// payments to them are seen too.
//
// Reasons returned: "wallet-locked", "wallet-passphrase-incorrect",
// "wallet-not-encrypted", "wallet-already-encrypted", "wallet-key-unknown",
// plus storage errors.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/key.h"
#include "core/result.h"
#include "node/wallet/bip32.h"
#include "node/wallet/wallet_crypto.h"
#include "node/wallet/wallet_db.h"

namespace btr::node::wallet {

inline constexpr uint32_t kLookahead = 20;

class KeyManager {
 public:
  using Clock = std::function<int64_t()>;

  // Loads the keys, or creates a new seed (unencrypted) in an empty database.
  static core::Result<std::unique_ptr<KeyManager>> open(WalletDb& db, Clock clock);

  bool encrypted() const { return encrypted_; }
  bool locked() const { return encrypted_ && master_key_.empty(); }
  // 0 when locked or not encrypted; the time the unlock ends otherwise.
  int64_t unlocked_until() const { return locked() || !encrypted_ ? 0 : relock_at_; }

  // Takes the next unused key of the chain, marks it handed out and tops the
  // pool up, all in one transaction.
  core::Result<core::Hash160> new_key(int chain, const std::string& label);
  core::Result<core::Hash160> import_key(const core::PrivateKey& key, bool compressed,
                                         const std::string& label);

  const KeyRow* find(const core::Hash160& key_hash) const;
  const KeyRow* find_pubkey(std::span<const uint8_t> pubkey) const;
  const std::map<core::Hash160, KeyRow>& keys() const { return keys_; }
  size_t pool_size(int chain) const;
  // The private key (needs the wallet unlocked when encrypted).
  core::Result<core::PrivateKey> private_key(const core::Hash160& key_hash) const;

  core::Status encrypt(const std::string& passphrase);
  // timeout_s seconds from now; relocks then (relock_if_due).
  core::Status unlock(const std::string& passphrase, int64_t timeout_s);
  core::Status change_passphrase(const std::string& old_pass, const std::string& new_pass);
  void lock();
  void relock_if_due();
  // The HD seed's id (HASH160 of the master public key), for getwalletinfo.
  const core::Hash160& seed_id() const { return seed_id_; }

 private:
  KeyManager(WalletDb& db, Clock clock) : db_(db), clock_(std::move(clock)) {}
  core::Status create_new();
  core::Status load();
  core::Status top_up(int chain);
  core::Result<SecretBytes> seed() const;
  core::Result<SecretBytes> unlock_master(const std::string& passphrase) const;
  void remember(const KeyRow& row);

  WalletDb& db_;
  Clock clock_;
  bool encrypted_ = false;
  SecretBytes seed_plain_;  // unencrypted wallets only
  SecretBytes master_key_;  // encrypted wallets, while unlocked
  int64_t relock_at_ = 0;
  std::array<ExtPubKey, 2> chains_{};     // m/0'/0 and m/0'/1
  std::array<uint32_t, 2> next_index_{};  // next index to derive per chain
  core::Hash160 seed_id_;
  std::map<core::Hash160, KeyRow> keys_;
  std::map<std::vector<uint8_t>, core::Hash160> by_pubkey_;
};

}  // namespace btr::node::wallet
