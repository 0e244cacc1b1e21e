#include "node/wallet/wallet_db.h"

#include <algorithm>

namespace btr::node::wallet {
namespace {

constexpr int64_t kSchemaVersion = 1;

core::Hash160 to_hash160(const std::vector<uint8_t>& b) {
  core::Hash160 h;
  if (b.size() == h.bytes.size()) std::copy(b.begin(), b.end(), h.bytes.begin());
  return h;
}

core::Hash256 to_hash256(const std::vector<uint8_t>& b) {
  core::Hash256 h;
  if (b.size() == h.bytes.size()) std::copy(b.begin(), b.end(), h.bytes.begin());
  return h;
}

}  // namespace

core::Result<std::unique_ptr<WalletDb>> WalletDb::open(const std::filesystem::path& path) {
  auto db = SqliteDb::open(path);
  if (!db) return core::fail(db.error());
  std::unique_ptr<WalletDb> w(new WalletDb(std::move(*db)));
  if (auto st = w->init_schema(); !st) return core::fail("wallet database: " + st.error());
  return w;
}

core::Status WalletDb::init_schema() {
  // FULL: a commit is on disk before the RPC that caused it answers (a
  // handed-out address must survive a power cut, not only a kill -9).
  // secure_delete: plaintext secrets replaced by encryptwallet are
  // overwritten, not left in free pages.
  for (const char* sql :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA secure_delete=ON"}) {
    if (auto st = db_->exec(sql); !st) return st;
  }
  auto st = db_->exec(
      "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
      "CREATE TABLE IF NOT EXISTS keys(key_hash BLOB PRIMARY KEY, pubkey BLOB NOT NULL,"
      " chain INTEGER NOT NULL, idx INTEGER NOT NULL, handed_out INTEGER NOT NULL,"
      " secret BLOB, created INTEGER NOT NULL, label TEXT NOT NULL DEFAULT '');"
      "CREATE TABLE IF NOT EXISTS txs(txid BLOB PRIMARY KEY, raw BLOB NOT NULL,"
      " block_hash BLOB, block_height INTEGER NOT NULL, block_pos INTEGER NOT NULL,"
      " time_received INTEGER NOT NULL, abandoned INTEGER NOT NULL DEFAULT 0);");
  if (!st) return st;
  const auto version = get_meta_int("version");
  if (!version) return put_meta_int("version", kSchemaVersion);
  if (*version != kSchemaVersion) {
    return core::fail("unsupported wallet version " + std::to_string(*version));
  }
  return core::Status::success();
}

std::optional<std::vector<uint8_t>> WalletDb::get_meta(const std::string& key) {
  SqliteStmt s = db_->prepare("SELECT value FROM meta WHERE key = ?");
  s.bind_text(1, key);
  auto row = s.step();
  if (!row || !*row) return std::nullopt;
  return s.column_blob(0);
}

std::optional<int64_t> WalletDb::get_meta_int(const std::string& key) {
  const auto v = get_meta(key);
  if (!v || v->size() != 8) return std::nullopt;
  uint64_t x = 0;
  for (size_t i = 0; i < 8; ++i) x |= static_cast<uint64_t>((*v)[i]) << (8 * i);
  return static_cast<int64_t>(x);
}

core::Status WalletDb::put_meta(const std::string& key, std::span<const uint8_t> value) {
  SqliteStmt s = db_->prepare("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
  s.bind_text(1, key).bind(2, value);
  return s.exec();
}

core::Status WalletDb::put_meta_int(const std::string& key, int64_t value) {
  std::vector<uint8_t> b(8);
  for (size_t i = 0; i < 8; ++i)
    b[i] = static_cast<uint8_t>(static_cast<uint64_t>(value) >> (8 * i));
  return put_meta(key, b);
}

core::Status WalletDb::erase_meta(const std::string& key) {
  SqliteStmt s = db_->prepare("DELETE FROM meta WHERE key = ?");
  s.bind_text(1, key);
  return s.exec();
}

core::Status WalletDb::put_key(const KeyRow& row) {
  SqliteStmt s = db_->prepare(
      "INSERT OR REPLACE INTO keys(key_hash, pubkey, chain, idx, handed_out, secret, created,"
      " label) VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, row.key_hash.bytes).bind(2, row.pubkey).bind(3, row.chain).bind(4, row.index);
  s.bind(5, row.handed_out ? 1 : 0);
  if (!row.secret.empty()) s.bind(6, row.secret);
  s.bind(7, row.created).bind_text(8, row.label);
  return s.exec();
}

core::Status WalletDb::set_handed_out(const core::Hash160& key_hash) {
  SqliteStmt s = db_->prepare("UPDATE keys SET handed_out = 1 WHERE key_hash = ?");
  s.bind(1, key_hash.bytes);
  return s.exec();
}

core::Status WalletDb::set_key_secret(const core::Hash160& key_hash,
                                      std::span<const uint8_t> secret) {
  SqliteStmt s = db_->prepare("UPDATE keys SET secret = ? WHERE key_hash = ?");
  s.bind(1, secret).bind(2, key_hash.bytes);
  return s.exec();
}

core::Result<std::vector<KeyRow>> WalletDb::load_keys() {
  SqliteStmt s = db_->prepare(
      "SELECT key_hash, pubkey, chain, idx, handed_out, secret, created, label FROM keys"
      " ORDER BY chain, idx");
  std::vector<KeyRow> out;
  for (;;) {
    auto row = s.step();
    if (!row) return core::fail(row.error());
    if (!*row) break;
    KeyRow k;
    k.key_hash = to_hash160(s.column_blob(0));
    k.pubkey = s.column_blob(1);
    k.chain = static_cast<int>(s.column_int(2));
    k.index = static_cast<uint32_t>(s.column_int(3));
    k.handed_out = s.column_int(4) != 0;
    k.secret = s.column_blob(5);
    k.created = s.column_int(6);
    k.label = s.column_text(7);
    out.push_back(std::move(k));
  }
  return out;
}

core::Status WalletDb::put_tx(const TxRow& row) {
  SqliteStmt s = db_->prepare(
      "INSERT OR REPLACE INTO txs(txid, raw, block_hash, block_height, block_pos, time_received,"
      " abandoned) VALUES(?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, row.txid.bytes).bind(2, row.raw);
  if (row.block_hash) s.bind(3, row.block_hash->bytes);
  s.bind(4, row.block_height).bind(5, row.block_pos).bind(6, row.time_received);
  s.bind(7, row.abandoned ? 1 : 0);
  return s.exec();
}

core::Result<std::vector<TxRow>> WalletDb::load_txs() {
  SqliteStmt s = db_->prepare(
      "SELECT txid, raw, block_hash, block_height, block_pos, time_received, abandoned FROM txs");
  std::vector<TxRow> out;
  for (;;) {
    auto row = s.step();
    if (!row) return core::fail(row.error());
    if (!*row) break;
    TxRow t;
    t.txid = to_hash256(s.column_blob(0));
    t.raw = s.column_blob(1);
    if (!s.column_is_null(2)) t.block_hash = to_hash256(s.column_blob(2));
    t.block_height = static_cast<int32_t>(s.column_int(3));
    t.block_pos = static_cast<int32_t>(s.column_int(4));
    t.time_received = s.column_int(5);
    t.abandoned = s.column_int(6) != 0;
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace btr::node::wallet
