#include "node/block_assembly.h"

#include <algorithm>

#include "core/pow.h"
#include "core/script.h"
#include "core/subsidy.h"

namespace btr::node {

BlockTemplate make_block_template(const ChainState& chain,
                                  std::span<const uint8_t> coinbase_script_pubkey,
                                  std::vector<core::Transaction> transactions) {
  const BlockIndex* tip = chain.tip();
  const core::ChainParams& params = chain.params();
  BlockTemplate t;
  t.height = tip->height() + 1;
  t.coinbase_value = core::block_subsidy(t.height);  // + fees once the mempool exists
  t.mintime = tip->median_time_past() + 1;

  core::Transaction coinbase;
  core::TxIn in;
  in.prevout.index = core::OutPoint::kNullIndex;
  in.script_sig = core::coinbase_height_script(t.height);
  in.script_sig.push_back(core::OP_0);  // keeps the scriptSig >= 2 bytes at heights 1..16
  coinbase.inputs.push_back(std::move(in));
  coinbase.outputs.push_back(
      {t.coinbase_value,
       std::vector<uint8_t>(coinbase_script_pubkey.begin(), coinbase_script_pubkey.end())});

  core::Block& b = t.block;
  b.transactions.push_back(std::move(coinbase));
  for (core::Transaction& tx : transactions) b.transactions.push_back(std::move(tx));
  b.header.version = params.template_version;
  b.header.prev_block = tip->hash();
  b.header.bits = chain.next_bits(tip);
  b.header.time = static_cast<uint32_t>(std::max<int64_t>(t.mintime, chain.now()));
  b.header.merkle_root = b.compute_merkle_root().root;
  t.target = core::decode_compact(b.header.bits).target;
  return t;
}

bool mine_block(core::Block& block, const core::Uint256& pow_limit, uint64_t max_tries) {
  for (uint64_t tries = 0; tries < max_tries; ++tries) {
    if (core::check_proof_of_work(block.header.hash(), block.header.bits, pow_limit)) return true;
    if (++block.header.nonce == 0) ++block.header.time;
  }
  return false;
}

}  // namespace btr::node
