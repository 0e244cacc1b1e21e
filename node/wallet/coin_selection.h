#pragma once
// Choosing which of the wallet's coins pay for a transaction. Pure
// functions over plain values so the rules are tested without a chain.
//
// The fee is part of the problem: every input adds its size to the fee, so
// coins are compared by effective value (value minus the fee to spend them).
// Preference, as Bitcoin Core's selection reaches in most cases: one coin
// that pays without change (its excess would cost less than a change output),
// else the smallest single coin that pays with a change output above dust,
// else the largest coins first until the target and fee are covered.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/amount.h"
#include "core/transaction.h"

namespace btr::node::wallet {

// Serialized sizes of legacy P2PKH pieces (a DER signature is at most 72
// bytes with the hash type; sizes are upper bounds so the fee is never short).
inline constexpr size_t kTxOverheadSize = 10;   // version, counts, locktime
inline constexpr size_t kP2pkhInputSize = 148;  // compressed public key
inline constexpr size_t kP2pkhInputSizeUncompressed = 180;
inline constexpr size_t kP2pkhOutputSize = 34;

struct CoinCandidate {
  core::OutPoint outpoint;
  core::Amount value = 0;
  size_t input_size = kP2pkhInputSize;
};

struct SelectionParams {
  core::Amount target = 0;      // sum of the payment outputs
  size_t base_size = 0;         // overhead + payment outputs, no inputs, no change
  core::Amount fee_per_kb = 0;  // units per 1000 bytes
  size_t change_output_size = kP2pkhOutputSize;
  core::Amount min_change = 546;  // smaller change goes to the fee (dust)
};

struct Selection {
  std::vector<CoinCandidate> coins;
  core::Amount fee = 0;
  core::Amount change = 0;  // 0: no change output
};

// Fee for `size` bytes at `fee_per_kb`, rounded up (never below the rate).
core::Amount fee_for(core::Amount fee_per_kb, size_t size);

// nullopt when the coins cannot pay target plus fee.
std::optional<Selection> select_coins(std::vector<CoinCandidate> coins, const SelectionParams& p);

}  // namespace btr::node::wallet
