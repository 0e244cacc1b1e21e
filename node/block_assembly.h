#pragma once
// Building blocks on the current tip: the coinbase (BIP34 height, then OP_0
// as Core's generate does, paying subsidy + fees), the header fields a
// template announces (bits, mintime, curtime), and a CPU nonce search over
// core's header hashing for regtest, where the pow limit 0x207fffff makes
// about two hashes per block enough. (node may not link kernels/, so the
// project's CPU kernels are not used here.)

#include <cstdint>
#include <span>
#include <vector>

#include "core/block.h"
#include "core/uint256.h"
#include "node/chain_state.h"

namespace btr::node {

struct BlockTemplate {
  core::Block block;  // coinbase first; header ready except the nonce
  int32_t height = 0;
  core::Amount coinbase_value = 0;
  int64_t mintime = 0;
  core::Uint256 target;
};

BlockTemplate make_block_template(const ChainState& chain,
                                  std::span<const uint8_t> coinbase_script_pubkey,
                                  std::vector<core::Transaction> transactions = {});

// Tries nonces (rolling the time when they run out) until the header meets
// its target; false after max_tries hashes.
bool mine_block(core::Block& block, const core::Uint256& pow_limit, uint64_t max_tries);

}  // namespace btr::node
