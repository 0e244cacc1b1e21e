#include "node/wallet/coin_selection.h"

#include <algorithm>

namespace btr::node::wallet {
namespace {

size_t inputs_size(const std::vector<CoinCandidate>& coins) {
  size_t s = 0;
  for (const CoinCandidate& c : coins) s += c.input_size;
  return s;
}

core::Amount total(const std::vector<CoinCandidate>& coins) {
  core::Amount v = 0;
  for (const CoinCandidate& c : coins) v += c.value;
  return v;
}

// Finishes a candidate set: with change when the change is worth keeping,
// else everything above target goes to the fee. nullopt when it cannot pay.
std::optional<Selection> finish(std::vector<CoinCandidate> coins, const SelectionParams& p) {
  const size_t size = p.base_size + inputs_size(coins);
  const core::Amount in = total(coins);
  const core::Amount fee_no_change = fee_for(p.fee_per_kb, size);
  const core::Amount fee_change = fee_for(p.fee_per_kb, size + p.change_output_size);
  if (in < p.target + fee_no_change) return std::nullopt;
  Selection s;
  s.coins = std::move(coins);
  const core::Amount change = in - p.target - fee_change;
  if (change >= p.min_change) {
    s.fee = fee_change;
    s.change = change;
  } else {
    s.fee = in - p.target;
  }
  return s;
}

}  // namespace

core::Amount fee_for(core::Amount fee_per_kb, size_t size) {
  const core::Amount sz = static_cast<core::Amount>(size);
  return (fee_per_kb * sz + 999) / 1000;
}

std::optional<Selection> select_coins(std::vector<CoinCandidate> coins, const SelectionParams& p) {
  auto effective = [&](const CoinCandidate& c) {
    return c.value - fee_for(p.fee_per_kb, c.input_size);
  };
  std::erase_if(coins, [&](const CoinCandidate& c) { return effective(c) <= 0; });
  std::sort(coins.begin(), coins.end(), [&](const CoinCandidate& a, const CoinCandidate& b) {
    if (effective(a) != effective(b)) return effective(a) < effective(b);
    return a.outpoint < b.outpoint;  // deterministic order
  });
  const core::Amount base_fee = fee_for(p.fee_per_kb, p.base_size);
  const core::Amount change_cost = fee_for(p.fee_per_kb, p.change_output_size) + p.min_change;
  const core::Amount need = p.target + base_fee;
  // 1. A single coin whose excess is too small to be worth a change output.
  for (const CoinCandidate& c : coins) {
    const core::Amount excess = effective(c) - need;
    if (excess >= 0 && excess < change_cost) {
      if (auto s = finish({c}, p)) return s;
    }
  }
  // 2. The smallest single coin paying with change.
  for (const CoinCandidate& c : coins) {
    if (effective(c) >= need + change_cost) {
      if (auto s = finish({c}, p)) return s;
    }
  }
  // 3. Largest first until covered.
  std::vector<CoinCandidate> picked;
  core::Amount sum = 0;
  for (auto it = coins.rbegin(); it != coins.rend(); ++it) {
    picked.push_back(*it);
    sum += effective(*it);
    if (sum >= need) {
      if (auto s = finish(picked, p)) return s;
    }
  }
  return std::nullopt;
}

}  // namespace btr::node::wallet
