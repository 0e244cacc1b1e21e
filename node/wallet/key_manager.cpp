#include "node/wallet/key_manager.h"

#include <algorithm>

#include "core/crypto/hash160.h"

namespace btr::node::wallet {
namespace {

constexpr size_t kSeedSize = 32;
constexpr size_t kAccountDataSize = 65;  // chain code || compressed public key

const char* chain_meta(int chain) {
  return chain == kExternalChain ? "chain0" : "chain1";
}
const char* next_meta(int chain) {
  return chain == kExternalChain ? "next0" : "next1";
}

std::vector<uint8_t> account_bytes(const ExtPubKey& k) {
  std::vector<uint8_t> out(k.chain_code.begin(), k.chain_code.end());
  out.insert(out.end(), k.pubkey.begin(), k.pubkey.end());
  return out;
}

ExtPubKey account_from_bytes(const std::vector<uint8_t>& b, int chain) {
  ExtPubKey k;
  k.depth = 2;
  k.child_number = static_cast<uint32_t>(chain);
  std::copy(b.begin(), b.begin() + 32, k.chain_code.begin());
  std::copy(b.begin() + 32, b.end(), k.pubkey.begin());
  return k;
}

core::Hash160 to_hash160(const std::vector<uint8_t>& b) {
  core::Hash160 h;
  if (b.size() == h.bytes.size()) std::copy(b.begin(), b.end(), h.bytes.begin());
  return h;
}

core::Status store_kdf(WalletDb& db, const PassphraseKdf& kdf) {
  if (auto st = db.put_meta("kdf_salt", kdf.salt); !st) return st;
  if (auto st = db.put_meta_int("kdf_ops", static_cast<int64_t>(kdf.opslimit)); !st) return st;
  return db.put_meta_int("kdf_mem", static_cast<int64_t>(kdf.memlimit));
}

PassphraseKdf load_kdf(WalletDb& db) {
  PassphraseKdf kdf;
  kdf.salt = db.get_meta("kdf_salt").value_or(std::vector<uint8_t>());
  kdf.opslimit = static_cast<uint64_t>(db.get_meta_int("kdf_ops").value_or(0));
  kdf.memlimit = static_cast<uint64_t>(db.get_meta_int("kdf_mem").value_or(0));
  return kdf;
}

}  // namespace

core::Result<std::unique_ptr<KeyManager>> KeyManager::open(WalletDb& db, Clock clock) {
  if (!crypto_ready()) return core::fail("libsodium failed to initialise");
  std::unique_ptr<KeyManager> km(new KeyManager(db, std::move(clock)));
  const bool fresh = !db.get_meta("chain0").has_value();
  if (auto st = fresh ? km->create_new() : km->load(); !st) return core::fail(st.error());
  return km;
}

core::Status KeyManager::create_new() {
  const SecretBytes seed = random_secret(kSeedSize);
  auto master = ExtPrivKey::from_seed(seed.bytes());
  if (!master) return core::fail(master.error());  // 2^-127: the caller may retry
  const std::array<uint32_t, 1> account_path = {kHardened | 0};
  auto account = master->derive_path(account_path);
  if (!account) return core::fail(account.error());
  SqliteTxn txn(db_.db());
  if (!txn.began()) return core::fail("wallet database busy");
  for (int chain : {kExternalChain, kInternalChain}) {
    auto c = account->derive(static_cast<uint32_t>(chain));
    if (!c) return core::fail(c.error());
    chains_[static_cast<size_t>(chain)] = c->neuter();
    if (auto st = db_.put_meta(chain_meta(chain), account_bytes(c->neuter())); !st) return st;
    if (auto st = db_.put_meta_int(next_meta(chain), 0); !st) return st;
  }
  seed_id_ = core::hash160(master->neuter().pubkey);
  if (auto st = db_.put_meta("seed_id", seed_id_.bytes); !st) return st;
  if (auto st = db_.put_meta("seed", seed.bytes()); !st) return st;
  for (int chain : {kExternalChain, kInternalChain}) {
    if (auto st = top_up(chain); !st) return st;
  }
  if (auto st = txn.commit(); !st) return st;
  seed_plain_ = seed;
  return core::Status::success();
}

core::Status KeyManager::load() {
  for (int chain : {kExternalChain, kInternalChain}) {
    const auto data = db_.get_meta(chain_meta(chain));
    if (!data || data->size() != kAccountDataSize) return core::fail("wallet: damaged account key");
    chains_[static_cast<size_t>(chain)] = account_from_bytes(*data, chain);
    next_index_[static_cast<size_t>(chain)] =
        static_cast<uint32_t>(db_.get_meta_int(next_meta(chain)).value_or(0));
  }
  seed_id_ = to_hash160(db_.get_meta("seed_id").value_or(std::vector<uint8_t>()));
  encrypted_ = db_.get_meta("mkey_enc").has_value();
  if (!encrypted_) {
    const auto seed = db_.get_meta("seed");
    if (!seed) return core::fail("wallet: seed missing");
    seed_plain_ = SecretBytes(*seed);
  }
  auto rows = db_.load_keys();
  if (!rows) return core::fail(rows.error());
  for (const KeyRow& row : *rows) remember(row);
  return core::Status::success();
}

void KeyManager::remember(const KeyRow& row) {
  keys_[row.key_hash] = row;
  by_pubkey_[row.pubkey] = row.key_hash;
}

// Inside the caller's transaction: derives keys until kLookahead unused ones
// exist for the chain.
core::Status KeyManager::top_up(int chain) {
  const size_t c = static_cast<size_t>(chain);
  while (pool_size(chain) < kLookahead) {
    auto child = chains_[c].derive(next_index_[c]);
    if (child) {
      KeyRow row;
      row.pubkey.assign(child->pubkey.begin(), child->pubkey.end());
      row.key_hash = core::hash160(row.pubkey);
      row.chain = chain;
      row.index = next_index_[c];
      row.created = clock_();
      if (auto st = db_.put_key(row); !st) return st;
      remember(row);
    }
    ++next_index_[c];  // an invalid child (2^-127) is skipped, as BIP32 says
    if (auto st = db_.put_meta_int(next_meta(chain), next_index_[c]); !st) return st;
  }
  return core::Status::success();
}

size_t KeyManager::pool_size(int chain) const {
  return static_cast<size_t>(std::count_if(keys_.begin(), keys_.end(), [&](const auto& kv) {
    return kv.second.chain == chain && !kv.second.handed_out;
  }));
}

core::Result<core::Hash160> KeyManager::new_key(int chain, const std::string& label) {
  const KeyRow* pick = nullptr;
  for (const auto& [hash, row] : keys_) {
    if (row.chain == chain && !row.handed_out && (pick == nullptr || row.index < pick->index)) {
      pick = &row;
    }
  }
  if (pick == nullptr) return core::fail("wallet: key pool empty");
  const core::Hash160 hash = pick->key_hash;
  const auto before = keys_;
  const auto before_next = next_index_;
  SqliteTxn txn(db_.db());
  if (!txn.began()) return core::fail("wallet database busy");
  KeyRow row = *pick;
  row.handed_out = true;
  row.label = label;
  auto st = db_.put_key(row);
  if (st) {
    remember(row);
    st = top_up(chain);
  }
  if (st) st = txn.commit();
  if (!st) {
    keys_ = before;  // the database rolled back; so does memory
    next_index_ = before_next;
    return core::fail(st.error());
  }
  return hash;
}

core::Result<core::Hash160> KeyManager::import_key(const core::PrivateKey& key, bool compressed,
                                                   const std::string& label) {
  if (locked()) return core::fail("wallet-locked");
  const core::PublicKey pub = key.public_key(compressed);
  KeyRow row;
  row.pubkey.assign(pub.bytes().begin(), pub.bytes().end());
  row.key_hash = pub.id();
  row.chain = kImportedChain;
  row.handed_out = true;
  row.created = clock_();
  row.label = label;
  if (const KeyRow* existing = find(row.key_hash); existing != nullptr) {
    if (existing->chain != kImportedChain || !existing->secret.empty()) return row.key_hash;
  }
  const std::span<const uint8_t> secret = key.bytes();
  row.secret =
      encrypted_ ? seal(secret, master_key_) : std::vector<uint8_t>(secret.begin(), secret.end());
  if (auto st = db_.put_key(row); !st) return core::fail(st.error());
  remember(row);
  return row.key_hash;
}

const KeyRow* KeyManager::find(const core::Hash160& key_hash) const {
  const auto it = keys_.find(key_hash);
  return it == keys_.end() ? nullptr : &it->second;
}

const KeyRow* KeyManager::find_pubkey(std::span<const uint8_t> pubkey) const {
  const auto it = by_pubkey_.find(std::vector<uint8_t>(pubkey.begin(), pubkey.end()));
  return it == by_pubkey_.end() ? nullptr : find(it->second);
}

core::Result<SecretBytes> KeyManager::seed() const {
  if (!encrypted_) return seed_plain_;
  if (locked()) return core::fail("wallet-locked");
  const auto sealed = db_.get_meta("seed_enc");
  if (!sealed) return core::fail("wallet: encrypted seed missing");
  return open_sealed(*sealed, master_key_);
}

core::Result<core::PrivateKey> KeyManager::private_key(const core::Hash160& key_hash) const {
  const KeyRow* row = find(key_hash);
  if (row == nullptr) return core::fail("wallet-key-unknown");
  if (locked()) return core::fail("wallet-locked");
  if (row->chain == kImportedChain) {
    if (!encrypted_) return core::PrivateKey::from_bytes(row->secret);
    auto plain = open_sealed(row->secret, master_key_);
    if (!plain) return core::fail(plain.error());
    return core::PrivateKey::from_bytes(plain->bytes());
  }
  auto s = seed();
  if (!s) return core::fail(s.error());
  auto master = ExtPrivKey::from_seed(s->bytes());
  if (!master) return core::fail(master.error());
  const std::array<uint32_t, 3> path = {kHardened | 0, static_cast<uint32_t>(row->chain),
                                        row->index};
  auto child = master->derive_path(path);
  if (!child) return core::fail(child.error());
  return child->key();
}

core::Result<SecretBytes> KeyManager::unlock_master(const std::string& passphrase) const {
  const auto sealed = db_.get_meta("mkey_enc");
  if (!sealed) return core::fail("wallet-not-encrypted");
  auto kek = derive_passphrase_key(passphrase, load_kdf(db_));
  if (!kek) return core::fail(kek.error());
  auto mk = open_sealed(*sealed, *kek);
  if (!mk) return core::fail("wallet-passphrase-incorrect");
  return mk;
}

core::Status KeyManager::encrypt(const std::string& passphrase) {
  if (encrypted_) return core::fail("wallet-already-encrypted");
  const SecretBytes mk = random_secret(32);
  const PassphraseKdf kdf = new_kdf();
  auto kek = derive_passphrase_key(passphrase, kdf);
  if (!kek) return core::fail(kek.error());
  const auto before = keys_;
  SqliteTxn txn(db_.db());
  if (!txn.began()) return core::fail("wallet database busy");
  auto st = store_kdf(db_, kdf);
  if (st) st = db_.put_meta("mkey_enc", seal(mk.bytes(), *kek));
  if (st) st = db_.put_meta("seed_enc", seal(seed_plain_.bytes(), mk));
  if (st) st = db_.erase_meta("seed");
  for (auto& [hash, row] : keys_) {
    if (!st) break;
    if (row.chain != kImportedChain || row.secret.empty()) continue;
    row.secret = seal(row.secret, mk);
    st = db_.set_key_secret(hash, row.secret);
  }
  if (st) st = txn.commit();
  if (!st) {
    keys_ = before;
    return st;
  }
  // Rewrites the WAL into the main file so no page with the plain seed stays
  // in the log (secure_delete already overwrote the freed page).
  (void)db_.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
  encrypted_ = true;
  seed_plain_.clear();
  return core::Status::success();  // locked now, as Bitcoin Core leaves it
}

core::Status KeyManager::unlock(const std::string& passphrase, int64_t timeout_s) {
  if (!encrypted_) return core::fail("wallet-not-encrypted");
  auto mk = unlock_master(passphrase);
  if (!mk) return core::fail(mk.error());
  master_key_ = *mk;
  relock_at_ = clock_() + timeout_s;
  return core::Status::success();
}

core::Status KeyManager::change_passphrase(const std::string& old_pass,
                                           const std::string& new_pass) {
  if (!encrypted_) return core::fail("wallet-not-encrypted");
  auto mk = unlock_master(old_pass);
  if (!mk) return core::fail(mk.error());
  const PassphraseKdf kdf = new_kdf();
  auto kek = derive_passphrase_key(new_pass, kdf);
  if (!kek) return core::fail(kek.error());
  SqliteTxn txn(db_.db());
  if (!txn.began()) return core::fail("wallet database busy");
  auto st = store_kdf(db_, kdf);
  if (st) st = db_.put_meta("mkey_enc", seal(mk->bytes(), *kek));
  if (st) st = txn.commit();
  return st;
}

void KeyManager::lock() {
  master_key_.clear();
  relock_at_ = 0;
}

void KeyManager::relock_if_due() {
  if (!master_key_.empty() && clock_() >= relock_at_) lock();
}

}  // namespace btr::node::wallet
