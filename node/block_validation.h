#pragma once
// The contextual rules of chain.md that need the chain or the UTXO set
// (Bitcoin's ContextualCheckBlockHeader, ContextualCheckBlock and the input
// checks of ConnectBlock). Context-free checks are core::check_block's; this
// file only adds what depends on the parent block and on unspent coins.
// Every function takes its context as plain values so each rule can be
// tested by a block that breaks only it.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "core/block.h"
#include "core/chain_params.h"
#include "core/result.h"
#include "node/chain_store.h"
#include "node/coin.h"
#include "node/script_verifier.h"
#include "node/sequence_locks.h"

namespace btr::node {

struct HeaderContext {
  int32_t height = 0;            // of the block being checked
  uint32_t required_bits = 0;    // from ASERT, or the pow limit on regtest
  int64_t median_time_past = 0;  // of the parent
  int64_t now = 0;               // the node's clock (adjusted time)
};

// Reasons: bad-diffbits, time-too-old, time-too-new, bad-version(0x%08x).
core::Status check_header_contextual(const core::BlockHeader& header, const HeaderContext& ctx,
                                     const core::ChainParams& params);

// Reasons: bad-cb-height (BIP34, both accepted height encodings),
// bad-txns-nonfinal (BIP113: lock times against the parent's median time).
core::Status check_block_contextual(const core::Block& block, int32_t height,
                                    int64_t median_time_past);

bool is_final_tx(const core::Transaction& tx, int32_t height, int64_t lock_time_cutoff);

using CoinLookup = std::function<core::Result<std::optional<Coin>>(const core::OutPoint&)>;

struct ConnectChanges {
  BlockUndo undo;                    // coins from before this block that it spends
  std::vector<NewCoin> created;      // spendable outputs still unspent after the block
  std::vector<core::Hash256> txids;  // in block order
  core::Amount fees = 0;
};

// ConnectBlock's checks, without touching storage. Reasons:
// bad-txns-inputs-missingorspent, bad-txns-premature-spend-of-coinbase,
// bad-txns-inputvalues-outofrange, bad-txns-in-belowout, bad-txns-fee-outofrange,
// bad-txns-nonfinal (BIP68 sequence locks), bad-blk-sigops, bad-cb-amount, and
// the script verifier's reason. mtp_at gives the median time past of the
// block's ancestors (at heights below `height`), for BIP68's time locks.
core::Result<ConnectChanges> compute_connect(const core::Block& block, int32_t height,
                                             const MedianTimeAt& mtp_at, const CoinLookup& lookup,
                                             const ScriptVerifier& verifier,
                                             const core::ChainParams& params);

// Every spendable output of a block: what disconnecting it removes.
std::vector<NewCoin> block_outputs(const core::Block& block, int32_t height);

}  // namespace btr::node
