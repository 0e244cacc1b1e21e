#pragma once
// The node's view of the block tree: every known block's index entry in
// memory (mirroring ChainStore's table), the active chain, and the rules for
// accepting a block and moving the tip: most cumulative work wins (ties go to
// the block received first, or to the one preciousblock named), a reorg of
// any depth disconnects with undo data and connects the other branch, and a
// block that fails validation marks itself and all its descendants invalid.

#include <cassert>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/block.h"
#include "core/chain_params.h"
#include "core/result.h"
#include "node/block_validation.h"
#include "node/chain_listener.h"
#include "node/chain_store.h"
#include "node/script_verifier.h"

namespace btr::node {

struct BlockIndex {
  BlockRecord rec;
  BlockIndex* prev = nullptr;

  const core::Hash256& hash() const { return rec.hash; }
  int32_t height() const { return rec.height; }
  bool failed() const { return (rec.status & block_status::kFailedMask) != 0; }
  bool have_data() const { return (rec.status & block_status::kHaveData) != 0; }
  const BlockIndex* ancestor(int32_t height) const;
  int64_t median_time_past() const;
};

// BIP22's answers to a submitted block.
struct SubmitResult {
  enum class Kind { kAccepted, kDuplicate, kInconclusive, kRejected };
  Kind kind = Kind::kAccepted;
  std::string reason;  // with kRejected: the Bitcoin-style reason
};

struct ChainOptions {
  bool txindex = false;
  uint64_t prune_target_bytes = 0;  // 0 = keep all raw blocks
  int32_t prune_keep_blocks = 288;  // the newest blocks are never pruned
};

class ChainState {
 public:
  using Clock = std::function<int64_t()>;
  using TipListener = std::function<void(const BlockIndex& tip)>;

  ChainState(const core::ChainParams& params, ChainStore& store, const ScriptVerifier& verifier,
             ChainOptions options, Clock clock);

  // Loads the index (creating genesis in a new database) and finishes any
  // interrupted reorganization.
  core::Status load();

  // submitblock's path: checks, stores, and activates the best chain.
  SubmitResult submit_block(const core::Block& block);
  // getblocktemplate proposal mode: would this block be a valid new tip,
  // proof of work aside? nullopt = valid, else the reason
  // ("inconclusive-not-best-prevblk", ...).
  std::optional<std::string> test_block_validity(const core::Block& block);
  // preciousblock: prefer this block among chains of equal work.
  core::Status precious_block(const core::Hash256& hash);

  // Never null after load(): the chain holds at least genesis.
  const BlockIndex* tip() const {
    assert(!chain_.empty());
    return chain_.back();
  }
  const BlockIndex* at_height(int32_t height) const;
  const BlockIndex* lookup(const core::Hash256& hash) const;
  bool in_active_chain(const BlockIndex* index) const;
  std::vector<const BlockIndex*> chain_tips() const;
  // Blocks in the active chain after `index` (the next one), or nullptr.
  const BlockIndex* next_in_chain(const BlockIndex* index) const;

  // The bits a block on top of `prev` must carry.
  uint32_t next_bits(const BlockIndex* prev) const;
  core::Result<core::Block> read_block(const BlockIndex* index);
  std::optional<std::vector<uint8_t>> read_raw_block(const BlockIndex* index);
  ChainStore& store() { return store_; }
  const core::ChainParams& params() const { return params_; }
  int64_t now() const { return clock_(); }
  void set_tip_listener(TipListener listener) { tip_listener_ = std::move(listener); }
  // Registers an observer of connected/disconnected blocks (not owned; it
  // must outlive the ChainState or be removed first).
  void add_listener(ChainListener* listener);
  void remove_listener(ChainListener* listener);
  // Rebuilds the UTXO set from the active chain's raw blocks (replay) and
  // returns its hash, to compare with store().utxo_stats().
  core::Result<UtxoStats> replay_utxo_stats();

 private:
  struct WorkOrder {
    bool operator()(const BlockIndex* a, const BlockIndex* b) const;
  };

  BlockIndex* insert_index(BlockRecord rec);
  core::Status init_genesis();
  core::Status check_and_store(const core::Block& block, BlockIndex** out);
  core::Status activate_best_chain();
  BlockIndex* best_candidate() const;
  core::Status connect_tip(BlockIndex* index, std::string* invalid_reason);
  core::Status disconnect_tip();
  void mark_invalid(BlockIndex* index, const std::string& reason);
  HeaderContext header_context(const BlockIndex* prev, int32_t height) const;
  void maybe_prune();

  const core::ChainParams& params_;
  ChainStore& store_;
  const ScriptVerifier& verifier_;
  ChainOptions options_;
  Clock clock_;
  TipListener tip_listener_;
  std::vector<ChainListener*> listeners_;
  std::map<core::Hash256, std::unique_ptr<BlockIndex>> index_;
  std::set<BlockIndex*, WorkOrder> candidates_;
  std::vector<BlockIndex*> chain_;
  int64_t next_sequence_ = 1;
  int64_t next_precious_ = -1;
};

}  // namespace btr::node
