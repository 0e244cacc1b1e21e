#pragma once
// Amounts written as coins ("0.00001", "12", "1.5"), as Bitcoin Core reads
// them in options (-minrelaytxfee) and RPC parameters (maxfeerate): at most
// 8 decimals, not negative, within MAX_MONEY.

#include <string_view>

#include "core/amount.h"
#include "core/result.h"

namespace btr::node {

// Reasons: "Invalid amount", "Amount out of range" (Core's RPC messages).
core::Result<core::Amount> parse_coin_amount(std::string_view text);

}  // namespace btr::node
