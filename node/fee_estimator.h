#pragma once
// estimatesmartfee's data: the fee rates paid by the transactions of the
// most recent blocks (any block, mined here or not: the fees come from the
// blocks' undo data). A short target asks for a high quantile of those
// rates, a long one for a low quantile. This is deliberately simple; it is
// not Core's bucketed confirmation-time tracker.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "core/amount.h"
#include "core/block.h"
#include "node/chain_listener.h"

namespace btr::node {

class ChainState;

class FeeEstimator final : public ChainListener {
 public:
  static constexpr size_t kDefaultWindow = 100;  // blocks remembered
  static constexpr size_t kMinSamples = 3;       // fewer rates: no estimate

  explicit FeeEstimator(ChainState& chain, size_t window = kDefaultWindow);
  ~FeeEstimator() override;
  FeeEstimator(const FeeEstimator&) = delete;
  FeeEstimator& operator=(const FeeEstimator&) = delete;

  // Reads the rates of the newest `window` blocks of the active chain.
  void load_recent();
  // Units per 1000 bytes for confirmation within conf_target blocks, or
  // nullopt without enough data.
  std::optional<core::Amount> estimate(int conf_target) const;
  // The quantile of the recent rates a target asks for (0..1).
  static double quantile_for(int conf_target);
  // Blocks a target looks back over: max(6, 2 x target), within the window.
  static size_t lookback_for(int conf_target);

  void block_connected(const core::Block& block, const BlockIndex& index) override;
  void block_disconnected(const core::Block& block, const BlockIndex& index) override;

 private:
  // Rates (units/kB) of a connected block's transactions; empty when its
  // undo data is unreadable.
  std::vector<core::Amount> block_rates(const core::Block& block, const BlockIndex& index);

  ChainState& chain_;
  size_t window_;
  std::deque<std::vector<core::Amount>> blocks_;  // newest last
};

}  // namespace btr::node
