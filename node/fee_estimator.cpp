#include "node/fee_estimator.h"

#include <algorithm>
#include <map>

#include "node/chain_state.h"

namespace btr::node {

FeeEstimator::FeeEstimator(ChainState& chain, size_t window) : chain_(chain), window_(window) {
  chain_.add_listener(this);
}

FeeEstimator::~FeeEstimator() {
  chain_.remove_listener(this);
}

void FeeEstimator::load_recent() {
  blocks_.clear();
  const int32_t top = chain_.tip()->height();
  const int32_t first = std::max<int32_t>(1, top - static_cast<int32_t>(window_) + 1);
  for (int32_t h = first; h <= top; ++h) {
    const BlockIndex* index = chain_.at_height(h);
    auto block = chain_.read_block(index);
    if (!block) continue;  // pruned: those blocks just don't count
    blocks_.push_back(block_rates(*block, *index));
  }
}

std::vector<core::Amount> FeeEstimator::block_rates(const core::Block& block,
                                                    const BlockIndex& index) {
  std::vector<core::Amount> rates;
  if (block.transactions.size() <= 1) return rates;
  auto undo = chain_.store().read_undo(index.hash());
  if (!undo || !*undo) return rates;
  const std::vector<SpentCoin>& spent = (*undo)->spent;
  // Undo data lists the spent chain coins in spending order; coins created
  // earlier in the same block are not in it.
  std::map<core::OutPoint, core::Amount> in_block;
  size_t next = 0;
  for (size_t t = 0; t < block.transactions.size(); ++t) {
    const core::Transaction& tx = block.transactions[t];
    const core::Hash256 txid = tx.txid();
    if (t > 0) {
      core::Amount in = 0;
      for (const core::TxIn& input : tx.inputs) {
        if (auto it = in_block.find(input.prevout); it != in_block.end()) {
          in += it->second;
        } else if (next < spent.size() && spent[next].outpoint == input.prevout) {
          in += spent[next++].coin.out.value;
        } else {
          return {};  // undo data does not match the block: ignore it
        }
      }
      auto out = tx.total_output_value();
      if (!out || *out > in) return {};
      rates.push_back((in - *out) * 1000 / static_cast<core::Amount>(tx.serialized_size()));
    }
    for (uint32_t i = 0; i < tx.outputs.size(); ++i) in_block[{txid, i}] = tx.outputs[i].value;
  }
  return rates;
}

void FeeEstimator::block_connected(const core::Block& block, const BlockIndex& index) {
  blocks_.push_back(block_rates(block, index));
  while (blocks_.size() > window_) blocks_.pop_front();
}

void FeeEstimator::block_disconnected(const core::Block& block, const BlockIndex& index) {
  (void)block;
  (void)index;
  if (!blocks_.empty()) blocks_.pop_back();
}

double FeeEstimator::quantile_for(int conf_target) {
  if (conf_target <= 1) return 0.9;
  if (conf_target == 2) return 0.8;
  if (conf_target < 6) return 0.65;
  if (conf_target < 25) return 0.5;
  return 0.25;
}

size_t FeeEstimator::lookback_for(int conf_target) {
  return std::max<size_t>(6, 2 * static_cast<size_t>(std::max(conf_target, 1)));
}

std::optional<core::Amount> FeeEstimator::estimate(int conf_target) const {
  std::vector<core::Amount> rates;
  const size_t lookback = std::min(lookback_for(conf_target), blocks_.size());
  for (size_t i = blocks_.size() - lookback; i < blocks_.size(); ++i) {
    rates.insert(rates.end(), blocks_[i].begin(), blocks_[i].end());
  }
  if (rates.size() < kMinSamples) return std::nullopt;
  std::sort(rates.begin(), rates.end());
  const double q = quantile_for(conf_target);
  const size_t pos =
      std::min(rates.size() - 1, static_cast<size_t>(q * static_cast<double>(rates.size())));
  return rates[pos];
}

}  // namespace btr::node
