#include "node/wallet/balance.h"

namespace btr::node::wallet {

bool is_immature(const OutputState& o, const BalanceRules& rules) {
  return o.coinbase && o.depth < rules.coinbase_maturity;
}

bool counts_at(const OutputState& o, int32_t minconf, const BalanceRules& rules) {
  if (o.spent || o.depth < 0 || is_immature(o, rules)) return false;
  if (o.depth == 0) return minconf <= 0 && o.trusted;
  return o.depth >= minconf;
}

Balances compute_balances(std::span<const OutputState> outputs, const BalanceRules& rules) {
  Balances b;
  for (const OutputState& o : outputs) {
    if (o.spent || o.depth < 0) continue;
    if (is_immature(o, rules)) {
      b.immature += o.value;
      continue;
    }
    if (o.depth == 0) {
      (o.trusted ? b.trusted : b.untrusted_pending) += o.value;
      continue;
    }
    b.trusted += o.value;
    if (o.depth >= rules.arrival_confirmations) b.arrived += o.value;
  }
  return b;
}

core::Amount balance_at(std::span<const OutputState> outputs, int32_t minconf,
                        const BalanceRules& rules) {
  core::Amount sum = 0;
  for (const OutputState& o : outputs) {
    if (counts_at(o, minconf, rules)) sum += o.value;
  }
  return sum;
}

}  // namespace btr::node::wallet
