#pragma once
// Building blocks on the current tip: the coinbase (BIP34 height, then OP_0
// as Core's generate does, paying subsidy + fees), the mempool transactions
// picked by ancestor fee rate (Core's package selection) within the size and
// sigop limits, the header fields a template announces (bits, mintime,
// curtime), and the regtest nonce search.

#include <cstdint>
#include <span>
#include <vector>

#include "core/block.h"
#include "core/uint256.h"
#include "node/chain_state.h"
#include "node/mempool.h"

namespace btr::node {

// What getblocktemplate says about each non-coinbase transaction.
struct TemplateTx {
  core::Amount fee = 0;
  unsigned sigops = 0;          // legacy count, as the block limit counts
  std::vector<size_t> depends;  // 1-based positions (in `transactions`) of its parents
};

struct BlockTemplate {
  core::Block block;                // coinbase first; header ready except the nonce
  std::vector<TemplateTx> tx_info;  // one per transaction after the coinbase
  int32_t height = 0;
  core::Amount coinbase_value = 0;
  int64_t mintime = 0;
  core::Uint256 target;
  uint64_t size = 0;    // serialized block bytes
  uint64_t sigops = 0;  // including the coinbase's
};

// Room kept for the pool's own coinbase, as Core keeps it (4,000 weight
// units = 1,000 bytes, and 400 sigop cost = 100 legacy sigops).
inline constexpr uint64_t kCoinbaseReservedBytes = 1000;
inline constexpr uint64_t kCoinbaseReservedSigops = 100;

// Pool transactions for the next block, parents before children: the best
// ancestor fee rate package first, ancestors' rates recomputed as they are
// included (Core's addPackageTxs), until the budgets are spent.
std::vector<const MempoolEntry*> select_packages(const Mempool& pool, uint64_t max_bytes,
                                                 uint64_t max_sigops);

// A block on the tip with the pool's best transactions (none when pool is
// null), the coinbase paying subsidy + their fees.
BlockTemplate assemble_block(const ChainState& chain, const Mempool* pool,
                             std::span<const uint8_t> coinbase_script_pubkey);

// A block on the tip with exactly these transactions (generateblock); the
// coinbase pays the subsidy plus `fees`.
BlockTemplate make_block_template(const ChainState& chain,
                                  std::span<const uint8_t> coinbase_script_pubkey,
                                  std::vector<core::Transaction> transactions = {},
                                  core::Amount fees = 0);

// Tries nonces (rolling the time when they run out) until the header meets
// its target; false after max_tries hashes.
bool mine_block(core::Block& block, const core::Uint256& pow_limit, uint64_t max_tries);

}  // namespace btr::node
