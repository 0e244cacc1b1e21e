#pragma once
// The wallet's SQLite file (DATADIR/wallet.sqlite, WAL, synchronous=FULL):
// settings and secrets in `meta`, one row per key in `keys` (HD keys by chain
// and index, imported keys with their private key), one row per wallet
// transaction in `txs`. Every change the wallet makes is one SQLite
// transaction, so a kill -9 leaves either the old or the new state and a key
// is on disk before its address is handed out.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/hash160.h"
#include "core/result.h"
#include "core/uint256.h"
#include "node/sqlite_db.h"

namespace btr::node::wallet {

// HD chains below the account key m/0': external (receiving) and internal (change).
inline constexpr int kExternalChain = 0;
inline constexpr int kInternalChain = 1;
inline constexpr int kImportedChain = -1;

struct KeyRow {
  core::Hash160 key_hash;
  std::vector<uint8_t> pubkey;  // 33 or 65 bytes
  int chain = kExternalChain;
  uint32_t index = 0;           // HD index (unused for imported keys)
  bool handed_out = false;      // getnewaddress/change returned it
  std::vector<uint8_t> secret;  // imported keys only: plain or sealed
  int64_t created = 0;
  std::string label;
};

struct TxRow {
  core::Hash256 txid;
  std::vector<uint8_t> raw;
  std::optional<core::Hash256> block_hash;  // set while confirmed
  int32_t block_height = -1;
  int32_t block_pos = -1;
  int64_t time_received = 0;
  bool abandoned = false;
};

class WalletDb {
 public:
  static core::Result<std::unique_ptr<WalletDb>> open(const std::filesystem::path& path);

  std::optional<std::vector<uint8_t>> get_meta(const std::string& key);
  std::optional<int64_t> get_meta_int(const std::string& key);
  core::Status put_meta(const std::string& key, std::span<const uint8_t> value);
  core::Status put_meta_int(const std::string& key, int64_t value);
  core::Status erase_meta(const std::string& key);

  core::Status put_key(const KeyRow& row);  // insert or replace
  core::Status set_handed_out(const core::Hash160& key_hash);
  core::Status set_key_secret(const core::Hash160& key_hash, std::span<const uint8_t> secret);
  core::Result<std::vector<KeyRow>> load_keys();

  core::Status put_tx(const TxRow& row);  // insert or replace
  core::Result<std::vector<TxRow>> load_txs();

  SqliteDb& db() { return *db_; }

 private:
  explicit WalletDb(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
  core::Status init_schema();

  std::unique_ptr<SqliteDb> db_;
};

}  // namespace btr::node::wallet
