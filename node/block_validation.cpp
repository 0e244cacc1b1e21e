#include "node/block_validation.h"

#include <cstdio>
#include <map>
#include <set>

#include "core/script.h"
#include "core/subsidy.h"
#include "core/validation.h"

namespace btr::node {

core::Status check_header_contextual(const core::BlockHeader& header, const HeaderContext& ctx,
                                     const core::ChainParams& params) {
  if (header.bits != ctx.required_bits) return core::fail("bad-diffbits");
  if (int64_t{header.time} <= ctx.median_time_past) return core::fail("time-too-old");
  if (int64_t{header.time} > ctx.now + params.max_future_block_time) {
    return core::fail("time-too-new");
  }
  if (header.version < params.min_block_version) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "bad-version(0x%08x)", static_cast<uint32_t>(header.version));
    return core::fail(buf);
  }
  return core::Status::success();
}

bool is_final_tx(const core::Transaction& tx, int32_t height, int64_t lock_time_cutoff) {
  if (tx.locktime == 0) return true;
  constexpr uint32_t kLockTimeThreshold = 500'000'000;  // below: a height, else a time
  const int64_t limit = tx.locktime < kLockTimeThreshold ? height : lock_time_cutoff;
  if (int64_t{tx.locktime} < limit) return true;
  for (const core::TxIn& in : tx.inputs) {
    if (in.sequence != core::TxIn::kFinalSequence) return false;
  }
  return true;
}

core::Status check_block_contextual(const core::Block& block, int32_t height,
                                    int64_t median_time_past) {
  for (const core::Transaction& tx : block.transactions) {
    if (!is_final_tx(tx, height, median_time_past)) return core::fail("bad-txns-nonfinal");
  }
  if (block.transactions.empty()) return core::fail("bad-cb-missing");
  auto cb_height = core::parse_coinbase_height(block.transactions[0].inputs[0].script_sig);
  if (!cb_height || *cb_height != height) return core::fail("bad-cb-height");
  return core::Status::success();
}

std::vector<NewCoin> block_outputs(const core::Block& block, int32_t height) {
  std::vector<NewCoin> out;
  for (const core::Transaction& tx : block.transactions) {
    const core::Hash256 txid = tx.txid();
    for (uint32_t i = 0; i < tx.outputs.size(); ++i) {
      if (is_unspendable(tx.outputs[i])) continue;
      out.push_back({{txid, i}, {tx.outputs[i], static_cast<uint32_t>(height), tx.is_coinbase()}});
    }
  }
  return out;
}

core::Result<ConnectChanges> compute_connect(const core::Block& block, int32_t height,
                                             const MedianTimeAt& mtp_at, const CoinLookup& lookup,
                                             const ScriptVerifier& verifier,
                                             const core::ChainParams& params) {
  ConnectChanges ch;
  std::map<core::OutPoint, Coin> in_block;  // created earlier in this block, unspent so far
  std::set<core::OutPoint> spent;           // spent earlier in this block
  unsigned sigops = 0;
  const int64_t prev_mtp = mtp_at(height - 1);
  std::vector<int32_t> coin_heights;
  for (const core::Transaction& tx : block.transactions) {
    sigops += core::legacy_sigop_count(tx);
    if (sigops > params.max_block_sigops) return core::fail("bad-blk-sigops");
    const core::Hash256 txid = tx.txid();
    ch.txids.push_back(txid);
    if (!tx.is_coinbase()) {
      core::Amount value_in = 0;
      coin_heights.clear();
      for (size_t i = 0; i < tx.inputs.size(); ++i) {
        const core::OutPoint& op = tx.inputs[i].prevout;
        if (spent.count(op) != 0) return core::fail("bad-txns-inputs-missingorspent");
        std::optional<Coin> coin;
        bool from_block = false;
        if (auto it = in_block.find(op); it != in_block.end()) {
          coin = it->second;
          from_block = true;
        } else {
          auto found = lookup(op);
          if (!found) return core::fail(found.error());
          coin = *found;
        }
        if (!coin) return core::fail("bad-txns-inputs-missingorspent");
        if (coin->coinbase &&
            height - static_cast<int32_t>(coin->height) < params.coinbase_maturity) {
          return core::fail("bad-txns-premature-spend-of-coinbase");
        }
        coin_heights.push_back(static_cast<int32_t>(coin->height));
        value_in += coin->out.value;
        if (!core::money_range(coin->out.value) || !core::money_range(value_in)) {
          return core::fail("bad-txns-inputvalues-outofrange");
        }
        if (auto st = verifier.verify(tx, i, coin->out, script_flags::kConsensus); !st) {
          return core::fail(st.error());
        }
        spent.insert(op);
        if (from_block) {
          in_block.erase(op);
        } else {
          ch.undo.spent.push_back({op, *coin});
        }
      }
      if (!sequence_lock_satisfied(calculate_sequence_lock(tx, coin_heights, mtp_at), height,
                                   prev_mtp)) {
        return core::fail("bad-txns-nonfinal");
      }
      auto value_out = tx.total_output_value();
      if (!value_out) return core::fail(value_out.error());
      if (value_in < *value_out) return core::fail("bad-txns-in-belowout");
      ch.fees += value_in - *value_out;
      if (!core::money_range(ch.fees)) return core::fail("bad-txns-fee-outofrange");
    }
    for (uint32_t i = 0; i < tx.outputs.size(); ++i) {
      if (is_unspendable(tx.outputs[i])) continue;
      in_block[{txid, i}] = Coin{tx.outputs[i], static_cast<uint32_t>(height), tx.is_coinbase()};
    }
  }
  auto coinbase_out = block.transactions[0].total_output_value();
  if (!coinbase_out) return core::fail(coinbase_out.error());
  if (*coinbase_out > core::block_subsidy(height) + ch.fees) return core::fail("bad-cb-amount");
  // Keep block order for the created coins (deterministic storage writes).
  for (const NewCoin& n : block_outputs(block, height)) {
    if (in_block.count(n.outpoint) != 0) ch.created.push_back(n);
  }
  return ch;
}

}  // namespace btr::node
