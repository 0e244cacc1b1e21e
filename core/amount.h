#pragma once
// Amounts in base units. 1 BTR = 100,000,000 units; amounts are signed 64-bit
// so that a negative value (always invalid) is representable and detectable.

#include <cstdint>

namespace btr::core {

using Amount = int64_t;

inline constexpr Amount kCoin = 100'000'000;
// The supply cap (chain.md): no amount, and no sum of amounts, may exceed it.
inline constexpr Amount kMaxMoney = 1'050'000'000 * kCoin;

constexpr bool money_range(Amount value) {
  return value >= 0 && value <= kMaxMoney;
}

}  // namespace btr::core
