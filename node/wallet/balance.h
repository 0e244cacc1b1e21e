#pragma once
// Balances from the state of each wallet output. Pure, so the confirmation
// and maturity rules are tested without a chain: a payment has "arrived" at
// 6 confirmations (chain.md), a coinbase output is spendable only at 100
// (coinbase maturity), and an unconfirmed output counts as trusted only when
// the wallet made the transaction and it is in the memory pool.

#include <cstdint>
#include <span>

#include "core/amount.h"

namespace btr::node::wallet {

struct OutputState {
  core::Amount value = 0;
  int32_t depth = 0;  // confirmations; 0 = in the memory pool; < 0 = conflicted/dropped
  bool coinbase = false;
  bool trusted = false;  // unconfirmed and spending only our own coins
  bool spent = false;    // by a transaction confirmed or in the memory pool
};

struct BalanceRules {
  int32_t coinbase_maturity = 100;
  int32_t arrival_confirmations = 6;
};

struct Balances {
  core::Amount trusted = 0;            // spendable now: confirmed, or own change in the pool
  core::Amount untrusted_pending = 0;  // unconfirmed payments from others
  core::Amount immature = 0;           // coinbase outputs not yet mature
  core::Amount arrived = 0;            // mature and at least arrival_confirmations deep
};

bool is_immature(const OutputState& o, const BalanceRules& rules);
// Would coin selection (and getbalance with this minconf) count the output?
bool counts_at(const OutputState& o, int32_t minconf, const BalanceRules& rules);
Balances compute_balances(std::span<const OutputState> outputs, const BalanceRules& rules);
// getbalance's sum with a minimum depth (0 includes trusted unconfirmed).
core::Amount balance_at(std::span<const OutputState> outputs, int32_t minconf,
                        const BalanceRules& rules);

}  // namespace btr::node::wallet
