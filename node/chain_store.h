#pragma once
// Durable chain state in one SQLite database (WAL): the block index, raw
// blocks, the UTXO set, undo data per connected block, the chain tip and an
// optional transaction index. Connecting or disconnecting a block is a single
// transaction that moves the UTXO set, the undo data and the tip together,
// so a kill -9 at any moment leaves a state some block boundary had.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/block_header.h"
#include "core/result.h"
#include "core/uint256.h"
#include "node/coin.h"
#include "node/sqlite_db.h"

namespace btr::node {

// Block status bits (stored).
namespace block_status {
inline constexpr uint32_t kHaveData = 1;     // raw block stored (cleared by pruning)
inline constexpr uint32_t kValid = 2;        // connected at least once: fully valid
inline constexpr uint32_t kFailed = 4;       // the block itself is invalid
inline constexpr uint32_t kFailedChild = 8;  // descends from an invalid block
inline constexpr uint32_t kPruned = 16;      // data was stored once, then pruned
inline constexpr uint32_t kFailedMask = kFailed | kFailedChild;
}  // namespace block_status

struct BlockRecord {
  core::Hash256 hash;
  core::BlockHeader header;
  int32_t height = 0;
  core::Uint256 chain_work;
  uint32_t status = 0;
  uint32_t tx_count = 0;
  uint32_t size = 0;
  int64_t sequence = 0;  // arrival order; lower wins among equal work
  std::string fail_reason;
};

// A coin to add when connecting (or to remove when disconnecting).
struct NewCoin {
  core::OutPoint outpoint;
  Coin coin;
};

struct UtxoStats {
  uint64_t txouts = 0;
  uint64_t transactions = 0;
  int64_t total_amount = 0;
  core::Hash256 hash;  // SHA256d over serialize_utxo_entry in key order
  uint64_t serialized_size = 0;
};

class ChainStore {
 public:
  static core::Result<std::unique_ptr<ChainStore>> open(const std::filesystem::path& path);

  // The network this database belongs to ("" when new).
  std::string network();
  core::Status set_network(const std::string& network);

  // Inserts a block's index entry and raw bytes in one transaction.
  core::Status add_block(const BlockRecord& rec, std::span<const uint8_t> raw);
  core::Status set_status(const core::Hash256& hash, uint32_t status, const std::string& reason);
  core::Status set_sequence(const core::Hash256& hash, int64_t sequence);
  core::Result<std::vector<BlockRecord>> load_index();
  core::Result<std::optional<std::vector<uint8_t>>> read_block(const core::Hash256& hash);
  std::optional<core::Hash256> tip();

  core::Result<std::optional<Coin>> get_coin(const core::OutPoint& outpoint);

  // One transaction: spent coins leave, created coins arrive, the undo record
  // is stored, the block becomes valid and the tip moves to it.
  core::Status connect_block(const core::Hash256& hash, const BlockUndo& undo,
                             const std::vector<NewCoin>& created,
                             const std::vector<core::Hash256>& txids, bool txindex);
  // One transaction: created coins leave, undo coins come back, the tip moves
  // to new_tip.
  core::Status disconnect_block(const core::Hash256& hash, const core::Hash256& new_tip,
                                const BlockUndo& undo, const std::vector<NewCoin>& created,
                                const std::vector<core::Hash256>& txids);
  core::Result<std::optional<BlockUndo>> read_undo(const core::Hash256& hash);

  core::Result<UtxoStats> utxo_stats();
  // Block holding txid, from the transaction index.
  std::optional<core::Hash256> find_tx(const core::Hash256& txid);

  // Deletes raw blocks, oldest first, until the stored total fits
  // target_bytes, never touching the hashes in keep. Returns how many.
  core::Result<size_t> prune(uint64_t target_bytes, const std::vector<core::Hash256>& keep);
  uint64_t stored_block_bytes();

 private:
  explicit ChainStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
  core::Status init_schema();

  std::unique_ptr<SqliteDb> db_;
};

}  // namespace btr::node
